"""Which items must name an outcome: assessing and teaching items do; files and links do not.

A syllabus PDF or a programme website supports learning but assesses nothing; asking an
author to align it produces busywork (checks/outcomes.py), so the warning must skip exactly
those two kinds, and only them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ilead_shell.checks.outcomes import check_outcomes
from ilead_shell.reader import read_course

COURSE = ("title: T\ncode: T-1\noutcomes: [{id: CO1, text: 'Explain the policy.'}]\n")
MODULE = "---\ntitle: M\noutcomes: [{id: M1, text: 'List the rules.', supports: [CO1]}]\n---\nAbout.\n"
ITEMS = {
    "01-syllabus.md": "---\ntitle: Syllabus\ntype: file\npath: syllabus.pdf\n---\n",
    "02-site.md": "---\ntitle: Site\ntype: link\nurl: https://example.org/\n---\n",
    "03-reading.md": "---\ntitle: Reading\n---\nRead this.\n",
    "04-forum.md": "---\ntitle: Forum\ntype: discussion\n---\nTalk.\n",
    "05-check.md": "---\ntitle: Check\ntype: quiz\noutcomes: [M1]\n---\n### Q\nWhich?\n\n- [x] A\n- [ ] B\n",
}


@pytest.fixture
def findings(tmp_path: Path) -> list[str]:
    (tmp_path / "modules" / "01-m").mkdir(parents=True)
    (tmp_path / "course.yml").write_text(COURSE, encoding="utf-8")
    (tmp_path / "modules" / "01-m" / "module.md").write_text(MODULE, encoding="utf-8")
    (tmp_path / "modules" / "01-m" / "syllabus.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    for name, text in ITEMS.items():
        (tmp_path / "modules" / "01-m" / name).write_text(text, encoding="utf-8")
    return [f"{Path(d.location.path).name}: {d.message}" for d in check_outcomes(read_course(tmp_path))]


def test_items_that_name_no_outcome_are_reported_except_files_and_links(findings):
    unaligned = sorted(f.split(":")[0] for f in findings if "names no outcome" in f)
    assert unaligned == ["03-reading.md", "04-forum.md"], findings


def test_a_file_item_without_outcomes_is_not_reported(findings):
    assert not [f for f in findings if f.startswith("01-syllabus.md")], findings


def test_a_link_item_without_outcomes_is_not_reported(findings):
    assert not [f for f in findings if f.startswith("02-site.md")], findings
