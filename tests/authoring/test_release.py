"""The student bundle: everything learners need, and no solutions, hidden checks or answer keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from defence_course.authoring.release import ReleaseError, audit, release

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


def test_release_refuses_to_overwrite_or_write_into_sources(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(ReleaseError, match="already exists"):
        release(REPO, tmp_path / "out")
    with pytest.raises(ReleaseError, match="outside the course sources"):
        release(REPO, REPO / "exercises" / "bundle")
