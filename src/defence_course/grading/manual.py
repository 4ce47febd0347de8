"""The manual marking sheet: read what spreadsheets save, a comment per answer, rubric criteria.

- Read by the course's one CSV reader (`defence_course.usercsv`): UTF-8 or Excel's
  Windows-1252 (with a warning), comma, semicolon or tab. Two rows for one answer, and a row
  for no student of the class, are errors that name the rows.
- `comment`: free text the instructor writes; it goes into the student's feedback.
- Rubric criteria: a rubric written as lines `1 pt: ...` (docs/exercise-format.md) becomes one
  column per criterion, `q7.1`, `q7.2`, ..., instead of the whole rubric in every row; the
  rubrics themselves go once to a Markdown file next to the sheet. When criterion points are
  filled in, `points` is their sum (a different `points` in the same row is an error).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from defence_course.atomic import atomic_write
from defence_course.grading.csvcells import csv_plain, csv_text
from defence_course.grading.errors import GradingError
from defence_course.grading.records import Record
from defence_course.grading.spec import ExerciseSpec
from defence_course.grading.submissions import student_id
from defence_course.locking import file_lock, lock_path
from defence_course.usercsv import Table, delimiter_of, read_table

__all__ = ["BASE_COLUMNS", "Criterion", "SheetError", "check_students", "criteria",
           "manual_points", "read_sheet", "save_marks", "sheet_columns", "write_manual",
           "write_rubrics"]

BASE_COLUMNS = ["student", "exercise", "question", "max_points", "points", "comment", "answer"]
REQUIRED = ("student", "exercise", "question", "points")
CRITERION = re.compile(r"^\s*(?P<points>\d+(?:[.,]\d+)?)\s*(?:pts?|points?)\s*:\s*(?P<text>.*)$",
                       re.IGNORECASE)


class SheetError(GradingError):
    """manual.csv cannot be read or holds an invalid value; names the row and what to fix."""


@dataclass(frozen=True)
class Criterion:
    """One line of a rubric: its column name, points and text."""

    column: str
    points: float
    text: str


def criteria(question: str, rubric: str) -> list[Criterion]:
    """The criteria of a rubric written as `N pt: ...` lines (continuation lines indented)."""
    found: list[Criterion] = []
    for line in rubric.splitlines():
        match = CRITERION.match(line)
        if match:
            found.append(Criterion(f"{question}.{len(found) + 1}",
                                   float(match["points"].replace(",", ".")), match["text"].strip()))
        elif found and line.strip():
            last = found[-1]
            found[-1] = Criterion(last.column, last.points, f"{last.text} {line.strip()}")
    return found


def sheet_columns(rubrics: Mapping[str, str]) -> list[str]:
    """The sheet's header: the base columns, then each question's criterion columns."""
    extra = [c.column for q, r in rubrics.items() for c in criteria(q, r)]
    return [*BASE_COLUMNS, *extra]


def _delimiter(header: str) -> str:
    """The separator that splits the header into the sheet's known column names."""
    return delimiter_of(header, BASE_COLUMNS)


def sheet_delimiter(path: Path) -> str:
    """The separator the instructor's spreadsheet saved manual.csv with (kept on rewrite)."""
    try:
        with open(path, "rb") as handle:
            header = handle.readline().decode("utf-8-sig", errors="replace")
    except OSError:
        return ","
    return _delimiter(header)


def read_sheet(path: Path, warn: Callable[[str], None] = lambda m: None
               ) -> dict[tuple[str, str, str], dict[str, str]]:
    """Rows keyed by (student, exercise, question); `points` summed from criteria when filled.

    Two rows for one answer are an error naming both lines: keeping either would silently
    drop the other's mark."""
    if not path.is_file():
        return {}
    return _sheet_rows(path, read_table(path, REQUIRED, BASE_COLUMNS, what="manual grading sheet",
                                        warn=warn, error=SheetError,
                                        again="re-run the same grade command"))


