"""What grading writes: grades.csv, manual.csv (merged with the instructor's points), feedback files."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import string
from collections.abc import Mapping, Sequence
from pathlib import Path

from defence_course.atomic import atomic_write_many
from defence_course.grading.compare import CheckOutcome
from defence_course.grading.csvcells import csv_text
from defence_course.grading.manual import manual_points, write_manual
from defence_course.grading.records import Record, Row
from defence_course.grading.spec import ExerciseSpec

CSV_COLUMNS = ["student", "exercise", "question", "points", "max_points", "status", "message"]
HASHED_NAME = re.compile(r"-[0-9a-f]{10}$")  # ids shaped like a hashed name are hashed too
FEEDBACK_NAME_BYTES = 200  # + "-<hash>.md" stays under the usual 255-byte file-name limit
# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

FEEDBACK = string.Template("""# Feedback: $title

Student: **$student** · Total: **$total / $max_points** points

| Question | Status | Points | Message |
|---|---|---|---|
$table

$details
*Hidden checks run only at grading; their content is not shown. Written answers are graded by
your instructor against a rubric.*
""")


def _md_cell(text: str) -> str:
    """One line of Markdown that shows `text` as written: `<` and `|` are backslash-escaped
    (no HTML tag, no table break), so `>=` in a hint stays `>=`, not `&gt;=`."""
    return (text.replace("\\", "\\\\").replace("\n", " ").replace("<", "\\<")
            .replace("|", "\\|"))


def _check_line(check: CheckOutcome) -> str:
    """`- check 2: failed: <reason>. Hint: <hint>` (a hidden check's reason is never shown)."""
    label = f"check {check.number}" if check.public else f"hidden check {check.number}"
    if check.passed:
        return f"- {label}: passed"
    reason = (f": {_md_cell(check.message.rstrip('.'))}" if (check.message and check.public)
              else "")
    tip = f" Hint: {_md_cell(check.hint)}" if check.hint else ""
    return f"- {label}: failed{reason}.{tip}"


def feedback_text(spec: ExerciseSpec, student: str, rows: Sequence[Row],
                  comments: Mapping[str, str] | None = None, note: str = "") -> str:
    """One student's Markdown feedback: each question's result and each check's (no hidden code),
    the instructor's comments on written answers, and which notebook was graded when several."""
    table, details = [], []
    if note:
        details.append(f"*Note: {_md_cell(note)}*\n")
    for row in rows:
        comment = (comments or {}).get(row.question, "").strip()
        if comment:
            details.append(f"**{row.question}**: your instructor's comment: "
                           f"{_md_cell(comment)}\n")
        points = "" if row.points is None else f"{row.points:g}"
        table.append(f"| {row.question} | {row.status} | {points} / "
                     f"{row.max_points:g} | {_md_cell(row.message)} |")
        lines = [_check_line(c) for c in row.checks]
        if lines:
            details.append(f"**{row.question}**\n\n" + "\n".join(lines) + "\n")
    total = sum(r.points for r in rows if r.points is not None)
    pending = any(r.status == "manual" and r.points is None for r in rows)
    return FEEDBACK.substitute(
        title=_md_cell(spec.title), student=_md_cell(student), total=f"{total:g}",
        max_points=f"{spec.max_points:g}" + (" (written answers not graded yet)" if pending
                                             else ""),
        table="\n".join(table), details="\n".join(details))


def feedback_name(student: str) -> str:
    """`<student>.md`, always a valid file name that no other student's name maps to.

    A student id can be up to 255 bytes long (a folder name), and characters are replaced:
    then a short hash of the id keeps the name unique and under the file-name limit, so one
    student's name can neither stop the run (ENAMETOOLONG) nor overwrite another's feedback.
    """
    safe = student.replace("/", "_").replace("\\", "_").replace("\x00", "")
    if (safe and safe == student and len(safe.encode()) <= FEEDBACK_NAME_BYTES
            and not HASHED_NAME.search(safe)):
        return safe + ".md"
    while len(safe.encode()) > FEEDBACK_NAME_BYTES:
        safe = safe[:-1]
    digest = hashlib.sha256(student.encode()).hexdigest()[:10]
    return f"{safe or 'student'}-{digest}.md"



def merge_manual(spec: ExerciseSpec, records: Sequence[Record], manual: Path,
                 existing_manual: Mapping[tuple[str, str, str], Mapping[str, str]]
                 ) -> tuple[dict[str, list[Row]], dict[str, dict[str, str]]]:
    """Each student's final rows (the instructor's points on written answers) and comments."""
    results: dict[str, list[Row]] = {}
    comments: dict[str, dict[str, str]] = {}
    for record in records:
        rows = []
        for row in record.rows:
            key = (record.student, spec.exercise, row.question)
            if row.status == "manual" and key in existing_manual:
                comments.setdefault(record.student, {})[row.question] = \
                    existing_manual[key].get("comment", "")
                points = manual_points(manual, existing_manual[key], row.max_points,
                                       f"{record.student} {row.question}")
                if points is not None:
                    row = row.with_points(points, "written answer: graded by the instructor")
            rows.append(row)
        results[record.student] = rows
    return results, comments


def grades_csv(results: Mapping[str, Sequence[Row]]) -> str:
    """grades.csv's text: one line per student and question, every cell safe in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rows in results.values():
        for row in rows:
            writer.writerow({
                "student": csv_text(row.student), "exercise": csv_text(row.exercise),
                "question": csv_text(row.question),
                "points": "" if row.points is None else f"{row.points:g}",
                "max_points": f"{row.max_points:g}", "status": csv_text(row.status),
                "message": csv_text(row.message)})
    return buffer.getvalue()


def write_outputs(spec: ExerciseSpec, records: Sequence[Record], out: Path, feedback: Path,
                  manual: Path, existing_manual: Mapping[tuple[str, str, str], Mapping[str, str]]
                  ) -> dict[str, list[Row]]:
    """grades.csv (atomic), manual.csv (merged), one feedback file per student; returns each
    student's final rows (for the summary)."""
    results, comments = merge_manual(spec, records, manual, existing_manual)
    if any(q.kind == "manual" for q in spec.questions):
        write_manual(manual, existing_manual, records, spec)
    feedback.mkdir(parents=True, exist_ok=True)
    notes = {r.student: r.note for r in records}
    # One group write: with a file each, a class of 1,000 waited here for 2,000 fsyncs.
    files = {feedback / feedback_name(student):
             feedback_text(spec, student, rows, comments.get(student), notes[student])
             for student, rows in results.items()}
    files[out] = grades_csv(results)
    atomic_write_many(files)
    return results
