"""Quizzes in real JupyterLab: every type wrong then right, keyboard only, progress after restart."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from defence_course.data import list_datasets
from defence_course.quiz.classprogress import read_export
from tests.browser.jlab import (
    ACTIVE_NOTEBOOK,
    JupyterLab,
    error_outputs,
    notebook,
    open_notebook,
    restart_and_run_all,
    tab_to,
)

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


def order_rows(page: Page, qid: str) -> Locator:
    return question(page, qid).locator(".dc-order-row")


def current_order(page: Page, qid: str) -> list[str]:
    """The items as the rows show them ("1. item" -> "item")."""
    texts = order_rows(page, qid).locator(".widget-label").all_inner_texts()
    return [text.split(". ", 1)[1].strip() for text in texts]


def put_in_order(page: Page, qid: str, target: list[str], press: Any) -> None:
    """Bring each target item up to its place with "Move up"; `press(button)` presses one
    (a click, or the keyboard). Waits for the kernel to redraw the rows after each press."""
    for place, item in enumerate(target):
        at = current_order(page, qid).index(item)
        while at > place:
            press(order_rows(page, qid).nth(at).get_by_role("button", name="Move up", exact=True))
            expect(order_rows(page, qid).nth(at - 1)).to_contain_text(item)
            at -= 1
    assert current_order(page, qid) == target


def match_groups(page: Page, qid: str) -> dict[str, Locator]:
    """Each left item's group of options, by the item (its title is "item:" or "item: choose ...")."""
    groups = question(page, qid).locator(".dc-match")
    titles = groups.locator("> label.widget-label").all_inner_texts()
    return {title.split(":")[0].strip(): groups.nth(i) for i, title in enumerate(titles)}


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
    check(page, "q1", "✘ Not quite", "Show answer")
    # Reveal policy (issue 11): a first wrong try shows the note on the choice, not the "Why".
    expect(q1.locator(".dc-feedback")).not_to_contain_text("Why:")
    expect(q1.locator(".dc-feedback")).not_to_contain_text("Source:")
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

    put_in_order(page, "q5", list(reversed(ORDER)), lambda button: button.click())
    check(page, "q5", "✘ Not quite", "0 of 4 items")
    put_in_order(page, "q5", ORDER, lambda button: button.click())
    check(page, "q5", "✔ Correct", "Why:")

    groups = match_groups(page, "q6")
    assert sorted(groups) == sorted(MATCHES)
    expect(groups["load(name)"]).to_contain_text("choose its match")  # empty says "choose"
    wrong = {**MATCHES, "load(name)": MATCHES["source(name)"], "source(name)": MATCHES["load(name)"]}
    for left, right in wrong.items():
        groups[left].get_by_role("radio", name=right, exact=True).check()
    check(page, "q6", "Partly right", "2 of 4 matches")
    for left, right in MATCHES.items():
        groups[left].get_by_role("radio", name=right, exact=True).check()
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
    expect(row).to_contain_text("6 of 6 correct (0 at the first try) · 6 attempted")
    expect(notebook(page).locator(".dc-progress-reset")).to_contain_text("delete that file")

    export_by_button(page, jupyterlab)


def export_by_button(page: Page, jupyterlab: JupyterLab) -> None:
    """Issue 13: the export button writes the CLI's format and says where: beside the lesson in
    this course copy, which is no git clone (in a clone, beside the clone: test_course_update)."""
    progress = notebook(page).locator(".dc-progress")
    name = progress.get_by_role("textbox", name="Your name")
    name.fill("ana b")
    name.press("Tab")
    progress.get_by_role("button", name="Export my progress").click()
    written = jupyterlab.root / "lessons" / "quiz-progress-ana-b.json"
    expect(progress.locator(".dc-export-message")).to_contain_text(str(written), timeout=15_000)
    expect(progress.locator(".dc-export-message")).to_contain_text("nothing was sent anywhere")
    export = read_export(written)
    assert export.learner == "ana b"
    assert sum(r.solved for r in export.banks[BANK].values()) == 6


QUIZ = f"{ACTIVE_NOTEBOOK} .dc-quiz"


ACTIVE_CELL = f"""() => [...document.querySelectorAll('{ACTIVE_NOTEBOOK} .jp-Cell')]
    .findIndex(c => c.classList.contains('jp-mod-active'))"""


def choose_by_arrows(page: Page, group: Locator, name: str) -> None:
    """Tab to a radio group (one stop), then ArrowDown until `name` is chosen: the ARIA pattern.

    The keys stay in the quiz (issue 21): JupyterLab's active cell does not move, and the focus
    stays in the group."""
    stop = group.locator('input[type="radio"][tabindex="0"]')
    expect(stop).to_have_count(1)  # one Tab stop per group, whatever its size
    tab_to(page, stop, QUIZ)
    cell = page.evaluate(ACTIVE_CELL)
    target = group.get_by_role("radio", name=name, exact=True)
    for _ in range(group.get_by_role("radio").count()):
        if target.is_checked():
            break
        page.keyboard.press("ArrowDown")
        expect(group.locator("input:focus")).to_have_count(1)
    expect(target).to_be_checked()
    expect(target).to_be_focused()
    assert page.evaluate(ACTIVE_CELL) == cell, "an arrow key moved JupyterLab to another cell"
    expect(group.locator('input[type="radio"][tabindex="0"]')).to_have_count(1)


def focused(page: Page, qid: str) -> str:
    """Which control of question `qid` has the keyboard focus ('' when none)."""
    return page.evaluate(
        """(qid) => { const a = document.activeElement;
            if (!a.closest('.dc-q-' + qid)) return '';
            return a.className.toString().match(/dc-(check|reveal)/)?.[0] || a.tagName; }""", qid)


