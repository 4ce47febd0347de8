"""The hidden checks catch the mistakes learners really make, not only untouched placeholders.

Each case is the worked solution with one plausible mistake appended as a final cell; grading it
must fail exactly the question the mistake belongs to, and keep the others' points. The mistakes
live in `wrong_answers.py`, which the public checks are also run on.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from defence_course.grading import grade
from defence_course.grading.sandbox import GIB, Limits

from .wrong_answers import GRADER_ISOLATED, WRONG_ANSWERS

REPO = Path(__file__).resolve().parents[2]
LIMITS = Limits(timeout=20, memory_bytes=2 * GIB)

MISTAKES = {key: WRONG_ANSWERS[key] for key in GRADER_ISOLATED}


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "question", "mistake"), list(MISTAKES), ids=lambda v: str(v))
def test_a_plausible_mistake_fails_its_question_only(
    tmp_path: Path, exercise: str, question: str, mistake: str
) -> None:
    solution = nbformat.read(REPO / "solutions" / f"{exercise}.ipynb", as_version=4)
    solution.cells.append(nbformat.v4.new_code_cell(MISTAKES[(exercise, question, mistake)].strip()))
    submissions = tmp_path / "class"
    submissions.mkdir()
    nbformat.write(solution, submissions / f"{mistake}.ipynb")
    out = tmp_path / "grades.csv"
    grade(exercise, submissions, out, jobs=1, limits=LIMITS, root=REPO, progress=False, warn=lambda m: None)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["question"]: row for row in csv.DictReader(handle)}
    assert rows[question]["status"] == "failed", rows[question]
    assert "raised" not in rows[question]["message"], rows[question]["message"]
    others = {q: r["status"] for q, r in rows.items() if q != question and r["status"] != "manual"}
    assert set(others.values()) == {"passed"}, others