def _sheet_rows(path: Path, table: Table) -> dict[tuple[str, str, str], dict[str, str]]:
    """The sheet's rows by answer, from the table as read (one row per answer)."""
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in zip(table.lines, table.rows, strict=True):
        row = {k: v if k == "points" or (k[:1] == "q" and "." in k) else csv_plain(v)
               for k, v in raw.items()}
        row["points"] = _criterion_points(path, line, row)
        key = (student_id(row["student"]), row["exercise"], row["question"])
        if key in seen:
            raise SheetError(f"{path}: lines {seen[key]} and {line} are both {key[0]} "
                             f"{key[1]} {key[2]}; keep one row per answer (delete the other, "
                             "after copying its points and comment if they are the ones to keep)")
        seen[key] = line
        rows[key] = row
    return rows


def check_students(path: Path, rows: Mapping[tuple[str, str, str], Mapping[str, str]],
                   exercise: str, students: Sequence[str]) -> None:
    """Every row of this exercise names a student of the class: an orphan row is an error
    naming it, the nearest student, and lost characters (Excel's Windows-1252 turns 王 into ?)."""
    known = set(students)
    problems = []
    for student, ex, question in rows:
        if ex != exercise or student in known:
            continue
        near = difflib.get_close_matches(student, students, n=1, cutoff=0.5)
        hint = f" (nearest student: {near[0]})" if near else ""
        lost = (" - its '?' look like characters lost when a spreadsheet saved the sheet "
                "in Windows-1252: save it as \"CSV UTF-8\"") if re.search("[?\ufffd]", student) else ""
        problems.append(f"{student} {question}{hint}{lost}")
    if problems:
        raise SheetError(f"{path}: row(s) for no student of the class: {'; '.join(problems)}. "
                         "Fix the student column (or delete the row) and re-run the same grade "
                         "command")


