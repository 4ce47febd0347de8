"""manual.csv as spreadsheets save it (semicolons, Windows-1252, comments, rubric criteria), and
the class report's numbers and escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from defence_course.classroom.report import build_report, class_stats
from defence_course.grading.manual import (
    SheetError,
    check_criteria,
    criteria,
    read_sheet,
    sheet_columns,
    write_manual,
)
from defence_course.grading.records import Record
from defence_course.grading.spec import load_spec

REPO = Path(__file__).resolve().parents[2]


def q7_rubric() -> str:
    spec = yaml.safe_load((REPO / "instructor/checks/ex03-who-pays.yaml").read_text())
    return next(q["rubric"] for q in spec["questions"] if q["id"] == "q7")


def test_the_course_rubric_becomes_three_criterion_columns() -> None:
    found = criteria("q7", q7_rubric())
    assert [(c.column, c.points) for c in found] == [("q7.1", 1.0), ("q7.2", 1.0), ("q7.3", 1.0)]
    assert "fiscal year 2025-26" in found[1].text  # continuation lines are joined
    assert sheet_columns({"q7": q7_rubric()})[-3:] == ["q7.1", "q7.2", "q7.3"]


def test_every_course_rubric_splits_into_criteria_worth_its_points() -> None:
    for path in sorted((REPO / "instructor" / "checks").glob("*.yaml")):
        for q in load_spec(path).questions:
            if q.kind == "manual":
                found = criteria(q.id, q.rubric)
                assert found, f"{path.name} {q.id}: write the rubric as `N pt: ...` lines"
                assert sum(c.points for c in found) == q.points, f"{path.name} {q.id}"


def sheet(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "manual.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_sheet_from_french_excel_in_windows_1252(tmp_path: Path) -> None:
    # French/German Excel: "CSV (séparateur : point-virgule)", Windows-1252, decimal comma.
    path = sheet(tmp_path, "student;exercise;question;max_points;points;comment;answer\n"
                 "Zoé Tremblay;ex03-who-pays;q7;3;2,5;Très bien, mais sourcez;« réponse »\n",
                 encoding="cp1252")
    warnings: list[str] = []
    rows = read_sheet(path, warnings.append)
    row = rows[("Zoé Tremblay", "ex03-who-pays", "q7")]
    assert row["points"] == "2,5"
    assert row["comment"] == "Très bien, mais sourcez"
    assert warnings
    assert "Windows-1252" in warnings[0]


def test_utf8_with_bom_and_tabs(tmp_path: Path) -> None:
    path = sheet(tmp_path, "\ufeffstudent\texercise\tquestion\tpoints\nJo\tex03\tq7\t1\n")
    assert read_sheet(path)[("Jo", "ex03", "q7")]["points"] == "1"


def test_criterion_points_are_summed_and_checked(tmp_path: Path) -> None:
    head = "student,exercise,question,max_points,points,comment,answer,q7.1,q7.2,q7.3\n"
    path = sheet(tmp_path, head + "Jo,ex03,q7,3,,good,text,1,0.5,1\n")
    rows = read_sheet(path)
    assert rows[("Jo", "ex03", "q7")]["points"] == "2.5"
    check_criteria(path, rows, {"q7": q7_rubric()})
    path = sheet(tmp_path, head + "Jo,ex03,q7,3,3,,text,1,0.5,1\n")
    with pytest.raises(SheetError, match=r"differ from the criteria's sum 2\.5"):
        read_sheet(path)
    path = sheet(tmp_path, head + "Jo,ex03,q7,3,,,text,2,0,0\n")
    with pytest.raises(SheetError, match=r"Jo q7.1: 2 outside 0..1"):
        check_criteria(path, read_sheet(path), {"q7": q7_rubric()})
    path = sheet(tmp_path, head + "Jo,ex03,q7,3,,,text,one,0,0\n")
    with pytest.raises(SheetError, match=r"line 2: q7\.1 'one' is not a number"):
        read_sheet(path)


def test_a_sheet_without_the_key_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="missing column"):
        read_sheet(sheet(tmp_path, "name;points\nJo;1\n"))


def test_written_sheet_reads_back_exactly_and_rubrics_go_once_to_markdown(tmp_path: Path) -> None:
    spec = load_spec(REPO / "instructor/checks/ex03-who-pays.yaml")
    path = tmp_path / "manual.csv"
    existing = {("=HYPERLINK(1)", "ex03-who-pays", "q7"): {"points": "", "comment": "see me",
                                                          "q7.1": "1"}}
    answers = Record("=HYPERLINK(1)", "ex03-who-pays", "", "", (),
                     manual_answers={"q7": "+2 pts"})
    write_manual(path, existing, [answers], spec)
    header = path.read_text().splitlines()[0]
    assert header.startswith("student,exercise,question,max_points,points,comment,answer,q7.1")
    assert "'=HYPERLINK" in path.read_text()
    assert "rubric" not in header
    back = read_sheet(path)[("=HYPERLINK(1)", "ex03-who-pays", "q7")]
    assert back["answer"] == "+2 pts"
    assert back["points"] == "1"
    assert back["comment"] == "see me"
    text = (tmp_path / "rubrics-ex03-who-pays.md").read_text()
    assert "`q7.2` (1 pt)" in text
    assert "## q7 (3 points)" in text


# --- the report -------------------------------------------------------------------------------

def grades_rows() -> list[dict[str, str]]:
    rows = []
    for n in range(10):
        student = f"student{n:02d}"
        rows.append({"student": student, "exercise": "ex02-two-clubs", "question": "q1",
                     "points": "2" if n > 2 else "0", "max_points": "2",
                     "status": "passed" if n > 2 else "failed",
                     "message": "" if n > 2 else "check 2: not the expected value"})
        rows.append({"student": student, "exercise": "ex02-two-clubs", "question": "q2",
                     "points": "3" if n > 5 else "0", "max_points": "3",
                     "status": "passed" if n > 5 else ("timeout" if n == 0 else "missing"),
                     "message": ""})
    rows[0]["student"] = rows[1]["student"] = "<script>alert(1)</script>"
    return rows


def test_report_numbers() -> None:
    stats = class_stats(grades_rows())
    assert stats.max_points == 5
    assert stats.pass_rates == {"q1": 0.7, "q2": 0.4}
    assert stats.failing == [("q1", "check 2: not the expected value", 3)]
    assert stats.status_counts["timeout"] == 1
    assert stats.pending == 0


def test_report_leaves_written_questions_out_of_pass_rates_and_counts_unmarked_ones() -> None:
    rows = grades_rows()
    for n, student in enumerate(["a", "b", "c"]):
        rows.append({"student": rows[2 * n]["student"], "exercise": "ex02-two-clubs",
                     "question": "q7", "points": "" if student == "a" else "2",
                     "max_points": "3", "status": "manual" if student != "c" else "missing",
                     "message": ""})
    stats = class_stats(rows)
    assert "q7" not in stats.pass_rates
    assert stats.pending == 1
    helped = [s for s, _, _ in stats.need_help]
    assert helped[0] == "<script>alert(1)</script>"
    assert "student05" in helped
    assert "student06" not in helped
    assert "ran past the time limit" in stats.need_help[0][2]


def test_report_escapes_every_value_and_describes_every_plot() -> None:
    page = build_report(class_stats(grades_rows()), "grades.csv")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 2
    for image in images:
        assert 'src="data:image/svg+xml;base64,' in image
        assert re.search(r'alt="[^"]{40,}"', image)
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    assert "default-src 'none'" in page
