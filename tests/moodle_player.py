"""Moodle 5.1's own SCORM player, driven by the tests with answers taken from the course model.

``../shared/tools/moodle/play_scorm.py`` plays a package with every quiz all right or all
wrong, answers read from the Markdown; the tests here also need each question right or wrong
on its own (a score exactly at the pass mark, one point below), numeric ranges, a pass mark
set by the LMS admin, and every page SCO visited for a known time.  This module does that on
the same site (``tests/real_readers.py``'s :class:`MoodleSite`):

* :meth:`ScormPlayer.add` imports a package through mod_scorm (``import.sh``);
* :meth:`ScormPlayer.settings` changes what an admin may change on the activity
  (``tests/moodle/scorm_settings.php``: *Mastery score overrides status*, a SCO's mastery score);
* :meth:`ScormPlayer.served` serves the site with PHP's built-in server on the host and port of
  its ``wwwroot`` (127.0.0.1 only) and stops it, by its own process group, afterwards;
* :meth:`ScormPlayer.play` logs a learner in, enters the activity (mode ``normal``), visits SCOs
  through the player's table of contents, answers quizzes through their accessible labels,
  leaves each SCO for the next and exits the activity; :meth:`ScormPlayer.tracks` then reads what
  Moodle stored (``scorm_tracks.php`` from ../shared/tools/moodle).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ilead_shell.model import Question, Quiz

from real_readers import TOOLS, MoodleSite

HERE = Path(__file__).parent
SETTINGS_PHP = HERE / "moodle" / "scorm_settings.php"
TRACKS_PHP = TOOLS / "moodle" / "scorm_tracks.php"
LEARNER_PASSWORD = "Learner123!x"
PAGE_HOLD_MS = 1000          # how long a visit lasts at least: its session time must show it
ESSAY_TEXT = "Signage in one language only."


@dataclass
class Activity:
    cmid: int
    scormid: int
    courseid: int
    scoes: list[dict]        # scorm_scoes in Moodle's order: id, identifier, title, scormtype, launch
    imported: dict           # import.php's JSON

    def sco(self, identifier: str) -> dict:
        return next(s for s in self.scoes if s["identifier"] == identifier)


@dataclass(frozen=True)
class Visit:
    """One SCO to open; for a quiz, right or wrong per automatically scored question."""

    identifier: str
    quiz: Quiz | None = None
    rights: tuple[bool, ...] = ()


@dataclass
class Run:
    user: str
    seen: dict[str, dict] = field(default_factory=dict)     # per SCO: what the SCO and the API said
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


class ScormPlayer:
    def __init__(self, site: MoodleSite):
        self.site = site
        self.moodle = site.home / "moodle"
        config = (self.moodle / "config.php").read_text(encoding="utf-8")
        found = re.search(r"\$CFG->wwwroot\s*=\s*'([^']+)'", config)
        self.wwwroot = found.group(1).rstrip("/") if found else ""
        if not re.fullmatch(r"http://127\.0\.0\.1:\d+", self.wwwroot):
            raise AssertionError(f"the site's wwwroot {self.wwwroot!r} is not http://127.0.0.1:PORT")
        self.port = int(self.wwwroot.rsplit(":", 1)[1])

    # -- the site, through PHP CLI -----------------------------------------------------------
    def _php(self, script: Path, *args: str) -> dict:
        done = self.site.php(script, f"--moodle={self.moodle}", *args)
        if done.returncode != 0:
            raise AssertionError(f"{script.name} {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return json.loads(done.stdout)

    def add(self, package: Path) -> Activity:
        imported = self.site.import_bundle(package, mode="scorm")
        assert imported.get("success"), f"mod_scorm refused {package.name}: {imported.get('errors')}"
        cmid = next(a["cmid"] for s in imported["course"]["sections"] for a in s["activities"] if a["type"] == "scorm")
        info = self._php(TRACKS_PHP, f"--cmid={cmid}", "info")
        return Activity(cmid, info["scormid"], info["courseid"], info["scoes"], imported)

    def settings(self, activity: Activity, masteryoverride: bool | None = None,
                 mastery: dict[str, float] | None = None) -> dict:
        args = [f"--cmid={activity.cmid}"]
        if masteryoverride is not None:
            args.append(f"--masteryoverride={int(masteryoverride)}")
        if mastery:
            args.append("--mastery=" + ",".join(f"{k}:{v:g}" for k, v in mastery.items()))
        return self._php(SETTINGS_PHP, *args)

    def learner(self, activity: Activity, username: str) -> None:
        self._php(TRACKS_PHP, f"--cmid={activity.cmid}", f"--username={username}",
                  f"--password={LEARNER_PASSWORD}", "user")

    def tracks(self, activity: Activity, username: str) -> dict[str, dict]:
        """The learner's last attempt: SCO identifier -> element -> value, as Moodle stored it."""
        users = self._php(TRACKS_PHP, f"--cmid={activity.cmid}", f"--username={username}", "tracks")["users"]
        attempts = users.get(username.lower(), {}).get("attempts", {})
        if not attempts:
            return {}
        last = attempts[max(attempts, key=int)]
        return {identifier: sco["elements"] for identifier, sco in last.items()}

    # -- the web server ----------------------------------------------------------------------
    @contextmanager
    def served(self, log: Path):
        docroot = self.moodle / "public" if (self.moodle / "public" / "index.php").is_file() else self.moodle
        with open(log, "w") as out:
            server = subprocess.Popen(
                ["php", "-d", "max_input_vars=5000", "-d", "memory_limit=512M", "-d", "display_errors=0",
                 "-S", f"127.0.0.1:{self.port}", "-t", str(docroot)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                env={**self.site.env, "PHP_CLI_SERVER_WORKERS": "4"})
            try:
                self._wait_until_up(server, log)
                yield self
            finally:
                # Our own process group (start_new_session): the server and its workers, by id.
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(timeout=10)

    def _wait_until_up(self, server: subprocess.Popen, log: Path) -> None:
        for _ in range(120):
            if server.poll() is not None:
                raise AssertionError(f"php -S stopped: {log.read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(f"{self.wwwroot}/login/index.php", timeout=5).read()
                return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"the site did not answer on {self.wwwroot}")

    # -- the browser ---------------------------------------------------------------------------
    def play(self, browser, activity: Activity, username: str, visits: list[Visit]) -> Run:
        """One learner's session in the player: the first SCO, then ``visits`` in order, then Exit."""
        run = Run(username)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.on("console", lambda m: run.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                else None)
        page.on("pageerror", lambda e: run.page_errors.append(str(e)))
        page.on("response", lambda r: run.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        try:
            self._log_in(page, username)
            self._enter(page, activity, run)
            first = self._current_sco(page, activity)
            run.steps.append(f"first SCO {first['identifier']}")
            self._visit(page, activity, Visit(first["identifier"]), run)
            for visit in visits:
                if visit.identifier != first["identifier"]:
                    self._open(page, activity, activity.sco(visit.identifier), run)
                    self._visit(page, activity, visit, run)
            page.locator("a", has_text="Exit activity").first.click()
            page.wait_for_load_state("load")
            run.steps.append("exit activity: " + page.url.replace(self.wwwroot, ""))
            # After the first SCO change Moodle commits through navigator.sendBeacon, which
            # answers before the server has stored anything: give the last LMSFinish time.
            page.wait_for_timeout(1500)
        finally:
            context.close()
        return run

    def _log_in(self, page, username: str) -> None:
        # The login form is re-rendered once its script has loaded: typing too early can send
        # an empty password, hence networkidle and a second try.
        for _ in range(3):
            page.goto(f"{self.wwwroot}/login/index.php")
            page.wait_for_load_state("networkidle")
            page.fill("#username", username)
            page.fill("#password", LEARNER_PASSWORD)
            page.click("#loginbtn")
            page.wait_for_load_state("load")
            if "/login/index.php" not in page.url:
                return
        raise AssertionError(f"{username} could not log in: {page.url}")

    def _enter(self, page, activity: Activity, run: Run) -> None:
        page.goto(f"{self.wwwroot}/mod/scorm/view.php?id={activity.cmid}")
        if "/mod/scorm/player.php" not in page.url:
            # The form's first button is Preview (mode=browse, no credit); a learner enters.
            page.locator("#scormviewform button[name=mode][value=normal]").click()
        page.wait_for_url(re.compile(r"/mod/scorm/player\.php"), timeout=30000)
        page.wait_for_selector("#scorm_object", timeout=30000)
        run.steps.append("player: " + page.url.replace(self.wwwroot, ""))

    @staticmethod
    def _frame(page, sco: dict, timeout_s: float = 30):
        """The SCO's frame once its script has said what it tracks."""
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            for frame in page.frames:
                if frame.url.split("?")[0].endswith("/" + sco["launch"]):
                    status = frame.locator("[data-tracking-status]")
                    try:
                        if status.count() and status.inner_text(timeout=2000).strip():
                            return frame
                    except Exception:  # noqa: BLE001 - the frame is being replaced; look again
                        pass
            page.wait_for_timeout(200)
        raise AssertionError(f"SCO {sco['identifier']} ({sco['launch']}) did not load in the player")

    def _current_sco(self, page, activity: Activity) -> dict:
        deadline = time.time() + 30
        while time.time() < deadline:
            for frame in page.frames:
                path = frame.url.split("?")[0]
                for sco in activity.scoes:
                    if sco["scormtype"] == "sco" and path.endswith("/" + sco["launch"]):
                        return sco
            page.wait_for_timeout(200)
        raise AssertionError("the player launched no SCO of the package")

    def _open(self, page, activity: Activity, sco: dict, run: Run) -> None:
        # Titles repeat ("Overview" in every module): the table of contents by SCO id.
        link = page.locator(f"#scorm_toc a[data-scoid='{sco['id']}']").first
        try:
            link.click(timeout=5000)
            run.steps.append(f"TOC: {sco['identifier']}")
        except Exception:  # noqa: BLE001 - a collapsed TOC: ask the player for the SCO
            page.goto(f"{self.wwwroot}/mod/scorm/player.php?a={activity.scormid}&scoid={sco['id']}"
                      f"&currentorg={sco['organization']}&mode=normal")
            run.steps.append(f"player.php?scoid={sco['id']}")

    def _visit(self, page, activity: Activity, visit: Visit, run: Run) -> None:
        sco = activity.sco(visit.identifier)
        frame = self._frame(page, sco)
        seen = {"status_on_page": frame.locator("[data-tracking-status]").inner_text()}
        seen["api"] = page.evaluate("""() => { const r = {}; ['cmi.core.lesson_mode', 'cmi.core.credit',
            'cmi.core.entry', 'cmi.student_data.mastery_score'].forEach(e => {
            r[e] = window.API ? String(window.API.LMSGetValue(e)) : null; }); return r; }""")
        if visit.quiz is not None:
            _answer(frame, visit.quiz, visit.rights)
            frame.get_by_role("button", name="Submit answers").click()
            frame.wait_for_function("() => /saved/.test(document.querySelector('[data-tracking-status]')"
                                    ".textContent)", timeout=20000)
            seen["summary"] = frame.locator("[data-summary]").inner_text()
            seen["saved"] = frame.locator("[data-tracking-status]").inner_text()
        page.wait_for_timeout(PAGE_HOLD_MS)
        run.seen[visit.identifier] = seen


def _answer(frame, quiz: Quiz, rights: tuple[bool, ...]) -> None:
    """Answer ``quiz`` through the labels a learner reads: right or wrong per scored question."""
    scored = iter(rights)
    for number, question in enumerate(quiz.questions, 1):
        group = frame.get_by_role("group", name=f"Question {number}:")
        if question.type == "essay":
            group.get_by_label("Your answer").fill(ESSAY_TEXT)
            continue
        right = next(scored)
        if question.choices:
            for choice in _choices(question, right):
                group.get_by_label(choice.text, exact=True).check()
        else:
            group.get_by_label("Your answer", exact=False).fill(_typed(question, right))


def _choices(question: Question, right: bool):
    if right:
        return [c for c in question.choices if c.correct]
    return [next(c for c in question.choices if not c.correct)]


def _typed(question: Question, right: bool) -> str:
    if question.type == "short_answer":
        return question.answers[0] if right else "certainly not this"
    value = question.numeric[0].minimum if right else question.numeric[-1].maximum + 1000
    return f"{value:g}"


def expected_result(question: Question, right: bool | None) -> str:
    """The interaction result a SCO must report: essays are neutral."""
    if question.type == "essay":
        return "neutral"
    return "correct" if right else "wrong"
