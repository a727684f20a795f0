"""``ilead-shell serve``: the preview on 127.0.0.1, rebuilt on each change, reloaded in the browser.

The HTTP server is the standard library's (one thread per request): it serves the last good
:class:`~ilead_shell.live_build.Site` and nothing else, never a file of the course source
by its name.  Each HTML response gets, before ``</body>``, a small script that listens to
``/__ilead__/events`` (server-sent events) and reloads the page when a rebuild finishes;
after a failed rebuild it also gets a banner listing each error as ``path:line``.  Both are
added to the served response only: the ``html`` bundle never holds them.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Diagnostic
from .live_build import BuildState, LiveBuild

PREFIX = "/__ilead__/"
EVENTS = PREFIX + "events"
STATUS = PREFIX + "status"
HEARTBEAT_SECONDS = 15

# EventSource reconnects by itself; 'hello' tells the page which build it shows, so a page
# opened during a rebuild, or reconnecting after the server restarted, reloads once.
RELOAD_SCRIPT = """<script id="ilead-live-reload">
(function () {
  var shown = %(generation)d;
  var source = new EventSource("%(events)s");
  function reloadIfNewer(event) { if (Number(event.data) !== shown) { location.reload(); } }
  source.addEventListener("hello", reloadIfNewer);
  source.addEventListener("reload", reloadIfNewer);
})();
</script>
"""

_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
# Our own table, as the bundles use (the host's /etc/mime.types may lie).
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
          ".vtt": "text/vtt; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


def media_type(path: str) -> str:
    from .media_types import media_type as course_media_type

    return _TYPES.get(posixpath.splitext(path)[1].lower()) or course_media_type(path)


def error_lines(errors: list[Diagnostic]) -> list[str]:
    return [d.format() for d in errors if d.is_error] or [d.format() for d in errors]


def error_banner(errors: list[Diagnostic], has_site: bool) -> str:
    items = "".join(f"<li><code>{html.escape(line, quote=False)}</code></li>" for line in error_lines(errors))
    kept = ("This page is the last build that worked; it is updated as soon as the source builds again."
            if has_site else "The preview appears as soon as the source builds.")
    return (
        '<div id="ilead-build-errors" role="alert" style="border:4px solid #a30000;background:#fff4f4;'
        'color:#1a1a1a;padding:1rem 1.5rem;margin:0 0 1rem;font:16px/1.5 system-ui,sans-serif">'
        f'<h2 style="margin:0 0 .5rem;color:#a30000">The course has errors</h2><p>{kept}</p>'
        f'<ul style="font-size:14px">{items}</ul></div>'
    )


def error_page(errors: list[Diagnostic], generation: int) -> bytes:
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>Build errors: ilead-shell serve</title>\n</head>\n<body>\n<main>\n'
            f'{error_banner(errors, has_site=False)}\n</main>\n</body>\n</html>\n')
    return inject(page.encode("utf-8"), generation, None)


def inject(page: bytes, generation: int, banner: str | None) -> bytes:
    """The page with the reload script before ``</body>`` (and the banner after ``<body>``)."""
    text = page.decode("utf-8", errors="replace")
    script = RELOAD_SCRIPT % {"generation": generation, "events": EVENTS}
    ends = list(_BODY_END.finditer(text))
    text = text[:ends[-1].start()] + script + text[ends[-1].start():] if ends else text + script
    if banner:
        start = _BODY_START.search(text)
        text = text[:start.end()] + banner + text[start.end():] if start else banner + text
    return text.encode("utf-8")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # a browser holding the event stream must not keep the process alive
    allow_reuse_address = True

    def __init__(self, live: LiveBuild, port: int = 8000, host: str = "127.0.0.1"):
        super().__init__((host, port), _Handler)
        self.live = live
        self.changed = threading.Condition()
        self.stopping = False

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def announce(self, state: BuildState) -> None:
        """Wake every open event stream: a rebuild finished (well or not)."""
        with self.changed:
            self.changed.notify_all()

    def stop(self) -> None:
        self.stopping = True
        self.announce(self.live.state)
        self.shutdown()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the terminal shows rebuilds, not requests
        return

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:  # noqa: N802 - http.server's name
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS:
            return self._events()
        state = self.server.live.state
        if path == STATUS:
            body = json.dumps({"generation": state.generation, "ok": not state.errors,
                               "seconds": round(state.seconds, 3), "errors": error_lines(state.errors),
                               "title": state.site.title if state.site else None}).encode("utf-8")
            return self._send(HTTPStatus.OK, "application/json", body, head)
        site = state.site
        name = path.lstrip("/")
        if not name or name.endswith("/"):
            name += "index.html"
        if site is None:
            if name.endswith(".html"):
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, media_type(name),
                                  error_page(state.errors, state.generation), head)
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not built yet\n", head)
        name = posixpath.normpath(name)
        data, media = site.get(name)
        if data is None and media is None and (name + "/index.html") in site.pages:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", "/" + name + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if data is None and media is not None:
            try:
                data = Path(media).read_bytes()  # our own copy, in this process's temporary folder
            except OSError:
                data = None
        if data is None:
            body = inject(b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>"
                          b"</head><body><main><h1>Not found</h1><p><a href=\"/\">The course home page</a></p>"
                          b"</main></body></html>", state.generation, None)
            return self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, head)
        kind = media_type(name)
        if kind.startswith("text/html"):
            data = inject(data, state.generation, error_banner(state.errors, True) if state.errors else None)
        self._send(HTTPStatus.OK, kind, data, head)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        server = self.server
        shown = server.live.state.generation
        try:
            self.wfile.write(f"event: hello\ndata: {shown}\n\n".encode())
            self.wfile.flush()
            while not server.stopping:
                with server.changed:
                    server.changed.wait(HEARTBEAT_SECONDS)
                now = server.live.state.generation
                if server.stopping:
                    break
                if now != shown:
                    shown = now
                    self.wfile.write(f"event: reload\ndata: {now}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            return  # the page was closed or reloaded
