"""The course on a real JupyterHub: two learners log in, pull the course with nbgitpuller, run a
lesson, answer a quiz, keep their own progress, and get a course update without losing their work.

Everything listens on 127.0.0.1 and stops with the test (tests/hub/hub.py). Run alone with
`pytest -m hub`; `make test` runs it too (it installs the hub's proxy from npm first).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from defence_course.quiz.classprogress import collect, export_progress
from defence_course.quiz.progress import ProgressStore
from tests.browser.jlab import (
    CHROMIUM,
    CHROMIUM_ARGS,
    error_outputs,
    notebook,
    run_command,
    wait_cells_done,
    wait_idle,
)
from tests.browser.test_quiz_browser import Q1_RIGHT, Q1_WRONG
from tests.hub.hub import PROXY, Hub, start_hub
from tests.hub.learners import Learner, check_learner, plan_for
from tests.hub.repo import COURSE, course_repo, git

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]
log = logging.getLogger(__name__)

LESSON = "lessons/00-start-here.ipynb"
LEARNERS = ("ana", "ben")
# Where quiz progress lands in a learner's home on Linux (docs/deploy.md says the same).
PROGRESS = Path(".local/share/defence-course/progress.json")
NOTE = "# ana's note: compare the 2035 target with lesson 03"
UPDATED_TITLE = "# 00 · Start here: how this course works (revised)\n"


def _require(path: Path, what: str) -> None:
    """Skip on a dev machine without the tool, but fail in CI, where a skip would hide a gap."""
    if path.exists():
        return
    message = f"{what} is missing at {path}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}: CI must run the hub test")
    pytest.skip(message)


@pytest.fixture(scope="module")
def source_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The instructor's course repository: the learner-facing files of this checkout, one commit."""
    return course_repo(tmp_path_factory.mktemp("upstream"))


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    _require(PROXY, "configurable-http-proxy (`make test` installs it with npm ci)")
    _require(CHROMIUM, "Debian's Chromium (apt-get install chromium)")
    running = start_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield running
    finally:
        started = time.monotonic()
        killed = running.stop()
        log.info("hub test: hub, proxy and servers stopped in %.1f s", time.monotonic() - started)
        assert killed == [], f"the hub left processes running (killed by PID: {killed})"


def in_own_thread(scenario: Callable[[dict[str, Page]], None], shots: Path) -> None:
    """Run `scenario` with one browser page per learner (each its own cookies), in a new thread.

    Why a thread: the sync Playwright API refuses to start while another sync session is open in
    the same thread, and tests/browser/ keeps one open per worker when it runs first there.
    """

    def run() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                 headless=True)
            try:
                pages = {}
                for name in LEARNERS:
                    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                    page.set_default_timeout(60_000)
                    pages[name] = page
                try:
                    scenario(pages)
                except BaseException:
                    for name, page in pages.items():  # what each learner saw, for the failure report
                        with contextlib.suppress(Exception):  # never hide the real failure
                            page.screenshot(path=str(shots / f"hub-{name}.png"))
                    log.error("hub test failed; screenshots in %s", shots)
                    raise
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def log_in_through_link(page: Page, hub: Hub, name: str, link: str) -> None:
    """What a learner does: open the course link, land on the hub's login form, sign in."""
    page.goto(hub.login_url(link))
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(hub.password)
    page.locator("#login_submit").click()


def wait_for_lesson(page: Page) -> None:
    """nbgitpuller has cloned or merged and redirected: the lesson is open and its kernel idle."""
    # Generous: these catch a hang, not slowness (7 test runs share this machine's 2 cores).
    notebook(page).locator(".jp-Cell").first.wait_for(timeout=300_000)
    wait_idle(page, timeout_ms=300_000)


def answer_q1(page: Page, choice: str, verdict: str) -> None:
    box = notebook(page).locator(".dc-question.dc-q-q1")
    box.scroll_into_view_if_needed()
    box.get_by_role("radio", name=choice, exact=True).check()
    box.locator(".dc-check").click()
    expect(box.locator(".dc-feedback")).to_contain_text(verdict, timeout=30_000)


def add_note_and_save(page: Page, text: str) -> None:
    """Type a new code cell at the end of the lesson and save (Ctrl+S), as a learner would."""
    last = notebook(page).locator(".jp-Cell").last
    last.scroll_into_view_if_needed()
    last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.type(text)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")


def wait_for_file(path: Path, text: str, page: Page, timeout_ms: int = 30_000) -> None:
    """Poll the disk (the browser saves asynchronously) until `path` contains `text`."""
    deadline_ms = timeout_ms
    while deadline_ms > 0:
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return
        page.wait_for_timeout(250)
        deadline_ms -= 250
    raise AssertionError(f"{path} never contained {text!r}")


