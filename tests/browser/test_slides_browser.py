"""A lesson as slides (jupyterlab-rise) in real JupyterLab: first slide, next, a plot and a quiz run live.

The lecturer's path: open the lesson as a slideshow, move on, run each code cell on its slide with
Shift+Enter (RISE runs it and moves on). The slide types come from the lesson's headings
(defence_course/authoring/notebooks.py); nothing here is fetched from outside the server (the
reveal.js theme's fonts are served by the extension). Quizzes and explorers (ipywidgets) do not
render on slides yet: see the xfail below and docs/instructor-guide.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.jlab import REPO, JupyterLab

LESSON = "lessons/04-did-the-pressure-work.ipynb"


def cell_index(text: str) -> int:
    """The index of the lesson's first cell that holds `text` (found, so new cells do not shift it)."""
    cells = nbformat.read(REPO / LESSON, as_version=4).cells
    return next(i for i, cell in enumerate(cells) if text in cell.source)


QUIZ_CELL = cell_index('show_quiz("04-did-the-pressure-work", "q1")')  # "What the United States said"
PLOT_CELL = cell_index("ax.bar(count.index")  # the count at 2%: needs the set-up and count cells before it
SHOTS = os.environ.get("DEFENCE_COURSE_SCREENSHOTS")  # a folder: keep the slides' screenshots to look at
ACTIVE_INDEX = """() => [...document.querySelectorAll('.reveal .jp-Cell')]
    .findIndex(c => c.classList.contains('jp-mod-active'))"""
BUSY = """() => [...document.querySelectorAll('.reveal .jp-InputPrompt')]
    .some(p => p.textContent.includes('*'))"""
# True once the active cell has moved from `before` and then held still, idle, for 500 ms: under load
# RISE can move on in two steps (a markdown cell, then the code cell after it), and a key pressed
# between them skips a cell (CI once ran past the plot cell to the next slide).
SETTLED = f"""([before]) => {{
    const at = ({ACTIVE_INDEX})(), busy = ({BUSY})(), now = performance.now(), s = window.__dcSettle;
    if (!s || s.at !== at || busy) {{ window.__dcSettle = {{at, since: now}}; return false; }}
    return at !== before && now - s.since > 500;
}}"""


def slides_url(lab: JupyterLab, path: str) -> str:
    """What RISE's "Open as Reveal Slideshow" opens: the notebook as slides, from its first cell."""
    return f"{lab.url}/rise/{path}?activeCellIndex=0&token={lab.token}"


def current_slide(page: Page) -> Locator:
    """The slide on screen (a vertical stack and its shown subslide are both `present`: the inner one)."""
    return page.locator(".reveal .slides section.present").last


def keep(page: Page, tmp_path: Path, name: str) -> None:
    """A screenshot of the slide on screen: in the test's folder, or DEFENCE_COURSE_SCREENSHOTS."""
    page.screenshot(path=str(Path(SHOTS or tmp_path) / f"slides-{name}.png"))


def active_cell(page: Page) -> int:
    return int(page.evaluate(ACTIVE_INDEX))


def run_up_to(page: Page, target: int) -> None:
    """Run cells as a lecturer does (Shift+Enter: run, move on) up to `target`, then run it in place."""
    for _ in range(3 * target + 3):  # bounded: RISE may skip to a slide's first code cell, never back
        before = active_cell(page)
        if before >= target:
            break
        page.keyboard.press("Shift+Enter")
        page.wait_for_function(SETTLED, arg=[before], polling=100)
    assert active_cell(page) == target, f"RISE moved past cell {target} to {active_cell(page)}"
    page.keyboard.press("Control+Enter")  # run in place: the slide stays, with the cell's output
    page.wait_for_function(f"() => !({BUSY})()")


def open_slides(page: Page, lab: JupyterLab, path: str = LESSON,
                title: str = "04 · Did the pressure work?") -> list[str]:
    """Open `path` as slides; return the list that collects every request to another server."""
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((lab.url, "data:", "blob:"))
            else outside.append(r.url))
    page.goto(slides_url(lab, path))
    expect(current_slide(page)).to_contain_text(title, timeout=60_000)
    return outside


@pytest.mark.browser
def test_a_lesson_opens_as_slides_moves_on_and_shows_a_plot_run_live(
    lab_page: Page, jupyterlab: JupyterLab, tmp_path: Path
) -> None:
    outside = open_slides(lab_page, jupyterlab)
    expect(current_slide(lab_page)).to_contain_text("Objectives")
    assert lab_page.locator(".reveal .slides > section").count() >= 10, "one slide per ## heading"
    keep(lab_page, tmp_path, "1-first")

    lab_page.locator(".reveal .controls .navigate-right").click()
    expect(current_slide(lab_page)).to_contain_text("Why this lesson")
    expect(current_slide(lab_page)).not_to_contain_text("Objectives")
    assert lab_page.evaluate("location.hash") == "#/slide-1-0"
    keep(lab_page, tmp_path, "2-next")

    current_slide(lab_page).locator(".jp-Cell").first.click()  # the notebook takes the keys
    run_up_to(lab_page, PLOT_CELL)
    plot = current_slide(lab_page).locator(".jp-OutputArea-output img")
    expect(plot).to_be_visible(timeout=30_000)
    expect(current_slide(lab_page)).to_contain_text("Trump's first term ran from 2017")
    assert lab_page.locator(".reveal [data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    # The quiz cell ran on its way (slides cannot show the widget yet: see the xfail below); its
    # output says what it is and where it works, not ipywidgets' repr.
    quiz_output = lab_page.locator(".reveal .jp-Cell").nth(QUIZ_CELL).locator(".jp-OutputArea-output")
    expect(quiz_output).to_contain_text("[Quiz 04 · Did the pressure work?, question 1. Interactive: run it")
    expect(quiz_output).not_to_contain_text("VBox(")
    keep(lab_page, tmp_path, "3-plot")
    assert outside == [], "the slides fetched from outside the course's server"


@pytest.mark.browser
@pytest.mark.xfail(
    reason="jupyterlab-rise 0.43.1 cannot load the ipywidgets 8 manager (its own JupyterLab 4.3 lacks "
    "@jupyterlab/console; jupyterlab-contrib/rise#119, #126): a quiz shows its plain text on slides. "
    "docs/instructor-guide.md says to answer quizzes in the notebook view; update it when this passes.",
    strict=True,
)
def test_a_quiz_run_on_a_slide_shows_its_widget(
    lab_page: Page, jupyterlab: JupyterLab, tmp_path: Path
) -> None:
    # A two-cell deck, not the lesson: running lesson 04 up to its quiz cost 40 s for a known failure.
    deck = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A quiz on a slide", metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell('from defence_course.quiz import show_quiz\n\n'
                                  'show_quiz("04-did-the-pressure-work", "q1")'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(deck, jupyterlab.root / "quiz-slide.ipynb")
    open_slides(lab_page, jupyterlab, "quiz-slide.ipynb", "A quiz on a slide")
    current_slide(lab_page).locator(".jp-Cell").first.click()
    run_up_to(lab_page, 1)
    keep(lab_page, tmp_path, "4-quiz")
    expect(current_slide(lab_page)).to_contain_text("[Quiz 04 · Did the pressure work?, question 1.")
    quiz = current_slide(lab_page).locator(".dc-question.dc-q-q1")
    expect(quiz).to_be_visible(timeout=15_000)
