"""Typed grading records (issue 18): the journal's JSON, the resume key and the summary, no sandbox."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from defence_course.grading.compare import CheckOutcome
from defence_course.grading.grader import ResumePlan
from defence_course.grading.journal import Journal
from defence_course.grading.records import JOURNAL_VERSION, Record, Row
from defence_course.grading.sandbox import GIB, Limits
from defence_course.grading.submissions import Submission
from defence_course.grading.summary import Summary

CHECK = CheckOutcome(2, True, False, "expected 27", "count the members")


def row(student: str, question: str, status: str, points: float | None = 0.0) -> Row:
    return Row(student, "ex02", question, points, 2.0, status, f"{status} message", (CHECK,))


def record(student: str, data: bytes, rows: tuple[Row, ...], limits: Limits) -> Record:
    return Record(student, "ex02", hashlib.sha256(data).hexdigest(), "fp", rows,
                  limits.resume_key(), {"q7": "an answer"}, "tail", "", 1.0, 2.0, 42)


def test_a_record_round_trips_through_the_journal_in_its_json_format(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "state")
    saved = record("ana", b"nb", (row("ana", "q1", "failed"), row("ana", "q7", "manual", None)),
                   Limits())
    journal.save(saved)
    assert journal.load("ana") == saved
    (path,) = (tmp_path / "state").glob("*.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["version"] == JOURNAL_VERSION
    assert raw["rows"][0]["checks"] == [[2, True, False, "expected 27", "count the members"]]
    assert raw["limits"]["per_cell_seconds"] == Limits().per_cell_seconds


@pytest.mark.parametrize("text", ["[]", '{"version": 1}', '{"version": 99, "student": "ana"}',
                                  '{"version": 1, "student": "ana", "exercise": "e", '
                                  '"sha256": "", "fingerprint": "", "rows": [{"checks": [1]}]}'])
def test_a_malformed_journal_file_means_regrade_not_crash(tmp_path: Path, text: str) -> None:
    journal = Journal(tmp_path / "state")
    journal.save(record("ana", b"nb", (), Limits()))
    (path,) = (tmp_path / "state").glob("*.json")
    path.write_text(text, encoding="utf-8")
    assert journal.load("ana") is None


def _plan(tmp_path: Path, status: str, then: Limits, now: Limits) -> ResumePlan:
    notebook = tmp_path / "bo.ipynb"
    notebook.write_bytes(b'{"cells": []}')
    journal = Journal(tmp_path / "state")
    journal.save(record("bo", notebook.read_bytes(), (row("bo", "q5", status),), then))
    return ResumePlan.make([Submission("bo", notebook)], journal, "fp", now.resume_key())


def test_a_longer_cell_timeout_regrades_a_student_who_timed_out(tmp_path: Path) -> None:
    """Bug 1: `--cell-timeout` 1 s then 6 s kept the 1 s `timeout` (graded_now=0)."""
    then, now = Limits(timeout=12, cell_timeout=1), Limits(timeout=12, cell_timeout=6)
    assert [s.student for s, _ in _plan(tmp_path, "timeout", then, now).todo] == ["bo"]
    assert list(_plan(tmp_path, "timeout", now, now).records) == ["bo"]  # same limits: kept


def test_more_memory_regrades_a_student_a_limit_stopped(tmp_path: Path) -> None:
    then, now = Limits(memory_bytes=1 * GIB), Limits(memory_bytes=4 * GIB)
    assert [s.student for s, _ in _plan(tmp_path, "error", then, now).todo] == ["bo"]
    assert [s.student for s, _ in _plan(tmp_path, "timeout", then, now).todo] == ["bo"]


def test_other_limits_keep_a_student_no_limit_stopped(tmp_path: Path) -> None:
    then, now = Limits(timeout=6, cell_timeout=3), Limits(timeout=60, memory_bytes=4 * GIB)
    assert list(_plan(tmp_path, "failed", then, now).records) == ["bo"]


def test_the_summary_is_computed_from_the_final_rows() -> None:
    results = {"ana": [row("ana", "q1", "passed", 2.0), row("ana", "q2", "manual", 1.5)],
               "bo": [row("bo", "q1", "failed"), row("bo", "q2", "manual", None)]}
    summary = Summary.of(results, max_points=4.0, graded_now=1, resumed=1, sandbox="none")
    assert (summary.students, summary.mean) == (2, 1.75)
    assert summary.status_counts == {"passed": 1, "manual": 2, "failed": 1}
    assert summary.most_failed == [("q1", 1)]
    assert "Graded 2 student(s) (1 now, 1 kept" in summary.text()
