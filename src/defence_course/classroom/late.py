"""Late work: a due date and a penalty rule, applied per student next to the raw score.

The rule mirrors Canvas's late policy (a percentage of the assignment's points deducted per
started day late, down to a floor), so a course that moves between the LMS and this grader
gets the same numbers: `--late-penalty 10%/day --late-cap 50%` deducts 10 % of the maximum
points per started day, at most 50 %, never below 0 points. `none` records the lateness and
deducts nothing. The time of a submission is the LMS's own time stamp when the instructor
passes one (`--times`, a CSV of student and ISO time), else the file's time in a Moodle or
folder download; never a Canvas zip's file times (they are the time the zip was built). A
submission the LMS marked late (Canvas's `LATE`) is at least one day late, unless the
student has an extension (`--extensions`: a personal due date, or `excused`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from defence_course.errors import DefenceCourseError
from defence_course.usercsv import Warn, read_table

__all__ = ["TIME_SOURCES", "TOTAL_COLUMNS", "Extension", "LateError", "LateRule", "Stamp",
           "parse_rule", "read_extensions", "read_times", "student_totals",
           "totals_with_lateness"]

TOTAL_COLUMNS = ["student", "raw_points", "max_points", "due", "submitted_at", "time_source",
                 "late_days", "late_penalty", "points", "pending", "excused", "note"]
#: Where a submission's time came from: the LMS's times (--times), the file's time in a Moodle
#: or folder download, Canvas's own late mark (its zip's file times are the zip's build time),
#: or nothing (the submission counts as on time).
TIME_SOURCES = ("lms-times", "file-time", "late-mark", "none")
PENALTY = re.compile(r"^\s*(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>%|pts?|points?)?\s*"
                     r"(?:/|per)\s*day\s*$", re.IGNORECASE)


class LateError(DefenceCourseError):
    """The due date or the penalty rule cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class LateRule:
    """Deduct `per_day` (percent of max points, or points) per started day late, up to `cap`."""

    due: datetime
    per_day: float = 0.0
    percent: bool = True
    cap: float | None = None
    grace: timedelta = timedelta(0)

    def days_late(self, submitted: datetime | None, marked_late: bool = False) -> int:
        """Started days after the due date (plus grace); the LMS's own late mark counts as 1."""
        days = 0
        if submitted is not None:
            over = submitted - self.due - self.grace
            days = max(0, math.ceil(over / timedelta(days=1)))
        return max(days, 1 if marked_late else 0)

    def penalty(self, max_points: float, days: int) -> float:
        """Points deducted for `days` late (the cap is in the same unit as `per_day`)."""
        amount = self.per_day * days
        if self.cap is not None:
            amount = min(amount, self.cap)
        return amount * max_points / 100 if self.percent else amount


@dataclass(frozen=True)
class Extension:
    """A student's own due date (instead of --due), or excused from the exercise."""

    due: datetime | None = None
    excused: bool = False
    reason: str = ""


def _amount(text: str, what: str) -> tuple[float, bool]:
    match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*(%|pts?|points?)?\s*", text, re.IGNORECASE)
    if not match:
        raise LateError(f"{what} {text!r}: write a percentage such as 50% or points such as 3pt")
    return float(match[1].replace(",", ".")), match[2] in (None, "%")


def parse_due(text: str) -> datetime:
    """An ISO 8601 date with a time zone; a date alone means the end of that day, in UTC."""
    try:
        due = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise LateError(f"due date {text!r}: write it as 2026-12-01T17:00+01:00 (ISO 8601 with "
                        "the time zone)") from None
    if len(text.strip()) == 10:
        due = due.replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
    if due.tzinfo is None:
        raise LateError(f"due date {text!r} has no time zone: add it (e.g. +01:00, or Z for "
                        "UTC) so file times from another zone compare correctly")
    return due


def parse_rule(due: str, penalty: str = "none", cap: str | None = None,
               grace_minutes: float = 0.0) -> LateRule:
    """Build a rule from the command line's `--due`, `--late-penalty`, `--late-cap`, `--grace`."""
    when = parse_due(due)
    grace = timedelta(minutes=grace_minutes)
    if penalty.strip().lower() in ("", "none", "0"):
        return LateRule(when, grace=grace)
    match = PENALTY.match(penalty)
    if not match:
        raise LateError(f"late penalty {penalty!r}: write 10%/day (percent of the points), "
                        "1pt/day (points), or none")
    per_day = float(match["amount"].replace(",", "."))
    percent = match["unit"] in (None, "%")
    limit = None
    if cap is not None:
        limit, cap_percent = _amount(cap, "late cap")
        if cap_percent != percent:
            raise LateError("--late-cap must use the unit of --late-penalty (both % or both pt)")
    return LateRule(when, per_day, percent, limit, grace)


ID_COLUMNS = ("student", "ID", "Identifier")


