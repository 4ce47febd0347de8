"""Cells as students see them: question headings, first lines, untouched stubs, added notes."""

from __future__ import annotations

import json
from pathlib import Path

from defence_course.grading.cells import (
    added_markdown,
    cell_questions,
    describe_cell,
    first_line,
    untouched_function,
)

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"


def cells(folder: str) -> list[dict]:
    return json.loads((REPO / folder / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))["cells"]


def code(nb_cells: list[dict]) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb_cells if c["cell_type"] == "code"]


def test_every_code_cell_is_placed_under_its_question() -> None:
    nb = cells("exercises")
    questions = cell_questions(nb)
    sources = code(nb)
    assert questions[:2] == [None, None]  # set-up cells above the first question
    index = next(i for i, s in enumerate(sources) if s.startswith("joins_by_decade"))
    assert questions[index] == "q5"
    assert describe_cell(sources, questions, index) == (
        "the cell under q5 that starts `joins_by_decade = ...  # YOUR CODE HERE`")
    assert describe_cell(sources, questions, 0).startswith("the cell before the first question")
    assert describe_cell(sources, questions, 99) == "a cell"


def test_first_line_skips_comments_and_shortens() -> None:
    assert first_line("# a loop\n\nwhile True:\n    pass") == "while True:"
    assert first_line("x = '" + "a" * 100 + "'").endswith("…")
    assert len(first_line("x = '" + "a" * 100 + "'")) == 60


def test_untouched_function_stub_is_recognised() -> None:
    assert untouched_function(code(cells("exercises")), "members_by")
    assert not untouched_function(code(cells("solutions")), "members_by")
    assert not untouched_function(["def members_by(year):\n    return []\n"], "members_by")
    # The last definition counts; a syntax error elsewhere does not hide it.
    assert untouched_function(["def f():\n    return 1", "def f():\n    pass", "x ="], "f")
    assert not untouched_function(["y = 1"], "f")  # not defined at all: that is `missing` anyway


def test_markdown_a_student_added_is_found_under_its_question() -> None:
    nb = cells("exercises")
    original = ["".join(c["source"]) for c in nb if c["cell_type"] == "markdown"]
    at = next(i for i, c in enumerate(nb) if c["metadata"].get("defence_course"))
    added = [{"cell_type": "markdown", "metadata": {},
              "source": "Because Austria, Cyprus, Ireland and Malta are neutral."},
             {"cell_type": "markdown", "metadata": {}, "source": "  "}]
    student = nb[:at + 1] + added + nb[at + 1:]
    q5 = next(i for i, c in enumerate(student) if "".join(c["source"]).startswith("## q5"))
    student.insert(q5 + 2, {"cell_type": "markdown", "metadata": {}, "source": ["My note ", "on q5"]})
    found = added_markdown(student, original)
    assert found == {"q5": ["My note on q5"],
                     "q7": ["Because Austria, Cyprus, Ireland and Malta are neutral."]}
    assert added_markdown(nb, original) == {}
