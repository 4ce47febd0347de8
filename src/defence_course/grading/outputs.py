"""What grading writes: grades.csv, manual.csv (merged with the instructor's points), feedback files."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write
from defence_course.grading.rows import STATUSES
from defence_course.grading.spec import ExerciseSpec
from defence_course.grading.submissions import GradingError, student_id

CSV_COLUMNS = ["student", "exercise", "question", "points", "max_points", "status", "message"]
MANUAL_COLUMNS = ["student", "exercise", "question", "max_points", "points", "rubric", "answer"]
HASHED_NAME = re.compile(r"-[0-9a-f]{10}$")  # ids shaped like a hashed name are hashed too
FEEDBACK_NAME_BYTES = 200  # + "-<hash>.md" stays under the usual 255-byte file-name limit
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


def read_manual(path: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    """Existing manual.csv rows keyed by (student, exercise, question); validated later."""
    if not path.is_file():
        return {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"student", "exercise", "question", "points"} - set(reader.fieldnames or [])
            if missing:
                raise GradingError(f"{path}: missing column(s) {sorted(missing)}; restore the "
                                   f"header {','.join(MANUAL_COLUMNS)} (comma-separated)")
            rows = {}
            for row in reader:
                row = {key: value if key == "points" else csv_plain(value or "")
                       for key, value in row.items() if isinstance(key, str)}
                rows[(student_id(row["student"]), row["exercise"], row["question"])] = row
            return rows
    except UnicodeDecodeError:
        # A spreadsheet saved it in a legacy encoding (Excel's plain "CSV" on Windows).
        raise GradingError(f"{path}: not UTF-8 text; save it as \"CSV UTF-8\" and re-run the "
                           "same grade command") from None
    except csv.Error as error:
        raise GradingError(f"{path}: not a readable CSV file ({error}); restore it from the "
                           "copy the grader wrote, then fill in `points` again") from None


def manual_points(path: Path, row: dict[str, str], max_points: float, line: str
                  ) -> float | None:
    """Parse the instructor's points: blank = not graded yet; anything else must be valid."""
    text = (row.get("points") or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        points = float(text)
    except ValueError:
        raise GradingError(f"{path}: {line}: points {row.get('points')!r} is not a number; "
                           "write a number such as 2 or 1.5, or leave it blank") from None
    if not 0 <= points <= max_points:
        raise GradingError(f"{path}: {line}: points {points:g} outside 0..{max_points:g}; fix it "
                           "and re-run the same grade command")
    return points


def write_manual(path: Path, existing: dict[tuple[str, str, str], dict[str, str]],
                 records: list[dict[str, Any]], spec: ExerciseSpec) -> None:
    """Rewrite manual.csv: keep the instructor's points, add new answers, keep other exercises."""
    rubrics = {q.id: q.rubric.strip() for q in spec.questions}
    merged = dict(existing)
    for record in records:
        for qid, text in record.get("manual_answers", {}).items():
            key = (record["student"], spec.exercise, qid)
            old = merged.get(key, {})
            merged[key] = {
                "student": record["student"], "exercise": spec.exercise, "question": qid,
                "max_points": f"{spec.question(qid).points:g}",
                "points": old.get("points", "") or "",
                "rubric": rubrics.get(qid, ""), "answer": text,
            }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANUAL_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for key in sorted(merged):
        writer.writerow({c: merged[key].get(c, "") if c in ("points", "max_points")
                         else csv_text(merged[key].get(c, "")) for c in MANUAL_COLUMNS})
    atomic_write(path, buffer.getvalue())


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
    return html.escape(text.replace("\n", " "), quote=False).replace("|", "\\|")


def feedback_text(spec: ExerciseSpec, student: str, rows: list[dict[str, Any]]) -> str:
    """One student's Markdown feedback: each question's result and each check's (no hidden code)."""
    table, details = [], []
    for row in rows:
        points = "" if row["points"] is None else f"{row['points']:g}"
        table.append(f"| {row['question']} | {row['status']} | {points} / "
                     f"{row['max_points']:g} | {_md_cell(row['message'])} |")
        lines = []
        for number, public, passed, message, hint in row.get("checks", []):
            label = f"check {number}" if public else f"hidden check {number}"
            result = "passed" if passed else "failed"
            extra = f": {message.rstrip('.')}." if (message and not passed and public) else ""
            tip = f" Hint: {hint}" if (hint and not passed) else ""
            lines.append(f"- {label}: {result}{_md_cell(extra)}{_md_cell(tip)}")
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
    for record in records:
        rows = []
        for row in record["rows"]:
            row = dict(row)
            if row["status"] == "manual":
                key = (record["student"], spec.exercise, row["question"])
                if key in existing_manual:
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
    atomic_write(out, buffer.getvalue())
    if any(q.kind == "manual" for q in spec.questions):
        write_manual(manual, existing_manual, records, spec)
    feedback.mkdir(parents=True, exist_ok=True)
    for student, rows in per_student.items():
        atomic_write(feedback / feedback_name(student), feedback_text(spec, student, rows))
    summary.students = len(per_student)
    totals = [sum(r["points"] or 0 for r in rows) for rows in per_student.values()]
    summary.mean = sum(totals) / len(totals) if totals else 0.0
    summary.status_counts = dict(Counter(r["status"] for r in final_rows))
    misses = Counter(r["question"] for r in final_rows
                     if r["status"] not in ("passed", "manual"))
    summary.most_failed = misses.most_common(3)

