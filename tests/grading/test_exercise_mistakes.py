"""The hidden checks catch the mistakes learners really make, not only untouched placeholders.

Each case is the worked solution with one plausible mistake appended as a final cell; grading it
must fail exactly the question the mistake belongs to, and keep the others' points.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from defence_course.grading import grade
from defence_course.grading.sandbox import GIB, Limits

REPO = Path(__file__).resolve().parents[2]
LIMITS = Limits(timeout=20, memory_bytes=2 * GIB)

MISTAKES = {
    # ex03 q6 with > instead of >=: only the 2025 figures of exactly 2.00 tell them apart.
    ("ex03-who-pays", "q6", "strict-inequality"): """
def allies_at_or_above(threshold, year):
    rows = spending_wide[year]
    return sorted(rows[rows > threshold].index)
""",
    # ex03 q4 with SIPRI minus NATO instead of NATO minus SIPRI.
    ("ex03-who-pays", "q4", "reversed-difference"): """
nato_vs_sipri = nato_vs_sipri.assign(difference=-nato_vs_sipri["difference"])
""",
    # ex02 q6 read from nato_join_date, which is empty for most Allies.
    ("ex02-two-clubs", "q6", "join-date-instead-of-year"): """
def members_by(year):
    joined = membership["nato_join_date"].dt.year <= year
    return sorted(membership.loc[joined.fillna(False), "country"])
""",
}


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
