"""Quizzes in real JupyterLab: every type wrong then right, keyboard only, progress after restart."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from defence_course.data import list_datasets
from tests.browser.jlab import JupyterLab, error_outputs, notebook, open_notebook, restart_and_run_all

BANK = "00-start-here"
ORDER = [
    "Read the question and the name of the result it asks you to define",
    "Replace the ... placeholder with your code and run the cell",
    "Run the check cell below it and read what it says",
    "Save the notebook and hand in the .ipynb file",
]
Q1_RIGHT = ("NATO published the figure before the year's accounts were final, so a later edition"
            " may revise it")
Q1_WRONG = ("The figure comes from SIPRI's database rather than from NATO's own defence"
            " expenditure report")
Q2_RIGHT = ['source("nato_spending")', 'describe("nato_spending")', 'The edition column of each row',
            'data/datapackage.json']
MATCHES = {
    "load(name)": "A typed, checked table from data/",
    "source(name)": "A short citation for a table or a plot",
    "describe(name)": "Every source, licence, caveat and column explained",
    "show_progress()": "A bar per lesson with your quiz results",
}


def write_notebook(lab: JupyterLab, name: str, *calls: str) -> str:
    """A lesson-like notebook beside the real lessons (so the bank is found as in a lesson)."""
    cells = [nbformat.v4.new_code_cell("from defence_course.quiz import show_quiz")]
    cells += [nbformat.v4.new_code_cell(call) for call in calls]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, lab.root / "lessons" / name)
    return f"lessons/{name}"


def question(page: Page, qid: str) -> Locator:
    return notebook(page).locator(f".dc-question.dc-q-{qid}")


def check(page: Page, qid: str, *expected: str) -> None:
    """Press Check and wait for the kernel's feedback to show every expected text."""
    box = question(page, qid)
    box.locator(".dc-check").click()
    feedback = box.locator(".dc-feedback")
    for text in expected:
        expect(feedback).to_contain_text(text, timeout=15_000)


def select_in_turn(page: Page, qid: str, values: list[str]) -> None:
    """Pick each position's item, waiting for the kernel to swap the displaced one back in.

    Option labels use no-break spaces, so options are picked and read by value (the item text).
    """
    selects = question(page, qid).locator("select")
    for index, value in enumerate(values):
        selects.nth(index).select_option(value=value)
        page.wait_for_function(
            """([sel, n, want]) => {
                const all = [...document.querySelectorAll(sel)].map(s => s.value);
                return new Set(all).size === all.length
                    && all[n] !== undefined
                    && all[n] === want;
            }""",
            arg=[f".jp-NotebookPanel:not(.lm-mod-hidden) .dc-q-{qid} select", index, value],
        )


def ticked(page: Page, qid: str, labels: list[str]) -> None:
    box = question(page, qid)
    for checkbox in box.get_by_role("checkbox").all():
        name = checkbox.evaluate("e => e.closest('label').textContent.trim()")
        if (name in labels) != checkbox.is_checked():
            checkbox.click()


