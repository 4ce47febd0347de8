"""Classroom rules the docs promise, each in a fast test (issue 18, item 10)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

from defence_course.classroom.anonymize import Key, reveal_feedback
from defence_course.classroom.late import parse_rule, totals_with_lateness
from defence_course.grading.outputs import feedback_name

DUE = "2026-11-20T17:00+01:00"


def test_a_late_penalty_never_takes_a_score_below_zero() -> None:
    rule = parse_rule(DUE, "50%/day")  # 50 % of 20 points a day: 10 points
    totals = {"jo": {"raw_points": 3.0, "max_points": 20.0, "pending": False},
              "ana": {"raw_points": 18.0, "max_points": 20.0, "pending": False}}
    late = rule.due + timedelta(days=2, minutes=1)  # three started days: 30 points
    rows = {r["student"]: r for r in totals_with_lateness(
        totals, rule, {"jo": (late, "lms", False), "ana": (rule.due, "lms", False)})}
    assert (rows["jo"]["late_penalty"], rows["jo"]["points"]) == ("3", "0")
    assert (rows["ana"]["late_penalty"], rows["ana"]["points"]) == ("0", "18")


def _first_code(key: Key, student: str) -> str:
    """The 5-character code `student` gets when no other student holds it."""
    digest = hmac.new(key.secret.encode(), student.encode(), hashlib.sha256).digest()
    return "S-" + base64.b32encode(digest).decode()[:5]


def test_two_students_never_share_an_anonymous_code(tmp_path: Path) -> None:
    key = Key(tmp_path / "key.json")
    taken = _first_code(key, "okaforchidi")
    key.identities[taken] = {"student": "smithjane"}  # a collision on the first 5 characters
    code = key.code("okaforchidi")
    assert code != taken
    assert code.startswith(taken)  # one character longer, from the same digest
    assert key.identity(taken)["student"] == "smithjane"
    assert key.identity(code)["student"] == "okaforchidi"
    assert key.code("okaforchidi") == code  # stable on re-import


def test_revealed_feedback_is_named_as_grading_names_it(tmp_path: Path) -> None:
    """One cleaner for feedback file names: a `/` or a long name gets grade's safe name."""
    key = Key(tmp_path / "key.json")
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    students = ["a/b", "x" * 300, "plain"]
    for student in students:
        code = key.code(student)
        (feedback / feedback_name(code)).write_text(f"Student: **{code}**\n", encoding="utf-8")
    written = reveal_feedback(feedback, key, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(feedback_name(s) for s in students)
    assert all(len(p.name.encode()) < 255 for p in written)
