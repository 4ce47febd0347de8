"""Late rules, gradebook exports in each LMS's documented columns, anonymous codes revealed."""

from __future__ import annotations

import csv
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from defence_course.classroom.anonymize import Key, reveal_feedback
from defence_course.classroom.gradebook import (
    CANVAS_COLUMNS,
    MOODLE_COLUMNS,
    ExportError,
    class_totals,
    export,
)
from defence_course.classroom.late import LateError, LateRule, parse_rule, read_times
from defence_course.classroom.lms import stage
from defence_course.cli import main
from tests.classroom.test_lms import EXERCISE, put

DUE = "2026-11-20T17:00+01:00"
DUE_TS = datetime.fromisoformat(DUE).timestamp()


# --- late rules ---------------------------------------------------------------------------------

def test_penalty_per_started_day_with_a_cap() -> None:
    rule = parse_rule(DUE, "10%/day", "25%")
    due = rule.due
    assert rule.days_late(due) == 0
    assert rule.days_late(due + timedelta(seconds=1)) == 1
    assert rule.days_late(due + timedelta(days=1, minutes=1)) == 2
    assert rule.penalty(20, 1) == 2.0
    assert rule.penalty(20, 5) == 5.0  # capped at 25 % of 20
    assert rule.days_late(None, marked_late=True) == 1


def test_points_rule_grace_and_none() -> None:
    rule = parse_rule(DUE, "1pt/day", grace_minutes=15)
    assert rule.days_late(rule.due + timedelta(minutes=10)) == 0
    assert rule.penalty(20, 3) == 3.0
    assert parse_rule(DUE, "none").penalty(20, 4) == 0.0


@pytest.mark.parametrize(("due", "penalty", "cap", "message"), [
    ("2026-11-20 17:00", "none", None, "no time zone"),
    ("20/11/2026", "none", None, "ISO 8601"),
    (DUE, "10 percent", None, "10%/day"),
    (DUE, "10%/day", "3pt", "unit"),
])
def test_bad_rules_say_how_to_write_them(due: str, penalty: str, cap: str | None,
                                         message: str) -> None:
    with pytest.raises(LateError, match=message):
        parse_rule(due, penalty, cap)


def test_lms_times_file(tmp_path: Path) -> None:
    path = tmp_path / "times.csv"
    path.write_text("ID,submitted_at\n12345,2026-11-21T09:00:00+00:00\n", encoding="utf-8")
    assert read_times(path) == {"12345": datetime(2026, 11, 21, 9, tzinfo=timezone.utc)}


# --- a graded Canvas class ---------------------------------------------------------------------

def graded_class(root: Path, anonymous: bool = False) -> tuple[Path, Path, Key | None]:
    """A Canvas download staged and 'graded' (a grades.csv as `grade` writes it)."""
    d = root / "submissions"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb", mtime=DUE_TS - 3600)
    put(d, "smithjane_LATE_12345_67891_ex02-two-clubs-1.ipynb", mtime=DUE_TS + 26 * 3600)
    put(d, "tremblayzoe_12346_67900_ex02-two-clubs.ipynb", mtime=DUE_TS - 60)
    put(d, "okaforchidi_LATE_12348_68001_ex02-two-clubs.ipynb", mtime=DUE_TS - 60)
    key = Key(root / "class.anonymous-key.json") if anonymous else None
    subs, _ = stage(d, root / "class", EXERCISE, key)
    grades = root / "grades.csv"
    with open(grades, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["student", "exercise", "question", "points", "max_points", "status",
                         "message"])
        scores = {"smithjane": (2, 3), "tremblayzoe": (2, 1), "okaforchidi": (0, 2)}
        for sub in subs:
            q1, q7 = scores[key.identity(sub.student)["name"] if key else sub.name]
            writer.writerow([sub.student, EXERCISE, "q1", q1, 2, "passed" if q1 else "failed", ""])
            writer.writerow([sub.student, EXERCISE, "q7", q7, 3, "manual", ""])
    return grades, root / "class", key


def by_student(rows: list[dict[str, str]], column: str = "student") -> dict[str, dict[str, str]]:
    return {r[column]: r for r in rows}


def test_totals_keep_the_raw_score_next_to_the_penalty(tmp_path: Path) -> None:
    grades, folder, _ = graded_class(tmp_path)
    rule = parse_rule(DUE, "10%/day", "50%")
    # Canvas's zip gives every file the time the zip was built: never a submission time. The
    # LMS's times (--times) say Jane was 26 h late: two started days, 10 % of 5 points each.
    times = {"12345": datetime.fromtimestamp(DUE_TS + 26 * 3600, timezone.utc)}
    totals = by_student(class_totals(grades, folder, rule, times))
    jane = totals["smithjane_12345"]
    assert (jane["raw_points"], jane["late_days"], jane["late_penalty"], jane["points"]) == (
        "5", 2, "1", "4")
    assert jane["time_source"] == "lms-times"
    # Canvas marked Chidi late although the file time is before the due date: one day.
    assert totals["okaforchidi_12348"]["late_days"] == 1
    assert totals["tremblayzoe_12346"]["late_days"] == 0
    assert totals["tremblayzoe_12346"]["points"] == totals["tremblayzoe_12346"]["raw_points"]


def read(path: Path, delimiter: str = ",") -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        return list(reader.fieldnames or []), list(reader)


