"""The outline as Markdown (GitHub-flavoured tables), for wikis, shared drives and diffs."""

from __future__ import annotations

from .. import citations
from .effort import hours
from .plan import Outline, alignment_summary, footnote, workload_summary


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
             ("Version", course.version or ""), ("License", course.license or ""),
             ("Authors", ", ".join(course.authors)),
             ("Estimated learner effort", f"{hours(outline.minutes)} in {len(outline.modules)} module{'s' if len(outline.modules) != 1 else ''}")]
    if offering.credits is not None:
        facts.append(("Credits", f"{offering.credits:g}"))
    if offering.weeks:
        facts.append(("Length", f"{offering.weeks} weeks"))
    out += [f"- **{k}:** {v}" for k, v in facts if v] + [""]
    if offering.description:
        out += [plain(offering.description), ""]
    out += [f"**{workload_summary(outline)}**", ""]
    if offering.completion:
        out += [f"**Completion:** {plain(offering.completion)}", ""]

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
    if framework.levels:
        out += ["### Proficiency levels", ""]
        out += [f"- **{plain(lv.name)}:** {plain(lv.description)}" for lv in framework.levels] + [""]
    for domain in framework.domains:
        out += [f"### {domain.id}: {plain(domain.name)}", ""]
        if domain.description:
            out += [plain(domain.description), ""]
        out += table(["ID", "Competency", "Description", *[lv.name for lv in framework.levels]],
                     [[c.id, c.name, c.description, *[_indicators(c, lv.id) for lv in framework.levels]]
                      for c in domain.competencies])

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
        overview = [["Module overview", "Reading", "", "", hours(module.overview_minutes)]] \
            if module.overview_minutes else []
        out += table(["Activity", "Type", "Outcomes", "Assessment", "Effort"],
                     overview + [[a.title, a.kind, ", ".join(a.outcomes), a.assessment, hours(a.minutes)]
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
    labels = citations.year_labels(list(course.bibliography))
    if framework.crosswalk:
        out += ["## Competency crosswalk", ""]
        named = []
        for fw in framework.crosswalk:
            work = course.work(fw.reference) if fw.reference else None
            named.append(plain(fw.name) + (f" ({citations.in_text(work, labels[work.id])})" if work else ""))
        out += ["Each iLead competency beside the elements of published frameworks it corresponds to: "
                + "; ".join(named) + ".", ""]
        out += table(["Competency", *[fw.name for fw in framework.crosswalk]],
                     [[f"{c.id} {c.name}", *["; ".join(next((m.elements for m in c.maps_to if m.framework == fw.id), ()))
                                              for fw in framework.crosswalk]] for c in framework.all()])
    out += ["## References", ""]
    if outline.references:
        out += [f"- {citations.markdown(citations.reference(w, labels[w.id]))}" for w in outline.references] + [""]
    else:
        out += ["This offering cites no works.", ""]
    out += ["### Readings still to be selected", ""]
    out += ([f"- **{plain(where)}**: {plain(r.note)}" for where, r in outline.pending] or
            ["None: every reading of this offering is chosen."]) + [""]
    out += ["---", "", footnote(outline), ""]
    return "\n".join(out)


def _indicators(competency, level: str) -> str:
    found = next((i.statements for i in competency.indicators if i.level == level), ())
    return " • ".join(found)
