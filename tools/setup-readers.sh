#!/usr/bin/env bash
# Install the real importers our bundles are tested against, from ../shared/tools beside the
# clone: a throw-away Moodle 5.1 site (PHP 8.2 and PostgreSQL 15 from Debian), cc2olx and the
# Canvas cartridge viewer (readers/), and Open edX's block classes (edx-blocks/).
#
#   tools/setup-readers.sh            install what is missing, reuse what works
#   ILEAD_SHARED=/path/to/shared tools/setup-readers.sh
#
# Each tool goes where the scripts in ../shared/tools look by default, so tests and a person at
# the shell find the same site: ${TMPDIR:-/tmp}/moodle-eval, ${TMPDIR:-/tmp}/ilead-readers and
# ${TMPDIR:-/tmp}/ilead-edx-blocks. The three installs run side by side; each logs to
# ${TMPDIR:-/tmp}/ilead-setup-<tool>.log, and the script fails if any of them fails.
# Nothing here is needed to build courses: only the tests use these programs.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${ILEAD_SHARED:-$(cd .. && pwd)/shared}"
tools="$shared/tools"
if [ ! -d "$tools" ]; then
  echo "setup-readers: no $tools beside the clone; the real-importer tests will be skipped" >&2
  exit 0
fi
tmp="${TMPDIR:-/tmp}"
as_root=""
[ "$(id -u)" != 0 ] && as_root="sudo"

apt_install() {
  local missing=""
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing >/dev/null
}

python312() {
  if python3.12 -c 'import sys' >/dev/null 2>&1; then command -v python3.12; return; fi
  ls -d "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.12*/bin/python3.12 2>/dev/null | tail -1
}

moodle() {
  local home="${MOODLE_EVAL_HOME:-$tmp/moodle-eval}"
  apt_install postgresql
  if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    $as_root pg_ctlcluster "$(pg_lsclusters -h | awk 'NR==1{print $1}')" main start
  fi
  # A site that answers is kept: install.sh would drop its database and start again.
  if [ -f "$home/moodle/config.php" ] && php "$home/moodle/admin/cli/cfg.php" --name=release >/dev/null 2>&1; then
    echo "moodle: site at $home is ready"
    return 0
  fi
  MOODLE_EVAL_HOME="$home" MOODLE_TARBALL="$tools/moodle/moodle-5.1-trimmed.tar.xz" "$tools/moodle/install.sh"
}

cartridge_readers() {
  apt_install chromium
  PYTHON312="$(python312)" READERS_HOME="${READERS_HOME:-$tmp/ilead-readers}" "$tools/readers/setup.sh"
}

edx_blocks() {
  local venv="${EDX_BLOCKS_VENV:-$tmp/ilead-edx-blocks}"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import xblocks_contrib, openassessment, edxval' >/dev/null 2>&1; then
    echo "edx-blocks: $venv is ready"
    return 0
  fi
  PYTHON="$(python312)" VENV="$venv" "$tools/edx-blocks/setup.sh"
}

# apt must not run twice at once: take the Debian packages first, then the three installs.
apt_install postgresql chromium php8.2-cli php8.2-pgsql php8.2-xml php8.2-mbstring php8.2-curl \
  php8.2-zip php8.2-gd php8.2-intl php8.2-soap php8.2-opcache
pids=()
for tool in moodle cartridge_readers edx_blocks; do
  log="$tmp/ilead-setup-$tool.log"
  ( "$tool" ) >"$log" 2>&1 &
  pids+=("$!:$tool:$log")
done
failed=0
for entry in "${pids[@]}"; do
  IFS=: read -r pid tool log <<<"$entry"
  if wait "$pid"; then
    echo "setup-readers: $tool ready" >&2
  else
    echo "setup-readers: $tool FAILED; the end of $log:" >&2
    tail -n 20 "$log" >&2
    failed=1
  fi
done
exit $failed
