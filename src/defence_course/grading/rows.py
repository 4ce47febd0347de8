"""Rows of grades.csv from a sandbox run: one per question, with a status a learner can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable

from defence_course.exercise_format import unanswered_prompts
from defence_course.grading.cells import describe_cell, untouched_function
from defence_course.grading.compare import CheckOutcome, grade_question
from defence_course.grading.plain import MISSING
from defence_course.grading.records import Row
from defence_course.grading.sandbox import Job, RunResult
from defence_course.grading.spec import ExerciseQuestion, ExerciseSpec
from defence_course.grading.submissions import ParsedNotebook
from defence_course.i18n import _

__all__ = ["PER_CELL_TIMEOUT", "build_job", "rows_for_problem", "rows_for_run",
           "written_answer"]

#: How the sandbox records a cell stopped by its own time limit (the next cells still ran).
PER_CELL_TIMEOUT = "CellTimeout:"


def build_job(parsed: ParsedNotebook, spec: ExerciseSpec) -> Job:
    """The sandbox request: the learner's code and the names (and calls) to report back."""
    answers = [{"name": q.answer, "kind": q.kind, "calls": [[a, k] for a, k in q.calls]}
               for q in spec.questions if q.kind != "manual"]
    # IPython syntax (%magic, !shell) is turned into Python inside the sandbox, under the time
    # limit: IPython's transformer can take minutes on a crafted cell (see zygote.python_source).
    return Job(parsed.code_cells, answers, parsed.language)


def _row(student: str, spec: ExerciseSpec, q: ExerciseQuestion, status: str, points: float | None,
         message: str, checks: Iterable[CheckOutcome] = ()) -> Row:
    return Row(student, spec.exercise, q.id, points, q.points, status, message, tuple(checks))


def rows_for_problem(student: str, spec: ExerciseSpec, message: str,
                     status: str = "error") -> list[Row]:
    """Every question of a submission that could not be run gets the same error row."""
    return [_row(student, spec, q, status, 0.0, message) for q in spec.questions]


def rows_for_run(student: str, spec: ExerciseSpec, parsed: ParsedNotebook,
                 run: RunResult) -> list[Row]:
    """Grade every question from the sandbox's plain answers (never from the learner's objects)."""
    rows: list[Row] = []
    for q in spec.questions:
        if q.kind == "manual":
            tagged, added = _tagged_answer(parsed, q.id), routed_text(parsed, spec).get(q.id)
            if not tagged and not added:
                rows.append(_row(student, spec, q, "missing", 0.0,
                                 _("no written answer (the answer cell is empty or unchanged)")))
            else:
                message = _("written answer: graded by the instructor") if tagged else \
                    _("written answer (found outside the answer cell; next time write it in the "
                      "answer cell): graded by the instructor")
                rows.append(_row(student, spec, q, "manual", None, message))
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
                             _("not answered yet: `{name}` still has only the placeholder body "
                               "(`...`); write the function's body").format(name=q.answer),
                             outcome.checks))
            continue
        status = outcome.status
        calls = answer.get("calls", {}) if isinstance(answer, dict) else {}
        if status == "failed" and isinstance(calls, dict) and any(
                isinstance(r, dict) and r.get("error") == "timed out" for r in calls.values()):
            status = "timeout"
        rows.append(_row(student, spec, q, status, outcome.points, outcome.message,
                         outcome.checks))
    return rows


ADDED_CELL = "[unattributed text near {qid}]"


def _tagged_answer(parsed: ParsedNotebook, qid: str) -> str:
    """The tagged answer cell's text, or "" when it is empty or still the prompt."""
    text = parsed.texts.get(qid, "").strip()
    return "" if text in unanswered_prompts(qid) else text


def routed_text(parsed: ParsedNotebook, spec: ExerciseSpec) -> dict[str, list[tuple[str, str]]]:
    """The text a student wrote outside the answer cells, given to the nearest written
    question (in the exercise's order) as (the question it is near, text): nothing a
    student wrote is hidden from the marker, even a comment under a code question."""
    order = [q.id for q in spec.questions]
    written = [q.id for q in spec.questions if q.kind == "manual"]
    out: dict[str, list[tuple[str, str]]] = {}
    if not written:
        return out
    for near, texts in parsed.added.items():
        at = order.index(near) if near in order else 0
        target = min(written, key=lambda qid: (abs(order.index(qid) - at), order.index(qid)))
        out.setdefault(target, []).extend((near or target, text) for text in texts)
    return out


def written_answer(parsed: ParsedNotebook, qid: str, spec: ExerciseSpec) -> str:
    """What the marker reads: the answer cell, then every text the student wrote outside the
    answer cells nearest this question, labelled with where it was (an answer is not lost)."""
    parts = [_tagged_answer(parsed, qid)] if _tagged_answer(parsed, qid) else []
    parts += [f"{ADDED_CELL.format(qid=near)}\n{text}"
              for near, text in routed_text(parsed, spec).get(qid, [])]
    return "\n\n".join(parts)


def _cell(parsed: ParsedNotebook, index: int) -> str:
    """A cell as the student sees it: its question and first line, not a code-cell count."""
    return describe_cell(parsed.code_cells, parsed.cell_questions, index)


def _why_missing(q: ExerciseQuestion, parsed: ParsedNotebook, run: RunResult) -> tuple[str, str]:
    if run.timed_out_cell is not None and run.timed_out_cell >= 0:
        return "timeout", _("{cell} ran past the time limit and was stopped before `{name}` was "
                            "defined").format(cell=_cell(parsed, run.timed_out_cell), name=q.answer)
    if run.timed_out_cell is not None:  # -1: time ran out calling function answers afterwards
        return "timeout", _("the time limit ran out while calling the function answers, before "
                            "`{name}` could be read").format(name=q.answer)
    name = re.compile(rf"\b{re.escape(q.answer)}\b")
    for index, error in run.cell_errors:
        if error.startswith(PER_CELL_TIMEOUT) and 0 <= index < len(parsed.code_cells) and (
                name.search(parsed.code_cells[index])
                or (index < len(parsed.cell_questions) and parsed.cell_questions[index] == q.id)):
            return "timeout", _("{cell} ran past its time limit and was stopped before `{name}` "
                                "was defined (the cells after it still ran)").format(
                                    cell=_cell(parsed, index), name=q.answer)
    for index, error in run.cell_errors:
        if 0 <= index < len(parsed.code_cells) and name.search(parsed.code_cells[index]):
            return "error", _("`{name}` is not defined: {cell} raised {error}").format(
                name=q.answer, cell=_cell(parsed, index), error=error)
    return "missing", _("`{name}` is not defined in the notebook").format(name=q.answer)

