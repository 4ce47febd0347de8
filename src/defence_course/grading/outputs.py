"""What grading writes: grades.csv, manual.csv (merged with the instructor's points), feedback files."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import string
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from defence_course.atomic import atomic_write_many
from defence_course.grading.compare import CheckOutcome
from defence_course.grading.csvcells import csv_text
from defence_course.grading.manual import manual_points, write_manual
from defence_course.grading.records import Record, Row
from defence_course.grading.spec import ExerciseSpec
from defence_course.i18n import N_, _, using

CSV_COLUMNS = ["student", "exercise", "question", "points", "max_points", "status", "message"]
HASHED_NAME = re.compile(r"-[0-9a-f]{10}$")  # ids shaped like a hashed name are hashed too
FEEDBACK_NAME_BYTES = 200  # + "-<hash>.md" stays under the usual 255-byte file-name limit
# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

FEEDBACK = string.Template("""# $heading

$student_line · $total_line

| $question | $status | $points_head | $message |
|---|---|---|---|
$table

$details
*$hidden*
""")
HIDDEN_NOTE = N_("Hidden checks run only at grading; their content is not shown. Written answers "
                 "are graded by\nyour instructor against a rubric.")
#: A row's status as the student reads it (grades.csv keeps the English word).
STATUS_WORDS = {"passed": N_("passed"), "failed": N_("failed"), "error": N_("error"),
                "timeout": N_("timeout"), "missing": N_("missing"), "manual": N_("manual")}


def status_word(status: str) -> str:
    """A status in the language shown (an unknown one as it is)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def _md_cell(text: str) -> str:
    """One line of Markdown that shows `text` as written: `<` and `|` are backslash-escaped
    (no HTML tag, no table break), so `>=` in a hint stays `>=`, not `&gt;=`."""
    return (text.replace("\\", "\\\\").replace("\n", " ").replace("<", "\\<")
            .replace("|", "\\|"))


def _check_line(check: CheckOutcome) -> str:
    """`- check 2: failed: <reason>. Hint: <hint>` (a hidden check's reason is never shown)."""
    return "- " + check_line(check, _md_cell)


def check_line(check: CheckOutcome, escape: Callable[[str], str] = str) -> str:
    """`check 2: failed: <reason>. Hint: <hint>`, in the language shown; the feedback file and
    page both say it (a hidden check's reason is never shown)."""
    label = _("check {n}").format(n=check.number) if check.public else \
        _("hidden check {n}").format(n=check.number)
    if check.passed:
        return _("{label}: passed").format(label=label)
    tip = " " + _("Hint: {hint}").format(hint=escape(check.hint)) if check.hint else ""
    if check.message and check.public:
        return _("{label}: failed: {reason}.").format(
            label=label, reason=escape(check.message.rstrip("."))) + tip
    return _("{label}: failed.").format(label=label) + tip


def feedback_text(spec: ExerciseSpec, student: str, rows: Sequence[Row],
                  comments: Mapping[str, str] | None = None, note: str = "") -> str:
    """One student's Markdown feedback: each question's result and each check's (no hidden code),
    the instructor's comments on written answers, and which notebook was graded when several."""
    table, details = [], []
    if note:
        details.append("*" + _("Note: {note}").format(note=_md_cell(note)) + "*\n")
    for row in rows:
        comment = (comments or {}).get(row.question, "").strip()
        if comment:
            details.append(f"**{row.question}**: " + _("your instructor's comment: {comment}")
                           .format(comment=_md_cell(comment)) + "\n")
        points = "" if row.points is None else f"{row.points:g}"
        table.append(f"| {row.question} | {status_word(row.status)} | {points} / "
                     f"{row.max_points:g} | {_md_cell(row.message)} |")
        lines = [_check_line(c) for c in row.checks]
        if lines:
            details.append(f"**{row.question}**\n\n" + "\n".join(lines) + "\n")
    total = sum(r.points for r in rows if r.points is not None)
    pending = any(r.status == "manual" and r.points is None for r in rows)
    # Bold around the student and around the total (`**0 / 6 (...)** points`), words around them.
    most = f"{spec.max_points:g}" + (_(" (written answers not graded yet)") if pending else "")
    return FEEDBACK.substitute(
        heading=_("Feedback: {title}").format(title=_md_cell(spec.title)),
        student_line=_("Student: {student}").format(student=f"**{_md_cell(student)}**"),
        total_line=_("Total: {points} / {max} points").format(points=f"**{total:g}", max=f"{most}**"),
        table="\n".join(table), details="\n".join(details),
        question=_("Question"), status=_("Status"), points_head=_("Points"), message=_("Message"),
        hidden=_(HIDDEN_NOTE))


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



