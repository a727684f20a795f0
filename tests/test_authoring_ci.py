"""The CI workflow and the pre-commit hook in docs/ (issue #13, item 6): valid files, shown in
docs/ci.md as they are, and every ilead-shell command they run works as the docs say."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from authoring_support import DOCS, edit, validated

WORKFLOW = DOCS / "ci" / "ilead-shell.yml"
MATCHER = DOCS / "ci" / "ilead-shell-matcher.json"
PRE_COMMIT = DOCS / "ci" / "pre-commit-config.yaml"
CI_PAGE = (DOCS / "ci.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def _workflow_commands() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check-and-build"]["steps"]
    return [step["run"] for step in steps if "run" in step]


def _ilead_commands() -> list[str]:
    hook = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))["repos"][0]["hooks"][0]
    return [c for c in _workflow_commands() if c.startswith("ilead-shell ")] + [hook["entry"]]


def test_the_workflow_is_a_valid_github_actions_workflow():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # PyYAML reads the key 'on' as True (YAML 1.1); GitHub reads it as 'on'.
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"push", "pull_request"}
    job = workflow["jobs"]["check-and-build"]
    assert job["runs-on"] == "ubuntu-latest"
    uses = [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/upload-artifact"]
    assert all(set(step) <= {"name", "run", "uses", "with"} for step in job["steps"])


def test_ilead_shell_is_installed_from_a_pinned_git_url_never_by_name_from_pypi():
    """No package called ilead-shell on PyPI is ours: the workflow installs the one requirement
    named at its top, a direct git reference pinned to a tag or commit, marked for the user to edit."""
    from packaging.requirements import Requirement

    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    requirement = Requirement(workflow["env"]["ILEAD_SHELL"])
    assert requirement.name == "ilead-shell" and requirement.url.startswith("git+https://")
    repository, _, ref = requirement.url.removeprefix("git+https://").rpartition("@")
    assert repository.endswith("/ilead-shell") and ref, "the git URL must be pinned to a tag or a commit"
    installs = [c for c in _workflow_commands() if re.search(r"\bpip\b.*\binstall\b", c)]
    assert installs == ['pip install "$ILEAD_SHELL"']
    for line in text.splitlines():
        command = line.split("#", 1)[0]
        assert not re.search(r"pip install\s+['\"]?ilead-shell\b", command), line
    edit_line = next(i for i, line in enumerate(text.splitlines()) if "EDIT" in line)
    assert "ILEAD_SHELL:" in "\n".join(text.splitlines()[edit_line:edit_line + 4])
    assert "OWNER" in requirement.url and "EDIT" in CI_PAGE


def test_the_pre_commit_hook_is_valid():
    config = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert config["repos"][0]["repo"] == "local"
    assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "system"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "modules/01-x/01-page.md") and re.search(hook["files"], "course.yml")
    assert not re.search(hook["files"], "assets/logo.png")


@pytest.mark.parametrize("path", [WORKFLOW, MATCHER, PRE_COMMIT], ids=lambda p: p.name)
def test_docs_ci_md_shows_each_file_as_it_is(path):
    assert path.read_text(encoding="utf-8").rstrip() in CI_PAGE


def test_docs_ci_md_lists_the_commands_the_files_run():
    for command in _ilead_commands():
        assert command in CI_PAGE, command


def test_the_problem_matcher_reads_ilead_shell_error_lines(copy_root):
    root = copy_root("fidelity")
    edit(root / "modules/03-practice/01-plan.md", "outcomes: [M3.1]", "outcomes: [M3.9]")
    result = subprocess.run([BIN / "ilead-shell", "check", "--strict"], cwd=root, capture_output=True, text=True)
    pattern = json.loads(MATCHER.read_text(encoding="utf-8"))["problemMatcher"][0]["pattern"][0]
    matches = [re.match(pattern["regexp"], line) for line in result.stderr.splitlines()]
    found = [m.groups() for m in matches if m]
    # The error, and the per-part checks' warnings that run beside it (docs/diagnostics.md).
    assert ("modules/03-practice/01-plan.md", "3", "error") in [f[:3] for f in found], result.stderr
    assert {f[2] for f in found} == {"error", "warning"}, result.stderr
    # The summary lines are not taken for findings.
    assert not any(m for m, line in zip(matches, result.stderr.splitlines())
                   if m and ("nothing was written" in line or "check families" in line))


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """A command of the docs, as a shell would run it (with its '> file'), ilead-shell from this venv."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("command", sorted(set(_ilead_commands())))
def test_each_command_works_on_a_clean_course_and_fails_on_a_broken_one(command, copy_root):
    root = copy_root("fidelity")
    result = _run(command, root)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    if "build.json" in command:
        document = validated((root / "build.json").read_text(encoding="utf-8"))
        assert len(document["bundles"]) >= 9 * 2  # every target, both offerings
    edit(root / "modules/03-practice/01-plan.md", "outcomes: [M3.1]", "outcomes: [M3.9]")
    broken = _run(command, root)
    assert broken.returncode == 1, (command, broken.stdout, broken.stderr)
    assert "01-plan.md:3: error: unknown outcome 'M3.9'" in broken.stderr + broken.stdout


def test_the_json_check_command_of_the_docs_validates(copy_root):
    root = copy_root("fidelity")
    assert "ilead-shell check --strict --format json" in CI_PAGE
    result = _run("ilead-shell check --strict --format json", root)
    assert result.returncode == 0 and validated(result.stdout)["ok"] is True
