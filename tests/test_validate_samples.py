"""``ilead-shell validate`` on real exports made elsewhere (../shared/samples).

Each sample gives exactly the findings below, and each has a reason (docs/validate.md,
"Real exports"): the single-feature Canvas exports pass; course-1 and the CC 1.1 export lack
files their manifests list and point at resources they do not have, as their upstream copies
do; cc2olx's fixture is hand-made and breaks several rules on purpose; the Studio export holds
blocks and problem types our checks do not know and lacks its static files.
"""

from __future__ import annotations

import collections
import tarfile
import zipfile
from pathlib import Path

import pytest

from ilead_shell.validation import validate_bundles


def zipped(folder: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def counted(report) -> dict[tuple[str, str], int]:
    return dict(collections.Counter((f.level, f.rule) for f in report.findings))


MOODLE_13 = {("warning", "moodle/cc-version"): 1}

EXPECTED = {
    "canvas-exports/single-assignment": MOODLE_13,
    "canvas-exports/single-discussion": MOODLE_13,
    "canvas-exports/assignment-rubrics": MOODLE_13,
    # Canvas puts per-choice feedback conditions before the scoring one: cc2olx marks all four correct.
    "canvas-exports/all-question-types": {**MOODLE_13, ("warning", "cc2olx/correct-choices"): 1},
    # A page resource with an href and no file; its wiki links name page identifiers cc2olx cannot find.
    "canvas-exports/multiple-pages": {**MOODLE_13, ("error", "cc/href-not-listed"): 1,
                                      ("warning", "cc/unlisted-file"): 1, ("warning", "cc2olx/links"): 1},
    "canvas-exports/course-1": {
        **MOODLE_13, ("error", "cc/missing-file"): 3, ("error", "cc/item-resource"): 1,
        ("error", "cc/duplicate-identifier"): 1, ("warning", "cc/shared-identifier"): 1,
        ("warning", "cc2olx/links"): 1, ("warning", "cc2olx/missing-content"): 1},
    "canvas-export-cc11/empty": {},
    "canvas-export-cc11/modules": {
        ("error", "cc/item-resource"): 2, ("warning", "qti/empty-section"): 2, ("warning", "moodle/first-section"): 1,
        ("warning", "cc2olx/not-imported"): 2, ("warning", "cc2olx/missing-content"): 2,
        # Canvas's CC 1.1 assignments are associated content whose page Moodle never copies.
        ("warning", "moodle/lar-item"): 2},
}


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_real_canvas_exports_give_exactly_their_known_findings(shared_dir, tmp_path, sample):
    path = zipped(shared_dir / "samples" / sample, tmp_path / (sample.replace("/", "-") + ".imscc"))
    (report,), _ = validate_bundles([path])
    assert report.format == "cc"
    assert counted(report) == EXPECTED[sample], [f.format(report.shown) for f in report.findings]


def test_sound_canvas_exports_pass(shared_dir, tmp_path):
    """The 'passes the real Canvas exports' half of the issue: no errors where the export is whole."""
    for sample in ("single-assignment", "single-discussion", "assignment-rubrics", "all-question-types"):
        path = zipped(shared_dir / "samples" / "canvas-exports" / sample, tmp_path / f"{sample}.imscc")
        (report,), _ = validate_bundles([path])
        assert report.errors == 0, sample


def test_canvas_exports_with_schemas_show_canvas_own_xsd_defect(shared_dir, tmp_path):
    """Canvas writes cpx:variant before file, which the CC 1.3 schema refuses (samples README)."""
    path = zipped(shared_dir / "samples" / "canvas-exports" / "single-assignment", tmp_path / "a.imscc")
    (report,), notes = validate_bundles([path], shared_dir / "schemas")
    (xsd,) = [f for f in report.findings if f.rule == "cc/xsd"]
    assert xsd.member == "imsmanifest.xml" and "imscp_v1p1}file': This element is not expected" in xsd.message
    manifest = (shared_dir / "samples" / "canvas-exports" / "single-assignment" / "imsmanifest.xml").read_text()
    assert "cpx:variant" in manifest.splitlines()[xsd.line - 4]  # the file element follows the variant


def test_the_cc2olx_fixture_breaks_the_rules_its_readme_lists(shared_dir, tmp_path):
    path = zipped(shared_dir / "samples" / "cc2olx-canvas-fixture", tmp_path / "fixture.imscc")
    (report,), _ = validate_bundles([path])
    found = counted(report)
    # samples/README.md: duplicate identifiers, a non-NCName identifier, an empty QTI section,
    # an href without a matching file.
    for rule in (("error", "cc/duplicate-identifier"), ("error", "cc/identifier"), ("warning", "qti/empty-section"),
                 ("error", "cc/href-not-listed")):
        assert rule in found, rule
    # and an assignment_xmlv1p0 without Canvas's submission_types, which blanks the viewer.
    assert ("error", "viewer/assignment-submission-types") in found


def test_the_studio_export_gives_its_known_findings(shared_dir, tmp_path):
    folder = shared_dir / "samples" / "olx-studio-export" / "olx_example_course"
    path = tmp_path / "studio.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(folder / "course", arcname="course")
    (report,), _ = validate_bundles([path])
    found = counted(report)
    # Its static/ folder is not in this copy (samples README): four images linked from problems.
    assert found.pop(("error", "olx/static-file")) == 4
    # Studio knows <wiki>, <poll>, <lti_consumer> and <edx_sga>; our checks list only the blocks we write.
    assert found.pop(("warning", "olx/unknown-block")) == 4
    assert set(found) <= {("warning", "olx/problem-label"), ("warning", "olx/no-response"),
                          ("warning", "olx/url-name-mismatch"), ("warning", "olx/course-image")}
    assert report.errors == 4
