"""Feedback in context and the LMS packs, on a class graded by the real sandbox."""

from __future__ import annotations

import csv
import html
import re
import zipfile
from pathlib import Path

import pytest

from defence_course.classroom.lms import stage
from defence_course.cli import main
from defence_course.grading import grade
from defence_course.grading.journal import journal_for
from defence_course.grading.manual import save_marks
from tests.classroom.test_flow import DUE, DUE_TS, EXERCISE, LIMITS, REPO, _answered, _write

HOSTILE = "<script>alert('x')</script> & they are neutral."


def _wrong_q6(nb: dict) -> dict:
    """q6's public checks pass (1948, 1949, 2004) and its hidden checks (2023, 2024) fail."""
    for cell in nb["cells"]:
        if "def members_by(" in "".join(cell["source"]):
            cell["source"] = ("def members_by(year):\n"
                              "    nato = membership[membership[\"nato_member\"]]\n"
                              "    joined = nato[\"nato_join_year\"] <= min(year, 2004)\n"
                              "    return sorted(nato.loc[joined, \"country\"])\n")
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("feedback")
    download = root / "canvas"
    _write(download, f"smithjane_late_12345_67891_{EXERCISE}.ipynb", _answered(HOSTILE), DUE_TS)
    _write(download, f"tremblayzoe_12346_67900_{EXERCISE}.ipynb",
           _wrong_q6(_answered("Neutral states.")), DUE_TS)
    (download / "leeminho_12347_67902_essay.pdf").write_bytes(b"%PDF-1.4")
    stage(download, root / "class", EXERCISE)
    out = root / "marks" / "grades.csv"
    grade(EXERCISE, root / "class", out, jobs=2, limits=LIMITS, root=REPO, progress=False)
    manual = out.with_name("manual.csv")
    save_marks(manual, ("smithjane_12345", EXERCISE, "q7"),
               {"q7.1": "1", "q7.2": "0", "q7.3": "1", "points": "2",
                "comment": "Cite <dates> & authors."})
    save_marks(manual, ("tremblayzoe_12346", EXERCISE, "q7"), {"points": "1"})
    grade(EXERCISE, root / "class", out, jobs=2, limits=LIMITS, root=REPO, progress=False)
    late = ["--due", DUE, "--late-penalty", "10%/day"]
    assert main(["lms", "export", "canvas", str(out), "--out", str(root / "canvas.csv"),
                 "--class", str(root / "class"), "--assignment", "Ex02 (1)", *late]) == 0
    assert main(["lms", "feedback", "canvas", str(out), "--class", str(root / "class"),
                 *late]) == 0
    return {"root": root, "out": out}


def _page(graded: dict[str, Path], student: str) -> str:
    folder = graded["out"].with_name(f"feedback-html-{EXERCISE}")
    return (folder / f"{student}.html").read_text(encoding="utf-8")


def test_the_page_total_is_the_gradebook_total(graded: dict[str, Path]) -> None:
    with (graded["root"] / "canvas.csv").open(encoding="utf-8", newline="") as handle:
        exported = {r["ID"]: r["Ex02 (1)"] for r in csv.DictReader(handle)}
    for student, user in (("smithjane_12345", "12345"), ("tremblayzoe_12346", "12346"),
                          ("leeminho_12347", "12347")):
        total = re.search(r"Total: ([\d.]+) / ([\d.]+) points", _page(graded, student))
        assert total is not None
        assert total[1] == exported[user], student
    # Jane: Canvas's late mark, one day: 10 % of 16 points deducted, and the page says so.
    assert "1 day(s) late: 1.6 point(s) deducted" in _page(graded, "smithjane_12345")


def test_the_page_shows_results_beside_the_cells_and_marks_and_comments(
        graded: dict[str, Path]) -> None:
    page = _page(graded, "smithjane_12345")
    assert page.index("## q1") < page.index("Result for q1") < page.index("## q2")
    assert "q7: manual, 2 / 3 points" in page
    assert "Comment: Cite &lt;dates&gt; &amp; authors." in page
    assert "1 / 1" in page  # q7.1's mark beside its criterion
    assert html.escape(HOSTILE, quote=False) in page
    assert "<script>" not in page
    assert "Content-Security-Policy" in page


def test_hidden_checks_show_no_expected_value(graded: dict[str, Path]) -> None:
    record = journal_for(graded["out"], EXERCISE).load("tremblayzoe_12346")
    assert record is not None
    hidden = [c for r in record.rows for c in r.checks if not c.public and not c.passed]
    assert hidden, "the fixture must fail a hidden check"
    page = _page(graded, "tremblayzoe_12346")
    assert "hidden check" in page
    for check in hidden:
        assert not check.message or check.message not in page


