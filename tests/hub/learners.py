"""Simulated learners on a real JupyterHub, without a browser: what a class does, through the
same HTTP and websocket APIs JupyterLab uses.

One `Learner` logs in with the Hub's form, starts their server, pulls the course with
nbgitpuller's API, opens a lesson (a kernel session), runs every code cell in order (Run All),
answers the lesson's quiz through the kernel with the same widget code a click runs, saves an
argument card, exports their progress, and saves their own note into the lesson. `expected_*`
and `check_learner` then read every learner's files from disk and say what is lost or mixed.

Used by the two-learner test (tests/hub/test_hub_learners.py) and by benchmarks/hub_load.py.
Every wait is bounded in time and every loop in count.
"""

from __future__ import annotations

import json
import textwrap
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import nbformat
import requests
import websocket

from defence_course.quiz import load_quiz
from defence_course.quiz.model import SingleChoice
from tests.hub.hub import Hub

COURSE = "canada-eu-defence-course"
LESSON = "lessons/07-a-new-alignment.ipynb"
BANK = "07-a-new-alignment"
ARGUMENT = "07-a-new-alignment"
# Where each learner's own files land in their home on Linux (docs/deploy.md says the same).
DATA = Path(".local/share/defence-course")
PROGRESS = DATA / "progress.json"
HTTP_TIMEOUT_S = 60
SPAWN_TIMEOUT_S = 600.0
PULL_TIMEOUT_S = 600.0
CELL_TIMEOUT_S = 300.0
MAX_MESSAGES = 100_000  # per cell: a runaway output stream ends the cell, not the run


class LearnerError(RuntimeError):
    """A step of a learner's session failed; the message names the learner and the step."""


class KernelDied(LearnerError):
    """The kernel stopped mid-cell (killed at a memory limit, or culled); the server restarts it."""


@dataclass
class Plan:
    """What one learner answers: per single-choice question, the options in the order clicked."""

    clicks: dict[str, list[str]]

    def expected(self, right: dict[str, str]) -> dict[str, tuple[int, bool]]:
        """(attempts, solved) per question, as the progress file should hold them."""
        return {q: (len(picks), right[q] in picks) for q, picks in self.clicks.items()}


def quiz_key(bank: str = BANK) -> tuple[dict[str, str], dict[str, str]]:
    """The right and one wrong option of each single-choice question, read from the bank."""
    right, wrong = {}, {}
    for question in load_quiz(bank).questions:
        if type(question) is SingleChoice:  # not its subclasses (multiple select)
            right[question.id] = next(o.text for o in question.options if o.correct)
            wrong[question.id] = next(o.text for o in question.options if not o.correct)
    return right, wrong


def plan_for(index: int, bank: str = BANK) -> Plan:
    """A pattern that differs between neighbouring learners, so a file that went to the wrong
    home shows: right first time, wrong then right, or wrong only, by learner and question."""
    right, wrong = quiz_key(bank)
    clicks = {}
    for k, question in enumerate(sorted(right)):
        kind = (index + k) % 3
        clicks[question] = [[right[question]], [wrong[question], right[question]],
                            [wrong[question]]][kind]
    return Plan(clicks)


def note_for(name: str) -> str:
    return f"# {name}'s own note: compare the SAFE loans with lesson 05"


def claim_for(name: str) -> str:
    return f"{name} claims: the partnership adds to NATO rather than replacing it."


@dataclass
class Timings:
    """Seconds per step of one learner, and the kernel's own CPU seconds for Run All."""

    steps: dict[str, float] = field(default_factory=dict)
    run_all_cpu_s: float = 0.0


