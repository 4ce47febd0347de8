"""The instructor's whole flow on a Canvas download: import anonymously, grade with the real
sandbox, mark the written answer, regrade one resubmission, export with the late rule, report."""

from __future__ import annotations

import copy
import csv
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from defence_course.classroom.anonymize import Key
from defence_course.classroom.lms import stage
from defence_course.cli import main
from defence_course.grading import grade
from defence_course.grading.sandbox import GIB, Limits

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
DUE = "2026-11-20T17:00+00:00"
DUE_TS = datetime.fromisoformat(DUE).timestamp()
LIMITS = Limits(timeout=4, memory_bytes=1 * GIB)


def _nb(name: str) -> dict:
    return json.loads((REPO / name / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))


def _answered(text: str) -> dict:
    nb = copy.deepcopy(_nb("solutions"))
    for cell in nb["cells"]:
        if cell["metadata"].get("defence_course", {}).get("question") == "q7":
            cell["source"] = text
    return nb


def _write(folder: Path, name: str, nb: dict, mtime: float) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    os.utime(path, (mtime, mtime))


def _mark_all(manual: Path, points: str) -> None:
    """The instructor fills in every `points` cell of manual.csv."""
    with manual.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["points"] = points
    with manual.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.slow
def test_canvas_download_to_gradebook_and_report(tmp_path: Path) -> None:
    download = tmp_path / "canvas"
    _write(download, f"smithjane_12345_67890_{EXERCISE}.ipynb", _nb("exercises"), DUE_TS - 7200)
    _write(download, f"smithjane_LATE_12345_67891_{EXERCISE}-1.ipynb",
           _answered("Austria, Cyprus, Ireland and Malta are neutral."), DUE_TS + 25 * 3600)
    _write(download, f"tremblayzoe_12346_67900_{EXERCISE}.ipynb", _answered("Neutral states."),
           DUE_TS - 60)
    _write(download, "__MACOSX/._tremblayzoe.ipynb", {}, DUE_TS)
    key_path = tmp_path / "class.anonymous-key.json"
    stage(download, tmp_path / "class", EXERCISE, Key(key_path))
    out = tmp_path / "marks" / "grades.csv"
    summary = grade(EXERCISE, tmp_path / "class", out, jobs=2, limits=LIMITS, root=REPO,
                    progress=False)
    assert summary.students == 2
    assert summary.status_counts["manual"] == 2
    assert "smith" not in out.read_text()
    assert "smith" not in (out.parent / "manual.csv").read_text()

    # Mark the written answers (anonymous codes only), then re-run: nothing is regraded.
    manual = out.parent / "manual.csv"
    _mark_all(manual, "3")
    again = grade(EXERCISE, tmp_path / "class", out, jobs=2, limits=LIMITS, root=REPO,
                  progress=False)
    assert again.graded_now == 0
    assert again.resumed == 2

    # Zoë resubmits; importing the new download regrades her only.
    _write(download, f"tremblayzoe_12346_67950_{EXERCISE}-1.ipynb",
           _answered("Neutral states, outside NATO."), DUE_TS - 30)
    stage(download, tmp_path / "class", EXERCISE, Key(key_path))
    third = grade(EXERCISE, tmp_path / "class", out, jobs=2, limits=LIMITS, root=REPO,
                  progress=False)
    assert (third.graded_now, third.resumed) == (1, 1)
    # Her new answer needs marking again: fill it, then export.
    _mark_all(manual, "3")
    grade(EXERCISE, tmp_path / "class", out, jobs=2, limits=LIMITS, root=REPO, progress=False)

    canvas = tmp_path / "canvas-import.csv"
    times = tmp_path / "canvas-times.csv"  # Canvas's submission times (its zip's are not)
    late = datetime.fromtimestamp(DUE_TS + 25 * 3600, timezone.utc).isoformat()
    times.write_text(f"ID;submitted_at\n12345;{late}\n", encoding="utf-8")
    assert main(["lms", "export", "canvas", str(out), "--out", str(canvas), "--class",
                 str(tmp_path / "class"), "--assignment", "Ex02 (4411)", "--due", DUE,
                 "--late-penalty", "10%/day", "--late-cap", "50%", "--times", str(times)]) == 0
    with canvas.open(encoding="utf-8", newline="") as handle:
        exported = {r["ID"]: r for r in csv.DictReader(handle)}
    # 16 points each; Jane 25 h late: two started days, 20 % of 16 = 3.2 deducted.
    assert exported["12345"]["Ex02 (4411)"] == "12.8"
    assert exported["12346"]["Ex02 (4411)"] == "16"
    with (tmp_path / "canvas-import-totals.csv").open(encoding="utf-8", newline="") as handle:
        totals = list(csv.DictReader(handle))
    assert sorted(t["raw_points"] for t in totals) == ["16", "16"]
    assert main(["report", str(out), "--class", str(tmp_path / "class"), "--due", DUE]) == 0
    page = (out.parent / f"report-{EXERCISE}.html").read_text(encoding="utf-8")
    assert "Late work" in page
    assert "smith" not in page