def test_a_student_without_a_notebook_still_gets_a_page(graded: dict[str, Path]) -> None:
    page = _page(graded, "leeminho_12347")
    assert "no notebook: leeminho_12347_67902_essay.pdf" in page


def canvas_matches(name: str) -> tuple[str, str]:
    """canvas-lms Assignment#infer_comment_context_from_filename: the first two all-digit
    `_`-separated parts are the user id and the id of one of the submission's files."""
    user, attachment = [part for part in name.split("_") if part.isdigit()][:2]
    return user, attachment


def test_the_canvas_pack_is_named_as_canvas_matches_it(graded: dict[str, Path]) -> None:
    pack = graded["out"].with_name(f"feedback-{EXERCISE}-canvas.zip")
    with zipfile.ZipFile(pack) as archive:
        names = sorted(archive.namelist())
    assert [canvas_matches(n) for n in names] == [
        ("12347", "67902"), ("12345", "67891"), ("12346", "67900")]
    assert all(n.endswith(f"_feedback-{EXERCISE}.html") for n in names)
    # A Moodle pack of a Canvas class would reach nobody: an error, not an empty zip.
    assert main(["lms", "feedback", "moodle", str(graded["out"]), "--class",
                 str(graded["root"] / "class")]) == 2


def moodle_matches(path: str) -> str:
    """Moodle's assignfeedback_file_zip_importer: explode('_', part, 5) -> participant id."""
    info = path.split("/")[0].split("_", 4)
    assert len(info) >= 4
    assert info[1].isdigit()
    assert (info[2], info[3]) == ("assignsubmission", "file")
    return info[1]


def test_moodle_pack_and_worksheet_comments(tmp_path: Path) -> None:
    download = tmp_path / "moodle"
    _write(download, f"Zoë Tremblay_1234568_assignsubmission_file_/{EXERCISE}.ipynb",
           _answered("Short."), DUE_TS)
    stage(download, tmp_path / "class", EXERCISE)
    out = tmp_path / "grades.csv"
    grade(EXERCISE, tmp_path / "class", out, jobs=1, limits=LIMITS, root=REPO, progress=False)
    assert main(["lms", "feedback", "moodle", str(out), "--class", str(tmp_path / "class"),
                 "--out", str(tmp_path / "moodle.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "moodle.zip") as archive:
        assert [moodle_matches(n) for n in archive.namelist()] == ["1234568"]
        assert archive.namelist()[0].startswith("Zoë Tremblay_1234568_assignsubmission_file_/")
    save_marks(out.with_name("manual.csv"), ("Zoë Tremblay_1234568", EXERCISE, "q7"),
               {"points": "0", "comment": "Answer the question asked."})
    grade(EXERCISE, tmp_path / "class", out, jobs=1, limits=LIMITS, root=REPO, progress=False)
    assert main(["lms", "export", "moodle", str(out), "--out", str(tmp_path / "m.csv"),
                 "--class", str(tmp_path / "class")]) == 0
    with (tmp_path / "m.csv").open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["Feedback comments"] == "q7: Answer the question asked."


def test_per_check_points_are_shown_beside_each_check() -> None:
    from defence_course.classroom.feedback import StudentFeedback, feedback_page
    from defence_course.grading.compare import grade_question
    from defence_course.grading.spec import parse_spec

    spec = parse_spec({"exercise": "ex00-test", "title": "T", "questions": [
        {"id": "q1", "points": 3, "answer": "x", "checks": [
            {"public": True, "type": "list", "points": 1.5}, {"length": 9, "points": 1.5}]}]})
    outcome = grade_question(spec.questions[0], [1], "ex00-test")
    row = {"question": "q1", "status": outcome.status, "points": f"{outcome.points:g}",
           "max_points": "3", "message": outcome.message}
    total = {"points": "1.5", "max_points": "3", "raw_points": "1.5", "late_penalty": "0",
             "late_days": 0, "pending": "", "excused": ""}
    page = feedback_page(spec, StudentFeedback("ana", [row], total, {"q1": outcome.checks}))
    assert "check 1: passed (1.5 of 1.5 pt)" in page
    assert "hidden check 2: failed. (0 of 1.5 pt)" in page
    assert "partial credit: 1.5 of 3 points" in page