def _who(row: dict[str, str]) -> str:
    """The student a row names: the grader's id, Canvas's user id or Moodle's `Participant N`."""
    who = row.get("student") or row.get("ID") or row.get("Identifier") or ""
    return who.strip().removeprefix("Participant ").strip()


def _time(path: Path, line: int, stamp: str) -> datetime:
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise LateError(f"{path}: line {line}: {stamp!r} is not an ISO 8601 time such as "
                        "2026-12-01T17:00+01:00") from None
    if when.tzinfo is None:
        raise LateError(f"{path}: line {line}: {stamp!r} has no time zone (add +01:00, or Z "
                        "for UTC)")
    return when


def read_times(path: Path, warn: Warn = lambda m: None) -> dict[str, datetime]:
    """LMS time stamps from a CSV with a student (or ID/Identifier) and a `submitted_at` column."""
    table = read_table(path, [ID_COLUMNS, "submitted_at"], what="--times file", warn=warn,
                       error=LateError)
    times: dict[str, datetime] = {}
    for line, row in zip(table.lines, table.rows, strict=True):
        who, stamp = _who(row), row["submitted_at"].strip()
        if who and stamp:
            times[who] = _time(path, line, stamp)
    return times


def read_extensions(path: Path, warn: Warn = lambda m: None) -> dict[str, Extension]:
    """Personal due dates and excused work: a CSV of student (or ID/Identifier) and `due`,
    an ISO 8601 time (a date alone is the end of that day, UTC) or `excused`."""
    table = read_table(path, [ID_COLUMNS, "due"], ("reason",), what="extensions file",
                       warn=warn, error=LateError)
    out: dict[str, Extension] = {}
    for line, row in zip(table.lines, table.rows, strict=True):
        who, due = _who(row), row["due"].strip()
        if not who:
            continue
        if who in out:
            raise LateError(f"{path}: line {line}: {who} has a second extension; keep one row")
        if due.lower() == "excused":
            out[who] = Extension(None, True, row.get("reason", "").strip())
        elif due:
            try:
                out[who] = Extension(parse_due(due), False, row.get("reason", "").strip())
            except LateError as error:
                raise LateError(f"{path}: line {line}: {error}") from None
    return out


def student_totals(rows: Iterable[Mapping[str, str]]) -> dict[str, dict[str, Any]]:
    """grades.csv rows -> each student's raw points, max points and whether marking is pending."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = totals.setdefault(row["student"], {"raw_points": 0.0, "max_points": 0.0,
                                                   "pending": False})
        total["max_points"] += float(row["max_points"] or 0)
        if (row.get("points") or "").strip():
            total["raw_points"] += float(row["points"])
        elif row.get("status") == "manual":
            total["pending"] = True
    return totals


@dataclass(frozen=True)
class Stamp:
    """When a student submitted, where that came from, and their own due date or excuse."""

    when: datetime | None = None
    source: str = "none"
    marked_late: bool = False
    extension: Extension | None = None


def _one(student: str, total: Mapping[str, Any], rule: LateRule | None,
         stamp: Stamp) -> dict[str, Any]:
    ext = stamp.extension
    if ext is not None and ext.excused:
        return {"student": student, "raw_points": f"{total['raw_points']:g}",
                "max_points": f"{total['max_points']:g}", "due": "", "submitted_at": "",
                "time_source": stamp.source, "late_days": 0, "late_penalty": "0",
                "points": "", "pending": "", "excused": "yes",
                "note": "excused" + (f" ({ext.reason})" if ext.reason else "")}
    if rule is not None and ext is not None and ext.due is not None:
        rule = replace(rule, due=ext.due)
    marked = stamp.marked_late and (ext is None or ext.due is None)
    days = rule.days_late(stamp.when, marked) if rule else 0
    penalty = min(rule.penalty(total["max_points"], days), total["raw_points"]) if rule else 0.0
    note = f"extension to {rule.due.isoformat(timespec='minutes')}" if (
        rule and ext and ext.due) else ""
    return {
        "student": student, "raw_points": f"{total['raw_points']:g}",
        "max_points": f"{total['max_points']:g}",
        "due": rule.due.isoformat(timespec="minutes") if rule else "",
        "submitted_at": stamp.when.isoformat(timespec="seconds") if stamp.when else "",
        "time_source": stamp.source, "late_days": days, "late_penalty": f"{penalty:g}",
        "points": f"{total['raw_points'] - penalty:g}",
        "pending": "yes" if total["pending"] else "", "excused": "", "note": note,
    }


def totals_with_lateness(totals: Mapping[str, Mapping[str, Any]], rule: LateRule | None,
                         stamps: Mapping[str, Stamp]) -> list[dict[str, Any]]:
    """One row per student: raw points, time and its source, due date (their own with an
    extension), days late, penalty, final points; an excused student has no points."""
    return [_one(student, total, rule, stamps.get(student, Stamp()))
            for student, total in totals.items()]
