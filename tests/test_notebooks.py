"""Rules every committed notebook follows: valid, stripped of outputs, runnable by the course kernel."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("lessons", "exercises", "solutions")


def committed_notebooks() -> list[Path]:
    """Every notebook in the course folders (tracked or about to be: the rule holds for both)."""
    found = [p for d in NOTEBOOK_DIRS for p in sorted((REPO / d).rglob("*.ipynb"))]
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def notebook_problems(path: Path) -> list[str]:
    """What is wrong with one notebook file, as messages naming the cell (empty when clean)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"not valid JSON: {error}"]
    problems = []
    for index, cell in enumerate(raw.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has execution count {cell['execution_count']}")
    return problems


NOTEBOOKS = committed_notebooks()
IDS = [str(p.relative_to(REPO)) for p in NOTEBOOKS]


def test_there_are_notebooks_in_every_course_folder() -> None:
    for folder in NOTEBOOK_DIRS:
        assert any(p.parent.name == folder for p in NOTEBOOKS), f"no notebook in {folder}/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    assert notebook_problems(path) == [], f"strip {path.name}: clear its outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_valid_and_uses_the_course_kernel(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"


def test_the_stripped_check_catches_outputs_and_counts(tmp_path: Path) -> None:
    """The rule above can fail: a notebook with an output or a count is reported by cell."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("1 + 1", execution_count=3),
            nbformat.v4.new_code_cell("print('hi')", outputs=[nbformat.v4.new_output("stream", text="hi\n")]),
        ]
    )
    path = tmp_path / "dirty.ipynb"
    nbformat.write(notebook, path)
    assert notebook_problems(path) == ["cell 0 has execution count 3", "cell 1 has outputs"]
    path.write_text("{not json", encoding="utf-8")
    assert notebook_problems(path)[0].startswith("not valid JSON")


def test_notebook_that_warns_fails_under_nbval(tmp_path: Path) -> None:
    """The stderr rule in conftest.py can fail: a warning shown to a learner fails the cell."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import warnings\nwarnings.warn('learners see this')")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, tmp_path / "warns.ipynb")
    (tmp_path / "conftest.py").write_text(
        (REPO / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--nbval-current-env",
            "-q",
            "-W",
            "error",
            str(tmp_path / "warns.ipynb"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "learners see this" in run.stdout
