"""Acceptance: ``check`` reports links that another offering turns into plain text.

Found by building a course written from SOURCE_FORMAT.md alone: a page linking to a
module only the MOOC has passed ``check --strict`` (the CI gate the README suggests), yet
``build --offering all --strict`` then failed on the on-site offering, and a plain
``check`` never showed the warning at all.
"""

from __future__ import annotations

from click.testing import CliRunner

from ilead_shell.cli import main

WARNING = "in offering 'onsite', the link to item 'quiz/extra' is plain text"


def _mooc_only_quiz(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "02-extra.md").write_text(
        "---\ntitle: Extra\noutcomes: [CO1]\nofferings: [mooc]\n---\nPour le MOOC.\n", encoding="utf-8")
    module = root / "modules" / "01-café" / "module.md"
    module.write_text(module.read_text(encoding="utf-8") + "Et [un supplément](../02-quiz/02-extra.md).\n",
                      encoding="utf-8")
    return root


def test_check_shows_the_warning_of_a_non_default_offering(copy_root):
    result = CliRunner().invoke(main, ["check", str(_mooc_only_quiz(copy_root))])
    assert result.exit_code == 0, result.output
    assert WARNING in result.output


def test_check_strict_fails_like_build_strict_would(copy_root, tmp_path):
    root = _mooc_only_quiz(copy_root)
    check = CliRunner().invoke(main, ["check", str(root), "--strict"])
    build = CliRunner().invoke(main, ["build", str(root), "--strict", "--offering", "all", "--target", "html",
                                      "--out", str(tmp_path / "out")])
    assert (check.exit_code, build.exit_code) == (1, 1), check.output + build.output
    assert WARNING in check.output and WARNING in build.output


def test_each_warning_is_shown_once_when_every_offering_is_built(copy_root, tmp_path):
    result = CliRunner().invoke(main, ["build", str(_mooc_only_quiz(copy_root)), "--offering", "all",
                                       "--target", "html", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output.count(WARNING) == 1
