"""The grading pipeline's pure parts, imported directly: rows from a run, and what is written.

No sandbox: a `RunResult` is what the sandbox would have sent back (issue 18, item 10).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from defence_course.grading.compare import CheckOutcome
from defence_course.grading.outputs import feedback_name, feedback_text, grades_csv, merge_manual
from defence_course.grading.records import Record, Row
from defence_course.grading.rows import PER_CELL_TIMEOUT, build_job, rows_for_problem, rows_for_run
from defence_course.grading.sandbox import RunResult
from defence_course.grading.spec import parse_spec
from defence_course.grading.submissions import ParsedNotebook

SPEC = parse_spec({
    "exercise": "ex-demo", "title": "Demo",
    "questions": [
        {"id": "q1", "points": 2, "answer": "members",
         "checks": [{"public": True, "equals": 27, "hint": "count the rows"}]},
        {"id": "q2", "points": 1, "answer": "gap", "checks": [{"equals": 1.5}]},
        {"id": "q3", "points": 3, "kind": "manual", "rubric": "1 pt: names a cause"},
    ]})
CELLS = ["members = 27", "gap = 1.5"]
PARSED = ParsedNotebook(CELLS, {"q3": "Russia's war."}, ["q1", "q2"])


def statuses(rows: list[Row]) -> dict[str, tuple[str, float | None]]:
    return {r.question: (r.status, r.points) for r in rows}


def test_the_job_asks_for_every_autograded_answer() -> None:
    job = build_job(PARSED, SPEC)
    assert job.cells == CELLS
    assert [a["name"] for a in job.answers] == ["members", "gap"]


def test_right_answers_pass_and_a_written_one_waits_for_the_instructor() -> None:
    run = RunResult("ok", {"members": 27, "gap": 1.5})
    assert statuses(rows_for_run("ana", SPEC, PARSED, run)) == {
        "q1": ("passed", 2.0), "q2": ("passed", 1.0), "q3": ("manual", None)}


def test_a_wrong_public_answer_says_which_check_and_its_hint() -> None:
    rows = rows_for_run("bo", SPEC, PARSED, RunResult("ok", {"members": 26, "gap": 1.5}))
    q1 = rows[0]
    assert (q1.status, q1.points) == ("failed", 0.0)
    assert q1.message.startswith("check 1 of 1:")
    assert q1.message.endswith("Hint: count the rows")
    assert q1.checks == (CheckOutcome(1, True, False, q1.checks[0].message, "count the rows"),)


def test_a_whole_notebook_timeout_names_the_cell_that_ran() -> None:
    run = RunResult("timeout", {"members": 27}, timed_out_cell=1)
    rows = {r.question: r for r in rows_for_run("cy", SPEC, PARSED, run)}
    assert rows["q1"].status == "passed"  # defined before the time ran out
    assert rows["q2"].status == "timeout"
    assert "`gap = 1.5`" in rows["q2"].message
    assert "ran past the time limit" in rows["q2"].message


def test_a_cell_stopped_by_its_own_limit_costs_only_its_question() -> None:
    run = RunResult("ok", {"members": 27}, cell_errors=[(1, f"{PER_CELL_TIMEOUT} 3 s")])
    rows = {r.question: r for r in rows_for_run("dee", SPEC, PARSED, run)}
    assert rows["q1"].status == "passed"
    assert rows["q2"].status == "timeout"
    assert "the cells after it still ran" in rows["q2"].message


def test_a_submission_that_cannot_run_gets_the_same_row_for_every_question() -> None:
    rows = rows_for_problem("eve", SPEC, "the file is empty")
    assert {(r.status, r.points, r.message) for r in rows} == {(
        "error", 0.0, "the file is empty")}


def _record(student: str, rows: list[Row]) -> Record:
    return Record(student, SPEC.exercise, "sha", "fp", tuple(rows))


def test_the_instructors_points_and_comments_are_merged(tmp_path: Path) -> None:
    rows = rows_for_run("ana", SPEC, PARSED, RunResult("ok", {"members": 27, "gap": 1.5}))
    sheet = {("ana", "ex-demo", "q3"): {"points": "2,5", "comment": "Name a second cause."}}
    results, comments = merge_manual(SPEC, [_record("ana", rows)], tmp_path / "manual.csv",
                                     sheet)
    q3 = results["ana"][2]
    assert (q3.points, q3.message) == (2.5, "written answer: graded by the instructor")
    assert comments == {"ana": {"q3": "Name a second cause."}}
    assert rows[2].points is None  # the journal's row is left as it was


def test_grades_csv_quotes_formulas_and_leaves_pending_points_blank() -> None:
    rows = rows_for_run("=cmd()", SPEC, PARSED, RunResult("ok", {"members": 27, "gap": 1.5}))
    table = list(csv.DictReader(io.StringIO(grades_csv({"=cmd()": rows}))))
    assert [r["student"] for r in table] == ["'=cmd()"] * 3
    assert [(r["points"], r["max_points"]) for r in table] == [("2", "2"), ("1", "1"), ("", "3")]


def test_feedback_shows_checks_hides_hidden_reasons_and_escapes_markdown() -> None:
    rows = rows_for_run("bo|x", SPEC, PARSED, RunResult("ok", {"members": 26, "gap": 2.0}))
    text = feedback_text(SPEC, "bo|x", rows, {"q3": "See <b>me</b>"})
    assert "Student: **bo\\|x** · Total: **0 / 6 (written answers not graded yet)**" in text
    assert "- check 1: failed: not the expected value (got a whole number: 26). Hint: count " \
           "the rows" in text
    assert "\n- hidden check 1: failed.\n" in text  # the reason (and value) stays hidden
    assert "2.0" not in text
    assert "1.5" not in text
    assert "your instructor's comment: See \\<b>me\\</b>" in text


def test_feedback_names_are_safe_and_distinct() -> None:
    assert feedback_name("ana") == "ana.md"
    assert feedback_name("a/b") != feedback_name("a_b")
    assert feedback_name("x" * 300) != feedback_name("x" * 301)
    assert len(feedback_name("é" * 300).encode()) < 255
