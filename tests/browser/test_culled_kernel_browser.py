"""Issue 25: a kernel culled for idleness (config/kernel-culling.json, on in every hub recipe) is
explained to the learner by the lesson's restart note, as a reopened lesson is.

Real JupyterLab with the course's culling settings, only shorter: a learner runs lesson 00 and
answers a question; an idle kernel under the open tab is kept; the learner closes the tab, the
server shuts the kernel down; the learner reopens the lesson, sees the stale widgets and the note
at the top, and its one fix brings the quiz back with the answer kept.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _require_chromium
from tests.browser.jlab import (
    JupyterLab,
    copy_course,
    notebook,
    open_notebook,
    restart_and_run_all,
    start_jupyterlab,
)
from tests.browser.test_quiz_browser import Q1_RIGHT
from tests.browser.test_reopen_browser import MODEL_NOT_FOUND

LESSON = "lessons/00-start-here.ipynb"
# The course's own settings, with the timeout cut from 30 minutes to seconds for the test.
IDLE_S, INTERVAL_S = 8, 2
CULL_WAIT_S = 120.0


@pytest.fixture
def culling_lab(tmp_path: Path) -> Iterator[JupyterLab]:
    """A JupyterLab of its own (the shared one must not cull other tests' kernels)."""
    _require_chromium()
    root = copy_course(tmp_path / "course")
    home = tmp_path / "home"
    home.mkdir()
    # The course's settings (installed into the server's prefix) with the timeout cut to seconds.
    lab = start_jupyterlab(root, home, (f"--MappingKernelManager.cull_idle_timeout={IDLE_S}",
                                        f"--MappingKernelManager.cull_interval={INTERVAL_S}"))
    try:
        yield lab
    finally:
        lab.stop()


def kernels(lab: JupyterLab) -> list[dict[str, object]]:
    request = urllib.request.Request(f"{lab.url}/api/kernels",
                                     headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return list(json.load(reply))


def wait_until_culled(lab: JupyterLab) -> None:
    deadline = time.monotonic() + CULL_WAIT_S
    while time.monotonic() < deadline:
        if not kernels(lab):
            return
        time.sleep(1.0)
    raise AssertionError(f"no kernel was culled within {CULL_WAIT_S} s:\n{lab.log()[-3000:]}")


@pytest.mark.browser
def test_a_culled_kernel_is_explained_by_the_restart_note(browser: Browser, culling_lab: JupyterLab,
                                                          tmp_path: Path) -> None:
    # The worker's shared Chromium (a second sync Playwright session in one thread is refused).
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        culled_with_the_tab_open(page, culling_lab, tmp_path)
    finally:
        page.screenshot(path=str(tmp_path / "culled-last.png"))
        context.close()


def culled_with_the_tab_open(page: Page, lab: JupyterLab, shots: Path) -> None:
    open_notebook(page, lab, LESSON)
    restart_and_run_all(page)
    page.keyboard.press("Control+s")
    # Idle with the tab open: kept (a kernel culled under an open tab leaves live-looking widgets
    # that do nothing, with no message), so the quiz still answers.
    page.wait_for_timeout(1000 * (IDLE_S + 3 * INTERVAL_S))
    assert len(kernels(lab)) == 1, "a kernel with its notebook open was culled"
    assert "Culling kernels even with connected clients" not in lab.log()
    box = notebook(page).locator(".dc-question.dc-q-q1")
    box.scroll_into_view_if_needed()
    box.get_by_role("radio", name=Q1_RIGHT, exact=True).check()
    box.locator(".dc-check").click()
    expect(box.locator(".dc-feedback")).to_contain_text("Correct", timeout=30_000)
    # The learner closes the tab (or the browser) and comes back later: the kernel was culled.
    page.goto("about:blank")
    wait_until_culled(lab)
    open_notebook(page, lab, LESSON)
    panel = notebook(page)
    stale = panel.locator(".jp-OutputArea-output", has_text=MODEL_NOT_FOUND)
    stale.first.scroll_into_view_if_needed()
    expect(stale.first).to_be_visible()
    note = panel.locator(".jp-MarkdownCell blockquote").first
    note.scroll_into_view_if_needed()
    expect(note).to_contain_text(MODEL_NOT_FOUND)
    assert "Restart Kernel and Run All" in " ".join((note.text_content() or "").split())
    page.screenshot(path=str(shots / "culled-reopened.png"))
    # The note's one fix: the quiz is back, with the answer given before the cull.
    restart_and_run_all(page)
    expect(stale).to_have_count(0)
    quiz = panel.locator(".jp-CodeCell", has_text='show_quiz("00-start-here")').first
    quiz.scroll_into_view_if_needed()
    expect(quiz.locator(".dc-quiz").first).to_be_visible()
    expect(quiz.locator(".dc-score")).to_contain_text("1 correct")
