"""Helpers for the browser tests: Debian's Chromium driven by Playwright, one per session,
and a localhost server for unpacked packages, the test LMS and scorm-again.

Imported by tests/test_*_browser.py as ``browser.support`` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import atexit
import os
import json
import shutil
import threading
import zipfile
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

HERE = Path(__file__).parent
SCORM_AGAIN = HERE / "node_modules" / "scorm-again" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", "--disable-default-apps", "--metrics-recording-only",
         "--disable-popup-blocking"]

_session: dict = {}


def missing() -> str | None:
    """Why the browser tests cannot run here, or None.

    On CI (``CI`` set) a missing browser or runtime is a failure, not a skip: a green
    run must mean the SCORM packages really played.
    """
    reason = _missing()
    if reason and os.environ.get("CI"):
        raise RuntimeError(f"browser tests cannot run on CI: {reason}")
    return reason


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (/usr/bin/chromium); run tools/setup.sh --test"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Python playwright is not installed; run tools/setup.sh --test"
    if not (SCORM_AGAIN / "scorm12.js").exists() or not (HERE / "node_modules" / "axe-core").is_dir():
        return "scorm-again or axe-core is missing; run npm ci in tests/browser (tools/setup.sh --test does)"
    return None


def browser():
    """One Chromium for the whole test session, closed when Python exits."""
    if "browser" not in _session:
        from playwright.sync_api import sync_playwright

        runner = sync_playwright().start()
        _session["runner"] = runner
        _session["browser"] = runner.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        atexit.register(_close)
    return _session["browser"]


def _close() -> None:
    try:
        _session["browser"].close()
        _session["runner"].stop()
    except Exception:  # noqa: BLE001 - the interpreter is shutting down anyway
        pass


def unzip(data: bytes | Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    with zipfile.ZipFile(data if isinstance(data, Path) else _bytes_io(data)) as archive:
        archive.extractall(target)
    return target


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


class _Handler(SimpleHTTPRequestHandler):
    """Serves /pkg/ (the package), /harness/ (this folder), /scorm-again/ and POST /commit."""

    def __init__(self, *args, roots: dict[str, Path], commits: list, **kwargs):
        self.roots = roots
        self.commits = commits
        super().__init__(*args, directory=str(HERE), **kwargs)

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, root in self.roots.items():
            if clean.startswith(prefix):
                relative = unquote(clean[len(prefix):])
                parts = [p for p in relative.split("/") if p not in ("", ".", "..")]
                return str(root.joinpath(*parts))
        return str(HERE / "__missing__")

    def do_POST(self):  # noqa: N802 - http.server naming
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        try:
            self.commits.append(json.loads(body or b"{}"))
        except ValueError:
            self.commits.append({"unparsed": body.decode("utf-8", "replace")})
        reply = json.dumps({"result": True, "errorCode": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass


@contextmanager
def serve(package: Path):
    """Yield (base URL, commits list) for a server over the unpacked ``package``."""
    commits: list = []
    roots = {"/pkg/": package, "/harness/": HERE, "/scorm-again/": SCORM_AGAIN}
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, roots=roots, commits=commits))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", commits
    finally:
        server.shutdown()
        server.server_close()


AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(target) -> list[str]:
    """WCAG 2.1 A/AA violations axe-core finds in a Playwright page or frame."""
    target.add_script_tag(path=str(AXE))
    found = target.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' @ ' +"
        " v.nodes.map(n => n.target.join(' ')).join(', ')))", WCAG_AA)
    return list(found)