@dataclass
class Learner:
    """One simulated learner with their own cookies (a browser of their own)."""

    hub: Hub
    name: str
    index: int
    http: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    kernel_id: str = ""
    ws: websocket.WebSocket | None = None
    timings: Timings = field(default_factory=Timings)
    restarts_seen: int = 0

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def _api(self, method: str, url: str, headers: dict[str, str] | None = None,
             **kwargs: Any) -> requests.Response:
        headers = {**(headers or {}), **({"Authorization": f"token {self.token}"} if self.token else {})}
        reply = self.http.request(method, url, headers=headers, timeout=HTTP_TIMEOUT_S, **kwargs)
        if reply.status_code >= 400:
            raise LearnerError(f"{self.name}: {method} {url} answered {reply.status_code}: "
                               f"{reply.text[:300]}")
        return reply

    def _timed(self, step: str, started: float) -> None:
        self.timings.steps[step] = time.monotonic() - started

    # --- the Hub: log in, start the server -----------------------------------------------------
    def log_in(self) -> None:
        """Fill in the Hub's login form (its _xsrf cookie included), then take an API token."""
        started = time.monotonic()
        self._api("GET", f"{self.hub.url}/hub/login")
        xsrf = self.http.cookies.get("_xsrf", "")
        self._api("POST", f"{self.hub.url}/hub/login?next=", allow_redirects=False,
                  data={"username": self.name, "password": self.hub.password, "_xsrf": xsrf})
        # The Hub ties its XSRF token to the login session: the home page sets the new one.
        self._api("GET", f"{self.hub.url}/hub/home")
        xsrf = self.http.cookies.get("_xsrf", "", path="/hub/")
        reply = self._api("POST", f"{self.hub.url}/hub/api/users/{self.name}/tokens",
                          headers={"X-XSRFToken": xsrf}, json={"note": "hub-load", "expires_in": 7200})
        self.token = reply.json()["token"]
        self._timed("log in", started)

    def start_server(self) -> None:
        """Ask the Hub for this learner's server and wait (bounded) until it is ready."""
        started = time.monotonic()
        self._api("POST", f"{self.hub.url}/hub/api/users/{self.name}/server")
        deadline = started + SPAWN_TIMEOUT_S
        while time.monotonic() < deadline:
            user = self._api("GET", f"{self.hub.url}/hub/api/users/{self.name}").json()
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                self._timed("start server", started)
                return
            time.sleep(1.0)
        raise LearnerError(f"{self.name}: server not ready within {SPAWN_TIMEOUT_S} s")

    def stop_server(self) -> None:
        """Stop this learner's server (and so its kernels) through the Hub, waiting until it is gone."""
        self._api("DELETE", f"{self.hub.url}/hub/api/users/{self.name}/server")
        deadline = time.monotonic() + SPAWN_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self._api("GET", f"{self.hub.url}/hub/api/users/{self.name}").json().get("servers"):
                return
            time.sleep(1.0)
        raise LearnerError(f"{self.name}: server still running {SPAWN_TIMEOUT_S} s after stopping it")

    # --- nbgitpuller: the course link's pull, through its event-stream API -----------------------
    def pull(self, repo: Path) -> None:
        """What the nbgitpuller link's page does: stream the pull's progress until it finishes."""
        started = time.monotonic()
        query = urlencode({"repo": str(repo), "branch": "main", "targetpath": COURSE})
        with self.http.get(f"{self.server}/git-pull/api?{query}", stream=True,
                           headers={"Authorization": f"token {self.token}"},
                           timeout=HTTP_TIMEOUT_S) as reply:
            for count, line in enumerate(reply.iter_lines(decode_unicode=True)):
                if count > 100_000 or time.monotonic() - started > PULL_TIMEOUT_S:
                    break
                if not line or not line.startswith("data:"):
                    continue
                event = json.loads(line.removeprefix("data:"))
                if event.get("phase") == "finished":
                    self._timed("pull the course", started)
                    return
                if event.get("phase") == "error":
                    raise LearnerError(f"{self.name}: nbgitpuller failed: {event.get('message')}")
        raise LearnerError(f"{self.name}: nbgitpuller did not finish")

    # --- the lesson: a kernel session and its websocket ------------------------------------------
    def open_lesson(self, lesson: str = LESSON) -> None:
        """Open the lesson as JupyterLab does: a session for the notebook, its kernel's channels."""
        started = time.monotonic()
        session = self._api("POST", f"{self.server}/api/sessions", json={
            "path": f"{COURSE}/{lesson}", "type": "notebook", "name": Path(lesson).name,
            "kernel": {"name": "python3"}}).json()
        self.kernel_id = session["kernel"]["id"]
        self.connect()
        self._timed("open the lesson", started)

    def connect(self) -> None:
        ws_url = self.server.replace("http://", "ws://", 1)
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={uuid.uuid4().hex}",
            header=[f"Authorization: token {self.token}"], timeout=CELL_TIMEOUT_S)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def execute(self, code: str, timeout_s: float = CELL_TIMEOUT_S) -> dict[str, Any]:
        """Run one cell; return its reply content plus the text it printed ("stdout").

        Raises KernelDied when the server reports the kernel restarting or dead meanwhile.
        """
        assert self.ws is not None, "open_lesson first"
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        deadline, stdout, reply, idle = time.monotonic() + timeout_s, [], None, False
        for _ in range(MAX_MESSAGES):
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                message = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            kind = message.get("msg_type") or message["header"]["msg_type"]
            state = message.get("content", {}).get("execution_state")
            if kind == "status" and state in ("restarting", "dead"):
                self.restarts_seen += 1
                raise KernelDied(f"{self.name}: the kernel was {state} while running a cell")
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream" and message["content"].get("name") == "stdout":
                stdout.append(message["content"]["text"])
            elif kind == "execute_reply":
                reply = message["content"]
            elif kind == "status" and state == "idle":
                idle = True
            if reply is not None and idle:  # the reply (shell) and idle (iopub) come in any order
                return {**reply, "stdout": "".join(stdout)}
            if time.monotonic() > deadline:
                break
        raise LearnerError(f"{self.name}: a cell did not finish within {timeout_s} s")

    def run_all(self, lesson: str = LESSON) -> list[str]:
        """Run every code cell of the learner's copy in order; return the errors (none expected)."""
        path = self.hub.home(self.name) / COURSE / lesson
        cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        started = time.monotonic()
        before = float(self.execute("import time as _t; print(_t.process_time())")["stdout"])
        errors = []
        for source in cells:
            reply = self.execute(source)
            if reply["status"] != "ok":
                errors.append(f"{reply.get('ename')}: {reply.get('evalue')}")
                break  # Run All stops at the first error, as JupyterLab's does
        self._timed("run all", started)
        after = float(self.execute("print(_t.process_time())")["stdout"])
        self.timings.run_all_cpu_s = after - before
        return errors

    def _checked(self, code: str, step: str) -> str:
        reply = self.execute(textwrap.dedent(code))
        if reply["status"] != "ok":
            raise LearnerError(f"{self.name}: {step} failed: {reply.get('ename')}: {reply.get('evalue')}")
        return str(reply["stdout"])

    # --- what the learner does in the lesson ------------------------------------------------------
    def answer(self, plan: Plan, bank: str = BANK) -> str:
        """Click through the quiz as planned, with the widgets' own Check button code."""
        started = time.monotonic()
        out = self._checked(f"""
            from defence_course.quiz.widgets import build_quiz as _build_quiz
            _view = _build_quiz({bank!r})
            for _question, _picks in {plan.clicks!r}.items():
                for _pick in _picks:
                    _view.view(_question).respond(_pick)
                    _view.view(_question).click()
            print(_view.score.value)
            """, "answering the quiz")
        self._timed("answer the quiz", started)
        return out

    def quiz_status(self, bank: str = BANK) -> str:
        """The quiz's attempted/correct line, as a freshly built quiz shows it (after a restart)."""
        return self._checked(f"""
            from defence_course.quiz.widgets import build_quiz as _build_quiz
            print(_build_quiz({bank!r}).score.value)
            """, "reading the quiz status").strip()

    def save_argument(self) -> None:
        started = time.monotonic()
        out = self._checked(f"""
            from defence_course.explore.argument import build_argument as _build_argument
            _form = _build_argument({ARGUMENT!r})
            _form.cards[-1].claim.value = {claim_for(self.name)!r}
            _form.cards[-1].verdict.value = "partly supported"
            _form.click_save()
            print(_form.message)
            """, "saving the argument")
        if "Saved" not in out and "saved" not in out:
            raise LearnerError(f"{self.name}: the argument form said {out!r}")
        self._timed("save the argument", started)

    def export_progress(self) -> None:
        started = time.monotonic()
        self._checked(f"""
            from pathlib import Path as _Path
            from defence_course.quiz.classprogress import export_progress as _export
            _export(_Path("quiz-progress-{self.name}.json"), {self.name!r}, quiz_folder=_Path("quizzes"))
            """, "exporting progress")
        self._timed("export progress", started)

    def save_note(self, lesson: str = LESSON) -> None:
        """Add a note cell at the end and save the notebook through the contents API (Ctrl+S)."""
        started = time.monotonic()
        url = f"{self.server}/api/contents/{quote(f'{COURSE}/{lesson}')}"
        model = self._api("GET", url, params={"content": "1"}).json()
        model["content"]["cells"].append(nbformat.v4.new_code_cell(note_for(self.name)))
        self._api("PUT", url, json={"type": "notebook", "format": "json", "content": model["content"]})
        self._timed("save the lesson", started)


