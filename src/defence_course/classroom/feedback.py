"""Feedback the student reads in context, and packs each LMS's bulk upload accepts.

`feedback_page` draws a student's own notebook (code and text as they wrote it, no outputs) with,
after each question's cells, its result: status, points, the grader's message, each check
(a hidden check's content is never shown, only whether it passed), the rubric marks and the
marker's comment; at the top the total after the late penalty, which is the number the
gradebook export writes. The page is an element tree serialized by `xml.etree` (every value
from a student is escaped) with a Content-Security-Policy that forbids any request.

The packs, named as each LMS's own code matches an uploaded file to a student:

- **Canvas** (Gradebook > "Re-upload submissions"; canvas-lms `app/models/assignment.rb`,
  `generate_comments_from_files` and `infer_comment_context_from_filename`): the first two
  all-digit `_`-separated parts of a file name are the user id and the id of one of the
  submission's files; each matched file becomes a submission comment ("See attached file").
  Entries are `<name>_<user id>_<file id>_feedback-<exercise>.html`, the ids from the download.
- **Moodle** (assignment > "Upload multiple feedback files in a zip"; `mod/assign/feedback/
  file/importziplib.php`, `is_valid_filename_for_import`): a path part `<name>_<participant
  id>_<plugin type>_<plugin name>` names the participant; entries are
  `<Full Name>_<id>_assignsubmission_file_/feedback-<exercise>.html`, as the download's folders.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write, atomic_write_bytes
from defence_course.grading.compare import CheckOutcome
from defence_course.grading.journal import journal_for
from defence_course.grading.manual import criteria, read_sheet
from defence_course.grading.outputs import check_line, status_word
from defence_course.grading.records import Record
from defence_course.grading.spec import ExerciseSpec
from defence_course.grading.translated import translated_spec
from defence_course.i18n import _, using
from defence_course.markup import add_inline

__all__ = ["StudentFeedback", "class_feedback", "feedback_page", "pack_name", "write_pack",
           "write_pages"]

HEADING = re.compile(r"^\s*#{1,6}\s*(?P<qid>q\d+)\b", re.IGNORECASE)
CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.5rem;white-space:pre-wrap;overflow-wrap:anywhere}
.text{white-space:pre-wrap;line-height:1.45;margin:.5rem 0}
.result{border-left:.35rem solid #555;background:#f3f6fa;padding:.5rem .75rem;margin:.75rem 0 1.5rem}
.passed{border-color:#2e7d32}.failed,.error,.timeout,.missing{border-color:#b3261e}
.manual{border-color:#1f5f8b}.total{font-size:1.15rem}
"""


@dataclass
class StudentFeedback:
    """What one student's page shows: grades.csv rows, checks, marks, lateness, notebook."""

    student: str
    rows: list[Mapping[str, str]]
    total: Mapping[str, Any]
    checks: dict[str, tuple[CheckOutcome, ...]] = field(default_factory=dict)
    marks: dict[str, Mapping[str, str]] = field(default_factory=dict)
    cells: list[Mapping[str, Any]] = field(default_factory=list)
    note: str = ""
    #: The submission's language: the page's words, messages and hints are in it.
    language: str = "en"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _check_text(check: CheckOutcome) -> str:
    """A check as the student may read it: a hidden check says only whether it passed."""
    return check_line(check)


def _points(row: Mapping[str, str]) -> str:
    points = row.get("points", "").strip()
    return _("{points} / {max} points").format(points=points or _("not marked yet"),
                                                 max=row.get("max_points", ""))


