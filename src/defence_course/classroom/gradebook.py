"""Gradebooks out: the CSV each LMS imports, from grades.csv (late penalties applied, codes revealed).

Canvas ("How do I import grades in the Gradebook?", Canvas Instructor Guide,
https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807):
the file has the columns of Canvas's own Gradebook export, `Student`, `ID`, `SIS User ID`,
`SIS Login ID`, `Section`, then one column per assignment named `Assignment Name (assignment id)`
(the id lets Canvas match it; a new name creates a new assignment). Canvas matches students by
`ID`, the Canvas user id that the download's file names carry. Pass Canvas's Gradebook export
as `--roster` to copy the names, SIS ids and sections over.

Moodle (assignment "Offline grading worksheet", `mod/assign/feedback/offline`,
`importgradeslib.php`): the upload needs the columns `Identifier` (`Participant <id>`, the id of
the download's names), `Grade` and `Last modified (grade)`; `Feedback comments` fills the
comments feedback. Moodle skips a row whose `Last modified (grade)` is older than the grade it
holds, so the export's time is now. The column names are Moodle's English strings; a Moodle in
another language names them in its language (download its worksheet once to see them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.classroom._io import write_csv
from defence_course.classroom.anonymize import Key
from defence_course.classroom.late import (
    Extension,
    LateRule,
    Stamp,
    student_totals,
    totals_with_lateness,
)
from defence_course.classroom.lms import Submission, load_manifest, same_file_times
from defence_course.errors import DefenceCourseError
from defence_course.grading.csvcells import csv_plain
from defence_course.usercsv import Warn, read_table

__all__ = ["CANVAS_COLUMNS", "MISSING_CHOICES", "MOODLE_COLUMNS", "ExportError", "Person",
           "account", "class_totals", "export", "identity", "lateness_warnings",
           "missing_students", "read_grades", "read_roster"]

#: Canvas's Gradebook export/import identity columns, in its order.
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: Moodle's offline grading worksheet columns (the import needs Identifier, Grade, Last
#: modified (grade); the others are kept as Moodle's download writes them).
MOODLE_COLUMNS = ["Identifier", "Full name", "Grade", "Maximum grade",
                  "Last modified (grade)", "Feedback comments"]


class ExportError(DefenceCourseError):
    """The gradebook cannot be written as asked; the message says what is missing."""


GRADES_COLUMNS = ("student", "exercise", "question", "points", "max_points", "status")
#: What `--missing` writes for a roster student with no submission.
MISSING_CHOICES = ("blank", "0", "excused")


def read_grades(path: Path, warn: Warn = lambda m: None) -> list[dict[str, str]]:
    """grades.csv rows, with the `'` that protected formula-like text removed."""
    table = read_table(path, GRADES_COLUMNS, what="grades.csv written by `defence-course grade`",
                       warn=warn, error=ExportError)
    return [{k: csv_plain(v) for k, v in row.items()} for row in table.rows]


@dataclass(frozen=True)
class Person:
    """One student of the LMS's roster: the id the LMS matches, the name, the row as read."""

    user_id: str
    name: str
    row: Mapping[str, str]


def read_roster(path: Path, warn: Warn = lambda m: None) -> dict[str, Person]:
    """Canvas's Gradebook export (`Student`, `ID`; its `Points Possible` row is skipped) or
    Moodle's grading worksheet (`Identifier`, `Full name`), by LMS id."""
    table = read_table(path, [("ID", "Identifier")], ("Student", "Full name", *CANVAS_COLUMNS),
                       what="roster", warn=warn, error=ExportError)
    people = {}
    for row in table.rows:
        user = (row.get("ID") or row.get("Identifier") or "").strip()
        user = user.removeprefix("Participant ").strip()
        if user.isdigit():
            people[user] = Person(user, (row.get("Student") or row.get("Full name") or "").strip(),
                                  row)
    return people


