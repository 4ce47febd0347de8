"""Every lesson, as a learner runs it: in real JupyterLab, restart and run all, no errors, widgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.jlab import REPO, JupyterLab, error_outputs, open_notebook, restart_and_run_all, widgets

LESSONS = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "lessons").glob("*.ipynb"))


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_clean_in_jupyterlab_and_shows_widgets(
    lab_page: object, jupyterlab: JupyterLab, lesson: str
) -> None:
    open_notebook(lab_page, jupyterlab, lesson)  # type: ignore[arg-type]
    restart_and_run_all(lab_page)  # type: ignore[arg-type]
    assert error_outputs(lab_page) == [], f"{lesson} shows errors or warnings to the learner"  # type: ignore[arg-type]
    rendered = widgets(lab_page)  # type: ignore[arg-type]
    rendered.first.wait_for(timeout=30_000)
    assert rendered.count() >= 1, f"{lesson}: no ipywidget rendered"


def test_every_lesson_is_collected() -> None:
    """New lessons are picked up with no change here (the list comes from the folder)."""
    assert "lessons/00-start-here.ipynb" in LESSONS
    assert all(Path(REPO / lesson).exists() for lesson in LESSONS)


@pytest.mark.browser
def test_harness_reports_errors_and_warnings(lab_page: object, jupyterlab: JupyterLab) -> None:
    """The lesson test above can fail: an exception and a warning both show up as error outputs."""
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("import warnings\nwarnings.warn('shown to the learner')"),
            nbformat.v4.new_code_cell("1 / 0"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, jupyterlab.root / "broken.ipynb")
    open_notebook(lab_page, jupyterlab, "broken.ipynb")  # type: ignore[arg-type]
    # Run All stops at the error, so the second cell keeps `[*]`-free but the run-all wait would
    # hang on unexecuted cells after it; this notebook has none after the error.
    restart_and_run_all(lab_page)  # type: ignore[arg-type]
    errors = "\n".join(error_outputs(lab_page))  # type: ignore[arg-type]
    assert "shown to the learner" in errors
    assert "ZeroDivisionError" in errors