def check_learner(hub: Hub, learner: Learner, everyone: list[str], lesson: str = LESSON,
                  bank: str = BANK) -> list[str]:
    """What is lost or mixed in one learner's home after the class: an empty list when all is well."""
    home, name, problems = hub.home(learner.name), learner.name, []
    right, _ = quiz_key(bank)
    want = plan_for(learner.index, bank).expected(right)
    try:
        questions = json.loads((home / PROGRESS).read_text("utf-8"))["banks"][bank]["questions"]
        for question, (attempts, solved) in want.items():
            got = questions.get(question, {})
            if (got.get("attempts"), got.get("solved")) != (attempts, solved):
                problems.append(f"{name}: {question} holds {got} in the progress file, "
                                f"expected {attempts} attempts, solved={solved}")
    except (OSError, KeyError, ValueError) as error:
        problems.append(f"{name}: progress file unreadable or missing the bank: {error!r}")
    others = [other for other in everyone if other != name]
    files = {
        "argument": (home / DATA / "arguments" / f"{ARGUMENT}.json", claim_for),
        "export": (home / COURSE / Path(lesson).parent / f"quiz-progress-{name}.json",
                   lambda n: f'"learner": "{n}"'),
        "lesson": (home / COURSE / lesson, lambda n: json.dumps(note_for(n))[1:-1]),
    }
    for what, (path, marker) in files.items():
        text = path.read_text("utf-8") if path.is_file() else ""
        if marker(name) not in text:
            problems.append(f"{name}: their {what} ({path}) lacks their own work")
        problems += [f"{name}: their {what} holds {other}'s work" for other in others
                     if marker(other) in text]
    return problems
