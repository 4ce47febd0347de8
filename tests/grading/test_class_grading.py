"""Grading a real class (issue 12): folders as zips leave them, messages a student can act on,
written answers in added cells, comments and rubric criteria, regrading exactly what you mean."""

from __future__ import annotations

import copy
import csv
import json
import os
from pathlib import Path

import pytest

from defence_course.cli import main
from defence_course.grading import GradingError, grade
from defence_course.grading.sandbox import GIB, Limits

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
# Each cell may use half the notebook's time, as on the command line by default.
LIMITS = Limits(timeout=6, memory_bytes=1 * GIB, cell_timeout=3)


def load(folder: str) -> dict:
    return json.loads((REPO / folder / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))


def save(path: Path, nb: dict, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def with_cell(nb: dict, defines: str, source: str) -> dict:
    """`nb` with the code cell that defines `defines` replaced by `source`."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"{defines} = " in text and "check(" not in text:
            cell["source"] = source
            return nb
    raise AssertionError(defines)


def rows(out: Path) -> dict[str, dict[str, dict[str, str]]]:
    table: dict[str, dict[str, dict[str, str]]] = {}
    with open(out, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["student"], {})[row["question"]] = row
    return table


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One class graded once: folders with junk, loops, stubs and added Markdown cells."""
    root = tmp_path_factory.mktemp("class")
    subs = root / "subs"
    solution, untouched = load("solutions"), load("exercises")
    # Two notebooks named like the exercise, and macOS junk: the newest one is graded.
    save(subs / "ana" / EXERCISE / f"{EXERCISE}.ipynb", untouched, mtime=1_000)
    save(subs / "ana" / f"{EXERCISE}.ipynb", solution, mtime=2_000)
    (subs / "ana" / "__MACOSX").mkdir()
    (subs / "ana" / "__MACOSX" / f"._{EXERCISE}.ipynb").write_bytes(b"\x00\x05\x16\x07")
    (subs / "ana" / ".hidden.ipynb").write_text("{}")
    # A loop where q5 is defined.
    save(subs / "bo.ipynb", with_cell(solution, "joins_by_decade", "while True:\n    pass\n"))
    # The function stub left as handed out, and a q7 answer written in a new Markdown cell.
    nb = copy.deepcopy(untouched)
    at = next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("defence_course"))
    nb["cells"].insert(at + 1, {"cell_type": "markdown", "metadata": {},
                                "source": "Austria, Cyprus, Ireland and Malta stay neutral."})
    save(subs / "cy.ipynb", nb)
    out = root / "marks" / "grades.csv"
    warnings: list[str] = []
    summary = grade(EXERCISE, subs, out, jobs=2, limits=LIMITS, root=REPO, progress=False,
                    warn=warnings.append)
    return {"root": root, "subs": subs, "out": out, "summary": summary, "warnings": warnings}


def test_junk_is_skipped_and_the_newest_notebook_named_like_the_exercise_wins(graded: dict) -> None:
    ana = rows(graded["out"])["ana"]
    assert all(r["status"] in ("passed", "manual") for r in ana.values())
    assert any("ana: 2 notebooks in the folder: graded the newest" in w
               for w in graded["warnings"])
    feedback = (graded["out"].parent / f"feedback-{EXERCISE}" / "ana.md").read_text()
    assert "graded the newest named ex02-two-clubs.ipynb" in feedback


def test_a_looping_cell_costs_only_its_question(graded: dict) -> None:
    bo = rows(graded["out"])["bo"]
    assert bo["q5"]["status"] == "timeout"
    assert bo["q5"]["message"].startswith("the cell under q5 that starts `while True:` ran past")
    assert "cell 1" not in bo["q5"]["message"]
    # Each cell has its own limit (half of the timeout here): q6, defined after the loop, counts.
    assert bo["q6"]["status"] == "passed"
    assert bo["q4"]["status"] == "passed"


