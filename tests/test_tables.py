"""The course's table view: text left-aligned, no wrapped dates, blanks instead of NaN (issue 11, item 5)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from IPython.core.formatters import HTMLFormatter

from defence_course import tables
from defence_course.data import load
from defence_course.tables import course_table_html, text_columns, use_course_tables

MISSING_MARKS = ("NaN", "NaT", "&lt;NA&gt;", "None")


@pytest.fixture
def formatter(monkeypatch: pytest.MonkeyPatch) -> HTMLFormatter:
    """IPython's HTML formatter as a lesson's kernel has it, after use_course_style()."""
    html = HTMLFormatter()
    monkeypatch.setattr(tables, "_html_formatter", lambda: html)
    use_course_tables()
    return html


def cells(html: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", html, flags=re.S)


def rules(html: str) -> str:
    return re.search(r"<style>(.*?)</style>", html, flags=re.S).group(1)


def test_missing_values_show_as_blanks_in_every_kind_of_column(formatter: HTMLFormatter) -> None:
    frame = pd.DataFrame({
        "text": ["a", None], "number": [1.5, np.nan], "date": pd.to_datetime(["2025-06-23", None]),
        "year": pd.array([1995, None], dtype="Int64"), "label": pd.array(["x", None], dtype="string"),
    })
    html = formatter(frame)
    assert not any(mark in html for mark in MISSING_MARKS), html
    assert cells(html)[5:] == ["", "", "", "", ""]
    assert cells(html)[:5] == ["a", "1.5", "2025-06-23", "1995", "x"]


def test_the_course_datasets_show_no_missing_marks(formatter: HTMLFormatter) -> None:
    """The tables lessons show: the timeline's empty notes, membership's missing years."""
    with pd.option_context("display.max_rows", None):
        for name in ("timeline", "membership", "partnerships", "nato_revisions"):
            html = formatter(load(name))
            assert not any(mark in html for mark in MISSING_MARKS), name


def test_text_is_left_aligned_and_numbers_are_not(formatter: HTMLFormatter) -> None:
    frame = pd.DataFrame({"count": [1, 2], "countries": ["Austria, Finland", "Canada"],
                          "mixed": [1.37, True]})
    assert text_columns(frame) == [1]
    css = rules(formatter(frame))
    assert re.search(r"td:nth-child\(3\)[^{]*\{ text-align: left; \}", css)
    assert not re.search(r"td:nth-child\(2\)[^{]*\{ text-align: left; \}", css)
    assert "tbody th { text-align: left;" in css


def test_dates_and_short_text_never_wrap_and_long_text_may(formatter: HTMLFormatter) -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-06-23"]), "as_reported": ["21 May 2024"],
                          "event": ["A long event description that must be allowed to wrap"]})
    css = rules(formatter(frame))
    nowrap = set(re.findall(r"td:nth-child\((\d+)\)[^{]*\{ white-space: nowrap; \}", css))
    assert nowrap == {"2", "3"}


def test_each_table_gets_its_own_id_so_rules_do_not_leak(formatter: HTMLFormatter) -> None:
    frame = pd.DataFrame({"a": ["x"]})
    first, second = formatter(frame), formatter(frame)
    ids = [re.search(r'id="(dc-table-\d+)"', h).group(1) for h in (first, second)]
    assert ids[0] != ids[1]
    assert all(f"#{i} " in h for i, h in zip(ids, (first, second), strict=True))


def test_pandas_display_options_still_apply(formatter: HTMLFormatter) -> None:
    frame = pd.DataFrame({"n": range(100)})
    with pd.option_context("display.max_rows", 10, "display.min_rows", 4):
        html = formatter(frame)
    assert html.count("<tr>") < 12
    assert "100 rows \N{MULTIPLICATION SIGN} 1 columns" in html


def test_multiindex_columns_fall_back_to_pandas_view() -> None:
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]))
    assert course_table_html(frame) == frame._repr_html_()


@pytest.mark.parametrize("rows", [5, 30])
def test_the_public_to_html_draws_what_pandas_own_view_draws(rows: int) -> None:
    """tables.py draws through DataFrame.to_html, not pandas' private formatter classes: the
    same table as pandas' notebook view, short or cut at display.max_rows (to min_rows)."""
    frame = pd.DataFrame({"n": range(rows), "x": [0.5] * rows, "t": ["a"] * rows})
    with pd.option_context("display.max_rows", 20, "display.min_rows", 6):
        assert tables._pandas_html(frame, None, blanks=False) == frame._repr_html_()
    with pd.option_context("display.notebook_repr_html", False):
        assert course_table_html(frame) is None


def test_outside_ipython_nothing_is_registered() -> None:
    use_course_tables()  # no shell under pytest: a no-op, not an error
    tables.reset_course_tables()


LESSONS = sorted((Path(__file__).resolve().parents[1] / "lessons").glob("0*.ipynb"))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_turns_the_table_view_on_before_its_first_table(lesson) -> None:
    """The default reaches a lesson only if its first code cell calls use_course_style()."""
    code = [("".join(c["source"])) for c in json.loads(lesson.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]
    assert "use_course_style()" in code[0], f"{lesson.name}: call use_course_style() in the first cell"


EXERCISES = sorted((Path(__file__).resolve().parents[1] / "exercises").glob("ex*.ipynb"))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda p: p.stem)
def test_every_exercise_turns_the_table_view_on_in_its_first_cell(exercise) -> None:
    """Issue 21: exercise tables showed `NaN` where the lessons show blanks. Exercises draw no
    charts, so they call use_course_tables(), the table half of use_course_style()."""
    code = [("".join(c["source"])) for c in json.loads(exercise.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]
    assert "use_course_tables()" in code[0], f"{exercise.name}: call use_course_tables() in the first cell"


def test_an_exercise_table_shows_blanks_in_a_kernel() -> None:
    """The exercise's first cells, run as JupyterLab runs them: its first table has missing notes
    (ex03's `allies.head()`), drawn blank, not `NaN`."""
    import nbformat
    from nbclient import NotebookClient

    exercise = next(p for p in EXERCISES if p.stem == "ex03-who-pays")
    notebook = nbformat.read(exercise, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    notebook.cells = code[:2]
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(exercise.parent)}}).execute()
    html = notebook.cells[1].outputs[0]["data"]["text/html"]
    assert "dc-table" in html
    assert load("nato_spending").head()["note"].isna().any(), "the first table lost its blanks"
    assert [c for c in cells(html) if c.strip() in MISSING_MARKS] == []


def test_outside_ipython_the_table_view_does_not_import_ipython() -> None:
    """The grader's sandbox runs each exercise's first cell: no ~0.3 s IPython import there."""
    import subprocess
    import sys

    code = ("import sys\nfrom defence_course.tables import use_course_tables\nuse_course_tables()\n"
            "print('IPython' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
