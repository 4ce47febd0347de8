"""Grading a real class around the grader: LMS downloads in and gradebooks out, late work,
anonymous marking, the manual sheet and the class report (one module per concern)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["mark"]


def mark(exercise: str, grades: Path | str = "grades", root: Path | None = None) -> Any:
    """The marking page for written answers in JupyterLab (classroom/marking.py): one answer at
    a time, saved to `grades`/manual.csv under its lock."""
    from defence_course.classroom import marking

    return marking.mark(exercise, grades, root)
