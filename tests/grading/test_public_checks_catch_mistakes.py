"""The inline `check()` never passes a wrong answer a learner plausibly hands in (issue 21).

Each wrong answer in `wrong_answers.py` breaks one rule its question's prompt states; the public
checks the learner runs (the generated `exercises/checks/*.yaml`) must include a case for that
rule, so the learner sees "Not yet" before handing it in, not a pass the grader then overturns.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache
from pathlib import Path

import nbformat
import pytest

from defence_course.checks import Checker

from .wrong_answers import WRONG_ANSWERS

REPO = Path(__file__).resolve().parents[2]


@cache
def solution_cells(exercise: str) -> tuple[str, ...]:
    """The worked solution's code cells, without its `check(...)` cells."""
    nb = nbformat.read(REPO / "solutions" / f"{exercise}.ipynb", as_version=4)
    return tuple(c.source for c in nb.cells
                 if c.cell_type == "code" and not c.source.startswith("check("))


def run_with(exercise: str, extra: str) -> dict:
    """The namespace after running the solution, then `extra`, as a kernel would."""
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in (*solution_cells(exercise), extra):
            exec(compile(source, f"<{exercise}>", "exec"), namespace)
    return namespace


def public_check(exercise: str, question: str, namespace: dict):
    """What the learner's `check(question)` reports, from the exercise's public checks."""
    checker = Checker(exercise, REPO / "exercises" / "checks" / f"{exercise}.yaml")
    return checker.run(question, namespace=namespace)


@pytest.mark.parametrize(("exercise", "question", "mistake"), list(WRONG_ANSWERS),
                         ids=lambda v: str(v))
def test_a_wrong_answer_never_passes_the_public_checks(exercise: str, question: str,
                                                       mistake: str) -> None:
    report = public_check(exercise, question, run_with(exercise, WRONG_ANSWERS[
        (exercise, question, mistake)].strip()))
    assert report.outcome is not None
    assert report.outcome.status == "failed", f"{mistake} passes the public checks: {report.text}"


@pytest.mark.parametrize("exercise", sorted({key[0] for key in WRONG_ANSWERS}))
def test_the_solution_itself_passes_them(exercise: str) -> None:
    """Each wrong answer fails because of its mistake, not because the setup is broken."""
    namespace = run_with(exercise, "")
    questions = sorted({q for e, q, _ in WRONG_ANSWERS if e == exercise})
    for question in questions:
        assert public_check(exercise, question, namespace).passed, question
