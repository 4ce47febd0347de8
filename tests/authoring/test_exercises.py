"""Exercises: generated from solutions, solutions pass every check, untouched ones fail them."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from defence_course.authoring.exercises import (
    ExerciseError,
    exercise_names,
    generate,
    make_exercises,
    strip_solutions,
)
from defence_course.checks import Checker
from defence_course.grading.compare import grade_question
from defence_course.grading.plain import MISSING, call_function, to_plain
from defence_course.grading.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
NAMES = exercise_names(REPO)


def execute(path: Path) -> tuple[dict, list[str], str]:
    """Run a notebook's code cells in one namespace, like a kernel; return it, check lines, stderr."""
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    lines: list[str] = []
    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if cell.source.startswith("check("):
                qid = cell.source.split('"')[1]
                lines.append(namespace["check"].run(qid, namespace=namespace).text)
            else:
                exec(compile(cell.source, str(path), "exec"), namespace)
    return namespace, lines, err.getvalue()


def full_grade(name: str, namespace: dict) -> dict[str, float]:
    """Every check (public and hidden) on the namespace's answers, in-process."""
    spec = load_spec(REPO / "instructor" / "checks" / f"{name}.yaml")
    points = {}
    for q in spec.questions:
        if q.kind == "manual":
            continue
        value = namespace.get(q.answer, MISSING)
        plain = MISSING if value is MISSING else to_plain(value)
        if q.kind == "function" and callable(value):
            plain = {"__type__": "function", "calls": call_function(value, q.calls)}
        outcome = grade_question(q, plain, spec.exercise)
        points[q.id] = outcome.points
        assert outcome.status in ("passed", "failed", "missing"), outcome
    return points


def test_there_are_at_least_two_exercises() -> None:
    assert {"ex02-two-clubs", "ex03-who-pays"} <= set(NAMES)


def test_committed_exercises_match_their_solutions() -> None:
    assert make_exercises(REPO, check=True) == [], "run `defence-course make-exercises`"


def test_make_exercises_check_exits_1_when_stale(tmp_path: Path) -> None:
    course = tmp_path / "course"
    for folder in ("solutions", "instructor", "exercises"):
        shutil.copytree(REPO / folder, course / folder)
    command = [sys.executable, "-m", "defence_course.cli", "make-exercises", "--check",
               "--course", str(course)]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    stale = course / "exercises" / "ex02-two-clubs.ipynb"
    stale.write_text(stale.read_text(encoding="utf-8").replace("Two clubs", "Two klubs"))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "stale: exercises/ex02-two-clubs.ipynb" in done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_every_check(name: str) -> None:
    namespace, lines, err = execute(REPO / "solutions" / f"{name}.ipynb")
    assert err == ""
    assert lines, "no check() cells"
    assert all("✓" in line for line in lines), lines
    spec = load_spec(REPO / "instructor" / "checks" / f"{name}.yaml")
    points = full_grade(name, namespace)
    assert points == {q.id: q.points for q in spec.questions if q.kind != "manual"}


@pytest.mark.parametrize("name", NAMES)
def test_untouched_exercise_runs_cleanly_and_fails_every_check(name: str) -> None:
    namespace, lines, err = execute(REPO / "exercises" / f"{name}.ipynb")
    assert err == ""  # nbval runs these notebooks: no exception, no stderr
    assert lines, "no check() cells"
    # Issue 11, item 7: every untouched answer, functions included, reads "not answered yet".
    assert all(" … not answered yet" in line for line in lines), lines
    assert set(full_grade(name, namespace).values()) == {0.0}


@pytest.mark.parametrize("name", NAMES)
def test_exercise_keeps_ids_and_drops_every_answer(name: str) -> None:
    solution = nbformat.read(REPO / "solutions" / f"{name}.ipynb", as_version=4)
    exercise = nbformat.read(REPO / "exercises" / f"{name}.ipynb", as_version=4)
    assert [c.id for c in solution.cells] == [c.id for c in exercise.cells]
    text = nbformat.writes(exercise)
    assert "BEGIN SOLUTION" not in text
    assert "Model answer" not in text
    for cell in exercise.cells:
        if "solution" in cell.metadata.get("tags", []):
            assert cell.source.startswith("*Write your answer to q")
    public = (REPO / "exercises" / "checks" / f"{name}.yaml").read_text(encoding="utf-8")
    assert "equals:" not in public
    assert "rubric:" not in public


def test_strip_solutions_placeholders_keep_indentation() -> None:
    source = ("x = 1\n# BEGIN SOLUTION: answer = ...\nanswer = 42\n# END SOLUTION\n"
              "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n")
    assert strip_solutions(source, "t") == (
        "x = 1\nanswer = ...  # YOUR CODE HERE\ndef f():\n    ...  # YOUR CODE HERE")


@pytest.mark.parametrize(("source", "words"), [
    ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("# END SOLUTION\n", "without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "nested"),
])
def test_broken_regions_say_where(source: str, words: str) -> None:
    with pytest.raises(ExerciseError, match=words):
        strip_solutions(source, "ex00, cell 3")


def test_answer_cell_without_question_metadata_is_refused() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("model answer")])
    nb.cells[0].metadata["tags"] = ["solution"]
    with pytest.raises(ExerciseError, match="defence_course"):
        generate(nb, "ex00")


def test_untouched_exercise_checks_print_not_raise() -> None:
    check = Checker("ex03-who-pays", REPO / "exercises" / "checks" / "ex03-who-pays.yaml")
    assert "placeholder" in check.run("q1", ...).text


def test_the_capstone_has_computed_indicators_and_a_rubric_graded_brief() -> None:
    """ex07 (issue 10): computed indicators plus a written brief graded with a rubric."""
    spec = load_spec(REPO / "instructor" / "checks" / "ex07-a-new-alignment.yaml")
    manual = [q for q in spec.questions if q.kind == "manual"]
    computed = [q for q in spec.questions if q.kind != "manual"]
    assert len(manual) == 1
    assert len(computed) >= 4
    assert manual[0].rubric.count("pt") >= 5
    for question in computed:
        assert any(c.public for c in question.checks), question.id
    # A function is also called on inputs the learner does not see (issue 21: a single value or
    # a list may have every check public, so the inline check catches each rule the prompt states).
    for question in (q for q in computed if q.kind == "function"):
        assert any(not c.public for c in question.checks), question.id
