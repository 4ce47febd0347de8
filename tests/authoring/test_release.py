"""The student bundle: everything learners need, and no solutions, hidden checks or answer keys."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from defence_course.authoring.release import ReleaseError, audit, release, solution_only_lines

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "course"
    done = subprocess.run([sys.executable, "-m", "defence_course.cli", "release", str(out),
                           "--course", str(REPO)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


def test_bundle_has_what_learners_need(bundle: Path) -> None:
    for name in ("README.md", "pyproject.toml", "data/datapackage.json",
                 "src/defence_course/checks.py", "src/defence_course/data/__init__.py",
                 "exercises/ex02-two-clubs.ipynb", "exercises/checks/ex02-two-clubs.yaml",
                 "exercises/ex03-who-pays.ipynb", "lessons/00-start-here.ipynb"):
        assert (bundle / name).is_file(), name
    assert list((bundle / "lessons" / "quizzes").glob("*.yaml"))


def test_bundle_opens_with_make_lab_and_installs_no_test_tools(bundle: Path) -> None:
    """Learners get the same one command as the course's README, minus the test extras."""
    assert "make lab" in (bundle / "README.md").read_text(encoding="utf-8")
    dry_run = subprocess.run(["make", "-n", "-B", "lab"], cwd=bundle, capture_output=True,
                             text=True, check=True).stdout
    assert '".[lab]"' in dry_run
    assert "jupyter lab" in dry_run
    in_repo = subprocess.run(["make", "-n", "-B", ".venv/.installed"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
    assert '".[test]"' in in_repo


def test_bundle_has_no_solutions_hidden_checks_or_keys(bundle: Path) -> None:
    files = [p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file()]
    assert not [f for f in files if {"solutions", "instructor", "tests", "text"} & set(f.parts)]
    assert not [f for f in files if "__pycache__" in f.parts]
    assert audit(bundle) == []
    for path in (bundle / "exercises").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for leak in ("BEGIN SOLUTION", "equals:", "Model answer", "rubric:"):
                assert leak not in text, path
    hidden = (REPO / "instructor" / "checks" / "ex02-two-clubs.yaml").read_text("utf-8")
    assert "Montenegro" in hidden
    assert "Montenegro" not in (bundle / "exercises" / "checks" / "ex02-two-clubs.yaml"
                                ).read_text("utf-8")


def test_audit_catches_leaks(tmp_path: Path) -> None:
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "ex.ipynb").write_text("{}")
    (tmp_path / "exercises" / "checks").mkdir(parents=True)
    (tmp_path / "exercises" / "checks" / "ex.yaml").write_text(
        "questions:\n- id: q1\n  rubric: x\n  checks:\n  - {equals: 3}\n")
    (tmp_path / "exercises" / "ex.ipynb").write_text("# BEGIN SOLUTION\n")
    problems = "\n".join(audit(tmp_path))
    for words in ("instructor-only", "rubric", "plain `equals`", "hidden check",
                  "BEGIN/END SOLUTION"):
        assert words in problems


#: Exercise 04 q5's model answer, which explore/pressure.py once shipped to every learner.
OLD_EXPLORER_LINE = "    return 100 * share_then / share_now * (1 + growth_pct / 100) ** years\n"


def test_audit_finds_a_solution_line_in_any_shipped_file(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(REPO / "exercises", bundle / "exercises")
    (bundle / "src" / "defence_course" / "explore").mkdir(parents=True)
    (bundle / "src" / "defence_course" / "explore" / "pressure.py").write_text(
        "def money_index(share_now, share_then, growth_pct, years):\n" + OLD_EXPLORER_LINE)
    (bundle / "lessons" / "quizzes").mkdir(parents=True)
    (bundle / "lessons" / "quizzes" / "04.yaml").write_text(f"explain: |\n{OLD_EXPLORER_LINE}")
    assert audit(bundle) == []  # without the solutions, nothing to compare against
    problems = audit(bundle, REPO / "solutions")
    assert [p.split(":")[0] for p in problems] == ["lessons/quizzes/04.yaml",
                                                   "src/defence_course/explore/pressure.py"]
    assert all("solution to ex04-did-the-pressure-work" in p for p in problems)


def test_a_line_a_lesson_teaches_is_not_a_leak(tmp_path: Path) -> None:
    """Exercise 06 pivots NATO's table with the same line lesson 04 shows."""
    line = '.pivot(index="year", columns="country", values="pct_gdp"))'
    assert line in solution_only_lines(REPO / "solutions", REPO / "exercises")
    assert line not in solution_only_lines(REPO / "solutions", REPO / "exercises",
                                           REPO / "lessons")


def test_solution_only_lines_leave_out_what_learners_already_have(tmp_path: Path) -> None:
    secret = solution_only_lines(REPO / "solutions", REPO / "exercises")
    assert OLD_EXPLORER_LINE.strip() in secret
    assert "def money_index(share_now, share_then, growth_pct, years):" not in secret  # handed out
    assert "return None" not in secret  # too short to mean anything
    assert not [line for line in secret if "SOLUTION" in line]


def test_release_refuses_to_overwrite_or_write_into_sources(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(ReleaseError, match="already exists"):
        release(REPO, tmp_path / "out")
    with pytest.raises(ReleaseError, match="outside the course sources"):
        release(REPO, REPO / "exercises" / "bundle")
