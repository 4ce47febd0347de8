"""The resume journal: one JSON file per finished student, so an interrupted run loses nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write

JOURNAL_VERSION = 1


class Journal:
    """One JSON file per finished student in a hidden folder next to grades.csv."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, student: str) -> Path:
        return self.folder / (hashlib.sha256(student.encode()).hexdigest()[:24] + ".json")

    def clear(self) -> None:
        """Forget every finished student (--regrade)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def load(self, student: str) -> dict[str, Any] | None:
        """The saved record, or None when absent or unreadable (then the student is regraded)."""
        try:
            record = json.loads(self._path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("version") != JOURNAL_VERSION:
            return None
        return record if record.get("student") == student else None

    def save(self, record: dict[str, Any]) -> None:
        """Persist one student's results (fsync'ed, atomic)."""
        atomic_write(self._path(record["student"]), json.dumps(record, ensure_ascii=False))

