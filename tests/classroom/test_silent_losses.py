"""Issue 20: no student, mark or lateness lost without a word (each test failed before the fix)."""

from __future__ import annotations

import argparse
import csv
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from defence_course.classroom.anonymize import Key
from defence_course.classroom.gradebook import (
    ExportError,
    class_totals,
    export,
    lateness_warnings,
    read_grades,
    read_roster,
)
from defence_course.classroom.late import parse_rule, read_times
from defence_course.classroom.lms import LmsError, check_exercise, collect, same_file_times, stage
from defence_course.cli import build_parser, main
from defence_course.grading.errors import GradingError
from defence_course.grading.manual import SheetError, check_students, read_sheet
from defence_course.grading.submissions import check_class, discover
from tests.classroom.test_gradebook import DUE, DUE_TS, graded_class, put
from tests.classroom.test_lms import EXERCISE

REPO = Path(__file__).resolve().parents[2]
#: Canvas builds its zip after the due date: every entry carries the build time.
ZIP_BUILT = DUE_TS + 3 * 86400


def canvas_class(root: Path, key: Key | None = None) -> tuple[Path, Path]:
    """A Canvas download as its zip gives it: every file has the zip's build time."""
    d = root / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb", mtime=ZIP_BUILT)
    put(d, "tremblayzoe_late_12346_67900_ex02-two-clubs.ipynb", mtime=ZIP_BUILT)
    stage(d, root / "class", EXERCISE, key)
    grades = root / "grades.csv"
    with open(grades, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["student", "exercise", "question", "points", "max_points", "status"])
        for sub in stage(d, root / "class", EXERCISE, key)[0]:
            writer.writerow([sub.student, EXERCISE, "q1", 2, 2, "passed"])
    return grades, root / "class"


# 1 -------------------------------------------------------------------------------------------

def test_canvas_zip_times_never_make_a_student_late(tmp_path: Path) -> None:
    grades, folder = canvas_class(tmp_path)
    rule = parse_rule(DUE, "10%/day")
    totals = {t["student"]: t for t in class_totals(grades, folder, rule)}
    jane, zoe = totals["smithjane_12345"], totals["tremblayzoe_12346"]
    assert (jane["late_days"], jane["time_source"], jane["points"]) == (0, "none", "2")
    # Canvas's own late mark decides: at least one day.
    assert (zoe["late_days"], zoe["time_source"]) == (1, "late-mark")
    assert any("Canvas" in w and "--times" in w for w in lateness_warnings(folder, rule, None))


def test_one_file_time_for_a_whole_moodle_download_is_warned(tmp_path: Path) -> None:
    d = tmp_path / "moodle"
    put(d, "Jane Smith_1234567_assignsubmission_file_/ex02-two-clubs.ipynb", mtime=ZIP_BUILT)
    put(d, "Zoë Tremblay_1234568_assignsubmission_file_/ex02-two-clubs.ipynb", mtime=ZIP_BUILT)
    subs, _ = collect(d, EXERCISE)
    assert "same time" in same_file_times(subs)
    put(d, "Zoë Tremblay_1234568_assignsubmission_file_/ex02-two-clubs.ipynb", mtime=DUE_TS)
    assert same_file_times(collect(d, EXERCISE)[0]) == ""


# 2 -------------------------------------------------------------------------------------------

def test_times_apply_under_anonymous_marking(tmp_path: Path) -> None:
    key = Key(tmp_path / "key.json")
    grades, folder = canvas_class(tmp_path, key)
    when = datetime.fromtimestamp(DUE_TS + 30 * 3600, timezone.utc)
    totals = class_totals(grades, folder, parse_rule(DUE, "10%/day"), {"12345": when}, key=key)
    jane = next(t for t in totals if key.identity(t["student"])["user_id"] == "12345")
    assert (jane["late_days"], jane["time_source"]) == (2, "lms-times")


# 3, 4, 5, 6 ----------------------------------------------------------------------------------

def test_a_scratch_notebook_beside_the_exercise_never_wins(tmp_path: Path) -> None:
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb")
    put(d, "smithjane_12345_67891_scratch.ipynb")  # uploaded second in the same submission
    jane = collect(d, EXERCISE)[0][0]
    assert jane.path is not None
    assert jane.path.name.endswith("_ex02-two-clubs.ipynb")
    assert "the only one named like ex02-two-clubs.ipynb" in jane.note


