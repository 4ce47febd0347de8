"""Text cells a spreadsheet would run as formulas, quoted on the way out and restored on the way in."""

from __future__ import annotations

__all__ = ["FORMULA_START", "csv_plain", "csv_text"]

#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """Quote a cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `@SUM`).

    Students choose their file names (the student id) and their written answers, and the
    instructor opens grades.csv and manual.csv in a spreadsheet: such a cell gets a leading
    `'`. A leading `'` already followed by one of those characters gets one more, so
    `csv_plain` restores every text exactly when manual.csv is read back.
    """
    if text.startswith(FORMULA_START) or (text[:1] == "'" and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def csv_plain(text: str) -> str:
    """Undo `csv_text` (for the student ids and answers read back from manual.csv)."""
    if text[:1] == "'" and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text
