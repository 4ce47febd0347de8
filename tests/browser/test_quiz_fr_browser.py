"""A quiz in a French notebook, in real JupyterLab at 800 px: the kernel starts in lessons/fr/,
so the widgets speak French with no extra code in the notebook (issue 24)."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

from tests.browser.jlab import JupyterLab, error_outputs, notebook, open_notebook, restart_and_run_all

BANK = "00-start-here"


@pytest.mark.browser
def test_a_quiz_in_a_french_notebook_speaks_french(lab_page: Any, jupyterlab: JupyterLab,
                                                    tmp_path: Any) -> None:
    page: Page = lab_page
    page.set_viewport_size({"width": 800, "height": 1000})
    folder = jupyterlab.root / "lessons" / "fr"
    folder.mkdir(parents=True, exist_ok=True)
    cells = [nbformat.v4.new_code_cell("from defence_course.quiz import show_quiz"),
             nbformat.v4.new_code_cell(f'show_quiz("{BANK}", "q1")'),
             nbformat.v4.new_code_cell(f'show_quiz("{BANK}", "q5")')]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, folder / "quiz-fr.ipynb")
    open_notebook(page, jupyterlab, "lessons/fr/quiz-fr.ipynb")
    restart_and_run_all(page)
    q1 = notebook(page).locator(".dc-question.dc-q-q1")
    q1.wait_for()
    check = q1.locator(".dc-check")
    expect(check).to_have_text("Vérifier")
    expect(q1.locator(".dc-reveal")).to_have_text("Afficher la réponse")
    expect(q1.locator(".dc-status")).to_have_text("Pas encore essayé.")
    check.click()  # nothing chosen yet
    expect(q1.locator(".dc-feedback")).to_contain_text("Choisissez d’abord une réponse.")  # noqa: RUF001
    q1.get_by_role("radio").first.click()
    check.click()
    expect(q1.locator(".dc-status")).to_contain_text("1 essai")
    q5 = notebook(page).locator(".dc-question.dc-q-q5")
    expect(q5.get_by_role("button", name="Monter").first).to_be_visible()
    expect(q5).to_contain_text("Mettez les éléments en ordre")
    assert error_outputs(page) == []
    page.screenshot(path=str(tmp_path / "quiz-fr.png"), full_page=False)
    # The same WCAG A/AA rules as the English quiz (test_quiz_a11y): the French words must not break
    # them (a longer label clipped, a lang mismatch, a contrast lost).
    from tests.browser.test_quiz_a11y import axe_run, report

    result = axe_run(page)
    assert result["violations"] == [], report(result["violations"])
