"""``ilead-shell serve`` end to end, in a real process (issue #13, item 2): edit a file and see
the page change and the reload event; break a file and see the error page and the terminal
line; fix it; and nothing is ever written into the course source."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from authoring_support import edit, run
from ilead_shell.preview_server import EVENTS, inject

WAIT = 60  # seconds: a rebuild takes well under one, but CI machines are shared
PAGE = "modules/welcome/how-it-works.html"
SOURCE_PAGE = "modules/01-welcome/01-how-it-works.md"


class Served:
    """A running ``ilead-shell serve`` with its event stream read in a thread."""

    def __init__(self, root: Path, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ilead_shell", "serve", "--port", "0"], cwd=root,
            stdout=subprocess.PIPE, stderr=log.open("w"), text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        try:
            first = lines.get(timeout=WAIT)
        except queue.Empty:
            self.stop()
            raise AssertionError(f"serve printed no address; its log:\n{log.read_text()}") from None
        assert "Serving" in first and "http://127.0.0.1:" in first, first
        self.url = first.split(" at ", 1)[1].split()[0]
        self.events: queue.Queue[tuple[str, int]] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        kind, self.generation = self.next_event()
        assert kind == "hello"

    def _listen(self) -> None:
        with urllib.request.urlopen(self.url.rstrip("/") + EVENTS, timeout=WAIT * 2) as stream:
            kind = None
            for raw in stream:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind:
                    self.events.put((kind, int(line[6:])))
                    kind = None

    def next_event(self) -> tuple[str, int]:
        try:
            return self.events.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no event from serve; its log:\n{self.log.read_text()}") from None

    def reloaded(self, path: str, shows) -> str:
        """Wait for reload events until ``path`` is what ``shows(status, page)`` expects (one save
        may be seen as two changes, so the first reload can come from the earlier state)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            kind, generation = self.next_event()
            assert kind == "reload" and generation > self.generation, (kind, generation)
            self.generation = generation
            status, page = self.get(path)
            if shows(status, page):
                return page
        raise AssertionError(f"{path} never showed the change; serve's log:\n{self.log.read_text()}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def status(self) -> dict:
        return json.loads(self.get("__ilead__/status")[1])

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*"))}


@pytest.fixture
def served(copy_root, tmp_path):
    root = copy_root("fidelity")
    server = Served(root, tmp_path / "serve.log")
    server.root = root
    yield server
    server.stop()


def test_serve_rebuilds_reloads_shows_errors_and_recovers(served, tmp_path):
    root = served.root
    before = _tree(root)
    status, home = served.get("")
    assert status == 200 and 'id="ilead-live-reload"' in home and home.index("ilead-live-reload") < home.index("</body>")
    status, page = served.get(PAGE)
    assert status == 200 and "How this course works" in page

    # An edit: one reload event, and the page shows the new text.
    edit(root / SOURCE_PAGE, 'title: How this course works & what "<done>" means', "title: How the course runs")
    page = served.reloaded(PAGE, lambda status, page: "How the course runs" in page)
    assert "ilead-build-errors" not in page

    # A mistake: a reload event, the error in the page with its path:line, the last good build kept.
    edit(root / SOURCE_PAGE, "title: How the course runs", 'title: "How the course runs')
    page = served.reloaded(PAGE, lambda status, page: status == 200 and 'id="ilead-build-errors"' in page)
    assert 'role="alert"' in page
    assert f"{SOURCE_PAGE}:2: error: YAML: the value quoted with" in page, page[page.index("ilead-build-errors"):][:900]
    assert "How the course runs" in page  # the last good build, under the banner
    assert served.status()["ok"] is False
    deadline = time.monotonic() + WAIT
    while f"{SOURCE_PAGE}:2: error:" not in served.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"{SOURCE_PAGE}:2: error:" in served.log.read_text()  # the terminal too

    # Fixed: reloaded again, no banner.
    edit(root / SOURCE_PAGE, 'title: "How the course runs', "title: How the course runs, fixed")
    page = served.reloaded(PAGE, lambda status, page: "How the course runs, fixed" in page)
    assert "ilead-build-errors" not in page
    assert served.status()["ok"] is True

    # Nothing was written into the course source (only the edited file changed).
    after = _tree(root)
    assert set(after) == set(before)
    assert {k for k in after if after[k] != before[k]} <= {SOURCE_PAGE}
    assert served.stop() == 0


def test_serve_shows_an_error_page_until_the_course_first_builds(copy_root, tmp_path):
    root = copy_root("fidelity")
    edit(root / SOURCE_PAGE, "outcomes: [M1.1]", "outcomes: [M1.9]")
    server = Served(root, tmp_path / "serve.log")
    try:
        status, page = server.get("")
        assert status == 503 and f"{SOURCE_PAGE}:3: error: unknown outcome 'M1.9'" in page
        assert 'id="ilead-live-reload"' in page  # so the page reloads once it builds
        edit(root / SOURCE_PAGE, "outcomes: [M1.9]", "outcomes: [M1.1]")
        page = server.reloaded("", lambda status, page: status == 200)
        assert "ilead-build-errors" not in page
        assert server.get("assets/missing.png")[0] == 404
    finally:
        assert server.stop() == 0


def test_the_reload_script_is_only_in_served_pages_never_in_bundles(copy_root, tmp_path):
    root = copy_root("fidelity")
    result = run("build", str(root), "--target", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    (bundle,) = (tmp_path / "out").iterdir()
    with zipfile.ZipFile(bundle) as archive:
        assert not any(b"ilead-live-reload" in archive.read(n) or b"__ilead__" in archive.read(n)
                       for n in archive.namelist())


def test_inject_puts_the_script_before_the_last_body_end_and_the_banner_first():
    page = b"<html><BODY class='x'><p>&lt;/body&gt; in text</p></Body >\n</html>"
    served = inject(page, 7, "<div id='b'>errors</div>").decode()
    assert served.index("<div id='b'>") == served.index("<BODY class='x'>") + len("<BODY class='x'>")
    assert served.index("ilead-live-reload") < served.index("</Body >")
    assert "var shown = 7;" in served
    assert "ilead-live-reload" in inject(b"<p>no body</p>", 1, None).decode()


def test_a_port_in_use_is_a_clear_error(copy_root):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", str(copy_root("fidelity")), "--port", str(port))
    assert result.exit_code == 1 and f"port {port} on 127.0.0.1 is in use" in result.output


def test_a_rebuild_never_serves_a_file_swapped_for_a_link(copy_root, tmp_path):
    """The reader's guarantee holds under serve: a media file replaced by a link to a file outside
    the course is an error of that rebuild, and the preview keeps the copy it had."""
    from ilead_shell.live_build import LiveBuild

    root = copy_root("fidelity")
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"not the course's file")
    live = LiveBuild(root)
    try:
        state = live.rebuild()
        assert not state.errors
        (logo,) = [p for p in state.site.media if p.endswith("logo.png")]
        kept = state.site.get(logo)[1].read_bytes()
        (root / "assets" / "logo.png").unlink()
        (root / "assets" / "logo.png").symlink_to(outside)
        state = live.rebuild()
        assert state.errors and any("logo.png" in d.format() for d in state.errors)
        assert state.site.get(logo)[1].read_bytes() == kept
        assert not any(outside.read_bytes() in (data or b"") for data in state.site.pages.values())
        assert not live.folder.is_relative_to(root)
    finally:
        live.close()
    assert not live.folder.exists()
