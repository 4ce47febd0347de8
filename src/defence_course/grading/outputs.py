"""What grading writes: grades.csv, manual.csv (merged with the instructor's points), feedback files."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write_many
from defence_course.grading.csvcells import csv_text
from defence_course.grading.manual import manual_points, write_manual
from defence_course.grading.rows import STATUSES
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


def _check_line(number: int, public: bool, passed: bool, message: str, hint: str) -> str:
    """`- check 2: failed: <reason>. Hint: <hint>` (a hidden check's reason is never shown)."""
    label = f"check {number}" if public else f"hidden check {number}"
    if passed:
        return f"- {label}: passed"
    reason = f": {_md_cell(message.rstrip('.'))}" if (message and public) else ""
    tip = f" Hint: {_md_cell(hint)}" if hint else ""
    return f"- {label}: failed{reason}.{tip}"


def feedback_text(spec: ExerciseSpec, student: str, rows: list[dict[str, Any]],
                  comments: dict[str, str] | None = None, note: str = "") -> str:
    """One student's Markdown feedback: each question's result and each check's (no hidden code),
    the instructor's comments on written answers, and which notebook was graded when several."""
    table, details = [], []
    if note:
        details.append(f"*Note: {_md_cell(note)}*\n")
    for row in rows:
        comment = (comments or {}).get(row["question"], "").strip()
        if comment:
            details.append(f"**{row['question']}**: your instructor's comment: "
                           f"{_md_cell(comment)}\n")
        points = "" if row["points"] is None else f"{row['points']:g}"
        table.append(f"| {row['question']} | {row['status']} | {points} / "
                     f"{row['max_points']:g} | {_md_cell(row['message'])} |")
        lines = []
        for number, public, passed, message, hint in row.get("checks", []):
            lines.append(_check_line(number, public, passed, message, hint))
        if lines:
            details.append(f"**{row['question']}**\n\n" + "\n".join(lines) + "\n")
    graded = [r for r in rows if r["points"] is not None]
    total = sum(r["points"] for r in graded)
    pending = any(r["status"] == "manual" and r["points"] is None for r in rows)
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



@dataclass
class Summary:
    """What the closing summary reports (also returned to tests)."""

    students: int = 0
    graded_now: int = 0
    resumed: int = 0
    mean: float = 0.0
    max_points: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    most_failed: list[tuple[str, int]] = field(default_factory=list)
    sandbox: str = ""
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False

    def text(self) -> str:
        """The summary as printed after grading."""
        lines = [
            f"Graded {self.students} student(s) ({self.graded_now} now, {self.resumed} kept from "
            f"an earlier run); mean {self.mean:.2f} / {self.max_points:g} points.",
            "Statuses: " + ", ".join(f"{s} {self.status_counts.get(s, 0)}" for s in STATUSES),
        ]
        if self.most_failed:
            lines.append("Most failed: " + ", ".join(
                f"{q} ({n} of {self.students})" for q, n in self.most_failed))
        lines.append(f"Sandbox: {self.sandbox}")
        return "\n".join(lines)



def write_outputs(spec: ExerciseSpec, records: list[dict[str, Any]], out: Path,
                   feedback: Path, manual: Path,
                   existing_manual: dict[tuple[str, str, str], dict[str, str]],
                   summary: Summary) -> None:
    """grades.csv (atomic), manual.csv (merged), one feedback file per student, the summary."""
    final_rows: list[dict[str, Any]] = []
    per_student: dict[str, list[dict[str, Any]]] = {}
    comments: dict[str, dict[str, str]] = {}
    for record in records:
        rows = []
        for row in record["rows"]:
            row = dict(row)
            if row["status"] == "manual":
                key = (record["student"], spec.exercise, row["question"])
                if key in existing_manual:
                    comment = existing_manual[key].get("comment", "")
                    comments.setdefault(record["student"], {})[row["question"]] = comment
                    points = manual_points(manual, existing_manual[key], row["max_points"],
                                           f"{record['student']} {row['question']}")
                    if points is not None:
                        row["points"] = points
                        row["message"] = "written answer: graded by the instructor"
            rows.append(row)
        per_student[record["student"]] = rows
        final_rows += rows
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in final_rows:
        writer.writerow({**{c: csv_text(str(row[c])) for c in CSV_COLUMNS},
                         "points": "" if row["points"] is None else f"{row['points']:g}",
                         "max_points": f"{row['max_points']:g}"})
    if any(q.kind == "manual" for q in spec.questions):
        write_manual(manual, existing_manual, records, spec)
    feedback.mkdir(parents=True, exist_ok=True)
    notes = {r["student"]: str(r.get("note") or "") for r in records}
    # One group write: with a file each, a class of 1,000 waited here for 2,000 fsyncs.
    files = {feedback / feedback_name(student):
             feedback_text(spec, student, rows, comments.get(student), notes[student])
             for student, rows in per_student.items()}
    files[out] = buffer.getvalue()
    atomic_write_many(files)
    summary.students = len(per_student)
    totals = [sum(r["points"] or 0 for r in rows) for rows in per_student.values()]
    summary.mean = sum(totals) / len(totals) if totals else 0.0
    summary.status_counts = dict(Counter(r["status"] for r in final_rows))
    misses = Counter(r["question"] for r in final_rows
                     if r["status"] not in ("passed", "manual"))
    summary.most_failed = misses.most_common(3)

