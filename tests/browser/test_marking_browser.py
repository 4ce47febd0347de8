"""The marking page in real JupyterLab: tick criteria, comment, save and next, only unmarked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from defence_course.grading.manual import read_sheet
from tests.browser.jlab import JupyterLab, error_outputs, notebook, open_notebook, wait_idle

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
SHOTS = os.environ.get("DEFENCE_COURSE_SCREENSHOTS")
HEADER = "student,exercise,question,max_points,points,comment,answer,q7.1,q7.2,q7.3\n"


def marking_notebook(root: Path) -> str:
    """A notebook with the one call a TA runs, over a manual.csv of three answers."""
    grades = root / "marking-grades"
    grades.mkdir(exist_ok=True)
    rows = [f"{s},{EXERCISE},q7,3,{p},,\"{s} says: Austria, Cyprus, Ireland and Malta.\",,,"
            for s, p in (("ana", ""), ("ben", "2"), ("cy", ""))]
    (grades / "manual.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    source = (f"from pathlib import Path\nfrom defence_course.classroom import mark\n"
              f"mark({EXERCISE!r}, {str(grades)!r}, root=Path({str(REPO)!r}))")
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                       "language": "python"}},
          "cells": [{"cell_type": "code", "id": "mark", "metadata": {}, "source": source,
                     "outputs": [], "execution_count": None}]}
    (root / "marking.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return "marking.ipynb"


@pytest.mark.browser
def test_a_ta_marks_written_answers_in_jupyterlab(lab_page: Page, jupyterlab: JupyterLab) -> None:
    path = marking_notebook(jupyterlab.root)
    open_notebook(lab_page, jupyterlab, path)
    cell = notebook(lab_page).locator(".jp-CodeCell").first
    cell.locator(".cm-content").click()
    lab_page.keyboard.press("Control+Enter")
    wait_idle(lab_page)
    page = cell.locator(".defence-course-marking")
    status = page.locator('[role="status"]')
    expect(status).to_contain_text("2 of 3 answer(s) left to mark", timeout=30_000)
    expect(page.locator("h3")).to_contain_text("q7 · ana · answer 1 of 3")
    expect(page).to_contain_text("ana says: Austria")
    page.locator("summary", has_text="Model answer").click()  # the solution's answer, folded until asked
    expect(page).to_contain_text("Partnership for Peace")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "marking-page.png"))

    page.get_by_label("q7.1 (1 pt)", exact=False).check()
    page.get_by_label("q7.3 (1 pt)", exact=False).check()
    page.locator("textarea").fill("Name the date of each source.")
    page.get_by_role("button", name="Save and next ▶").click()
    expect(status).to_contain_text("Saved q7 for ana. 1 of 3 answer(s) left to mark.")
    expect(page.locator("h3")).to_contain_text("q7 · ben")
    row = read_sheet(jupyterlab.root / "marking-grades" / "manual.csv")[("ana", EXERCISE, "q7")]
    assert (row["points"], row["q7.1"], row["q7.2"], row["q7.3"]) == ("2", "1", "0", "1")
    assert row["comment"] == "Name the date of each source."

    page.get_by_label("only unmarked").check()  # ben is marked: cy is the one left
    expect(page.locator("h3")).to_contain_text("q7 · cy")
    page.get_by_role("button", name="◀ Previous").click()
    expect(status).to_contain_text("No earlier answer.")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "marking-page-unmarked.png"))
    assert error_outputs(lab_page) == []