def test_two_notebooks_neither_named_like_the_exercise_stop_for_that_student(
        tmp_path: Path) -> None:
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_draft.ipynb")
    put(d, "smithjane_12345_67891_scratch.ipynb")
    put(d, "tremblayzoe_12346_67900_ex02-two-clubs.ipynb")
    subs, _ = stage(d, tmp_path / "class", EXERCISE)
    jane = subs[0]
    assert jane.path is None
    assert "none named like ex02-two-clubs.ipynb" in jane.note
    assert "draft.ipynb" in jane.note
    assert "scratch.ipynb" in jane.note
    problem = {s.student: s.problem for s in discover(tmp_path / "class", EXERCISE)}
    assert "none is named ex02-two-clubs.ipynb" in problem["smithjane_12345"]


def test_moodle_a_newer_v2_beats_an_older_exercise_file_and_the_note_says_why(
        tmp_path: Path) -> None:
    d = tmp_path / "moodle"
    put(d, "Jane Smith_1234567_assignsubmission_file_/ex02-two-clubs.ipynb", mtime=1_000)
    put(d, "Jane Smith_1234567_assignsubmission_file_/ex02-two-clubs v2.ipynb", mtime=2_000)
    jane = collect(d, EXERCISE)[0][0]
    assert jane.path is not None
    assert jane.path.name == "ex02-two-clubs v2.ipynb"
    assert "(named like ex02-two-clubs.ipynb, the newest file time)" in jane.note


def test_a_student_without_a_notebook_gets_an_error_row_not_silence(tmp_path: Path) -> None:
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb")
    (d / "leeminho_12347_67902_ex02-two-clubs.pdf").write_bytes(b"%PDF-1.4")
    put(d, "okaforchidi_12348_67903_EX02-TWO-CLUBS.IPYNB")  # a notebook all the same
    subs, _ = stage(d, tmp_path / "class", EXERCISE)
    by = {s.student: s for s in subs}
    assert sorted(by) == ["leeminho_12347", "okaforchidi_12348", "smithjane_12345"]
    assert by["leeminho_12347"].path is None
    assert by["leeminho_12347"].skipped == ["leeminho_12347_67902_ex02-two-clubs.pdf"]
    assert by["okaforchidi_12348"].path is not None
    problem = {s.student: s.problem for s in discover(tmp_path / "class", EXERCISE)}
    assert problem["leeminho_12347"] == "no notebook: leeminho_12347_67902_ex02-two-clubs.pdf"
    assert problem["okaforchidi_12348"] == ""


