"""Explorers and tables as a learner sees them in JupyterLab (issue 11, items 5 and 6), measured in
the page at 1400 and 800 px, in the light and the dark theme.

- lesson 03's year slider shows its whole readout (a fixed 400 px cut it at 800 px);
- the chosen NATO/SIPRI toggle stands apart from the other button (computed colours, WCAG 1.4.11)
  and its text is readable (WCAG 1.4.3), in both themes;
- an empty country selection shows a message, not an empty chart;
- lesson 01's tables: text left-aligned, dates on one line, no `NaN` cell.

Set DEFENCE_COURSE_SCREENSHOTS to a folder to keep screenshots to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page

from tests.browser.charts import chart_problems
from tests.browser.jlab import (
    JupyterLab,
    close_left_sidebar,
    error_outputs,
    notebook,
    open_notebook,
    restart_and_run_all,
    run_command,
    wait_idle,
)
from tests.browser.tables import DATE, TABLE_CELLS, table_problems
from tests.quiz.test_contrast import NON_TEXT_MIN, TEXT_MIN, contrast

SHOTS = os.environ.get("DEFENCE_COURSE_SCREENSHOTS")
WIDTHS = (1366, 800)  # a common laptop, and half a screen
THEMES = ("JupyterLab Light", "JupyterLab Dark")

# The readout of every slider in the explorer: where it is, against the output area it lives in.
READOUTS = """(box) => {
    const area = box.closest('.jp-OutputArea-output').getBoundingClientRect();
    return [...box.querySelectorAll('.widget-readout')].map(e => {
        const r = e.getBoundingClientRect();
        let clipped = false;
        for (let b = e.parentElement; b && b !== box.parentElement; b = b.parentElement) {
            const s = getComputedStyle(b);
            if (s.overflowX === 'visible') continue;
            const br = b.getBoundingClientRect();
            if (r.right > br.right + 0.5 || r.left < br.left - 0.5) clipped = true;
        }
        return {text: e.textContent.trim(), right: r.right, areaRight: area.right,
                cut: e.scrollWidth > e.clientWidth + 1, clipped, width: r.width};
    });
}"""
# Background and text colour of each toggle button, made opaque over what lies beneath it.
TOGGLES = """(box) => {
    const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const under = e => {
        for (let b = e; b; b = b.parentElement) {
            const c = parse(getComputedStyle(b).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const flat = (c, base) => c.length === 4
        ? c.slice(0, 3).map((v, i) => Math.round(v * c[3] + base[i] * (1 - c[3]))) : c.slice(0, 3);
    return [...box.querySelectorAll('.widget-toggle-button')].map(b => {
        const s = getComputedStyle(b);
        const base = under(b.parentElement);
        const bg = flat(parse(s.backgroundColor), base);
        return {label: b.textContent.trim(), active: b.classList.contains('mod-active'),
                background: bg, text: flat(parse(s.color), bg)};
    });
}"""
def hexed(rgb: list[int]) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb)


def keep(target: Page | Locator, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def switch_theme(page: Page, name: str) -> None:
    if page.evaluate("() => document.body.dataset.jpThemeName") == name:
        return
    run_command(page, f"Use Theme: {name}")
    page.wait_for_function("(name) => document.body.dataset.jpThemeName === name", arg=name)
    page.locator("#jupyterlab-splash").wait_for(state="detached")


def run_cell(page: Page, text: str) -> Locator:
    """Run the code cell that contains `text` (Ctrl+Enter) and return its output area."""
    cell = notebook(page).locator(".jp-CodeCell", has_text=text).first
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    wait_idle(page)
    return cell.locator(".jp-OutputArea")


def spending_problems(box: Locator, label: str) -> list[str]:
    """What a learner could not read in the explorer: a cut readout, a toggle hard to tell apart."""
    problems = []
    for readout in box.evaluate(READOUTS):
        if readout["cut"] or readout["clipped"] or readout["right"] > readout["areaRight"] + 0.5:
            problems.append(f"{label}: slider readout {readout['text']!r} cut off: {readout}")
    buttons = box.evaluate(TOGGLES)
    active = [b for b in buttons if b["active"]]
    others = [b for b in buttons if not b["active"]]
    assert len(active) == 1, buttons
    chosen = active[0]
    for other in others:
        ratio = contrast(hexed(chosen["background"]), hexed(other["background"]))
        if ratio < NON_TEXT_MIN:
            problems.append(f"{label}: chosen {chosen['label']} vs {other['label']}: {ratio:.2f}:1")
    text_ratio = contrast(hexed(chosen["text"]), hexed(chosen["background"]))
    if text_ratio < TEXT_MIN:
        problems.append(f"{label}: chosen toggle's text {text_ratio:.2f}:1")
    return problems


def in_each_view(page: Page, boxes: list[tuple[str, Locator]],
                 check: Callable[[Locator, str], list[str]]) -> list[str]:
    """Run `check` on each explorer in both themes at both widths (screenshots kept if asked)."""
    problems = []
    close_left_sidebar(page)  # at 800 px the file browser left charts 370 px wide (issue 21)
    try:
        for theme in THEMES:
            switch_theme(page, theme)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 1000})
                for name, box in boxes:
                    box.scroll_into_view_if_needed()
                    keep(box, f"{name}-{theme.split()[-1].lower()}-{width}")
                    problems += check(box, f"{name}, {theme}, {width}px")
    finally:
        switch_theme(page, "JupyterLab Light")
    return problems


@pytest.mark.browser
def test_spending_explorer_reads_at_both_widths_in_both_themes(lab_page: Any, jupyterlab: JupyterLab) -> None:
    page: Page = lab_page
    open_notebook(page, jupyterlab, "lessons/03-who-pays.ipynb")
    output = run_cell(page, "spending_explorer()")
    box = output.locator(".dc-explorer")
    box.locator(".widget-readout").first.wait_for()
    box.locator("img").first.wait_for()
    assert error_outputs(page) == []
    assert in_each_view(page, [("03-spending_explorer", box)], spending_problems) == []

    # No country chosen: a message, and no chart with a meaningless axis.
    page.set_viewport_size({"width": 1400, "height": 1000})
    box.locator("select").first.select_option([])  # deselect all, as Ctrl+click on each would
    box.get_by_role("status").filter(has_text="Pick at least one country").wait_for()
    assert box.locator("img").first.is_hidden()
    keep(box, "spending-empty")


@pytest.mark.browser
def test_lesson_tables_are_left_aligned_unwrapped_and_blank_for_nan(
    lab_page: Any, jupyterlab: JupyterLab
) -> None:
    page: Page = lab_page
    page.set_viewport_size({"width": 800, "height": 1000})
    open_notebook(page, jupyterlab, "lessons/01-the-news.ipynb")
    restart_and_run_all(page)
    assert error_outputs(page) == []
    # The week around the summit: long event texts, dates, and notes that are empty (NaN).
    cell = notebook(page).locator(".jp-CodeCell", has_text="the_week[[").first
    cell.scroll_into_view_if_needed()
    table = cell.locator(".jp-OutputArea-output table").first
    table.wait_for()
    keep(cell, "lesson01-the-week-800")
    cells = table.evaluate(TABLE_CELLS)
    by_column: dict[str, list[dict[str, Any]]] = {}
    for item in cells:
        by_column.setdefault(item["column"], []).append(item)
    assert table_problems(cells, "the week") == []
    assert any(c["text"] == "" for c in by_column["note"]), "the week has events without a note"
    for column in ("event", "category", "reliability", "note"):
        assert {c["align"] for c in by_column[column]} == {"left"}, (column, by_column[column][:2])
    assert all(DATE.fullmatch(c["text"]) for c in by_column["date"])
    assert any(c["lines"] > 1 for c in by_column["event"]), "long events wrap (the check can see wrapping)"


# Every explorer the lessons show, by the call in its cell; `run_all` when it needs earlier cells.
EXPLORERS = (
    ("lessons/01-the-news.ipynb", ("event_explorer()", "claims_explorer()"), False),
    ("lessons/02-two-clubs.ipynb", ("year_explorer(clubs_in)", "country_explorer()"), True),
    ("lessons/04-did-the-pressure-work.ipynb", ('gap_explorer("Canada")',), False),
    ("lessons/05-what-canada-joined.ipynb", ("partnership_timeline()",), False),
    ("lessons/06-canadas-side.ipynb", ("path_explorer()",), False),
)
# Controls of an explorer that run past the right edge of the output area (cut off or scrolled).
OVERFLOW = """(box) => {
    const area = box.closest('.jp-OutputArea-output').getBoundingClientRect();
    const parts = '.widget-readout, .widget-toggle-button, .widget-dropdown, .widget-select, '
        + '.widget-select-multiple, .widget-slider, .widget-label, img';
    return [...box.querySelectorAll(parts)].filter(e => e.offsetParent !== null)
        .map(e => ({part: e.className.toString().split(' ').slice(0, 2).join(' '),
                    text: e.textContent.trim().slice(0, 30),
                    right: Math.round(e.getBoundingClientRect().right),
                    limit: Math.round(area.right)}))
        .filter(p => p.right > p.limit + 1);
}"""


def explorer_problems(box: Locator, label: str) -> list[str]:
    """Cut readouts, controls past the edge, a chosen toggle hard to tell apart, untidy tables."""
    problems = [f"{label}: past the edge: {part}" for part in box.evaluate(OVERFLOW)]
    problems += chart_problems(box.page, label, box)[1]  # issue 21: sharp, readable charts
    for table in box.locator("table").all():
        problems += table_problems(table.evaluate(TABLE_CELLS), label)
    if box.locator(".widget-toggle-button").count():
        problems += spending_problems(box, label)
    else:
        problems += [f"{label}: readout cut: {r}" for r in box.evaluate(READOUTS)
                     if r["cut"] or r["clipped"] or r["right"] > r["areaRight"] + 0.5]
    return problems


@pytest.mark.browser
@pytest.mark.parametrize(("lesson", "calls", "run_all"), EXPLORERS, ids=lambda v: str(v)[8:10])
def test_every_explorer_reads_at_both_widths_in_both_themes(
    lab_page: Any, jupyterlab: JupyterLab, lesson: str, calls: tuple[str, ...], run_all: bool
) -> None:
    page: Page = lab_page
    open_notebook(page, jupyterlab, lesson)
    if run_all:
        restart_and_run_all(page)
    boxes = []
    for call in calls:
        cell = notebook(page).locator(".jp-CodeCell", has_text=call).first
        output = cell.locator(".jp-OutputArea") if run_all else run_cell(page, call)
        box = output.locator(".dc-explorer").first
        box.wait_for()
        boxes.append((call, box))
    assert error_outputs(page) == []
    prefix = Path(lesson).stem[:2]
    named = [(prefix + "-" + re.sub(r"\W+", "-", call).strip("-"), box) for call, box in boxes]
    assert in_each_view(page, named, explorer_problems) == []
