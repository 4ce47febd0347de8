"""The grader's own error: the instructor's command cannot run, and the message says what to fix."""

from __future__ import annotations

from defence_course.errors import DefenceCourseError

__all__ = ["GradingError"]


class GradingError(DefenceCourseError):
    """The instructor's command cannot run (missing exercise, folder, bad manual.csv...)."""
