"""Rows of grades.csv from a sandbox run: one per question, with a status a learner can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from defence_course.authoring.exercises import ANSWER_PROMPT
from defence_course.grading.compare import grade_question
from defence_course.grading.plain import MISSING
from defence_course.grading.sandbox import Job, RunResult
from defence_course.grading.spec import ExerciseSpec, Question
from defence_course.grading.submissions import ParsedNotebook

STATUSES = ("passed", "failed", "error", "timeout", "missing", "manual")


def build_job(parsed: ParsedNotebook, spec: ExerciseSpec) -> Job:
    """The sandbox request: the learner's code and the names (and calls) to report back."""
    answers = [{"name": q.answer, "kind": q.kind, "calls": [[a, k] for a, k in q.calls]}
               for q in spec.questions if q.kind != "manual"]
    # IPython syntax (%magic, !shell) is turned into Python inside the sandbox, under the time
    # limit: IPython's transformer can take minutes on a crafted cell (see _worker.python_source).
    return Job(parsed.code_cells, answers)


def _row(student: str, spec: ExerciseSpec, q: Question, status: str, points: float | None,
         message: str, checks: Iterable[Any] = ()) -> dict[str, Any]:
    return {"student": student, "exercise": spec.exercise, "question": q.id,
            "points": points, "max_points": q.points, "status": status, "message": message,
            "checks": [[c.number, c.public, c.passed, c.message, c.hint] for c in checks]}


def rows_for_problem(student: str, spec: ExerciseSpec, message: str,
                     status: str = "error") -> list[dict[str, Any]]:
    """Every question of a submission that could not be run gets the same error row."""
    return [_row(student, spec, q, status, 0.0, message) for q in spec.questions]


def rows_for_run(student: str, spec: ExerciseSpec, parsed: ParsedNotebook,
                 run: RunResult) -> list[dict[str, Any]]:
    """Grade every question from the sandbox's plain answers (never from the learner's objects)."""
    rows = []
    for q in spec.questions:
        if q.kind == "manual":
            text = parsed.texts.get(q.id, "").strip()
            if not text or text == ANSWER_PROMPT.format(qid=q.id).strip():
                rows.append(_row(student, spec, q, "missing", 0.0,
                                 "no written answer (the answer cell is empty or unchanged)"))
            else:
                rows.append(_row(student, spec, q, "manual", None,
                                 "written answer: graded by the instructor"))
            continue
        if run.status in ("crashed", "invalid") or (run.status == "timeout" and not run.answers):
            status = "timeout" if run.status == "timeout" else "error"
            rows.append(_row(student, spec, q, status, 0.0, run.message))
            continue
        answer = run.answers.get(q.answer, MISSING)
        if isinstance(answer, dict) and answer.get("__type__") == "missing":
            answer = MISSING
        if answer is MISSING:
            status, message = _why_missing(q, parsed, run)
            rows.append(_row(student, spec, q, status, 0.0, message))
            continue
        outcome = grade_question(q, answer, spec.exercise)
        status = outcome.status
        calls = answer.get("calls", {}) if isinstance(answer, dict) else {}
        if status == "failed" and isinstance(calls, dict) and any(
                isinstance(r, dict) and r.get("error") == "timed out" for r in calls.values()):
            status = "timeout"
        rows.append(_row(student, spec, q, status, outcome.points, outcome.message,
                         outcome.checks))
    return rows


def _why_missing(q: Question, parsed: ParsedNotebook, run: RunResult) -> tuple[str, str]:
    if run.timed_out_cell is not None and run.timed_out_cell >= 0:
        return "timeout", (f"cell {run.timed_out_cell + 1} ran past the time limit and was "
                           f"stopped before `{q.answer}` was defined")
    if run.timed_out_cell is not None:  # -1: time ran out calling function answers afterwards
        return "timeout", (f"the time limit ran out while calling the function answers, before "
                           f"`{q.answer}` could be read")
    name = re.compile(rf"\b{re.escape(q.answer)}\b")
    for index, error in run.cell_errors:
        if 0 <= index < len(parsed.code_cells) and name.search(parsed.code_cells[index]):
            return "error", f"`{q.answer}` is not defined: cell {index + 1} raised {error}"
    return "missing", f"`{q.answer}` is not defined in the notebook"

