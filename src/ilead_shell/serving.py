"""The ``serve`` loop: build, serve, watch, rebuild, until Ctrl-C.

The watcher is watchfiles (Rust's ``notify``: inotify, FSEvents, ReadDirectoryChanges, and
polling where none works): it batches the events of one save (editors write a temporary
file and rename it over the old one) into one set, so each save is one rebuild, and it
stops cleanly from another thread.  It watches the course folder and every module folder
listed from outside it, again after each rebuild in case ``modules:`` changed.
"""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
import webbrowser
from pathlib import Path
from typing import Callable

from .errors import IleadError, display_path
from .live_build import BuildState, LiveBuild

Echo = Callable[[str], None]


def serve(source: Path, port: int = 8000, offering: str | None = None, open_browser: bool = False,
          say: Echo = print, tell: Echo = print) -> None:
    """Serve the preview of ``source`` on 127.0.0.1:``port`` until interrupted.

    ``say`` prints the address (standard output); ``tell`` reports rebuilds and errors."""
    from .preview_server import PreviewServer

    live = LiveBuild(source, offering)
    try:
        started = time.time()
        state = live.rebuild()
        _report(state, None, tell, live)
        try:
            server = PreviewServer(live, port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise IleadError(f"port {port} on 127.0.0.1 is in use (another 'serve'?); choose another with "
                                 "--port, or --port 0 for any free one") from None
            raise IleadError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        live.on_change = server.announce
        threading.Thread(target=server.serve_forever, name="ilead-serve", daemon=True).start()
        title = state.site.title if state.site else f"the course in {display_path(source.resolve())}"

        def ready() -> None:  # the watcher runs: from now on no change can be missed
            say(f"Serving {title} at {server.url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(server.url)

        previous = signal.signal(signal.SIGTERM, _interrupt) if threading.current_thread() is threading.main_thread() \
            else None
        try:
            _watch(live, tell, ready, started)
        except KeyboardInterrupt:
            tell("stopped")
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            server.stop()
            server.server_close()
    finally:
        live.close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _watch(live: LiveBuild, tell: Echo, ready: Callable[[], None], since: float) -> None:
    from watchfiles import DefaultFilter, watch

    announced = False
    while True:
        folders = _folders(live)
        watching = False
        # yield_on_timeout: an empty batch once the watcher runs, so readiness is known.
        for changes in watch(*folders, watch_filter=DefaultFilter(), raise_interrupt=True,
                             yield_on_timeout=True, rust_timeout=250):
            if not watching:
                watching = True
                if _changed_since(folders, since):  # saved while the watcher started
                    changes = changes or {(None, str(folders[0]))}
                if not announced:
                    announced = True
                    ready()
            if not changes:
                continue
            since = time.time()
            state = live.rebuild()
            _report(state, {c for c in changes if c[0] is not None}, tell, live)
            if _folders(live) != folders:
                break  # modules: now names other folders: watch those


def _changed_since(folders: list[Path], since: float) -> bool:
    for folder in folders:
        for base, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                try:
                    if os.lstat(os.path.join(base, name)).st_mtime >= since - 0.05:
                        return True
                except OSError:
                    continue
    return False


def _folders(live: LiveBuild) -> list[Path]:
    site = live.state.site
    found = [Path(p) for p in (site.watched if site else [])] or [live.source.resolve()]
    return [p for p in found if p.is_dir()] or [live.source.resolve()]


def _report(state: BuildState, changes, tell: Echo, live: LiveBuild) -> None:
    what = ""
    if changes:
        # An editor's (or sed's) temporary file, written and renamed within the batch, is not news.
        names = sorted({display_path(path) for _, path in changes if os.path.exists(path)}) or \
            sorted({display_path(path) for _, path in changes})
        what = f": {names[0]}" + (f" and {len(names) - 1} more" if len(names) > 1 else "") + " changed"
    if state.errors:
        for diagnostic in state.errors:
            tell(diagnostic.format())
        errors = sum(1 for d in state.errors if d.is_error)
        kept = "serving the last good build" if state.site else "nothing to serve until it builds"
        tell(f"{errors} error{'s' if errors != 1 else ''}{what}; {kept} (the page shows them too)")
        return
    warnings = len(live.warnings)
    extra = f", {warnings} warning{'s' if warnings != 1 else ''} ('ilead-shell check' lists them)" if warnings else ""
    tell(f"{'rebuilt' if changes else 'built'} in {state.seconds:.2f} s{what}{extra}")