def identity(student: str, subs: Mapping[str, Submission], key: Key | None) -> dict[str, Any]:
    """Who a grades.csv student is: a code through the key, else the class folder's record."""
    if key is not None and student.startswith("S-"):
        return dict(key.identity(student))
    sub = subs.get(student)
    if sub is None:
        return {"student": student, "lms": "folder", "user_id": "", "name": student}
    return {"student": sub.student, "lms": sub.lms, "user_id": sub.user_id, "name": sub.name,
            "file_id": sub.file_id}


def _stamp(student: str, sub: Submission | None, who: Mapping[str, Any],
           times: Mapping[str, datetime], extensions: Mapping[str, Extension]) -> Stamp:
    """When the student submitted and where that came from (never a Canvas zip's file time)."""
    ids = [i for i in (student, who.get("student", ""), who.get("user_id", "")) if i]
    lms_time = next((times[i] for i in ids if i in times), None)
    extension = next((extensions[i] for i in ids if i in extensions), None)
    late = bool(sub and sub.late)
    if lms_time is not None:
        return Stamp(lms_time, "lms-times", late, extension)
    if sub is not None and sub.lms != "canvas" and sub.submitted_at is not None:
        return Stamp(datetime.fromtimestamp(sub.submitted_at, timezone.utc), "file-time", late,
                     extension)
    return Stamp(None, "late-mark" if late else "none", late, extension)


def class_totals(grades: Path, folder: Path | None, rule: LateRule | None,
                 times: Mapping[str, datetime] | None = None, *, key: Key | None = None,
                 extensions: Mapping[str, Extension] | None = None) -> list[dict[str, Any]]:
    """Per student: raw points, lateness and final points (see late.TOTAL_COLUMNS)."""
    subs = {s.student: s for s in load_manifest(folder)} if folder else {}
    totals = student_totals(read_grades(grades))
    stamps = {student: _stamp(student, subs.get(student), identity(student, subs, key),
                              times or {}, extensions or {}) for student in totals}
    return totals_with_lateness(totals, rule, stamps)


def lateness_warnings(folder: Path | None, rule: LateRule | None,
                      times: Mapping[str, datetime] | None) -> list[str]:
    """What the instructor must know before trusting the late days."""
    if folder is None or rule is None or times:
        return []
    subs = load_manifest(folder)
    out = [same_file_times(subs)]
    if any(s.lms == "canvas" for s in subs):
        out.append("Canvas: lateness comes from Canvas's own late marks (its zip's file times "
                   "are the time the zip was built); pass --times for days late")
    return [w for w in out if w]


def missing_students(roster: Mapping[str, Person], totals: Sequence[Mapping[str, Any]],
                     subs: Mapping[str, Submission], key: Key | None) -> list[Person]:
    """Roster students with no row in grades.csv: they never submitted."""
    seen = {str(identity(t["student"], subs, key)["user_id"]) for t in totals}
    return [p for uid, p in sorted(roster.items(), key=lambda i: i[1].name) if uid not in seen]


def _canvas_row(person: Mapping[str, str], user_id: str, name: str, assignment: str,
                grade: str) -> dict[str, str]:
    return {"Student": person.get("Student", name), "ID": user_id,
            **{c: person.get(c, "") for c in CANVAS_COLUMNS[2:]}, assignment: grade}


def _moodle_row(user_id: str, name: str, grade: str, max_points: str, comment: str
                ) -> dict[str, str]:
    return {"Identifier": f"Participant {user_id}", "Full name": name, "Grade": grade,
            "Maximum grade": max_points, "Last modified (grade)": _moodle_now(),
            "Feedback comments": comment}


def _grade_of(total: Mapping[str, Any], lms: str) -> str:
    """Canvas's gradebook import reads `EX` as excused; Moodle's worksheet has no such value."""
    if total.get("excused"):
        return "EX" if lms == "canvas" else ""
    return str(total["points"])


