"""The one reader for every CSV a user hands in (roster, --times, extensions, manual.csv,
grades.csv): what spreadsheets save, read the same way everywhere, never a traceback.

- Encoding: UTF-8 (with or without Excel's byte-order mark); a file with no UTF-8 in it at all
  is Excel's Windows-1252 ("CSV" saved by Excel on Windows, and French or German Excel's
  semicolon CSV): read with a warning. A file that mixes UTF-8 with other bytes is refused:
  reading it either way would silently change some of its characters.
- Delimiter: comma, semicolon or tab, whichever splits the header line into the most column
  names the caller knows (a tie keeps the comma).
- Columns: each required column (or one of its alternatives: `student` or `ID`) must be in the
  header; the error names the missing one and the header found.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from defence_course.errors import DefenceCourseError

__all__ = ["DELIMITERS", "CsvFileError", "Table", "decode", "delimiter_of", "read_table"]

DELIMITERS = (",", ";", "\t")
#: A UTF-8 encoded non-ASCII character: its presence means the file is (partly) UTF-8.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
Warn = Callable[[str], None]


class CsvFileError(DefenceCourseError):
    """A CSV file a user handed in cannot be read; the message names the file and the fix."""


@dataclass
class Table:
    """A CSV file's header, its rows (with their line numbers) and how it was saved."""

    path: Path
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8"


def decode(path: Path, warn: Warn, error: type[DefenceCourseError] = CsvFileError,
           again: str = "re-run the same command") -> tuple[str, str]:
    """The file's text and encoding: UTF-8, or Windows-1252 when no byte of it is UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise error(f"cannot read {path}: {problem.strerror}") from None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx (a zip), .xls
        raise error(f"{path} is a spreadsheet workbook, not a CSV file: in the spreadsheet, "
                    f"File > Save As > \"CSV UTF-8\", and {again}")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not UTF8_SEQUENCE.search(data):
        warn(f"{path} is not UTF-8: read as Windows-1252 (Excel's CSV); save it as \"CSV UTF-8\" "
             "to keep every character exactly")
        return data.decode("cp1252", errors="replace"), "cp1252"
    raise error(f"{path}: not UTF-8 text (part UTF-8, part another encoding); save it as "
                f"\"CSV UTF-8\" and {again}")


def delimiter_of(header: str, known: Iterable[str]) -> str:
    """The separator that splits the header into the most column names the caller knows."""
    names = {n.strip().lower() for n in known}
    best, count = ",", 0
    for delimiter in DELIMITERS:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        found = len({c.strip().lower() for c in cells} & names)
        if found > count:
            best, count = delimiter, found
    return best


def _missing(columns: Sequence[str], required: Sequence[str | tuple[str, ...]]) -> list[str]:
    """The required columns (`a` or one of `(a, b)`) the header lacks, as the user reads them."""
    have = set(columns)
    out = []
    for need in required:
        options = (need,) if isinstance(need, str) else need
        if not have & set(options):
            out.append(" or ".join(repr(o) for o in options))
    return out


def read_table(path: Path, required: Sequence[str | tuple[str, ...]] = (),
               known: Iterable[str] = (), *, what: str = "CSV file",
               warn: Warn = lambda message: None, error: type[DefenceCourseError] = CsvFileError,
               again: str = "re-run the same command") -> Table:
    """Read a user's CSV file: sniffed encoding and delimiter, required columns checked."""
    if not path.is_file():
        raise error(f"{what} not found: {path}")
    text, encoding = decode(path, warn, error, again)
    needed = [n for need in required for n in ((need,) if isinstance(need, str) else need)]
    delimiter = delimiter_of(text.split("\n", 1)[0], [*needed, *known])
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = [c.strip() for c in reader.fieldnames or []]
        reader.fieldnames = columns
        missing = _missing(columns, required)
        if missing:
            raise error(f"{path}: missing column {', '.join(missing)} in the {what} (its header: "
                        f"{', '.join(columns) or 'empty'}); add it and {again}")
        rows, lines = [], []
        for raw in reader:
            rows.append({k: v or "" for k, v in raw.items() if isinstance(k, str)})
            lines.append(reader.line_num)
    except csv.Error as problem:
        raise error(f"{path}: not a readable CSV file ({problem}); save it again from the "
                    f"spreadsheet and {again}") from None
    return Table(path, columns, rows, lines, delimiter, encoding)
