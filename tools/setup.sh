#!/usr/bin/env bash
# Set up everything ilead-shell needs on a fresh Debian/Ubuntu machine.
#   tools/setup.sh          the tool itself, in .venv/
#   tools/setup.sh --test   also what the tests need: olxcleaner, Playwright (driving
#                           Debian's Chromium, never a downloaded browser) and the
#                           scorm-again SCORM runtime from npm, and the real importers
#                           of ../shared/tools (tools/setup-readers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
if [ $want_tests = 1 ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
# An editable install leaves our modules uncompiled; where PYTHONDONTWRITEBYTECODE is set, every
# command would compile them again (about 0.1 s).  Compiled now, as pip does for a regular install.
.venv/bin/python -m compileall -q src exporters >/dev/null

if [ $want_tests = 1 ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" != 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  fi
  if [ -f tests/browser/package.json ]; then
    (cd tests/browser && npm ci --silent --no-audit --no-fund)
  fi
  # The real importers (Moodle, cc2olx, the Canvas cartridge viewer, Open edX's blocks) from
  # ../shared/tools, when it is beside the clone.
  tools/setup-readers.sh
fi
echo "setup done: .venv/bin/ilead-shell is ready" >&2
