"""Issue 11, item 7: in a kernel, an untouched answer reads "not answered yet" and results carry an icon.

Run in a real kernel (nbclient), as a learner runs an exercise: the text a person reads comes from
IPython's display machinery, which an in-process call of `check()` does not exercise.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from defence_course.checks import NOT_ANSWERED, Report, render_check
from tests.quiz.test_contrast import NON_TEXT_MIN, contrast, theme_backgrounds

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "exercises"
ANSWER = '''june_2025 = timeline[(timeline["date"] >= "2025-06-01") & (timeline["date"] <= "2025-06-30")]'''
CELLS = {
    "setup": 'from defence_course.checks import checker\nfrom defence_course.data import load\n\n'
             'check = checker("ex01-the-news")\ntimeline = load("timeline")',
    "untouched_value": "june_2025 = ...  # YOUR CODE HERE\njune_2025",
    "check_untouched_value": 'check("q1")',
    "untouched_function": 'def events_between(start, end):\n    """Rows from start to end."""\n'
                          "    ...  # YOUR CODE HERE\n",
    "check_untouched_function": 'check("q4")',
    "answered": ANSWER,
    "check_answered": 'check("q1")',
    "wrong": "june_2025 = timeline.head(2)",
    "check_wrong": 'check("q1")',
    "written": 'check("q6")',
    # q3's checks all run here: its pass is a verdict.
    "final": "days_to_safe_signature = 236",
    "check_final": 'check("q3")',
}


@pytest.fixture(scope="module")
def outputs() -> dict[str, list[dict]]:
    """Each cell's outputs after running the exercise's own first cell and a learner's cells."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(EXERCISES)}}).execute()
    return {name: cell.outputs for name, cell in zip(CELLS, notebook.cells, strict=True)}


def shown(cell_outputs: list[dict], mime: str = "text/plain") -> str:
    """What the learner sees in one cell: its printed text and its displayed `mime` data."""
    return "".join(o.get("text", "") or o.get("data", {}).get(mime, "") for o in cell_outputs)


def test_an_untouched_answer_cell_says_not_answered_yet_not_ellipsis(outputs: dict) -> None:
    assert "Ellipsis" not in shown(outputs["untouched_value"])
    assert NOT_ANSWERED in shown(outputs["untouched_value"])
    assert "not answered yet" in shown(outputs["untouched_value"], "text/html").lower()


def test_an_untouched_function_is_not_answered_rather_than_returning_none(outputs: dict) -> None:
    text = shown(outputs["check_untouched_function"])
    assert "not answered yet" in text
    assert "got None" not in text
    assert "events_between" in text


@pytest.mark.parametrize(("cell", "state", "icon", "words"), [
    ("check_untouched_value", "unanswered", "\u2026", "Not answered yet"),
    # Issue 21: hidden checks still to run, so no "Passed" they could overturn.
    ("check_answered", "checked", "\u2713", "Checked here"),
    ("check_final", "passed", "\u2714", "Passed"),
    ("check_wrong", "failed", "\u2718", "Not yet"),
    ("written", "note", "\u2139", "Note"),
])
def test_each_check_result_has_colour_an_icon_and_words(
        outputs: dict, cell: str, state: str, icon: str, words: str) -> None:
    html_view = shown(outputs[cell], "text/html")
    assert f"dc-check-{state}" in html_view
    assert "border-left" in html_view
    assert icon in html_view, "never colour alone"
    assert f"{words}:" in html_view
    assert shown(outputs[cell]).startswith(("q1 ", "q3 ", "q4 ", "q6")), "plain text keeps the printed line"


def test_check_results_escape_what_they_show() -> None:
    """A learner's value or a hint can hold `<`: it is shown as text, never as markup."""
    report = Report("q1 ✗ expected <b>x</b>", None, "q1", "expected <b>x</b> & <script>")
    assert "<b>" not in report._repr_html_()
    assert "<script>" not in report._repr_html_()
    assert "&lt;script&gt;" in report._repr_html_()
    assert "&lt;b&gt;" in render_check("failed", "<b>", "q<1>")


@pytest.mark.parametrize("state", ["passed", "checked", "failed", "unanswered", "note"])
def test_check_borders_contrast_with_light_and_dark_notebooks(state: str) -> None:
    border = render_check(state, "x").split("solid ")[1].split(";")[0]
    for name, background in theme_backgrounds().items():
        assert contrast(border, background) >= NON_TEXT_MIN, f"{state} border on {name}"
