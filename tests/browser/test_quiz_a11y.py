"""Quizzes in real JupyterLab: axe-core's WCAG 2 A/AA rules, keyboard order and visible focus.

axe-core comes bundled in axe-playwright-python (its axe.min.js is injected into the page; nothing
is fetched). Only what quiz.py draws is checked (`.dc-quiz`, `.dc-progress`): JupyterLab's own
chrome is out of scope. No rule is excluded: ipywidgets' markup for these widgets passes as is.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.browser.jlab import ACTIVE_NOTEBOOK, notebook, open_notebook, restart_and_run_all, run_command
from tests.quiz.test_contrast import NON_TEXT_MIN, contrast

# Every WCAG 2.0, 2.1 and 2.2 level A and AA rule in axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
QUIZ = f"{ACTIVE_NOTEBOOK} .dc-quiz"
PROGRESS = f"{ACTIVE_NOTEBOOK} .dc-progress"
# Tall enough that the whole quiz fits on screen: axe skips the contrast of text scrolled out of
# JupyterLab's notebook panel (it counts as not visible), which would make the check vacuous.
TALL = {"width": 1400, "height": 3600}
FEEDBACK_TIMEOUT_MS = 15_000
# What each control on the Tab path looks like when focused, read in the page.
FOCUS_INFO = """(quiz) => {
    const a = document.activeElement;
    const cs = getComputedStyle(a);
    // The ring's outer edge, and every box up to the cell that cuts part of it off.
    const r = a.getBoundingClientRect();
    const m = parseFloat(cs.outlineOffset) + parseFloat(cs.outlineWidth);
    const clippedBy = [];
    for (let b = a.parentElement; b && !b.classList.contains('jp-Cell'); b = b.parentElement) {
        const bs = getComputedStyle(b);
        if (bs.overflowX === 'visible' && bs.overflowY === 'visible') continue;
        const br = b.getBoundingClientRect();
        if (r.left - m < br.left - 0.5 || r.top - m < br.top - 0.5 || r.right + m > br.right + 0.5
            || r.bottom + m > br.bottom + 0.5) clippedBy.push(b.className.toString().slice(0, 80));
    }
    return {inQuiz: quiz.contains(a), tag: a.tagName, type: a.type || '', clippedBy,
            outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth), colour: cs.outlineColor,
            background: getComputedStyle(a.closest('.jp-Notebook')).backgroundColor};
}"""
# Leaf texts of the quiz and progress widgets cut off (ellipsis) or spilling over the next line.
CLIPPED = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.textContent.trim() && e.children.length <= 1)
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
    .map(e => e.textContent.trim().slice(0, 60))"""
# Radio options whose button is not beside the first line of their words (ipywidgets 8 floats the
# input after the words: when they wrapped, the button sat on the second line, under the first).
RADIOS_OFF_FIRST_LINE = """(selector) => [...document.querySelectorAll(selector + ' .widget-radio-box label')]
    .map(label => {
        const input = label.querySelector('input');
        const words = [...label.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
        if (!input || !words) return label.textContent.trim().slice(0, 60) + ' (no button or words)';
        const range = document.createRange();
        range.selectNodeContents(words);
        const first = range.getClientRects()[0], button = input.getBoundingClientRect();
        const middle = (button.top + button.bottom) / 2;
        const beside = middle >= first.top && middle <= first.bottom && button.right <= first.left;
        return beside ? null : label.textContent.trim().slice(0, 60);
    }).filter(Boolean)"""
NARROW = {"width": 900, "height": 3600}
# Every control a keyboard user should reach, in reading (DOM) order.
# The Tab order: a radio group is one stop (issue 21), its other options have tabindex -1.
CONTROLS = """(quiz) => [...quiz.querySelectorAll('input, select, button, a[href], textarea')]
    .filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)"""


def axe_run(page: Page) -> dict[str, Any]:
    """axe-core's WCAG A/AA rules on the quiz and progress widgets; the full result (passes too).

    JupyterLab's <body> is `overflow: hidden` with a height of 0 (everything in it is absolutely
    positioned), and axe counts an element inside a clipping ancestor under 2 px high as hidden:
    it then skips the contrast of every text in the notebook (cf. dequelabs/axe-core#2218). Giving
    the body the viewport's height changes nothing on screen and lets axe see the text.
    """
    page.evaluate("document.body.style.minHeight = '100vh'")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(Axe().axe_script)
    context = {"include": [[QUIZ], [PROGRESS]]}
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    return dict(page.evaluate("([context, options]) => axe.run(context, options)", [context, options]))


