"""The closing summary of a `grade` run, computed in one place from every student's final rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from defence_course.grading.records import STATUSES, Row

__all__ = ["Summary"]


@dataclass
class Summary:
    """What the closing summary reports (also returned to tests)."""

    students: int = 0
    graded_now: int = 0
    resumed: int = 0
    mean: float = 0.0
    max_points: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    most_failed: list[tuple[str, int]] = field(default_factory=list)
    sandbox: str = ""
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False

    @classmethod
    def of(cls, results: Mapping[str, Sequence[Row]], *, max_points: float, graded_now: int,
           resumed: int, sandbox: str, warnings: Sequence[str] = (),
           interrupted: bool = False) -> Summary:
        """The statistics of the final rows (instructor's points included), with the run's facts."""
        rows = [row for student_rows in results.values() for row in student_rows]
        totals = [sum(r.points or 0 for r in student_rows) for student_rows in results.values()]
        misses = Counter(r.question for r in rows if r.status not in ("passed", "manual"))
        return cls(students=len(results), graded_now=graded_now, resumed=resumed,
                   mean=sum(totals) / len(totals) if totals else 0.0, max_points=max_points,
                   status_counts=dict(Counter(r.status for r in rows)),
                   most_failed=misses.most_common(3), sandbox=sandbox, warnings=list(warnings),
                   interrupted=interrupted)

    def text(self) -> str:
        """The summary as printed after grading."""
        lines = [
            f"Graded {self.students} student(s) ({self.graded_now} now, {self.resumed} kept from "
            f"an earlier run); mean {self.mean:.2f} / {self.max_points:g} points.",
            "Statuses: " + ", ".join(f"{s} {self.status_counts.get(s, 0)}" for s in STATUSES),
        ]
        if self.most_failed:
            lines.append("Most failed: " + ", ".join(
                f"{q} ({n} of {self.students})" for q, n in self.most_failed))
        lines.append(f"Sandbox: {self.sandbox}")
        return "\n".join(lines)
