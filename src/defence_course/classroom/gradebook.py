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

import csv
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.classroom._io import write_csv
from defence_course.classroom.anonymize import Key
from defence_course.classroom.late import LateRule, student_totals, totals_with_lateness
from defence_course.classroom.lms import Submission, load_manifest
from defence_course.errors import DefenceCourseError
from defence_course.grading.csvcells import csv_plain

__all__ = ["CANVAS_COLUMNS", "MOODLE_COLUMNS", "ExportError", "class_totals", "export"]

#: Canvas's Gradebook export/import identity columns, in its order.
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: Moodle's offline grading worksheet columns (the import needs Identifier, Grade, Last
#: modified (grade); the others are kept as Moodle's download writes them).
MOODLE_COLUMNS = ["Identifier", "Full name", "Grade", "Maximum grade",
                  "Last modified (grade)", "Feedback comments"]


class ExportError(DefenceCourseError):
    """The gradebook cannot be written as asked; the message says what is missing."""


def read_grades(path: Path) -> list[dict[str, str]]:
    """grades.csv rows, with the `'` that protected formula-like text removed."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = [{k: csv_plain(v or "") for k, v in row.items()}
                    for row in csv.DictReader(handle)]
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None
    if rows and not {"student", "points", "max_points", "status"} <= set(rows[0]):
        raise ExportError(f"{path} is not a grades.csv written by `defence-course grade`")
    return rows


def class_totals(grades: Path, folder: Path | None, rule: LateRule | None,
                 times: Mapping[str, datetime] | None = None) -> list[dict[str, Any]]:
    """Per student: raw points, lateness and final points (see late.TOTAL_COLUMNS)."""
    subs = {s.student: s for s in load_manifest(folder)} if folder else {}
    stamps: dict[str, tuple[datetime | None, str, bool]] = {}
    for student, sub in subs.items():
        lms_time = (times or {}).get(student) or (times or {}).get(sub.user_id)
        file_time = (datetime.fromtimestamp(sub.submitted_at, timezone.utc)
                     if sub.submitted_at is not None else None)
        stamps[student] = ((lms_time, "lms", sub.late) if lms_time
                           else (file_time, "file" if file_time else "", sub.late))
    return totals_with_lateness(student_totals(read_grades(grades)), rule, stamps)


def _who(student: str, subs: Mapping[str, Submission], key: Key | None) -> dict[str, Any]:
    """The LMS identity of a grades.csv student (a code is revealed through the key)."""
    if key is not None and student.startswith("S-"):
        return dict(key.identity(student))
    sub = subs.get(student)
    if sub is None:
        return {"student": student, "lms": "folder", "user_id": "", "name": student}
    return {"student": sub.student, "lms": sub.lms, "user_id": sub.user_id, "name": sub.name}


def _roster(path: Path | None) -> dict[str, dict[str, str]]:
    """Canvas's Gradebook export, by Canvas user id (its `Points Possible` row is skipped)."""
    if path is None:
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["ID"].strip(): row for row in csv.DictReader(handle)
                if (row.get("ID") or "").strip().isdigit()}


def export(lms: str, grades: Path, out: Path, *, folder: Path | None = None,
           assignment: str = "", rule: LateRule | None = None,
           times: Mapping[str, datetime] | None = None, key: Key | None = None,
           roster: Path | None = None, allow_pending: bool = False) -> list[str]:
    """Write the LMS's import CSV; returns warnings (students left out, pending marking)."""
    subs = {s.student: s for s in load_manifest(folder)} if folder else {}
    totals = class_totals(grades, folder, rule, times)
    pending = [t["student"] for t in totals if t["pending"]]
    if pending and not allow_pending:
        raise ExportError(f"{len(pending)} student(s) have written answers not marked yet "
                          f"({', '.join(pending[:5])}...): fill in manual.csv and re-run "
                          "`grade`, or pass --allow-pending to export their points so far")
    warnings, rows = [], []
    people = _roster(roster)
    for total in totals:
        who = _who(total["student"], subs, key)
        if not who["user_id"] or who["lms"] != lms:
            warnings.append(f"{total['student']}: no {lms} id (not from a {lms} download); "
                            "left out")
            continue
        if lms == "canvas":
            person = people.get(who["user_id"], {})
            rows.append({"Student": person.get("Student", who["name"]), "ID": who["user_id"],
                         **{c: person.get(c, "") for c in CANVAS_COLUMNS[2:]},
                         assignment: total["points"]})
        else:
            rows.append({"Identifier": f"Participant {who['user_id']}",
                         "Full name": who["name"], "Grade": total["points"],
                         "Maximum grade": total["max_points"],
                         "Last modified (grade)": _moodle_now(),
                         "Feedback comments": _late_comment(total)})
    columns = [*CANVAS_COLUMNS, assignment] if lms == "canvas" else MOODLE_COLUMNS
    write_csv(out, columns, rows)
    return warnings


def _moodle_now() -> str:
    """A time Moodle's `strtotime` reads, later than any grade it holds now."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _late_comment(total: Mapping[str, Any]) -> str:
    if not int(total["late_days"]):
        return ""
    return (f"Submitted {total['late_days']} day(s) late: {total['late_penalty']} point(s) "
            f"deducted from {total['raw_points']}.")