def _result(body: ET.Element, spec: ExerciseSpec, row: Mapping[str, str],
            fb: StudentFeedback) -> None:
    """The box after a question's cells: result, message, checks, rubric marks, comment."""
    qid = row["question"]
    box = _el(body, "section", class_=f"result {row.get('status', '')}",
              **{"aria-label": _("Result for {question}").format(question=qid)})
    _el(box, "strong", f"{qid}: {status_word(row.get('status', ''))}, {_points(row)}")
    if row.get("message"):
        add_inline(_el(box, "div", class_="text"), row["message"])
    known = {q.id: q for q in spec.questions}
    checks = fb.checks.get(qid, ())
    if checks:
        items = _el(box, "ul")
        worth = [c.points for c in known[qid].checks] if qid in known else []
        for check in checks:
            points = worth[check.number - 1] if 0 < check.number <= len(worth) else None
            credit = "" if points is None else \
                _(" ({earned} of {points} pt)").format(earned=f"{points if check.passed else 0:g}",
                                                       points=f"{points:g}")
            add_inline(_el(items, "li"), _check_text(check) + credit)
    mark = fb.marks.get(qid, {})
    found = criteria(qid, known[qid].rubric) if qid in known else []
    if found and any((mark.get(c.column) or "").strip() for c in found):
        table = _el(box, "table")
        _el(table, "caption", _("Rubric"))
        for c in found:
            tr = _el(table, "tr")
            _el(tr, "td", f"{(mark.get(c.column) or '').strip() or '0'} / {c.points:g}")
            _el(tr, "td", c.text)
    comment = (mark.get("comment") or "").strip()
    if comment:
        _el(box, "p", _("Comment: {comment}").format(comment=comment), class_="text")


def _header(body: ET.Element, spec: ExerciseSpec, fb: StudentFeedback) -> None:
    total = fb.total
    _el(body, "h1", _("Feedback: {title}").format(title=spec.title))
    _el(body, "p", _("Student: {student}").format(student=fb.student))
    if total.get("excused"):
        _el(body, "p", _("Excused: no points are counted for this exercise."), class_="total")
    else:
        _el(body, "p", _("Total: {points} / {max} points").format(
            points=total["points"], max=total["max_points"]), class_="total")
    if float(total.get("late_penalty") or 0):
        _el(body, "p", _("Submitted {days} day(s) late: {penalty} point(s) deducted from {raw}.")
            .format(days=total["late_days"], penalty=total["late_penalty"],
                    raw=total["raw_points"]))
    if total.get("pending"):
        _el(body, "p", _("Some written answers are not marked yet: this total may still grow."))
    if fb.note:
        _el(body, "p", fb.note)


def feedback_page(spec: ExerciseSpec, fb: StudentFeedback) -> str:
    """One student's page: their notebook with each question's result after its cells, in the
    language of their submission."""
    with using(fb.language):
        return _page(translated_spec(spec, fb.language) or spec, fb)


def _page(spec: ExerciseSpec, fb: StudentFeedback) -> str:
    html = ET.Element("html", lang=fb.language)
    head = _el(html, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "meta", **{"http-equiv": "Content-Security-Policy",
                         "content": "default-src 'none'; style-src 'unsafe-inline'"})
    _el(head, "title", _("Feedback: {title}").format(title=spec.title) + f" ({fb.student})")
    _el(head, "style", CSS)
    body = _el(html, "body")
    _header(body, spec, fb)
    rows = {r["question"]: r for r in fb.rows}
    shown: set[str] = set()
    current: str | None = None
    for cell in fb.cells:
        text = _source(cell)
        match = HEADING.match(text.lstrip().split("\n", 1)[0]) \
            if cell.get("cell_type") == "markdown" else None
        if match and current in rows and current not in shown:
            _result(body, spec, rows[current], fb)
            shown.add(current)
        current = match["qid"].lower() if match else current
        if cell.get("cell_type") == "code":
            _el(_el(body, "pre"), "code", text)
        elif text.strip():
            _el(body, "div", text, class_="text")
    if current in rows and current not in shown:
        _result(body, spec, rows[current], fb)
        shown.add(current)
    rest = [q for q in rows if q not in shown]
    if rest:
        _el(body, "h2", _("Questions not found in your notebook") if fb.cells else _("Results"))
        for qid in rest:
            _result(body, spec, rows[qid], fb)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"


