"""Typed grading results: a question's row and a student's journal record, JSON only at the journal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from defence_course.grading.compare import CheckOutcome

__all__ = ["JOURNAL_VERSION", "STATUSES", "Record", "Row", "check_from_json", "check_to_json"]

#: A row's status: what happened to the question (docs/grading.md says when each is given).
STATUSES = ("passed", "failed", "error", "timeout", "missing", "manual")

#: The journal file's format; a record of another version is ignored (its student is regraded).
JOURNAL_VERSION = 1


def check_to_json(check: CheckOutcome) -> list[Any]:
    """A check as the journal stores it: `[number, public, passed, message, hint]`."""
    return [check.number, check.public, check.passed, check.message, check.hint]


def check_from_json(item: Any) -> CheckOutcome:
    """The journal's `[number, public, passed, message, hint]` back as a check (ValueError if not)."""
    if not isinstance(item, list) or len(item) != 5:
        raise ValueError(f"a check must be a list of 5 items, got {item!r}")
    number, public, passed, message, hint = item
    return CheckOutcome(int(number), bool(public), bool(passed), str(message), str(hint))


def _points(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Row:
    """One question's grade for one student: a line of grades.csv and of the feedback table."""

    student: str
    exercise: str
    question: str
    points: float | None  # None: a written answer the instructor has not graded yet
    max_points: float
    status: str
    message: str
    checks: tuple[CheckOutcome, ...] = ()

    def with_points(self, points: float, message: str) -> Row:
        """The row with the instructor's points for a written answer."""
        return replace(self, points=points, message=message)

    def to_json(self) -> dict[str, Any]:
        """The row as the journal stores it (checks as 5-item lists)."""
        return {"student": self.student, "exercise": self.exercise, "question": self.question,
                "points": self.points, "max_points": self.max_points, "status": self.status,
                "message": self.message, "checks": [check_to_json(c) for c in self.checks]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Row:
        """A row read back from the journal (KeyError, TypeError or ValueError when malformed)."""
        return cls(str(data["student"]), str(data["exercise"]), str(data["question"]),
                   _points(data["points"]), float(data["max_points"]), str(data["status"]),
                   str(data["message"]),
                   tuple(check_from_json(c) for c in data.get("checks", [])))


@dataclass(frozen=True)
class Record:
    """One finished student in the resume journal: the rows and what they were graded under.

    The resume key is `sha256` (the submission), `fingerprint` (the checks) and `limits` (every
    sandbox limit that can change a result, as the zygote applies them).
    """

    student: str
    exercise: str
    sha256: str
    fingerprint: str
    rows: tuple[Row, ...]
    limits: Mapping[str, float] = field(default_factory=dict)
    manual_answers: Mapping[str, str] = field(default_factory=dict)
    output_tail: str = ""
    note: str = ""
    started_at: float = 0.0
    finished_at: float = 0.0
    grader_pid: int = 0
    #: The submission's language; when not English, `student_rows` are the rows in it, for
    #: the student's feedback (grades.csv and the instructor's files use `rows`).
    language: str = "en"
    student_rows: tuple[Row, ...] = ()

    @property
    def feedback_rows(self) -> tuple[Row, ...]:
        """The rows as the student reads them: in the submission's language."""
        return self.student_rows or self.rows

    def to_json(self) -> dict[str, Any]:
        """The journal file's content (a French record also keeps its French rows)."""
        extra: dict[str, Any] = {} if self.language == "en" else {
            "language": self.language, "student_rows": [r.to_json() for r in self.student_rows]}
        return {**extra, "version": JOURNAL_VERSION, "student": self.student, "exercise": self.exercise,
                "sha256": self.sha256, "fingerprint": self.fingerprint,
                "rows": [r.to_json() for r in self.rows], "limits": dict(self.limits),
                "manual_answers": dict(self.manual_answers), "output_tail": self.output_tail,
                "note": self.note, "started_at": self.started_at,
                "finished_at": self.finished_at, "grader_pid": self.grader_pid}

    @classmethod
    def from_json(cls, data: Any) -> Record:
        """A record read back from a journal file (ValueError when it is not one)."""
        if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
            raise ValueError("not a journal record of this version")
        try:
            return cls(
                str(data["student"]), str(data["exercise"]), str(data["sha256"]),
                str(data["fingerprint"]), tuple(Row.from_json(r) for r in data["rows"]),
                {str(k): float(v) for k, v in dict(data.get("limits") or {}).items()},
                {str(k): str(v) for k, v in dict(data.get("manual_answers") or {}).items()},
                str(data.get("output_tail") or ""), str(data.get("note") or ""),
                float(data.get("started_at") or 0), float(data.get("finished_at") or 0),
                int(data.get("grader_pid") or 0), str(data.get("language") or "en"),
                tuple(Row.from_json(r) for r in data.get("student_rows") or ()))
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"malformed journal record: {error}") from None
