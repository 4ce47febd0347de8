"""Lesson 00 behaves as its prose says: the country picker replaces its table."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
LESSON = REPO / "lessons" / "00-start-here.ipynb"


def test_country_picker_replaces_the_table_instead_of_stacking_tables() -> None:
    """Regression: Output.clear_output() outside a `with` block left old tables in place."""
    notebook = nbformat.read(LESSON, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "country_picker.value = 'France'\n"
            "country_picker.value = 'Poland'\n"
            "print(len(country_table.outputs), country_table.outputs[-1]['data']['text/plain'].count('2014'))"
        )
    )
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(LESSON.parent)}}
    ).execute()
    printed = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
    assert printed.strip() == "1 1", f"expected one table (with one 2014 column), got: {printed}"
