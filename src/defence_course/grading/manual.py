"""The manual marking sheet: read what spreadsheets save, a comment per answer, rubric criteria.

- Read: UTF-8 (with or without Excel's byte-order mark); comma-, semicolon- (French and German
  Excel) or tab-separated, told apart from the header line. A semicolon-separated file that is
  not UTF-8 is Excel's Windows-1252: read with a warning (any other non-UTF-8 file is refused).
- `comment`: free text the instructor writes; it goes into the student's feedback.
- Rubric criteria: a rubric written as lines `1 pt: ...` (docs/exercise-format.md) becomes one
  column per criterion, `q7.1`, `q7.2`, ..., instead of the whole rubric in every row; the
  rubrics themselves go once to a Markdown file next to the sheet. When criterion points are
  filled in, `points` is their sum (a different `points` in the same row is an error).
"""

from __future__ import annotations

import csv
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

__all__ = ["BASE_COLUMNS", "Criterion", "SheetError", "criteria", "manual_points", "read_sheet",
           "sheet_columns", "write_manual", "write_rubrics"]

BASE_COLUMNS = ["student", "exercise", "question", "max_points", "points", "comment", "answer"]
REQUIRED = ("student", "exercise", "question", "points")
CRITERION = re.compile(r"^\s*(?P<points>\d+(?:[.,]\d+)?)\s*(?:pts?|points?)\s*:\s*(?P<text>.*)$",
                       re.IGNORECASE)
DELIMITERS = (",", ";", "\t")
#: A UTF-8 encoded non-ASCII character: its presence means the file is (partly) UTF-8.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


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


def _decode(path: Path, warn: Callable[[str], None]) -> str:
    """UTF-8; or Windows-1252 for a semicolon-separated file with no UTF-8 in it at all.

    French and German Excel save "CSV (semicolon-separated)" in Windows-1252. A comma-separated
    file that is not UTF-8, or one that mixes UTF-8 with other bytes, is refused: reading it as
    Windows-1252 would silently turn its accents into other characters.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    header = data.split(b"\n", 1)[0]
    if b";" in header and b"," not in header and not UTF8_SEQUENCE.search(data):
        warn(f"{path} is not UTF-8: read as Windows-1252 (Excel's semicolon CSV); save it as "
             "\"CSV UTF-8\" to keep every character exactly")
        return data.decode("cp1252", errors="replace")
    raise SheetError(f"{path}: not UTF-8 text; save it as \"CSV UTF-8\" and re-run the same "
                     "grade command")


def _delimiter(header: str) -> str:
    """The separator that splits the header into the sheet's known column names."""
    best, count = ",", 0
    for delimiter in DELIMITERS:
        names = next(csv.reader([header], delimiter=delimiter), [])
        known = len(set(names) & set(BASE_COLUMNS))
        if known > count:
            best, count = delimiter, known
    return best


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
    """Rows keyed by (student, exercise, question); `points` summed from criteria when filled."""
    if not path.is_file():
        return {}
    text = _decode(path, warn)
    delimiter = _delimiter(text.split("\n", 1)[0])
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        missing = set(REQUIRED) - set(reader.fieldnames or [])
        if missing:
            raise SheetError(f"{path}: missing column(s) {sorted(missing)}; restore the header "
                             f"{','.join(BASE_COLUMNS)}")
        rows = {}
        for line, raw in enumerate(reader, start=2):
            row = {k: (v or "") if k == "points" or (k[:1] == "q" and "." in k)
                   else csv_plain(v or "") for k, v in raw.items() if isinstance(k, str)}
            row["points"] = _criterion_points(path, line, row)
            rows[(student_id(row["student"]), row["exercise"], row["question"])] = row
        return rows
    except csv.Error as error:
        raise SheetError(f"{path}: not a readable CSV file ({error}); restore it from the copy "
                         "the grader wrote, then fill in `points` again") from None


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


def write_manual(path: Path, existing: Mapping[tuple[str, str, str], Mapping[str, str]],
                 records: Sequence[Record], spec: ExerciseSpec) -> None:
    """Rewrite manual.csv: keep the instructor's points, criteria and comments, add new
    answers, keep other exercises' rows; the rubrics go once to rubrics-EXERCISE.md. A sheet
    saved with semicolons (French or German Excel) is written back with semicolons, in UTF-8
    with a byte-order mark, which that Excel opens correctly."""
    delimiter = sheet_delimiter(path) if path.is_file() else ","
    rubrics = {q.id: q.rubric.strip() for q in spec.questions if q.kind == "manual"}
    merged = {key: dict(row) for key, row in existing.items()}
    for record in records:
        for qid, text in record.manual_answers.items():
            key = (record.student, spec.exercise, qid)
            old = merged.get(key, {})
            merged[key] = {**old, "student": key[0], "exercise": spec.exercise, "question": qid,
                           "max_points": f"{spec.question(qid).points:g}", "answer": text}
            merged[key].setdefault("points", "")
            merged[key].setdefault("comment", "")
    columns = sheet_columns(rubrics)
    columns += sorted({c for row in merged.values() for c in row} - set(columns) - {"rubric"})
    buffer = io.StringIO()
    if delimiter != ",":
        buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n",
                            delimiter=delimiter)
    writer.writeheader()
    for key in sorted(merged):
        row = merged[key]
        writer.writerow({c: (row.get(c) or "") if c in ("points", "max_points")
                         else csv_text(row.get(c) or "") for c in columns})
    atomic_write(path, buffer.getvalue())
    write_rubrics(rubrics_path(path, spec.exercise), spec.title, rubrics,
                  {q: spec.question(q).points for q in rubrics})