def report(violations: list[dict[str, Any]]) -> str:
    """Each violation: id, impact, help, and every node it hit (selector, markup, why)."""
    lines = [f"{len(violations)} axe violation(s) in the quiz widgets:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    target {json.dumps(node['target'])}: {node['html'][:200]}")
            lines.append("      " + node.get("failureSummary", "").replace("\n", " "))
    return "\n".join(lines)


def assert_axe_clean(page: Page, checked_texts: str) -> None:
    """No violation, and axe did measure the contrast of the texts named (else the pass is empty)."""
    page.locator(QUIZ).evaluate("q => q.scrollIntoView({block: 'start'})")
    result = axe_run(page)
    assert result["violations"] == [], report(result["violations"])
    measured = [node["html"] for rule in result["passes"] if rule["id"] == "color-contrast"
                for node in rule["nodes"]]
    # Only elements with text of their own: a verdict with no headline ("✘ Not quite.") is
    # measured on its <strong>, which the count below cannot tell apart from other bold text.
    count = page.locator(f"{QUIZ} {checked_texts}").evaluate_all(
        "els => els.filter(e => [...e.childNodes].some(n => n.nodeType === 3 "
        "&& n.textContent.trim())).length")
    assert count > 0
    undecided = [(rule["id"], node["html"][:100], node.get("failureSummary", ""))
                 for rule in result["incomplete"] for node in rule["nodes"]]
    assert sum(bool(re.search(r"dc-(prompt|verdict)", html)) for html in measured) >= count, (
        f"axe measured the contrast of fewer than {count} of {checked_texts}: {measured}; "
        f"undecided: {undecided}")


def question(page: Page, qid: str) -> Locator:
    return notebook(page).locator(f".dc-question.dc-q-{qid}")


def press_check(page: Page, qid: str, expected: str) -> None:
    """Focus the Check button, press Enter, and wait for the verdict (an ARIA alert)."""
    question(page, qid).locator(".dc-check").focus()
    page.keyboard.press("Enter")
    feedback = question(page, qid).locator(".dc-feedback")
    expect(feedback).to_contain_text(expected, timeout=FEEDBACK_TIMEOUT_MS)
    expect(feedback.locator('[role="alert"]')).to_have_count(1)


def show_answer_by_keyboard(page: Page) -> None:
    """Show answer asks once first (issue 21), then shows the answer, each as an alert."""
    question(page, "q5").locator(".dc-reveal").focus()
    page.keyboard.press("Enter")
    expect(question(page, "q5").locator(".dc-feedback")).to_contain_text("Show the answer?")
    page.keyboard.press("Enter")
    expect(question(page, "q5").locator(".dc-feedback")).to_contain_text("The answer:")


def space_on(page: Page, control: Locator) -> None:
    control.focus()
    page.keyboard.press("Space")


def switch_theme(page: Page, name: str) -> None:
    run_command(page, f"Use Theme: {name}")
    page.wait_for_function("(name) => document.body.dataset.jpThemeName === name", arg=name)
    # JupyterLab covers the page with its splash screen while the new theme loads.
    page.locator("#jupyterlab-splash").wait_for(state="detached")


def enter_quiz_by_keyboard(page: Page, tries: int = 5) -> None:
    """Put the keyboard focus on the quiz's first control, arriving by Tab (not by script)."""
    quiz = page.locator(QUIZ)
    for _ in range(tries):
        quiz.locator("input").first.focus()
        # Arrive by keyboard (Shift+Tab out, Tab back in): a focus set from script after a mouse
        # click does not match :focus-visible, so it would show no ring.
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        if quiz.evaluate(FOCUS_INFO)["inQuiz"]:
            return
        # JupyterLab can take the focus back for the active cell just after a run (seen once in
        # CI under load): wait a moment and try again rather than walk from outside the quiz.
        page.wait_for_timeout(500)
    where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"the keyboard focus never reached the quiz; it is on {where}")