def export(lms: str, grades: Path, out: Path, *, folder: Path | None = None,
           assignment: str = "", rule: LateRule | None = None,
           times: Mapping[str, datetime] | None = None, key: Key | None = None,
           roster: Path | None = None, allow_pending: bool = False,
           extensions: Mapping[str, Extension] | None = None, missing: str = "blank",
           comments: Mapping[str, str] | None = None) -> list[str]:
    """Write the LMS's import CSV; returns warnings (students left out or missing)."""
    subs = {s.student: s for s in load_manifest(folder)} if folder else {}
    totals = class_totals(grades, folder, rule, times, key=key, extensions=extensions)
    pending = [t["student"] for t in totals if t["pending"] and not t["excused"]]
    if pending and not allow_pending:
        raise ExportError(f"{len(pending)} student(s) have written answers not marked yet "
                          f"({', '.join(pending[:5])}...): mark them (the marking page or "
                          "manual.csv) and re-run `grade`, or pass --allow-pending to export "
                          "their points so far")
    warnings, rows = [], []
    people = read_roster(roster) if roster else {}
    for total in totals:
        who = identity(total["student"], subs, key)
        if not who["user_id"] or who["lms"] != lms:
            warnings.append(f"{total['student']}: no {lms} id (not from a {lms} download); "
                            "left out")
            continue
        grade = _grade_of(total, lms)
        comment = "\n\n".join(filter(None, [(comments or {}).get(total["student"], ""),
                                           _late_comment(total)]))
        if lms == "canvas":
            person = people.get(who["user_id"])
            rows.append(_canvas_row(person.row if person else {}, who["user_id"], who["name"],
                                    assignment, grade))
        else:
            rows.append(_moodle_row(who["user_id"], who["name"], grade, total["max_points"],
                                    comment))
    missing_grade = {"blank": "", "0": "0", "excused": "EX" if lms == "canvas" else ""}[missing]
    absent = missing_students(people, totals, subs, key)
    for person in absent:
        rows.append(_canvas_row(person.row, person.user_id, person.name, assignment,
                                missing_grade) if lms == "canvas" else
                    _moodle_row(person.user_id, person.name, missing_grade,
                                totals[0]["max_points"] if totals else "",
                                "No submission." if missing != "excused" else "Excused."))
    if absent:
        warnings.append(f"{len(absent)} roster student(s) never submitted, exported as "
                        f"{missing}: " + ", ".join(p.name or p.user_id for p in absent))
    columns = [*CANVAS_COLUMNS, assignment] if lms == "canvas" else MOODLE_COLUMNS
    write_csv(out, columns, rows)
    return warnings


def account(grades: Path, totals: Sequence[Mapping[str, Any]], roster: Mapping[str, Person],
            subs: Mapping[str, Submission], key: Key | None) -> list[str]:
    """Where every student went: the lines `lms export` prints, so nobody is lost unseen."""
    rows: dict[str, list[str]] = {}
    for row in read_grades(grades):
        rows.setdefault(row["student"], []).append(row["status"])
    broken = [s for s, statuses in rows.items() if set(statuses) <= {"error", "timeout"}]
    ids = {str(identity(t["student"], subs, key)["user_id"]) for t in totals}
    lines = [f"{len(totals)} student(s) graded",
             f"  {sum(bool(t['excused']) for t in totals)} excused, "
             f"{sum(bool(t['pending']) for t in totals)} with written answers not marked, "
             f"{len(broken)} with no notebook that could be graded (error rows, 0 points)",
             f"  {sum(int(t['late_days']) > 0 for t in totals)} late, "
             f"{sum(str(t.get('note', '')).startswith('extension') for t in totals)} "
             "with an extension"]
    if roster:
        absent = [p for uid, p in roster.items() if uid not in ids]
        lines += [f"{len(roster)} on the roster: {len(roster) - len(absent)} graded, "
                  f"{len(absent)} never submitted",
                  f"{len(ids - set(roster) - {''})} graded but not on the roster"]
    return lines


def _moodle_now() -> str:
    """A time Moodle's `strtotime` reads, later than any grade it holds now."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _late_comment(total: Mapping[str, Any]) -> str:
    if total.get("excused"):
        return "Excused."
    if not int(total["late_days"]):
        return ""
    return (f"Submitted {total['late_days']} day(s) late: {total['late_penalty']} point(s) "
            f"deducted from {total['raw_points']}.")