def test_canvas_gradebook_has_canvas_import_columns(tmp_path: Path) -> None:
    grades, folder, _ = graded_class(tmp_path)
    roster = tmp_path / "canvas-export.csv"
    # Canvas's own Gradebook export: identity columns, a "Points Possible" row, students.
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Ex02 (555)\n"
        "    Points Possible,,,,,5\n"
        '"Smith, Jane",12345,A0012345,jsmith,Section 01,\n', encoding="utf-8")
    out = tmp_path / "canvas.csv"
    export("canvas", grades, out, folder=folder, assignment="Ex02 two clubs (555)",
           rule=parse_rule(DUE, "10%/day"), roster=roster,
           times={"12345": datetime.fromtimestamp(DUE_TS + 26 * 3600, timezone.utc)})
    header, rows = read(out)
    # Canvas Instructor Guide, "How do I import grades in the Gradebook?": Student, ID,
    # SIS User ID, SIS Login ID, Section, then "Assignment Name (id)" columns.
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                      "Ex02 two clubs (555)"]
    assert header[:5] == CANVAS_COLUMNS
    rows_by_id = by_student(rows, "ID")
    assert rows_by_id["12345"]["Student"] == "Smith, Jane"
    assert rows_by_id["12345"]["SIS Login ID"] == "jsmith"
    assert rows_by_id["12345"]["Ex02 two clubs (555)"] == "4"
    assert rows_by_id["12346"]["Student"] == "tremblayzoe"


def test_moodle_worksheet_has_the_columns_its_upload_reads(tmp_path: Path) -> None:
    d = tmp_path / "moodle"
    put(d, "Jane Smith_1234567_assignsubmission_file_/ex02-two-clubs.ipynb")
    stage(d, tmp_path / "class", EXERCISE)
    grades = tmp_path / "grades.csv"
    grades.write_text("student,exercise,question,points,max_points,status,message\n"
                      f"Jane Smith_1234567,{EXERCISE},q1,2,2,passed,\n", encoding="utf-8")
    out = tmp_path / "moodle.csv"
    export("moodle", grades, out, folder=tmp_path / "class")
    header, rows = read(out)
    # mod/assign/feedback/offline/importgradeslib.php init(): the upload needs the columns
    # "Identifier", "Grade" and "Last modified (grade)" (English strings recordid, gradenoun,
    # lastmodifiedgrade); the Identifier is "Participant " + the download's participant id.
    assert {"Identifier", "Grade", "Last modified (grade)"} <= set(header)
    assert header == MOODLE_COLUMNS
    assert rows[0]["Identifier"] == "Participant 1234567"
    assert rows[0]["Grade"] == "2"
    assert rows[0]["Full name"] == "Jane Smith"


def test_pending_written_answers_stop_the_export_unless_allowed(tmp_path: Path) -> None:
    grades, folder, _ = graded_class(tmp_path)
    text = grades.read_text().replace(",1,3,manual,", ",,3,manual,")
    grades.write_text(text)
    with pytest.raises(ExportError, match="not marked yet"):
        export("canvas", grades, tmp_path / "c.csv", folder=folder, assignment="Ex02")
    export("canvas", grades, tmp_path / "c.csv", folder=folder, assignment="Ex02",
           allow_pending=True)


def test_anonymous_codes_are_mapped_back_at_export(tmp_path: Path) -> None:
    grades, folder, key = graded_class(tmp_path, anonymous=True)
    assert "smith" not in grades.read_text()
    out = tmp_path / "canvas.csv"
    export("canvas", grades, out, folder=folder, assignment="Ex02", key=key)
    _, rows = read(out)
    assert sorted(r["ID"] for r in rows) == ["12345", "12346", "12348"]
    assert {r["Student"] for r in rows} == {"smithjane", "tremblayzoe", "okaforchidi"}
    feedback = tmp_path / "feedback"
    code = grades.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    feedback.mkdir()
    (feedback / f"{code}.md").write_text(f"# Feedback\n\nStudent: **{code}**\n", encoding="utf-8")
    assert key is not None
    [written] = reveal_feedback(feedback, Key(key.path), tmp_path / "revealed")
    assert code not in written.read_text()
    assert written.stem in written.read_text()


def test_cli_import_export_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grades, folder, _ = graded_class(tmp_path)
    assert main(["lms", "export", "canvas", str(grades), "--out", str(tmp_path / "c.csv"),
                 "--class", str(folder), "--due", DUE, "--late-penalty", "10%/day"]) == 0
    header, _ = read(tmp_path / "c-totals.csv")
    assert header[:3] == ["student", "raw_points", "max_points"]
    assert "late_penalty" in header
    assert main(["lms", "export", "canvas", str(grades), "--out", str(tmp_path / "c.csv"),
                 "--late-penalty", "10%/day"]) == 2
    assert "needs --due" in capsys.readouterr().err
    assert main(["report", str(grades), "--class", str(folder), "--due", DUE]) == 0
    assert (tmp_path / f"report-{EXERCISE}.html").is_file()
    assert os.path.getsize(tmp_path / f"report-{EXERCISE}.html") > 1000


def test_rule_is_a_plain_value() -> None:
    rule = LateRule(datetime(2026, 1, 1, tzinfo=timezone.utc), 5.0)
    assert rule.penalty(10, 2) == 1.0
