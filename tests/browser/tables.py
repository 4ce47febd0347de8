"""What a course table must look like in the browser (the course's table view, defence_course.tables):
text left-aligned, a date on one line, a blank where the data have no value, never NaN/NaT/<NA>.

Shared by the lesson run (every table of every lesson) and the explorers' test (tables in explorers).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from tests.browser.jlab import notebook

# Each table cell: its alignment, wrapping, text and how many lines its text takes.
TABLE_CELLS = """(table) => {
    const head = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    return [...table.querySelectorAll('tbody tr')].flatMap(tr => [...tr.children].map((td, i) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return {column: head[i], tag: td.tagName, text: td.textContent.trim(),
                align: getComputedStyle(td).textAlign, lines: tops.size};
    }));
}"""


NUMBER = re.compile(r"-?[\d.,]+|True|False")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def table_problems(cells: list[dict[str, Any]], label: str) -> list[str]:
    """Text cells not left-aligned, a missing value shown as NaN, a date on two lines."""
    problems = [f"{label}: {c['column']} shows {c['text']}" for c in cells
                if c["text"] in ("NaN", "NaT", "<NA>", "None")]
    problems += [f"{label}: text cell aligned {c['align']}: {c['text'][:30]!r}" for c in cells
                 if c["tag"] == "TD" and c["text"] and not NUMBER.fullmatch(c["text"])
                 and not DATE.fullmatch(c["text"]) and c["align"] != "left"]
    problems += [f"{label}: date on {c['lines']} lines: {c['text']}" for c in cells
                 if DATE.fullmatch(c["text"]) and c["lines"] != 1]
    return problems


def every_table_problem(page: Page, label: str, cells: int) -> tuple[int, list[str]]:
    """Check every table of the open notebook, which must have all its `cells` drawn.

    JupyterLab 4 draws only the cells near the viewport by default; the lesson test turns that off
    (`windowingMode: none`), so one look sees every table. A notebook drawn in part fails here
    rather than passing on the tables that happened to be drawn."""
    drawn = notebook(page).locator(".jp-Cell").count()
    assert drawn == cells, f"{label}: {drawn} of {cells} cells drawn: is windowingMode 'none'?"
    tables = notebook(page).locator(".jp-OutputArea-output table")
    found = tables.evaluate_all(f"tables => tables.map({TABLE_CELLS})")  # one round trip
    problems = [p for number, table in enumerate(found, start=1)
                for p in table_problems(table, f"{label}, table {number}")]
    return len(found), problems