def test_the_import_prints_every_skipped_file(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb")
    (d / "smithjane_12345_67891_notes.docx").write_bytes(b"PK")
    (d / "readme.txt").write_text("hello", encoding="utf-8")
    assert main(["lms", "import", str(d), str(tmp_path / "class"), "--exercise", EXERCISE]) == 0
    err = capsys.readouterr().err
    assert "skipped smithjane_12345_67891_notes.docx (not a notebook)" in err
    assert "skipped readme.txt" in err


def test_one_canvas_id_under_two_names_is_one_student(tmp_path: Path) -> None:
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb")
    put(d, "jonesjane_12345_67950_ex02-two-clubs-1.ipynb")  # her name changed in Canvas
    subs, _ = collect(d, EXERCISE)
    assert len(subs) == 1
    assert subs[0].student == "jonesjane_12345"
    assert "also named smithjane" in subs[0].note


# 7 -------------------------------------------------------------------------------------------

def test_a_duplicate_manual_row_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "manual.csv"
    path.write_text("student,exercise,question,points\nJo,ex02,q7,3\nAl,ex02,q7,1\nJo,ex02,q7,\n",
                    encoding="utf-8")
    with pytest.raises(SheetError, match=r"lines 2 and 4 are both Jo ex02 q7"):
        read_sheet(path)


def test_an_orphan_manual_row_names_the_nearest_student_and_lost_characters(
        tmp_path: Path) -> None:
    path = tmp_path / "manual.csv"
    # Excel saved the sheet as Windows-1252: 王小明 became ??? (the file is plain ASCII now).
    path.write_bytes("student,exercise,question,points\n王小明_12308,ex02,q7,\n"
                     .encode("cp1252", errors="replace"))
    rows = read_sheet(path)
    with pytest.raises(SheetError, match=r"\?\?\?_12308 q7 \(nearest student: 王小明_12308\)"
                                         r".*Windows-1252"):
        check_students(path, rows, "ex02", ["王小明_12308", "smithjane_12345"])
    check_students(path, rows, "ex03", ["smithjane_12345"])  # another exercise's rows stay


# 8 -------------------------------------------------------------------------------------------

def test_every_user_csv_reads_semicolons_and_windows_1252(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes("Student;ID;SIS User ID;Section\nTremblay, Zoë;12346;A1;S01\n"
                       .encode("cp1252"))
    warnings: list[str] = []
    assert read_roster(roster, warnings.append)["12346"].name == "Tremblay, Zoë"
    assert warnings
    times = tmp_path / "times.csv"
    times.write_text("ID;submitted_at\n12345;2026-11-21T09:00:00+00:00\n", encoding="utf-8")
    assert read_times(times) == {"12345": datetime(2026, 11, 21, 9, tzinfo=timezone.utc)}
    grades = tmp_path / "grades.csv"
    grades.write_bytes("student;exercise;question;points;max_points;status;message\n"
                       "Zoë;ex02;q1;2;2;passed;très bien\n".encode("cp1252"))
    assert read_grades(grades)[0]["message"] == "très bien"


@pytest.mark.parametrize(("option", "text", "column"), [
    ("--times", "student,when\nJo,2026-11-21T09:00Z\n", "'submitted_at'"),
    ("--times", "name,submitted_at\nJo,2026-11-21T09:00Z\n", "'student' or 'ID'"),
    ("--roster", "Student,SIS User ID\nJo,A1\n", "'ID' or 'Identifier'"),
    ("--extensions", "student,until\nJo,2026-11-22\n", "'due'"),
])
def test_a_missing_column_is_named_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, text: str,
        column: str) -> None:
    grades, folder, _ = graded_class(tmp_path)
    extra = tmp_path / "extra.csv"
    extra.write_text(text, encoding="utf-8")
    assert main(["lms", "export", "canvas", str(grades), "--out", str(tmp_path / "c.csv"),
                 "--class", str(folder), "--due", DUE, option, str(extra)]) == 2
    err = capsys.readouterr().err
    assert f"missing column {column}" in err
    assert "Traceback" not in err


def test_a_workbook_handed_in_as_csv_is_named(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    grades, folder, _ = graded_class(tmp_path)
    workbook = tmp_path / "roster.xlsx"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb3\xa2")
    assert main(["lms", "export", "canvas", str(grades), "--out", str(tmp_path / "c.csv"),
                 "--class", str(folder), "--roster", str(workbook), "--allow-pending"]) == 2
    assert "is a spreadsheet workbook, not a CSV file" in capsys.readouterr().err


def test_a_grades_csv_that_is_not_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "grades.csv"
    path.write_text("name,score\nJo,1\n", encoding="utf-8")
    with pytest.raises(ExportError, match="missing column 'student'"):
        read_grades(path)


# 9, 10 ---------------------------------------------------------------------------------------

def test_an_unknown_exercise_is_refused_at_import(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(LmsError, match=r"no exercise 'ex99-typo'.*ex02-two-clubs"):
        check_exercise("ex99-typo", REPO)
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb")
    assert main(["lms", "import", str(d), str(tmp_path / "class"), "--exercise",
                 "ex99-typo"]) == 2
    assert "no exercise 'ex99-typo'" in capsys.readouterr().err
    assert not (tmp_path / "class").exists()


def test_grading_a_class_as_another_exercise_or_an_empty_folder_is_an_error(
        tmp_path: Path) -> None:
    d = tmp_path / "canvas"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb")
    stage(d, tmp_path / "class", EXERCISE)
    found = discover(tmp_path / "class", "ex03-who-pays")
    with pytest.raises(GradingError, match=r"imported for ex02-two-clubs.*not ex03-who-pays"):
        check_class(tmp_path / "class", "ex03-who-pays", found)
    check_class(tmp_path / "class", EXERCISE, found)
    (tmp_path / "empty").mkdir()
    with pytest.raises(GradingError, match="no submission in"):
        check_class(tmp_path / "empty", EXERCISE, [])


def test_grade_command_refuses_an_empty_folder(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["grade", EXERCISE, str(tmp_path / "empty"), "--out",
                 str(tmp_path / "grades.csv"), "--course", str(REPO)]) == 2
    assert "no submission in" in capsys.readouterr().err
    assert not (tmp_path / "grades.csv").exists()


# 12 ------------------------------------------------------------------------------------------

def canvas_roster(tmp_path: Path) -> Path:
    roster = tmp_path / "canvas-export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Ex02 (555)\n"
        "    Points Possible,,,,,5\n"
        '"Smith, Jane",12345,A1,jsmith,S01,\n"Tremblay, Zoë",12346,A2,ztremblay,S01,\n'
        '"Okafor, Chidi",12348,A4,cokafor,S02,\n"Lee, Min-ho",12347,A3,mlee,S02,\n'
        '"Never, Came",12399,A9,nc,S02,\n', encoding="utf-8")
    return roster


@pytest.mark.parametrize(("missing", "grade"), [("blank", ""), ("0", "0"), ("excused", "EX")])
def test_roster_students_who_never_submitted_are_exported_and_named(
        tmp_path: Path, missing: str, grade: str) -> None:
    grades, folder, _ = graded_class(tmp_path)
    out = tmp_path / "canvas.csv"
    warnings = export("canvas", grades, out, folder=folder, assignment="Ex02 (555)",
                      roster=canvas_roster(tmp_path), allow_pending=True, missing=missing)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {r["ID"]: r for r in csv.DictReader(handle)}
    assert rows["12399"]["Ex02 (555)"] == grade
    assert rows["12347"]["Ex02 (555)"] == grade  # Lee is on the roster, not in the download
    assert any("2 roster student(s) never submitted" in w and "Never, Came" in w
               for w in warnings)


def test_the_report_lists_students_without_a_submission(tmp_path: Path) -> None:
    grades, folder, _ = graded_class(tmp_path)
    assert main(["report", str(grades), "--class", str(folder), "--roster",
                 str(canvas_roster(tmp_path))]) == 0
    page = (tmp_path / f"report-{EXERCISE}.html").read_text(encoding="utf-8")
    assert "Students without a submission" in page
    assert "Never, Came" in page


def test_the_report_shows_written_marks_and_points_after_penalties(tmp_path: Path) -> None:
    grades, folder, _ = graded_class(tmp_path)
    assert main(["report", str(grades), "--class", str(folder), "--due", DUE,
                 "--late-penalty", "10%/day"]) == 0
    page = (tmp_path / f"report-{EXERCISE}.html").read_text(encoding="utf-8")
    assert "Written answers" in page
    assert "Points given to each written question" in page
    # Canvas marked Jane and Chidi late: a penalty, so the histogram after penalties is drawn.
    assert "Histogram of points after late penalties for 3 students" in page
    assert "late-mark" in page


# 13 ------------------------------------------------------------------------------------------

def _help(*command: str) -> str:
    """The `--help` text of a subcommand, e.g. ("lms", "export")."""
    parser = build_parser()
    for name in command:
        action = next(a for a in parser._actions
                      if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser.format_help()


def test_help_points_to_sections_that_exist() -> None:
    docs = (REPO / "docs" / "classroom.md").read_text(encoding="utf-8")
    text = " ".join(_help("lms", "export").split()) + " ".join(_help("report").split())
    pointers = re.findall(r"docs/(\w+\.md), section '([^']+)'", text)
    assert len(pointers) == 2
    for page, section in pointers:
        assert page == "classroom.md"
        assert f"\n## {section}\n" in docs
    assert "the time the zip was built" in docs
    assert "Offline grading worksheet" in docs


# Extensions and excused work ------------------------------------------------------------------

def test_extensions_move_the_due_date_and_excuse(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    grades, folder, _ = graded_class(tmp_path)
    when = datetime.fromtimestamp(DUE_TS + 26 * 3600, timezone.utc).isoformat()
    times = tmp_path / "times.csv"
    times.write_text(f"ID,submitted_at\n12345,{when}\n12346,{when}\n", encoding="utf-8")
    extensions = tmp_path / "extensions.csv"
    # Jane has two more days; Chidi (Canvas marked him late) is excused; Zoë has none.
    extensions.write_text("ID;due;reason\n12345;2026-11-22T17:00+01:00;medical\n"
                          "12348;excused;family\n", encoding="utf-8")
    out = tmp_path / "canvas.csv"
    assert main(["lms", "export", "canvas", str(grades), "--out", str(out), "--class",
                 str(folder), "--due", DUE, "--late-penalty", "10%/day", "--times", str(times),
                 "--extensions", str(extensions), "--assignment", "Ex02 (555)"]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {r["ID"]: r["Ex02 (555)"] for r in csv.DictReader(handle)}
    assert rows == {"12345": "5", "12346": "2", "12348": "EX"}  # Zoë: 3 - 2 days x 0.5
    with (tmp_path / "canvas-totals.csv").open(encoding="utf-8", newline="") as handle:
        totals = {r["student"]: r for r in csv.DictReader(handle)}
    assert totals["smithjane_12345"]["note"] == "extension to 2026-11-22T17:00+01:00"
    assert totals["smithjane_12345"]["late_days"] == "0"
    assert totals["okaforchidi_12348"]["excused"] == "yes"
    assert totals["okaforchidi_12348"]["note"] == "excused (family)"


@pytest.mark.parametrize(("text", "message"), [
    ("student,due\nJo,next week\n", "line 2: due date 'next week'"),
    ("student,due\nJo,excused\nJo,2026-11-22\n", "line 3: Jo has a second extension"),
])
def test_a_bad_extension_is_named(tmp_path: Path, text: str, message: str) -> None:
    from defence_course.classroom.late import LateError, read_extensions

    path = tmp_path / "extensions.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LateError, match=re.escape(message)):
        read_extensions(path)