@pytest.mark.browser
def test_every_type_wrong_then_right_and_progress_survives_restart(
    lab_page: Any, jupyterlab: JupyterLab
) -> None:
    """The start-here lesson itself, as a learner runs it: one question of each type."""
    page: Page = lab_page
    open_notebook(page, jupyterlab, "lessons/00-start-here.ipynb")
    restart_and_run_all(page)
    question(page, "q6").wait_for()
    assert error_outputs(page) == []

    q1 = question(page, "q1")
    q1.get_by_role("radio", name=Q1_WRONG, exact=True).check()
    check(page, "q1", "✘ Not quite", "Why:", "Source:")
    q1.get_by_role("radio", name=Q1_RIGHT, exact=True).check()
    check(page, "q1", "✔ Correct", "Why:", "NATO")

    ticked(page, "q2", ['source("nato_spending")', 'data/datapackage.json', "show_progress()"])
    check(page, "q2", "Partly right", "your own quiz results")
    ticked(page, "q2", Q2_RIGHT)
    check(page, "q2", "✔ Correct", "Why:")

    entry = question(page, "q3").get_by_role("textbox")
    entry.fill("1")
    check(page, "q3", "✘ Not quite", "nato_spending")
    entry.fill(str(len(list_datasets())))  # what lesson 00 asks to count
    check(page, "q3", "✔ Correct", "Why:")

    q4 = question(page, "q4")
    q4.get_by_role("radio", name="True", exact=True).check()
    check(page, "q4", "✘ Not quite", "hidden checks")
    q4.get_by_role("radio", name="False", exact=True).check()
    check(page, "q4", "✔ Correct", "Why:")

    select_in_turn(page, "q5", list(reversed(ORDER)))
    check(page, "q5", "✘ Not quite", "0 of 4 items")
    select_in_turn(page, "q5", ORDER)
    check(page, "q5", "✔ Correct", "Why:")

    q6 = question(page, "q6")
    wrong = {**MATCHES, "load(name)": MATCHES["source(name)"], "source(name)": MATCHES["load(name)"]}
    for left, right in wrong.items():
        q6.get_by_role("combobox", name=left).select_option(value=right)
    check(page, "q6", "Partly right", "2 of 4 matches")
    for left, right in MATCHES.items():
        q6.get_by_role("combobox", name=left).select_option(value=right)
    check(page, "q6", "✔ Correct", "Why:")

    score = notebook(page).locator(".dc-score")
    expect(score).to_contain_text("6 of 6 attempted · 6 correct")

    # A kernel restart loses nothing: the widgets come back with the saved results.
    restart_and_run_all(page)
    question(page, "q6").wait_for()
    expect(notebook(page).locator(".dc-score")).to_contain_text("6 of 6 attempted · 6 correct")
    expect(question(page, "q1").locator(".dc-status")).to_contain_text("2 attempts")
    expect(question(page, "q1").locator(".dc-status")).to_contain_text("answered correctly")
    # The lesson ends with show_progress(): its row for this bank counts the six.
    row = notebook(page).locator(".dc-progress-row", has_text="00 · Start here")
    expect(row).to_contain_text("6 of 6 correct · 6 attempted")


@pytest.mark.browser
def test_keyboard_only(lab_page: Any, jupyterlab: JupyterLab) -> None:
    """Answer a single-choice and a matching question with the keyboard alone."""
    page: Page = lab_page
    path = write_notebook(jupyterlab, "quiz-keyboard.ipynb",
                          f'show_quiz("{BANK}", "q1")', f'show_quiz("{BANK}", "q6")')
    open_notebook(page, jupyterlab, path)
    restart_and_run_all(page)
    q1 = question(page, "q1")
    q1.wait_for()
    question(page, "q6").wait_for()

    # ipywidgets' radios are separate Tab stops (arrow keys belong to JupyterLab's notebook
    # navigation), so a keyboard user moves with Tab / Shift+Tab and picks with Space. Answer
    # wrongly with the last option first, then go back to the right one: both directions are used.
    radios = q1.get_by_role("radio")
    labels = [radios.nth(i).evaluate("r => r.closest('label').textContent.trim()")
              for i in range(radios.count())]
    wrong = next(label for label in reversed(labels) if label != Q1_RIGHT)
    focused = "document.activeElement.closest('label') ? document.activeElement.closest('label')"
    focused += ".textContent.trim() : ''"
    radios.first.focus()
    for _ in labels:
        if page.evaluate(focused) == wrong:
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert q1.get_by_role("radio", name=wrong, exact=True).is_checked()
    for _ in range(6):  # Tab until the Check button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('dc-check')"):
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Check answer"
    page.keyboard.press("Enter")
    expect(q1.locator(".dc-feedback")).to_contain_text("✘")
    for _ in range(len(labels) + 1):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(focused) == Q1_RIGHT:
            break
    page.keyboard.press("Space")
    assert q1.get_by_role("radio", name=Q1_RIGHT, exact=True).is_checked()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('dc-check')"):
            break
    page.keyboard.press("Enter")
    expect(q1.locator(".dc-feedback")).to_contain_text("✔ Correct")

    # Matching: each list has an accessible name. Alt+Down opens it, arrows move, Enter picks
    # (a bare Down on a closed list is taken by JupyterLab: ipywidgets issue #3912).
    q6 = question(page, "q6")
    for left, right in MATCHES.items():
        combo = q6.get_by_role("combobox", name=left)
        combo.focus()
        steps = combo.evaluate(
            "(s, want) => [...s.options].findIndex(o => o.value === want) - s.selectedIndex",
            right)
        page.keyboard.press("Alt+ArrowDown")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(combo).to_have_value(right)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('dc-check')")
    page.keyboard.press("Enter")
    expect(q6.locator(".dc-feedback")).to_contain_text("✔ Correct")
