"""What can be wrong with the course's data, each error naming the file (and line and column)."""

from __future__ import annotations

from pathlib import Path

from defence_course.errors import DefenceCourseError


class DataPackageError(DefenceCourseError):
    """data/datapackage.json itself is broken (bad JSON, or a schema this loader cannot check)."""


class UnknownDatasetError(DefenceCourseError):
    """`load(name)` was asked for a resource that datapackage.json does not describe."""


class DataValidationError(DefenceCourseError):
    """A CSV file does not match its schema; the message names the file, line and column."""

    def __init__(
        self, path: Path, message: str, line: int | None = None, column: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = message
        where = [display_path(path)]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when possible: shorter, and what a learner sees."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):  # elsewhere, or the working directory was deleted
        return str(path)