def merged_rows(spec: ExerciseSpec, student: str, rows: Sequence[Row], manual: Path,
                existing_manual: Mapping[tuple[str, str, str], Mapping[str, str]],
                comments: dict[str, str] | None = None) -> list[Row]:
    """A student's rows with the instructor's points on written answers (and their comments)."""
    out = []
    for row in rows:
        key = (student, spec.exercise, row.question)
        if row.status == "manual" and key in existing_manual:
            if comments is not None:
                comments[row.question] = existing_manual[key].get("comment", "")
            points = manual_points(manual, existing_manual[key], row.max_points,
                                   f"{student} {row.question}")
            if points is not None:
                row = row.with_points(points, _("written answer: graded by the instructor"))
        out.append(row)
    return out


def merge_manual(spec: ExerciseSpec, records: Sequence[Record], manual: Path,
                 existing_manual: Mapping[tuple[str, str, str], Mapping[str, str]]
                 ) -> tuple[dict[str, list[Row]], dict[str, dict[str, str]]]:
    """Each student's final rows (the instructor's points on written answers) and comments."""
    results: dict[str, list[Row]] = {}
    comments: dict[str, dict[str, str]] = {}
    for record in records:
        said: dict[str, str] = {}
        results[record.student] = merged_rows(spec, record.student, record.rows, manual,
                                              existing_manual, said)
        if said:
            comments[record.student] = said
    return results, comments


def student_feedback(spec: ExerciseSpec, record: Record, rows: Sequence[Row],
                     comments: Mapping[str, str] | None, manual: Path,
                     existing_manual: Mapping[tuple[str, str, str], Mapping[str, str]],
                     translated: Mapping[str, ExerciseSpec] | None = None) -> str:
    """One student's feedback file in their submission's language (its rows, hints, words, and
    the title of the translated spec when there is one)."""
    if not record.student_rows:
        return feedback_text(spec, record.student, rows, comments, record.note)
    with using(record.language):
        own = merged_rows(spec, record.student, record.student_rows, manual, existing_manual)
        return feedback_text((translated or {}).get(record.language, spec), record.student, own,
                             comments, record.note)


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
                  manual: Path, existing_manual: Mapping[tuple[str, str, str], Mapping[str, str]],
                  translated: Mapping[str, ExerciseSpec] | None = None) -> dict[str, list[Row]]:
    """grades.csv (atomic), manual.csv (merged), one feedback file per student; returns each
    student's final rows (for the summary)."""
    results, comments = merge_manual(spec, records, manual, existing_manual)
    if any(q.kind == "manual" for q in spec.questions):
        write_manual(manual, existing_manual, records, spec)
    feedback.mkdir(parents=True, exist_ok=True)
    by_student = {r.student: r for r in records}
    # One group write: with a file each, a class of 1,000 waited here for 2,000 fsyncs.
    files = {feedback / feedback_name(student):
             student_feedback(spec, by_student[student], rows, comments.get(student), manual,
                              existing_manual, translated)
             for student, rows in results.items()}
    files[out] = grades_csv(results)
    atomic_write_many(files)
    return results
