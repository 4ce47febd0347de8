"""make-exercises grades each solution against its own checks; grade warns on stale public checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from defence_course.authoring.exercises import stale_public_checks
from defence_course.authoring.selfcheck import solution_problems
from defence_course.cli import main
from defence_course.grading.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for folder in ("instructor", "solutions", "exercises", "data"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_the_course_solutions_pass_their_own_checks() -> None:
    assert solution_problems(REPO, EXERCISE) == []


def test_a_wrong_expected_value_is_named(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = course / "instructor" / "checks" / f"{EXERCISE}.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "length: 27" in text
    spec.write_text(text.replace("length: 27", "length: 28", 1), encoding="utf-8")
    [problem] = solution_problems(course, EXERCISE)
    assert problem.startswith(f"{EXERCISE} q1: the solution does not pass its own checks")
    assert "check" in problem
    assert "28" in problem
    # The public checks handed out are now stale (`grade` says so: the test below).
    warning = stale_public_checks(course, load_spec(spec))
    assert warning is not None
    assert "stale" in warning
    assert main(["make-exercises", EXERCISE, "--course", str(course)]) == 1
    assert "does not pass its own checks" in capsys.readouterr().err
    assert stale_public_checks(course, load_spec(spec)) is None  # written, then verified
    assert stale_public_checks(REPO, load_spec(REPO / "instructor/checks" / f"{EXERCISE}.yaml")) \
        is None


def test_the_grade_command_warns_on_stale_public_checks(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI asks authoring whether the handed-out checks are stale (the grader library does
    not import authoring); grading itself is stubbed: only the warning is under test."""

    class Done:
        interrupted = False

        def text(self) -> str:
            return "graded"

    monkeypatch.setattr("defence_course.grading.grader.grade", lambda *a, **k: Done())
    spec = course / "instructor" / "checks" / f"{EXERCISE}.yaml"
    args = ["grade", EXERCISE, str(tmp_path), "--course", str(course)]
    assert main(args) == 0
    assert "stale" not in capsys.readouterr().err
    spec.write_text(spec.read_text(encoding="utf-8").replace("length: 27", "length: 28", 1),
                    encoding="utf-8")
    assert main(args) == 0
    assert "warning: the public checks handed out" in capsys.readouterr().err