@pytest.mark.browser
def test_keyboard_only(lab_page: Any, jupyterlab: JupyterLab) -> None:
    """Every question type answered with Tab, Shift+Tab, arrows within a radio group, Space and
    Enter alone (and keys typed in the answer box): no mouse, no focus set from script after the
    first. Issue 21: arrows stay in the quiz, a radio group is one Tab stop, Enter on a word says
    "Type a number", Show answer asks once, and the focus follows a moved item."""
    page: Page = lab_page
    path = write_notebook(jupyterlab, "quiz-keyboard.ipynb", f'show_quiz("{BANK}")')
    open_notebook(page, jupyterlab, path)
    restart_and_run_all(page)
    question(page, "q6").wait_for()

    def press(target: Locator, key: str = "Space") -> None:
        tab_to(page, target, QUIZ)
        page.keyboard.press(key)

    def check_by_keyboard(qid: str, *expected: str) -> None:
        press(question(page, qid).locator(".dc-check"), "Enter")
        for text in expected:
            expect(question(page, qid).locator(".dc-feedback")).to_contain_text(text)

    # Start on the first control, arriving by keyboard (Shift+Tab out, Tab back in).
    question(page, "q1").get_by_role("radio").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")

    # single: wrong, then right. After the wrong try the source link is not on the way: Tab
    # goes from Check to Show answer, then straight to the next question.
    q1 = question(page, "q1")
    choose_by_arrows(page, q1.locator(".widget-radio-box"), Q1_WRONG)
    check_by_keyboard("q1", "✘ Not quite")
    page.keyboard.press("Tab")
    assert focused(page, "q1") == "dc-reveal"
    page.keyboard.press("Tab")
    assert focused(page, "q2") == "INPUT"
    choose_by_arrows(page, q1.locator(".widget-radio-box"), Q1_RIGHT)
    check_by_keyboard("q1", "✔ Correct", "Why:")

    # multiple: Space ticks each right box.
    for label in Q2_RIGHT:
        press(question(page, "q2").get_by_role("checkbox", name=label, exact=True))
    check_by_keyboard("q2", "✔ Correct")

    numeric_by_keyboard(page)

    # true/false
    choose_by_arrows(page, question(page, "q4").locator(".widget-radio-box"), "False")
    check_by_keyboard("q4", "✔ Correct")

    ordering_by_keyboard(page, press, check_by_keyboard)

    # matching: arrows pick an option in each item's group (one Tab stop per group).
    for left, group in match_groups(page, "q6").items():
        choose_by_arrows(page, group.locator(".widget-radio-box"), MATCHES[left])
    check_by_keyboard("q6", "✔ Correct")

    expect(notebook(page).locator(".dc-score")).to_contain_text(
        "6 of 6 attempted · 5 correct · 1 answer shown")


def numeric_by_keyboard(page: Page) -> None:
    """The numeric question by keys alone; Enter on a word says "Type a number" (issue 21)."""
    # Enter in the box checks it; wrong first, then right.
    entry = question(page, "q3").get_by_role("textbox")
    tab_to(page, entry, QUIZ)
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(question(page, "q3").locator(".dc-feedback")).to_contain_text("1 datasets is")
    page.keyboard.press("Backspace")
    page.keyboard.type(str(len(list_datasets())))
    page.keyboard.press("Enter")
    expect(question(page, "q3").locator(".dc-feedback")).to_contain_text("✔ Correct")
    # Enter on a word: "Type a number", and the old "Correct" is gone (issue 21).
    page.keyboard.press("Control+a")
    page.keyboard.type("ten")
    page.keyboard.press("Enter")
    expect(question(page, "q3").locator(".dc-feedback")).to_contain_text("Type a number first")
    expect(question(page, "q3").locator(".dc-feedback")).not_to_contain_text("Correct")
    page.keyboard.press("Control+a")
    page.keyboard.type(str(len(list_datasets())))
    page.keyboard.press("Enter")
    expect(question(page, "q3").locator(".dc-feedback")).to_contain_text("✔ Correct")


def ordering_by_keyboard(page: Page, press: Any, check_by_keyboard: Any) -> None:
    """The ordering question by keys alone: Show answer asks once; the focus follows a move."""
    # ordering: Show answer first (Enter asks, Enter again shows), then Move up buttons
    # (Space), then Check.
    q5 = question(page, "q5")
    press(q5.locator(".dc-reveal"), "Enter")
    expect(q5.locator(".dc-feedback")).to_contain_text("Show the answer?")
    expect(q5.locator(".dc-feedback")).not_to_contain_text("The answer:")
    expect(q5.locator(".dc-reveal")).to_be_focused()
    page.keyboard.press("Enter")
    expect(q5.locator(".dc-feedback")).to_contain_text("The answer:")
    # The focus follows the moved item: after Move down on position 1, it is on position 2's
    # Move down (the item's own next move), not left on the item swapped in.
    first = current_order(page, "q5")[0]
    press(order_rows(page, "q5").nth(0).get_by_role("button", name="Move down", exact=True))
    expect(order_rows(page, "q5").nth(1)).to_contain_text(first)
    expect(order_rows(page, "q5").nth(1).get_by_role("button", name="Move down", exact=True)
           ).to_be_focused()
    put_in_order(page, "q5", ORDER, press)
    check_by_keyboard("q5", "✔ Correct")
    expect(question(page, "q5").locator(".dc-status")).to_contain_text("answer shown")