def tab_walk(page: Page) -> list[dict[str, Any]]:
    """Tab from the quiz's first control until focus leaves the quiz; what each stop looked like."""
    quiz = page.locator(QUIZ)
    enter_quiz_by_keyboard(page)
    stops = []
    for _ in range(page.locator(QUIZ).evaluate(f"q => ({CONTROLS})(q).length") + 1):
        info = quiz.evaluate(FOCUS_INFO)
        if not info["inQuiz"]:
            break
        stops.append(info)
        page.keyboard.press("Tab")
    return stops


def assert_nothing_clipped(page: Page) -> None:
    """Hints, labels and counts wrap instead of losing their ends (WCAG 1.4.10)."""
    clipped = page.evaluate(CLIPPED, f"{QUIZ} *, {PROGRESS} *")
    assert clipped == [], f"text cut off at {page.viewport_size}: {clipped}"
    misplaced = page.evaluate(RADIOS_OFF_FIRST_LINE, QUIZ)
    assert misplaced == [], f"radio buttons not beside their words at {page.viewport_size}: {misplaced}"


def rgb_hex(css: str) -> str:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


Q1_WRONG = ("The figure comes from SIPRI's database rather than from NATO's own defence"
            " expenditure report")


@pytest.mark.browser
def test_quiz_is_accessible_in_real_jupyterlab(lab_page: Any, jupyterlab: Any) -> None:
    """The start-here lesson (one question of each type): axe, keyboard path, focus, dark theme."""
    page: Page = lab_page
    open_notebook(page, jupyterlab, "lessons/00-start-here.ipynb")
    restart_and_run_all(page)
    question(page, "q6").wait_for()
    page.locator(PROGRESS).wait_for()
    page.set_viewport_size(TALL)

    # 1. Before any answer; and no text is cut off, wide or narrow.
    assert_axe_clean(page, ".dc-prompt")
    assert_nothing_clipped(page)
    page.set_viewport_size(NARROW)
    assert_nothing_clipped(page)
    page.set_viewport_size(TALL)

    # 2. Keyboard alone reaches every control, in reading order, each with a visible focus ring.
    stops = tab_walk(page)
    expected = page.locator(QUIZ).evaluate(
        f"q => ({CONTROLS})(q).map(e => ({{tag: e.tagName, type: e.type || ''}}))")
    assert [(s["tag"], s["type"]) for s in stops] == [(e["tag"], e["type"]) for e in expected]
    for stop in stops:
        assert stop["outline"] != "none", stop
        assert stop["width"] >= 2, stop
        assert stop["clippedBy"] == [], stop
        ring, background = rgb_hex(stop["colour"]), rgb_hex(stop["background"])
        assert contrast(ring, background) >= NON_TEXT_MIN, stop

    # 3. Answer with the keyboard only: wrong, partly right, wrong (typed), right, no answer.
    q1 = question(page, "q1")
    space_on(page, q1.get_by_role("radio", name=Q1_WRONG, exact=True))
    press_check(page, "q1", "✘ Not quite")
    space_on(page, question(page, "q2").get_by_role("checkbox", name='source("nato_spending")', exact=True))
    press_check(page, "q2", "◑ Partly right")
    question(page, "q3").get_by_role("textbox").focus()
    page.keyboard.type("1")  # digits are not taken by JupyterLab's command-mode shortcuts
    press_check(page, "q3", "✘ Not quite")
    # What was graded is what was typed, all of it, even when Check follows at once.
    expect(question(page, "q3").locator(".dc-verdict")).to_contain_text("1 datasets")
    space_on(page, question(page, "q4").get_by_role("radio", name="False", exact=True))
    press_check(page, "q4", "✔ Correct")
    press_check(page, "q6", "Note:")
    # "Show answer" by keyboard (issue 11): the answer, why, and the source, as an info box.
    show_answer_by_keyboard(page)
    # The progress export by keyboard (issue 13): from the name box, Tab to the button, Enter.
    page.locator(PROGRESS).get_by_role("textbox", name="Your name").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"{PROGRESS} .dc-export-message")).to_contain_text("Saved")
    assert_axe_clean(page, ".dc-prompt, .dc-verdict")
    for size in (NARROW, {"width": 800, "height": 3600}):
        page.set_viewport_size(size)
        assert_nothing_clipped(page)
    page.set_viewport_size(TALL)

    # 4. The same in JupyterLab Dark (then back: the theme is a setting the server keeps).
    switch_theme(page, "JupyterLab Dark")
    try:
        assert_axe_clean(page, ".dc-prompt, .dc-verdict")
    finally:
        switch_theme(page, "JupyterLab Light")