def _number(path: Path, line: int, column: str, text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise SheetError(f"{path}: line {line}: {column} {text!r} is not a number; write a "
                         "number such as 1 or 0.5, or leave it blank") from None


def _criterion_points(path: Path, line: int, row: dict[str, str]) -> str:
    """The row's points: the sum of its filled criterion columns, else its `points`."""
    prefix = f"{row['question']}."
    filled = {k: v.strip() for k, v in row.items() if k.startswith(prefix) and v.strip()}
    if not filled:
        return row.get("points", "")
    total = sum(_number(path, line, k, v) for k, v in filled.items())
    given = row.get("points", "").strip()
    if given and abs(_number(path, line, "points", given) - total) > 1e-9:
        raise SheetError(f"{path}: line {line}: points {given} differ from the criteria's sum "
                         f"{total:g} ({', '.join(sorted(filled))}); clear one of them")
    return f"{total:g}"


def write_rubrics(path: Path, title: str, rubrics: Mapping[str, str],
                  max_points: Mapping[str, float]) -> None:
    """The rubrics once, as Markdown: each criterion with its column name and points."""
    lines = [f"# Rubrics: {title}", "",
             "Fill in the criterion columns of manual.csv (their sum is the points), or `points` "
             "directly; `comment` goes to the student's feedback.", ""]
    for question, rubric in rubrics.items():
        lines += [f"## {question} ({max_points.get(question, 0):g} points)", ""]
        found = criteria(question, rubric)
        lines += ([f"- `{c.column}` ({c.points:g} pt): {c.text}" for c in found] if found
                  else [rubric.strip()])
        lines.append("")
    atomic_write(path, "\n".join(lines))


def max_for(column: str, rubrics: Mapping[str, str]) -> float | None:
    """A criterion column's maximum points (None for a column that is not a criterion)."""
    question = column.split(".", 1)[0]
    for c in criteria(question, rubrics.get(question, "")):
        if c.column == column:
            return c.points
    return None


def check_criteria(path: Path, rows: Mapping[tuple[str, str, str], Mapping[str, str]],
                   rubrics: Mapping[str, str]) -> None:
    """Every filled criterion lies in 0..its points; the error names student and column."""
    for (student, _, question), row in rows.items():
        for column, value in row.items():
            top = max_for(column, rubrics) if column.startswith(f"{question}.") else None
            if top is None or not value.strip():
                continue
            points = _number(path, 0, column, value.strip())
            if not 0 <= points <= top:
                raise SheetError(f"{path}: {student} {column}: {points:g} outside 0..{top:g}")


def manual_points(path: Path, row: Mapping[str, str], max_points: float, line: str
                  ) -> float | None:
    """Parse the instructor's points: blank = not graded yet; anything else must be valid."""
    text = (row.get("points") or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        points = float(text)
    except ValueError:
        raise SheetError(f"{path}: {line}: points {row.get('points')!r} is not a number; "
                         "write a number such as 2 or 1.5, or leave it blank") from None
    if not 0 <= points <= max_points:
        raise SheetError(f"{path}: {line}: points {points:g} outside 0..{max_points:g}; fix it "
                         "and re-run the same grade command")
    return points


def rubrics_path(manual: Path, exercise: str) -> Path:
    """The rubrics, once, next to manual.csv."""
    return manual.with_name(f"rubrics-{exercise}.md")


#: How long a save waits for another marker's save (each takes milliseconds).
SAVE_TIMEOUT = 30.0


def _write_sheet(path: Path, columns: Sequence[str],
                 rows: Mapping[tuple[str, str, str], Mapping[str, str]], delimiter: str) -> None:
    """manual.csv, atomically, rows in key order; text a spreadsheet would run is quoted."""
    buffer = io.StringIO()
    if delimiter != ",":
        buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n", delimiter=delimiter)
    writer.writeheader()
    for key in sorted(rows):
        row = rows[key]
        writer.writerow({c: (row.get(c) or "") if c in ("points", "max_points")
                         else csv_text(row.get(c) or "") for c in columns})
    atomic_write(path, buffer.getvalue())


def _busy(path: Path) -> str:
    return f"another marker or `grade` run is saving {path}; try again in a moment"


def write_manual(path: Path, existing: Mapping[tuple[str, str, str], Mapping[str, str]],
                 records: Sequence[Record], spec: ExerciseSpec) -> None:
    """Rewrite manual.csv: keep the instructor's points, criteria and comments, add new
    answers, keep other exercises' rows; the rubrics go once to rubrics-EXERCISE.md. A sheet
    saved with semicolons (French or German Excel) is written back with semicolons, in UTF-8
    with a byte-order mark, which that Excel opens correctly. The sheet is read again under
    its lock, so marks saved from the marking page while `grade` ran are kept."""
    rubrics = {q.id: q.rubric.strip() for q in spec.questions if q.kind == "manual"}
    with file_lock(lock_path(path), timeout=SAVE_TIMEOUT, busy=_busy(path)):
        delimiter = sheet_delimiter(path) if path.is_file() else ","
        merged = {key: dict(row) for key, row in {**existing, **read_sheet(path)}.items()}
        for record in records:
            for qid, text in record.manual_answers.items():
                key = (record.student, spec.exercise, qid)
                old = merged.get(key, {})
                merged[key] = {**old, "student": key[0], "exercise": spec.exercise,
                               "question": qid, "max_points": f"{spec.question(qid).points:g}",
                               "answer": text}
                merged[key].setdefault("points", "")
                merged[key].setdefault("comment", "")
        columns = sheet_columns(rubrics)
        columns += sorted({c for row in merged.values() for c in row} - set(columns) - {"rubric"})
        _write_sheet(path, columns, merged, delimiter)
    write_rubrics(rubrics_path(path, spec.exercise), spec.title, rubrics,
                  {q: spec.question(q).points for q in rubrics})


def save_marks(path: Path, key: tuple[str, str, str], values: Mapping[str, str]) -> None:
    """Set one answer's cells (points, criterion columns, comment) in manual.csv, under the
    sheet's lock and from the sheet as it is now: markers saving different answers at the same
    time (or a `grade` run rewriting it) never undo each other's marks."""
    with file_lock(lock_path(path), timeout=SAVE_TIMEOUT, busy=_busy(path)):
        table = read_table(path, REQUIRED, BASE_COLUMNS, what="manual grading sheet",
                           error=SheetError, again="try again")
        rows = _sheet_rows(path, table)
        if key not in rows:
            raise SheetError(f"{path}: no row for {' '.join(key)}: run `grade` again to add "
                             "the answer, then mark it")
        rows[key] = {**rows[key], **values}
        _criterion_points(path, 0, rows[key])
        columns = [*table.columns, *(c for c in values if c not in table.columns)]
        _write_sheet(path, columns, rows, table.delimiter)
