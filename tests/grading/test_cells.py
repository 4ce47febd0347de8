"""Cells as students see them: question headings, first lines, untouched stubs, added notes."""

from __future__ import annotations

import json
from pathlib import Path

from defence_course.grading.cells import (
    added_text,
    cell_questions,
    code_text,
    describe_cell,
    first_line,
    handed_out_lines,
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
    original = handed_out_lines((c["cell_type"], "".join(c["source"])) for c in nb)
    at = next(i for i, c in enumerate(nb) if c["metadata"].get("defence_course"))
    added = [{"cell_type": "markdown", "metadata": {},
              "source": "Because Austria, Cyprus, Ireland and Malta are neutral."},
             {"cell_type": "markdown", "metadata": {}, "source": "  "}]
    student = nb[:at + 1] + added + nb[at + 1:]
    q5 = next(i for i, c in enumerate(student) if "".join(c["source"]).startswith("## q5"))
    student.insert(q5 + 2, {"cell_type": "markdown", "metadata": {}, "source": ["My note ", "on q5"]})
    found = added_text(student, original)
    assert found == {"q5": ["My note on q5"],
                     "q7": ["Because Austria, Cyprus, Ireland and Malta are neutral."]}
    assert added_text(nb, original) == {}


def test_text_written_anywhere_outside_the_answer_cells_is_found() -> None:
    """Issue 20, item 11: an answer typed into the prompt cell, a docstring or a comment, a
    raw cell, or Markdown above the first question never scored 0 unseen again."""
    nb = cells("exercises")
    original = handed_out_lines((c["cell_type"], "".join(c["source"])) for c in nb)
    student = json.loads(json.dumps(nb))
    at = {"".join(c["source"])[:5]: i for i, c in enumerate(student)}
    student[at["## q7"]]["source"] = "".join(student[at["## q7"]]["source"]) + \
        "\n\nThey are neutral states."
    q6 = next(i for i, c in enumerate(student) if "def members_by" in "".join(c["source"]))
    student[q6]["source"] = ('def members_by(year):\n    """I could not finish: it needs the '
                             'join year."""\n    # Neutrality keeps Austria out\n'
                             '    # x = sorted(y)\n    return []\n')
    student.insert(q6 + 1, {"cell_type": "raw", "metadata": {}, "source": "Raw thoughts on q6"})
    student.insert(1, {"cell_type": "markdown", "metadata": {}, "source": "Note before q1"})
    found = added_text(student, original)
    assert found == {
        "q1": ["Note before q1"],
        "q6": ["I could not finish: it needs the join year.\nNeutrality keeps Austria out",
               "Raw thoughts on q6"],
        "q7": ["They are neutral states."]}
    assert code_text("They are neutral states.") == ["They are neutral states."]
