"""Acceptance: text with '<' survives the Markdown outline.

Found by writing a course from SOURCE_FORMAT.md alone: the title
"Acceptance: ... <Course>" was written as-is into the Markdown outline, where wikis
read ``<Course>`` as an HTML tag and drop it from the page.
"""

from __future__ import annotations

from ilead_shell.offerings import select_offering
from ilead_shell.outline import render_outline
from ilead_shell.reader import read_course


def test_angle_brackets_in_titles_and_outcomes_are_escaped(copy_root):
    root = copy_root("acceptance-unicode")
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace('title: "Acceptation : café 图书馆"',
                                                           'title: "Cours <Avancé>"')
                   .replace("Calculer une population desservie.", "Calculer <n> usagers."), encoding="utf-8")
    module = root / "modules" / "02-quiz" / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace("title: Quiz", 'title: "Quiz <1>"'),
                      encoding="utf-8")
    markdown = render_outline(select_offering(read_course(root), None), "md")
    assert "<Avancé>" not in markdown and "<n>" not in markdown and "<1>" not in markdown
    assert "# Curriculum outline: Cours &lt;Avancé&gt;" in markdown
    assert "Calculer &lt;n&gt; usagers." in markdown and "Quiz &lt;1&gt;" in markdown