def load_checks(grades: Path, exercise: str, student: str) -> dict[str, tuple[CheckOutcome, ...]]:
    """Each question's checks from the grader's journal (none when it is gone)."""
    record = journal_for(grades, exercise).load(student)
    return {row.question: row.checks for row in record.rows} if record else {}


def in_language(record: Record | None, rows: list[Mapping[str, str]]
                ) -> tuple[str, list[Mapping[str, str]], dict[str, tuple[CheckOutcome, ...]]]:
    """The student's language, grades.csv's rows with the grader's messages in it, and the
    checks as the student reads them (hints from the translated spec); from the journal."""
    if record is None:
        return "en", rows, {}
    checks = {row.question: row.checks for row in record.feedback_rows}
    if not record.student_rows:
        return record.language, rows, checks
    english = {r.question: r.message for r in record.rows}
    own = {r.question: r.message for r in record.student_rows}
    # A message the instructor's marking replaced (a written answer) is said again in the
    # page's words; the grader's own message is taken in the student's language.
    out = [{**row, "message": own.get(row.get("question", ""), row.get("message", ""))}
           if row.get("message") == english.get(row.get("question", "")) else row
           for row in rows]
    return record.language, out, checks


def read_cells(folder: Path | None, student: str, exercise: str) -> list[Mapping[str, Any]]:
    """The staged notebook's cells (none when the student has no readable notebook)."""
    if folder is None:
        return []
    try:
        nb = json.loads((folder / student / f"{exercise}.ipynb").read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def marks_by_student(manual: Path, exercise: str) -> dict[str, dict[str, Mapping[str, str]]]:
    """manual.csv's rows of an exercise: student -> question -> row."""
    out: dict[str, dict[str, Mapping[str, str]]] = {}
    for (student, ex, question), row in read_sheet(manual).items():
        if ex == exercise:
            out.setdefault(student, {})[question] = row
    return out


def pack_name(lms: str, who: Mapping[str, Any], exercise: str) -> str:
    """The zip entry name by which the LMS finds the student (see the module's docstring)."""
    if lms == "canvas":
        prefix = "_".join(p for p in (re.sub(r"\W", "", str(who.get("name", ""))),
                                      str(who["user_id"]), str(who.get("file_id", ""))) if p)
        return f"{prefix}_feedback-{exercise}.html"
    name = str(who.get("name") or "Participant")
    return f"{name}_{who['user_id']}_assignsubmission_file_/feedback-{exercise}.html"


def write_pack(path: Path, pages: Sequence[tuple[str, str]]) -> None:
    """The zip of (entry name, HTML) pairs, written atomically."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in pages:
            archive.writestr(name, text)
    atomic_write_bytes(path, buffer.getvalue())


def write_pages(folder: Path, pages: Mapping[str, str]) -> None:
    """One `<student>.html` per student in `folder` (names made safe for any file system)."""
    from defence_course.grading.outputs import feedback_name

    for student, text in pages.items():
        atomic_write(folder / (feedback_name(student)[:-3] + ".html"), text)


def class_feedback(spec: ExerciseSpec, grades: Path, totals: Sequence[Mapping[str, Any]],
                   folder: Path | None, notes: Mapping[str, str] | None = None, *,
                   manual: Path | None = None) -> dict[str, str]:
    """Every graded student's page, by the student id of grades.csv."""
    from defence_course.classroom.gradebook import read_grades

    rows: dict[str, list[Mapping[str, str]]] = {}
    for row in read_grades(grades):
        if row.get("exercise") == spec.exercise:
            rows.setdefault(row["student"], []).append(row)
    marks = marks_by_student(manual or grades.with_name("manual.csv"), spec.exercise)
    pages = {}
    for total in totals:
        student = total["student"]
        language, own, checks = in_language(journal_for(grades, spec.exercise).load(student),
                                            rows.get(student, []))
        fb = StudentFeedback(student, own, total, checks, marks.get(student, {}),
                             read_cells(folder, student, spec.exercise),
                             (notes or {}).get(student, ""), language)
        pages[student] = feedback_page(spec, fb)
    return pages
