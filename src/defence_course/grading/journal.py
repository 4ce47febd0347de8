"""The resume journal: one JSON file per finished student, so an interrupted run loses nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from defence_course.atomic import atomic_write_many
from defence_course.grading.records import Record


class Journal:
    """One JSON file per finished student in a hidden folder next to grades.csv."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, student: str) -> Path:
        return self.folder / (hashlib.sha256(student.encode()).hexdigest()[:24] + ".json")

    def clear(self) -> None:
        """Forget every finished student (--regrade)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def load(self, student: str) -> Record | None:
        """The saved record, or None when absent or unreadable (then the student is regraded)."""
        try:
            record = Record.from_json(json.loads(self._path(student).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None
        return record if record.student == student else None

    def save(self, record: Record) -> None:
        """Persist one student's results (fsync'ed, atomic)."""
        self.save_many([record])

    def save_many(self, records: list[Record]) -> None:
        """Persist several students' results as one group commit: all durable when it returns."""
        atomic_write_many({self._path(r.student): json.dumps(r.to_json(), ensure_ascii=False)
                           for r in records})

