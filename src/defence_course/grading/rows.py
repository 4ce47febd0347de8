"""Rows of grades.csv from a sandbox run: one per question, with a status a learner can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from defence_course.exercise_format import ANSWER_PROMPT
from defence_course.grading.cells import describe_cell, untouched_function
from defence_course.grading.compare import grade_question
from defence_course.grading.plain import MISSING
from defence_course.grading.sandbox import Job, RunResult
from defence_course.grading.spec import ExerciseSpec, Question
from defence_course.grading.submissions import ParsedNotebook

STATUSES = ("passed", "failed", "error", "timeout", "missing", "manual")
#: How the sandbox records a cell stopped by its own time limit (the next cells still ran).
PER_CELL_TIMEOUT = "CellTimeout:"


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
            tagged, added = _tagged_answer(parsed, q.id), parsed.added.get(q.id, [])
            if not tagged and not added:
                rows.append(_row(student, spec, q, "missing", 0.0,
                                 "no written answer (the answer cell is empty or unchanged)"))
            else:
                where = "" if tagged else " (found in a cell you added; next time write it " \
                                          "in the answer cell)"
                rows.append(_row(student, spec, q, "manual", None,
                                 f"written answer{where}: graded by the instructor"))
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
        if q.kind == "function" and untouched_function(parsed.code_cells, q.answer):
            # Not a wrong answer but none yet; the checks' hints still show in the feedback.
            rows.append(_row(student, spec, q, "missing", 0.0,
                             f"not answered yet: `{q.answer}` still has only the placeholder "
                             "body (`...`); write the function's body", outcome.checks))
            continue
        status = outcome.status
        calls = answer.get("calls", {}) if isinstance(answer, dict) else {}
        if status == "failed" and isinstance(calls, dict) and any(
                isinstance(r, dict) and r.get("error") == "timed out" for r in calls.values()):
            status = "timeout"
        rows.append(_row(student, spec, q, status, outcome.points, outcome.message,
                         outcome.checks))
    return rows


ADDED_CELL = "[a Markdown cell the student added near {qid}]"


def _tagged_answer(parsed: ParsedNotebook, qid: str) -> str:
    """The tagged answer cell's text, or "" when it is empty or still the prompt."""
    text = parsed.texts.get(qid, "").strip()
    return "" if text == ANSWER_PROMPT.format(qid=qid).strip() else text


def written_answer(parsed: ParsedNotebook, qid: str) -> str:
    """What the instructor reads in manual.csv: the answer cell, then every Markdown cell the
    student added under the same question (an answer written there is not lost)."""
    parts = [_tagged_answer(parsed, qid)] if _tagged_answer(parsed, qid) else []
    parts += [f"{ADDED_CELL.format(qid=qid)}\n{text}" for text in parsed.added.get(qid, [])]
    return "\n\n".join(parts)


def _cell(parsed: ParsedNotebook, index: int) -> str:
    """A cell as the student sees it: its question and first line, not a code-cell count."""
    return describe_cell(parsed.code_cells, parsed.cell_questions, index)


def _why_missing(q: Question, parsed: ParsedNotebook, run: RunResult) -> tuple[str, str]:
    if run.timed_out_cell is not None and run.timed_out_cell >= 0:
        return "timeout", (f"{_cell(parsed, run.timed_out_cell)} ran past the time limit and "
                           f"was stopped before `{q.answer}` was defined")
    if run.timed_out_cell is not None:  # -1: time ran out calling function answers afterwards
        return "timeout", (f"the time limit ran out while calling the function answers, before "
                           f"`{q.answer}` could be read")
    name = re.compile(rf"\b{re.escape(q.answer)}\b")
    for index, error in run.cell_errors:
        if error.startswith(PER_CELL_TIMEOUT) and 0 <= index < len(parsed.code_cells) and (
                name.search(parsed.code_cells[index])
                or (index < len(parsed.cell_questions) and parsed.cell_questions[index] == q.id)):
            return "timeout", (f"{_cell(parsed, index)} ran past its time limit and was stopped "
                               f"before `{q.answer}` was defined (the cells after it still ran)")
    for index, error in run.cell_errors:
        if 0 <= index < len(parsed.code_cells) and name.search(parsed.code_cells[index]):
            return "error", f"`{q.answer}` is not defined: {_cell(parsed, index)} raised {error}"
    return "missing", f"`{q.answer}` is not defined in the notebook"

