"""The marking page's logic and its saves: one answer at a time, two markers at once lose nothing."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from defence_course.classroom.marking import MarkingPage, MarkingSession
from defence_course.grading.manual import SheetError, read_sheet, save_marks, write_manual
from defence_course.grading.records import Record
from defence_course.grading.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
HEADER = "student,exercise,question,max_points,points,comment,answer,q7.1,q7.2,q7.3\n"


def sheet(folder: Path, students: list[str], question: str = "q7") -> Path:
    path = folder / "manual.csv"
    lines = [f"{s},{EXERCISE},{question},3,,,answer of {s},,," for s in students]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_answer_at_a_time_only_unmarked_and_the_count_left(tmp_path: Path) -> None:
    path = sheet(tmp_path, ["ana", "ben", "cy"])
    session = MarkingSession(EXERCISE, tmp_path, REPO)
    assert [a.key[0] for a in session.answers] == ["ana", "ben", "cy"]
    assert session.left() == 3
    assert "Austria" in session.models["q7"]  # the solution's answer cell
    assert [c.column for c in session.criteria["q7"]] == ["q7.1", "q7.2", "q7.3"]
    session.save({"q7.1": 1, "q7.2": 0.5, "q7.3": None}, None, "Cite the date.")
    row = read_sheet(path)[("ana", EXERCISE, "q7")]
    assert (row["points"], row["q7.1"], row["q7.2"], row["q7.3"], row["comment"]) == (
        "1.5", "1", "0.5", "", "Cite the date.")
    assert session.left() == 2
    session.only_unmarked = True
    assert session.move(1)
    assert session.current is not None
    assert session.current.key[0] == "ben"
    assert not session.move(-1)  # ana is marked: no unmarked answer before ben
    session.only_unmarked = False
    assert session.move(-1)
    assert session.current.key[0] == "ana"


def test_the_page_draws_pickers_and_saves(tmp_path: Path) -> None:
    path = sheet(tmp_path, ["<b>ana</b>", "ben"])
    page = MarkingPage(MarkingSession(EXERCISE, tmp_path, REPO))
    assert "&lt;b&gt;ana&lt;/b&gt;" in page.heading.value  # escaped, never markup
    assert "2 of 2 answer(s) left to mark" in page.status.value
    page.pickers["q7.1"].value = True
    page.pickers["q7.3"].value = True
    page.comment.value = "Good sources."
    page.save_next.click()
    assert read_sheet(path)[("<b>ana</b>", EXERCISE, "q7")]["points"] == "2"
    assert "1 of 2 answer(s) left" in page.status.value
    assert page.session.current is not None
    assert page.session.current.key[0] == "ben"


def test_a_save_never_undoes_a_mark_saved_elsewhere_meanwhile(tmp_path: Path) -> None:
    path = sheet(tmp_path, ["ana", "ben"])
    first = MarkingSession(EXERCISE, tmp_path, REPO)
    second = MarkingSession(EXERCISE, tmp_path, REPO)
    second.move(1)
    first.save({"q7.1": 1, "q7.2": 1, "q7.3": 1}, None, "")
    second.save({"q7.1": 0, "q7.2": 1, "q7.3": 0}, None, "")  # its view was older
    rows = read_sheet(path)
    assert rows[("ana", EXERCISE, "q7")]["points"] == "3"
    assert rows[("ben", EXERCISE, "q7")]["points"] == "1"
    with pytest.raises(SheetError, match="no row for zed"):
        save_marks(path, ("zed", EXERCISE, "q7"), {"points": "1"})


def test_grade_rewriting_the_sheet_keeps_marks_saved_while_it_ran(tmp_path: Path) -> None:
    path = sheet(tmp_path, ["ana"])
    existing = read_sheet(path)  # what `grade` read when it started
    save_marks(path, ("ana", EXERCISE, "q7"), {"points": "2", "comment": "ok"})
    spec = load_spec(REPO / "instructor" / "checks" / f"{EXERCISE}.yaml")
    record = Record(student="ana", exercise=EXERCISE, sha256="", fingerprint="", rows=(),
                    manual_answers={"q7": "new"})
    write_manual(path, existing, [record], spec)
    row = read_sheet(path)[("ana", EXERCISE, "q7")]
    assert (row["points"], row["comment"], row["answer"]) == ("2", "ok", "new")


def _marker(path: str, question: str, students: list[str]) -> None:
    """One TA: marks every answer of one question, one save at a time."""
    for n, student in enumerate(students):
        save_marks(Path(path), (student, EXERCISE, question),
                   {"points": str(n % 3), "comment": f"{question} by TA"})


def test_two_markers_in_two_processes_lose_nothing(tmp_path: Path) -> None:
    students = [f"s{n:03d}" for n in range(40)]
    path = tmp_path / "manual.csv"
    lines = [f"{s},{EXERCISE},{q},3,,,text,,," for s in students for q in ("q7", "q8")]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    tas = [context.Process(target=_marker, args=(str(path), q, students)) for q in ("q7", "q8")]
    for ta in tas:
        ta.start()
    for ta in tas:
        ta.join(120)
        assert ta.exitcode == 0
    rows = read_sheet(path)
    marked = {(k[0], k[2]): (r["points"], r["comment"]) for k, r in rows.items()}
    assert len(marked) == 80
    for n, student in enumerate(students):
        for q in ("q7", "q8"):
            assert marked[(student, q)] == (str(n % 3), f"{q} by TA")
