"""The outline as Markdown (GitHub-flavoured tables), for wikis, shared drives and diffs."""

from __future__ import annotations

from .effort import hours
from .plan import Outline, alignment_summary, footnote


def plain(text: str) -> str:
    """Plain text kept as text: wikis read '<Course>' as an HTML tag and drop it."""
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, no line breaks."""
    return plain(" ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")) or "–"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(outline: Outline) -> str:
    course = outline.course
    offering = outline.offering
    out = [f"# Curriculum outline: {plain(course.display_title)}", ""]
    facts = [("Course code", course.code), ("Offering", offering.name),
             ("Version", course.version or ""), ("Licence", course.license or ""),
             ("Authors", ", ".join(course.authors)),
             ("Estimated learner effort", f"{hours(outline.minutes)} in {len(outline.modules)} module{'s' if len(outline.modules) != 1 else ''}")]
    out += [f"- **{k}:** {v}" for k, v in facts if v] + [""]
    if offering.description:
        out += [plain(offering.description), ""]

    out += ["## Description", ""]
    for block in outline.description:
        out += [plain(block), ""]

    framework = course.competencies
    if framework.domains:  # a course without competencies.yml has no framework to show
        out += [f"## {plain(framework.title)}", ""]
    if framework.domains and framework.status:
        out += [f"**Status:** {framework.status}", ""]
    if framework.domains and framework.description:
        out += [plain(" ".join(framework.description.split())), ""]
    for domain in framework.domains:
        out += [f"### {domain.id}: {plain(domain.name)}", ""]
        if domain.description:
            out += [plain(domain.description), ""]
        out += table(["ID", "Competency", "Description"],
                     [[c.id, c.name, c.description] for c in domain.competencies])

    out += ["## Learning outcomes", "", "### Course outcomes", ""]
    if framework.domains:
        out += table(["ID", "Outcome", "Competencies"],
                     [[o.id, o.text, ", ".join(o.competencies)] for o in course.outcomes])
    else:
        out += table(["ID", "Outcome"], [[o.id, o.text] for o in course.outcomes])
    out += ["### Module outcomes", ""]
    out += table(["ID", "Module", "Outcome", "Supports"],
                 [[o.id, f"{m.number}. {m.title}", o.text, ", ".join(o.supports)]
                  for m in outline.modules for o in m.outcomes])

    out += ["## Module-by-module plan", ""]
    for module in outline.modules:
        out += [f"### Module {module.number}: {plain(module.title)}", ""]
        out += [f"*Estimated effort: {hours(module.minutes)}.*", ""]
        if module.summary:
            out += [module.summary, ""]
        out += ["Outcomes:", ""] + [f"- **{o.id}** {plain(o.text)}" for o in module.outcomes] + [""]
        out += table(["Activity", "Type", "Outcomes", "Assessment", "Effort"],
                     [[a.title, a.kind, ", ".join(a.outcomes), a.assessment, hours(a.minutes)]
                      for a in module.activities])

    out += ["## Assessment and grading", ""]
    if outline.grading:
        out += table(["Group", "Weight", "Points in this offering", "Activities"],
                     [[g.name, f"{g.weight:g}%", f"{g.points:g}", "; ".join(g.items)] for g in outline.grading])
    if course.grading.pass_percent is not None:
        out += [f"Pass mark: {course.grading.pass_percent:g}%.", ""]

    out += ["## Alignment matrix", "", alignment_summary(outline), ""]
    out += ["### Outcomes, competencies and assessments", ""]
    out += table(["Outcome", "Level", "Serves", "Assessed through", "Assessments", "Status"],
                 [[r.id, r.level, ", ".join(r.serves), ", ".join(r.via), "; ".join(r.assessments),
                   "Assessed" if r.assessed else "NOT ASSESSED"] for r in outline.alignment])
    if outline.competencies:
        out += ["### Competency coverage", ""]
        out += table(["Competency", "Domain", "Served by outcomes", "Assessments", "Status"],
                     [[f"{c.id} {c.name}", c.domain, ", ".join(c.outcomes), str(c.assessments),
                       "Served" if c.served else "NOT SERVED"] for c in outline.competencies])
    out += ["---", "", footnote(outline), ""]
    return "\n".join(out)
