"""Lesson 07's argument form as a learner uses it: type, save, show it again, survive a bad file.

Only the form's own cell is run (it imports what it needs), so the test stays quick; the whole
lesson runs in real JupyterLab in test_lessons_browser.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.jlab import JupyterLab, error_outputs, notebook, open_notebook, wait_idle

LESSON = "lessons/07-a-new-alignment.ipynb"
SAVED_NAME = "07-a-new-alignment.json"
EVIDENCE = "Costa, 23 Jun 2025: NATO 'remains the cornerstone' (EU readout)"
SHOTS = os.environ.get("DEFENCE_COURSE_SCREENSHOTS")  # a folder: keep screenshots to look at


def arguments_folder(lab: JupyterLab) -> Path:
    """Where the kernel saves arguments: beside the quiz progress file the harness points at
    (DEFENCE_COURSE_PROGRESS in the server's home folder, which also holds its log)."""
    return lab.log_path.parent / "arguments"


def run_form_cell(page: Page) -> Locator:
    """Run the cell that shows the form (as Shift+Enter does) and return its output area."""
    cell = notebook(page).locator(".jp-CodeCell", has_text="argument_builder()").first
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    wait_idle(page)
    output = cell.locator(".jp-OutputArea-output")
    output.locator('[role="status"]').wait_for(timeout=30_000)
    return output


def keep(form: Locator, name: str) -> None:
    if SHOTS:
        form.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.browser
def test_the_argument_form_saves_reloads_and_survives_a_corrupt_file(
    lab_page: Page, jupyterlab: JupyterLab
) -> None:
    folder = arguments_folder(jupyterlab)
    open_notebook(lab_page, jupyterlab, LESSON)
    form = run_form_cell(lab_page)
    expect(form.locator('[role="status"]')).to_contain_text("Not saved yet")
    keep(form, "argument-new")

    form.locator("textarea").nth(1).fill(EVIDENCE)  # claim 1: the claim, then evidence for
    form.locator("select").first.select_option("partly supported")
    form.get_by_role("button", name="Save my argument").click()
    expect(form.locator('[role="status"]')).to_contain_text("Saved 3 claims")
    keep(form, "argument-saved")
    saved = json.loads((folder / SAVED_NAME).read_text(encoding="utf-8"))
    assert saved["arguments"][0]["evidence_for"] == EVIDENCE

    form = run_form_cell(lab_page)  # shown again: the saved argument comes back
    expect(form.locator('[role="status"]')).to_contain_text("Loaded your argument")
    expect(form.locator("textarea").nth(1)).to_have_value(EVIDENCE)
    expect(form.locator("select").first).to_have_value("partly supported")

    (folder / SAVED_NAME).write_text("{not json", encoding="utf-8")
    form = run_form_cell(lab_page)
    expect(form.locator('[role="status"]')).to_contain_text("Nothing is lost")
    keep(form, "argument-corrupt")
    kept = [p for p in folder.iterdir() if ".unreadable-" in p.name]
    assert [p.read_text(encoding="utf-8") for p in kept] == ["{not json"]
    assert error_outputs(lab_page) == []
