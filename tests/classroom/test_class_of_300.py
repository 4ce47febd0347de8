"""A class of 300 on a Canvas download: import -> grade -> mark -> export -> feedback, nobody lost.

The download is built as Canvas writes it (names lower-cased, `late`, re-uploads as `-1`, every
file with the zip's build time), with 30 re-submissions, 30 late marks, a student whose only
upload is a PDF, one whose name changed between uploads, six blank notebooks, extensions and
excused students, and three roster students who never submitted. Every submission is graded
in the real sandbox (most notebooks are the same solution, so each run is short: about 25 s
for the 300 on 2 shared cores, `-m slow`); the marking goes through the marking page's logic.
"""

from __future__ import annotations

import csv
import json
import time
import zipfile
from pathlib import Path

import pytest

from defence_course.classroom.marking import MarkingSession
from defence_course.cli import main
from defence_course.grading import grade
from tests.classroom.test_flow import DUE, DUE_TS, EXERCISE, LIMITS, REPO, _answered, _nb, _write

CLASS = 300
ZIP_BUILT = DUE_TS + 2 * 86400
NEVER = ("31000", "31001", "31002")
EXCUSED = (42, 52)
EXTENDED = (12, 22)  # Canvas marked them late; their own due date is later


def _name(n: int) -> str:
    """A Canvas-style name (letters only, lower-cased): smithaa, smithab, ..."""
    return "smith" + chr(97 + n // 26 % 26) + chr(97 + n % 26)


def build_download(folder: Path) -> None:
    """300 students as Canvas's "Download Submissions" zip names them."""
    answered = _answered("Austria, Cyprus, Ireland and Malta are neutral; SAFE is an EU loan.")
    blank = _nb("exercises")
    for n in range(CLASS):
        user, file_id = 30000 + n, 700000 + 10 * n
        late = "_late" if n % 10 == 2 else ""
        name = _name(n)
        if n == 7:
            (folder / f"{name}_{user}_{file_id}_essay.pdf").write_bytes(b"%PDF-1.4")
            continue
        if n % 10 == 1 or n == 8:  # a first upload, then a re-upload of the same name
            _write(folder, f"{name}_{user}_{file_id}_{EXERCISE}.ipynb", blank, ZIP_BUILT)
            name = "jones" + name[5:] if n == 8 else name  # her name changed in between
            _write(folder, f"{name}{late}_{user}_{file_id + 1}_{EXERCISE}-1.ipynb", answered,
                   ZIP_BUILT)
            continue
        _write(folder, f"{name}{late}_{user}_{file_id}_{EXERCISE}.ipynb",
               blank if n % 50 == 3 else answered, ZIP_BUILT)


def write_inputs(root: Path) -> tuple[Path, Path]:
    """Canvas's Gradebook export (the roster: 303 students) and the extensions."""
    roster = root / "gradebook-export.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         "Ex02 (4411)"])
        writer.writerow(["    Points Possible", "", "", "", "", "16"])
        for n in range(CLASS):
            writer.writerow([f"Smith, {_name(n)[5:].upper()}", 30000 + n, f"A{n}", f"s{n}",
                             f"S0{n % 3}", ""])
        for user in NEVER:
            writer.writerow([f"Never, {user}", user, "", "", "S01", ""])
    extensions = root / "extensions.csv"
    extensions.write_text("ID;due;reason\n" + "".join(
        f"{30000 + n};2026-11-25T17:00+00:00;medical\n" for n in EXTENDED) + "".join(
        f"{30000 + n};excused;family\n" for n in EXCUSED), encoding="utf-8")
    return roster, extensions


def mark_everyone(marks: Path) -> int:
    """A TA marks every written answer on the marking page (its logic, without a browser)."""
    session = MarkingSession(EXERCISE, marks, REPO)
    session.only_unmarked = True
    session.first_unmarked()
    count = 0
    while session.current is not None and not session.current.marked:
        session.save({"q7.1": 1, "q7.2": 1, "q7.3": 0}, None, "Name both sources' dates.")
        count += 1
        if not session.move(1):
            break
    assert session.left() == 0
    return count


@pytest.mark.slow
def test_a_class_of_300_from_canvas_loses_nobody(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    began = time.monotonic()
    download, folder, marks = tmp_path / "canvas", tmp_path / "class", tmp_path / "marks"
    build_download(download)
    roster, extensions = write_inputs(tmp_path)
    assert main(["lms", "import", str(download), str(folder), "--exercise", EXERCISE]) == 0
    imported = capsys.readouterr()
    assert f"staged {CLASS} student(s)" in imported.out  # the renamed student is one
    assert "1 without a notebook to grade" in imported.out
    assert "skipped smithah_30007_700070_essay.pdf (not a notebook)" in imported.err

    out = marks / "grades.csv"
    started = time.monotonic()
    first = grade(EXERCISE, folder, out, jobs=2, limits=LIMITS, root=REPO, progress=False)
    graded_in = time.monotonic() - started
    assert first.students == CLASS
    started = time.monotonic()
    marked = mark_everyone(marks)
    marked_in = time.monotonic() - started
    again = grade(EXERCISE, folder, out, jobs=2, limits=LIMITS, root=REPO, progress=False)
    # Only the PDF student's error row is made again (no sandbox): everyone else is resumed.
    assert (again.graded_now, again.resumed) == (1, CLASS - 1)

    late = ["--due", DUE, "--late-penalty", "10%/day", "--extensions", str(extensions)]
    export = tmp_path / "canvas-import.csv"
    assert main(["lms", "export", "canvas", str(out), "--out", str(export), "--class",
                 str(folder), "--assignment", "Ex02 (4411)", "--roster", str(roster),
                 *late]) == 0
    summary = capsys.readouterr().out
    assert main(["lms", "feedback", "canvas", str(out), "--class", str(folder), *late]) == 0
    packed = capsys.readouterr().out

    with export.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [r["ID"] for r in rows]
    assert sorted(ids) == sorted([str(30000 + n) for n in range(CLASS)] + list(NEVER))
    grades = {r["ID"]: r["Ex02 (4411)"] for r in rows}
    assert [grades[u] for u in NEVER] == ["", "", ""]
    assert [grades[str(30000 + n)] for n in EXCUSED] == ["EX", "EX"]
    assert grades["30007"] == "0"  # the PDF: an error row, 0 points, never missing
    assert grades["30008"] == grades["30000"]  # the renamed student: one row, her re-upload
    assert grades["30012"] == grades["30000"]  # late mark, but her own due date was later
    assert float(grades["30002"]) < float(grades["30000"])  # Canvas's late mark: one day
    with zipfile.ZipFile(out.with_name(f"feedback-{EXERCISE}-canvas.zip")) as archive:
        assert len(archive.namelist()) == CLASS
    assert f"{CLASS} student(s) graded" in summary
    assert f"{CLASS + len(NEVER)} on the roster: {CLASS} graded, 3 never submitted" in summary
    assert "0 graded but not on the roster" in summary
    manifest = json.loads((folder / "submissions.json").read_text(encoding="utf-8"))
    with capsys.disabled():
        print(f"\nclass of {CLASS}: {len(manifest['submissions'])} staged, {marked} written "
              f"answers marked on the page\n{summary}{packed}"
              f"cost: grading {graded_in:.0f} s, marking {marked_in:.1f} s, whole test "
              f"{time.monotonic() - began:.0f} s")
