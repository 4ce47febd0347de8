"""Late work: a due date and a penalty rule, applied per student next to the raw score.

The rule mirrors Canvas's late policy (a percentage of the assignment's points deducted per
started day late, down to a floor), so a course that moves between the LMS and this grader
gets the same numbers: `--late-penalty 10%/day --late-cap 50%` deducts 10 % of the maximum
points per started day, at most 50 %, never below 0 points. `none` records the lateness and
deducts nothing. The time of a submission is the LMS's own time stamp when the instructor
passes one (`--times`, a CSV of student and ISO time), else the file's time in the download;
a submission the LMS marked late (Canvas's `LATE`) is at least one day late.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from defence_course.errors import DefenceCourseError

__all__ = ["TOTAL_COLUMNS", "LateError", "LateRule", "parse_rule", "read_times", "student_totals",
           "totals_with_lateness"]

TOTAL_COLUMNS = ["student", "raw_points", "max_points", "submitted_at", "time_source",
                 "late_days", "late_penalty", "points", "pending"]
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


def read_times(path: Path) -> dict[str, datetime]:
    """LMS time stamps from a CSV with a student (or ID/Identifier) and a `submitted_at` column."""
    times: dict[str, datetime] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            who = row.get("student") or row.get("ID") or row.get("Identifier") or ""
            stamp = (row.get("submitted_at") or "").strip()
            if not who or not stamp:
                continue
            try:
                when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            except ValueError:
                raise LateError(f"{path}: line {line}: submitted_at {stamp!r} is not an ISO "
                                "8601 time") from None
            if when.tzinfo is None:
                raise LateError(f"{path}: line {line}: {stamp!r} has no time zone")
            times[who.removeprefix("Participant ").strip()] = when
    return times


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


def totals_with_lateness(totals: Mapping[str, Mapping[str, Any]], rule: LateRule | None,
                         times: Mapping[str, tuple[datetime | None, str, bool]]
                         ) -> list[dict[str, Any]]:
    """One row per student: raw points, time and its source, days late, penalty, final points.

    `times` maps a student to (time, "lms" or "file", marked late by the LMS).
    """
    out = []
    for student, total in totals.items():
        when, source, marked = times.get(student, (None, "", False))
        days = rule.days_late(when, marked) if rule else 0
        penalty = min(rule.penalty(total["max_points"], days), total["raw_points"]) if rule else 0.0
        out.append({
            "student": student, "raw_points": f"{total['raw_points']:g}",
            "max_points": f"{total['max_points']:g}",
            "submitted_at": when.isoformat(timespec="seconds") if when else "",
            "time_source": source, "late_days": days, "late_penalty": f"{penalty:g}",
            "points": f"{total['raw_points'] - penalty:g}",
            "pending": "yes" if total["pending"] else "",
        })
    return out