def test_the_whole_notebook_limit_still_holds(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    nb = with_cell(load("solutions"), "joins_by_decade", "while True:\n    pass\n")
    save(subs / "dee.ipynb", nb)
    out = tmp_path / "grades.csv"
    one_cell_may_use_all = Limits(timeout=3, memory_bytes=1 * GIB, cell_timeout=3)
    grade(EXERCISE, subs, out, jobs=1, limits=one_cell_may_use_all, root=REPO, progress=False,
          warn=lambda m: None)
    dee = rows(out)["dee"]
    assert dee["q5"]["status"] == "timeout"
    assert "ran past the time limit" in dee["q5"]["message"]
    assert dee["q6"]["status"] == "timeout"  # the loop used the whole notebook's time


def test_an_untouched_function_is_missing_not_failed(graded: dict) -> None:
    q6 = rows(graded["out"])["cy"]["q6"]
    assert q6["status"] == "missing"
    assert "placeholder" in q6["message"]


def test_a_written_answer_in_an_added_cell_reaches_the_instructor(graded: dict) -> None:
    q7 = rows(graded["out"])["cy"]["q7"]
    assert q7["status"] == "manual"
    assert "a cell you added" in q7["message"]
    with open(graded["out"].parent / "manual.csv", encoding="utf-8", newline="") as handle:
        sheet = {r["student"]: r for r in csv.DictReader(handle)}
    assert "stay neutral" in sheet["cy"]["answer"]
    assert "added near q7" in sheet["cy"]["answer"]


def test_hints_read_as_written_in_markdown_feedback(graded: dict) -> None:
    text = (graded["out"].parent / f"feedback-{EXERCISE}" / "cy.md").read_text()
    assert "&gt;" not in text
    assert "&lt;" not in text
    assert "failed Hint" not in text


def test_comments_and_criteria_from_a_semicolon_sheet(graded: dict, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    out = marks / "grades.csv"
    grade(EXERCISE, graded["subs"], out, jobs=2, limits=LIMITS, root=REPO, progress=False,
          warn=lambda m: None)
    manual = marks / "manual.csv"
    with open(manual, encoding="utf-8", newline="") as handle:
        sheet = list(csv.DictReader(handle))
    header = list(sheet[0])
    criteria = [c for c in header if c.startswith("q7.")]
    assert criteria
    for row in sheet:
        row[criteria[0]] = "1"
        row["comment"] = "Name the four: say why (>= two reasons)."
    # Saved again by French Excel: semicolons, Windows-1252.
    lines = [";".join(header)] + [";".join(r[c].replace("\n", " ").replace(";", ",")
                                          for c in header) for r in sheet]
    manual.write_bytes(("\n".join(lines) + "\n").encode("cp1252", errors="replace"))
    warnings: list[str] = []
    summary = grade(EXERCISE, graded["subs"], out, jobs=2, limits=LIMITS, root=REPO,
                    progress=False, warn=warnings.append)
    assert summary.graded_now == 0
    assert any("Windows-1252" in w for w in warnings)
    table = rows(out)
    assert table["ana"]["q7"]["points"] == "1"
    text = (marks / f"feedback-{EXERCISE}" / "ana.md").read_text()
    assert "your instructor's comment: Name the four: say why (>= two reasons)." in text
    # Written back as that Excel saved it: semicolons (now UTF-8 with a byte-order mark).
    assert manual.read_text(encoding="utf-8-sig").startswith("student;exercise;question;")


def test_student_option_regrades_only_those_named(graded: dict, tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    grade(EXERCISE, graded["subs"], out, jobs=2, limits=LIMITS, root=REPO, progress=False,
          warn=lambda m: None)
    # Everyone changes, but only the named student is graded again.
    again = grade(EXERCISE, graded["subs"], out, jobs=2, limits=LIMITS, root=REPO,
                  progress=False, warn=lambda m: None, students=["cy"])
    assert (again.graded_now, again.resumed) == (1, 2)
    with pytest.raises(GradingError, match=r"did you mean 'cy'"):
        grade(EXERCISE, graded["subs"], out, limits=LIMITS, root=REPO, progress=False,
              students=["cyy"])
    assert main(["grade", EXERCISE, str(graded["subs"]), "--out", str(out), "--course",
                 str(REPO), "--regrade", "--student", "cy"]) == 2


def test_a_new_timeout_regrades_the_students_who_timed_out(graded: dict, tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    grade(EXERCISE, graded["subs"], out, jobs=2, limits=LIMITS, root=REPO, progress=False,
          warn=lambda m: None)
    same = grade(EXERCISE, graded["subs"], out, jobs=2, limits=LIMITS, root=REPO,
                 progress=False, warn=lambda m: None)
    assert same.graded_now == 0
    longer = Limits(timeout=7, memory_bytes=1 * GIB, cell_timeout=3)
    changed = grade(EXERCISE, graded["subs"], out, jobs=2, limits=longer, root=REPO,
                    progress=False, warn=lambda m: None)
    assert (changed.graded_now, changed.resumed) == (1, 2)  # bo, whose loop timed out
    # Bug (issue 18): a longer --cell-timeout alone kept bo's `timeout` (graded_now was 0).
    per_cell = Limits(timeout=7, memory_bytes=1 * GIB, cell_timeout=2)
    again = grade(EXERCISE, graded["subs"], out, jobs=2, limits=per_cell, root=REPO,
                  progress=False, warn=lambda m: None)
    assert (again.graded_now, again.resumed) == (1, 2)