class Phases:
    """Log how long each step took (the test's cost shows in `make test`'s live log)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()

    def done(self, what: str) -> None:
        now = time.monotonic()
        log.info("hub test: %s in %.1f s (%.1f s so far)", what, now - self.last, now - self.start)
        self.last = now


def start_run_all(page: Page) -> None:
    """Restart and run all, without waiting (both learners' kernels then run side by side)."""
    notebook(page).locator(".jp-Cell").first.click()
    run_command(page, "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()


def progress_of(hub: Hub, name: str) -> dict[str, Any]:
    return json.loads((hub.home(name) / PROGRESS).read_text(encoding="utf-8"))


def test_two_learners_pull_run_answer_and_keep_their_work_through_an_update(
    hub: Hub, source_repo: Path, tmp_path: Path
) -> None:
    in_own_thread(lambda pages: two_learners(hub, pages, source_repo, tmp_path), hub.root)


def two_learners(hub: Hub, pages: dict[str, Page], source_repo: Path, tmp_path: Path) -> None:
    """The whole story, step by step (see the module docstring)."""
    link = hub.pull_link(source_repo, LESSON)
    phases = Phases()

    # 1. Both learners open the course link, sign in, and land in the lesson (servers start in parallel).
    for name, page in pages.items():
        log_in_through_link(page, hub, name, link)
    for name, page in pages.items():
        wait_for_lesson(page)
        assert (hub.home(name) / COURSE / LESSON).is_file(), f"nbgitpuller did not clone into {name}'s home"
    phases.done("log in, spawn, clone, open the lesson (2 learners)")

    # 2. Each runs the lesson from the top and answers its first quiz question: ana right, ben wrong.
    for page in pages.values():
        start_run_all(page)
    for page in pages.values():
        wait_cells_done(page)
        assert error_outputs(page) == []
    phases.done("run the lesson (2 learners)")
    answer_q1(pages["ana"], Q1_RIGHT, "✔ Correct")
    answer_q1(pages["ben"], Q1_WRONG, "✘ Not quite")
    phases.done("answer q1 (2 learners)")

    # 3. Progress is kept apart: one file in each learner's own home, each with only their attempt.
    ana, ben = progress_of(hub, "ana"), progress_of(hub, "ben")
    assert ana["banks"]["00-start-here"]["questions"]["q1"]["solved"] is True
    assert ben["banks"]["00-start-here"]["questions"]["q1"]["solved"] is False
    assert ana["banks"]["00-start-here"]["questions"]["q1"]["attempts"] == 1
    assert ben["banks"]["00-start-here"]["questions"]["q1"]["attempts"] == 1
    # ... and both consent to share it: their exports sum up into the instructor's table.
    handed_in = tmp_path / "handed-in"
    for name in LEARNERS:
        export_progress(handed_in / f"{name}.json", name, store=ProgressStore(hub.home(name) / PROGRESS),
                        quiz_folder=hub.home(name) / COURSE / "lessons" / "quizzes")
    q1 = next(r for r in collect(handed_in).rows if r.bank == "00-start-here" and r.question == "q1")
    assert (q1.learners, q1.solved, q1.missed) == (2, 1, 1)
    phases.done("check and export progress")

    # 4. Ana adds her own note to the lesson and saves it.
    ana_lesson = hub.home("ana") / COURSE / LESSON
    add_note_and_save(pages["ana"], NOTE)
    wait_for_file(ana_lesson, "ana's note", pages["ana"])
    phases.done("ana edits and saves")

    # 5. The instructor publishes an update: a revised title in the same lesson, and a new file.
    lesson = source_repo / LESSON
    text = lesson.read_text(encoding="utf-8")
    original_title = "# 00 · Start here: how this course works\\n"
    assert original_title in text
    lesson.write_text(text.replace(original_title, UPDATED_TITLE.replace("\n", "\\n")), encoding="utf-8")
    (source_repo / "lessons" / "errata.md").write_text("# Errata\n\nNone yet.\n", encoding="utf-8")
    git(source_repo, "add", "--all")
    git(source_repo, "commit", "--quiet", "-m", "Revise lesson 00's title; add errata")

    # 6. Both click the same link again: nbgitpuller merges the update into each home, then sends
    # them on to the lesson (it stays on its own page when a pull fails).
    for page in pages.values():
        page.goto(link)
    for page in pages.values():
        page.wait_for_url("**/lab/tree/**", timeout=180_000)
    phases.done("publish an update; both pull it")
    for name in LEARNERS:
        assert (hub.home(name) / COURSE / "lessons" / "errata.md").is_file(), name
    merged = nbformat.read(ana_lesson, as_version=4)
    nbformat.validate(merged)  # still a valid notebook, no conflict markers
    sources = [cell.source for cell in merged.cells]
    assert sources[0].startswith(UPDATED_TITLE), "the instructor's revision did not reach ana"
    assert NOTE in sources, "ana's own note was lost in the merge"
    assert nbformat.read(hub.home("ben") / COURSE / LESSON, as_version=4).cells[0].source.startswith(
        UPDATED_TITLE)
    assert NOTE not in (hub.home("ben") / COURSE / LESSON).read_text(encoding="utf-8")
    # Quiz progress lives outside the course folder: the update left it alone.
    assert progress_of(hub, "ana") == ana
    shutil.rmtree(handed_in)


def test_two_learners_at_once_through_the_kernel_api_lose_and_mix_nothing(hub: Hub,
                                                                          source_repo: Path) -> None:
    """The load benchmark's flow (benchmarks/hub_load.py) with two learners side by side: log in,
    start, pull, Run All lesson 06, answer its quiz, save an argument and a note, export; then every
    file in each home holds that learner's work and no one else's."""
    names = ["learner-01", "learner-02"]
    learners = [Learner(hub, name, i) for i, name in enumerate(names, start=1)]

    def one(learner: Learner) -> list[str]:
        try:
            learner.log_in()
            learner.start_server()
            learner.pull(source_repo)
            learner.open_lesson()
            errors = learner.run_all()
            if errors:
                return errors
            learner.answer(plan_for(learner.index))
            learner.save_argument()
            learner.export_progress()
            learner.save_note()
            return []
        finally:
            learner.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        errors = [e for found in pool.map(one, learners, timeout=900) for e in found]
    assert errors == []
    assert [p for learner in learners for p in check_learner(hub, learner, names)] == []
    # The culling the recipes promise is on in the servers the Hub started (config/kernel-culling.json).
    # The servers' log reaches the Hub's through a pipe: on a busy machine it may lag the run a little.
    culling = "Culling kernels with idle durations > 1800 seconds"
    deadline = time.monotonic() + 30
    while culling not in hub.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert culling in hub.log()
