"""The classroom's CSV writer, on the course's one atomic writer and the grader's CSV quoting."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from defence_course.atomic import atomic_write
from defence_course.grading.csvcells import csv_text

__all__ = ["write_csv"]


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]], *,
              delimiter: str = ",", quote_formulas: bool = True) -> None:
    """Write a CSV atomically; text a spreadsheet would run as a formula is quoted with `'`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n", delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        cells = {c: "" if row.get(c) is None else str(row.get(c)) for c in columns}
        if quote_formulas:
            cells = {c: v if _is_number(v) else csv_text(v) for c, v in cells.items()}
        writer.writerow(cells)
    atomic_write(path, buffer.getvalue())


def _is_number(text: str) -> bool:
    """Negative points ("-1.5") are numbers, not formulas: they are written as they are."""
    try:
        float(text)
    except ValueError:
        return False
    return True
