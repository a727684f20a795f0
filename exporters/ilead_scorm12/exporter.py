"""The ``scorm12`` target (alias ``scorm``): one SCO per item, tracked in the LMS.

Pages, links, files, videos, discussions and assignments are completed once viewed;
quizzes score themselves and report passed/failed against their pass mark (``mastery``, else
the course's ``grading: pass:``; see :mod:`.pass_mark`).  The
run-time script (``static/scorm12.js``) is written for this project and works offline.
"""

from __future__ import annotations

from importlib import resources

from ilead_shell.audience import without_instructor_material
from ilead_shell.exporter_api import Bundle, Exporter
from ilead_shell.model import Assignment, Course, Discussion, Quiz
from ilead_shell.web import GRADED_SUBMIT_LABEL, PageRenderer, RenderOptions, static_files

from .manifest import build_manifest
from .pass_mark import with_pass_marks
from .structure import LAYOUT, home_sco, plan

RUNTIME_SCRIPT = "scorm12.js"

RENDER_OPTIONS = RenderOptions(
    site_nav=False,        # the LMS shows the outline and moves between SCOs
    cross_links=False,     # a link into another SCO would bypass the LMS
    new_tab_links=True,    # leaving the SCO's frame would end its session
    tracking=True,
    graded=True,           # attempts are recorded: review, attempts left, the last one confirmed
    submit_label=GRADED_SUBMIT_LABEL,
    scripts=(RUNTIME_SCRIPT,),
    published_only=True,   # unpublished items are not in the package
)


def _runtime_files() -> dict[str, bytes]:
    folder = resources.files(__package__).joinpath("static")
    return {RUNTIME_SCRIPT: folder.joinpath(RUNTIME_SCRIPT).read_bytes()}


class Scorm12Exporter(Exporter):
    name = "scorm12"
    description = "SCORM 1.2 package: one SCO per item, completion, scores and resume"
    format = "zip"
    suffix = "zip"
    build_cost = 2.1  # against a plain cartridge: see Exporter.build_cost
    option_keys = ("scorm",)

    def build_bundle(self, course: Course) -> Bundle:
        bundle = Bundle(format=self.format)
        course = with_pass_marks(_leave_out_instructor_material(course, bundle))
        home, modules = home_sco(course), plan(course)
        pages = PageRenderer(course, LAYOUT, RENDER_OPTIONS)
        bundle.add_text(home.href, pages.home())
        launched = {sco.href for node in modules for sco in node.scos}
        pages.add_pages(bundle, [node for module in course.modules for node in (module, *module.items)
                                 if LAYOUT.page(node) in launched])

        shared = {**static_files(), **_runtime_files()}
        if course.theme.logo is not None:
            logo = LAYOUT.logo(course.theme.logo)[len(LAYOUT.static_dir) + 1:]
            shared[logo] = course.asset_source(course.theme.logo).read_bytes()
        for name, data in shared.items():
            bundle.add_bytes(LAYOUT.static(name), data)
        media = {asset.key: LAYOUT.media(asset) for asset in course.assets}
        for asset in course.assets:
            bundle.add_file(media[asset.key], course.asset_source(asset))

        manifest = build_manifest(course, home, modules, sorted(LAYOUT.static(n) for n in shared), media)
        bundle.add_xml("imsmanifest.xml", manifest)
        # Learners see every SCO, so unpublished items stay out: say so, and count only what is here.
        left_out = [item for item in course.items() if not item.published]
        for item in left_out:
            bundle.note(f"unpublished item {item.module_id}/{item.id} is left out "
                        "(a SCORM package shows learners every item it holds)")
        for item in course.items():
            # Such a SCO is completed once viewed: its points never reach the LMS gradebook.
            if item.published and isinstance(item, (Assignment, Discussion)) and item.points is not None:
                kind = "assignment" if isinstance(item, Assignment) else "discussion"
                bundle.note(f"{kind} {item.module_id}/{item.id}: its {item.points:g} points are not recorded "
                            "(the SCO shows the instructions and is completed once viewed; grade it in the LMS)")
        for quiz in (item for item in course.items() if isinstance(item, Quiz) and item.published):
            # A SCO's page is fixed (attempts are kept by the run-time script; shuffling is not done).
            if quiz.shuffle:
                bundle.note(f"quiz {quiz.module_id}/{quiz.id}: choices keep their source order (shuffle is "
                            "not carried; a SCORM page is the same for every learner)")
        counts = course.counts()
        counts["items"] -= len(left_out)
        counts["questions"] -= sum(len(item.questions) for item in left_out if isinstance(item, Quiz))
        bundle.counts = {**counts, "scos": 1 + sum(len(m.scos) for m in modules)}
        return bundle


def _leave_out_instructor_material(course: Course, bundle: Bundle) -> Course:
    """A SCORM package shows learners everything it holds, so instructor material (and the
    files only it uses) stays out, with a note for each module or item left out."""
    for module in course.modules:
        if module.for_instructors:
            bundle.note(f"module {module.id} is for instructors and is left out (a SCORM package shows "
                        "learners everything it holds; give facilitators the LMS course or the preview)")
            continue
        for item in module.items:
            if item.for_instructors:
                bundle.note(f"item {item.full_id} is for instructors and is left out (a SCORM package "
                            "shows learners everything it holds)")
    return without_instructor_material(course)
