"""Build the student bundle: lessons, quizzes, exercises, data, the package; no answer keys."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path

import yaml

from defence_course.atomic import atomic_write
from defence_course.errors import DefenceCourseError
from defence_course.quiz.banks import encode_bank_text, plain_key_problems

__all__ = ["ReleaseError", "audit", "release", "solution_only_lines"]

#: What learners get, relative to the course root (folders are copied whole, minus IGNORED).
INCLUDE = ("lessons", "exercises", "data", "src/defence_course", "pyproject.toml", "LICENSE",
           "config", "Makefile", "docs/glossary.md")
#: Never shipped, even if someone moves them under an included folder.
FORBIDDEN_PARTS = {"solutions", "instructor", "tests", "benchmarks", ".git"}
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".*", "*.egg-info")
SOLUTION_MARK = re.compile(r"#\s*(BEGIN|END) SOLUTION")
#: Solution lines shorter than this (`return None`, `df.head()`, `if rows.empty:`) are too common
#: to mean a leak.
MIN_LEAK_CHARS = 16
#: A model-answer cell in a MyST text source (text/solutions/*.md): `+++ {... "tags": ["solution"]}`.
SOLUTION_TAG = re.compile(r'^\+\+\+ \{.*"solution".*\}', re.MULTILINE)

STUDENT_README = """\
# Canada-EU Security and Defence Partnership: a Jupyter course (student copy)

This folder holds the lessons (`lessons/`), their quizzes (`lessons/quizzes/`), the exercises
(`exercises/`), the data they use (`data/`, with sources in `data/datapackage.json`) and the
course's helper package (`src/defence_course`).

## Start

    make lab

It sets up a Python environment in `.venv` the first time (about a minute; it needs PyPI once),
then starts JupyterLab on this computer only and prints the address to open. The course opens
on `lessons/00-start-here.ipynb`: start there. Without `make`:

    python3 -m venv .venv
    .venv/bin/pip install -e ".[lab]"
    .venv/bin/jupyter lab lessons/00-start-here.ipynb

## Exercises

Each exercise notebook has questions with `...` placeholders. Replace them with your code, run
the cell, then run the `check("qN")` cell below it: it runs the public checks and tells you how
many hidden checks your instructor will also run. Written questions are graded by your
instructor. Submit the saved `.ipynb` file.

## En français

Le cours existe aussi en français : les leçons sont dans `lessons/fr/` (commencez par
`lessons/fr/00-start-here.ipynb`) et les exercices dans `exercises/fr/`. Mêmes données, même code,
mêmes questions : une question répondue dans une langue compte pour les deux.
"""


class ReleaseError(DefenceCourseError):
    """The bundle cannot be built, or would leak an answer key; the message says what to fix."""


def release(root: Path, out_dir: Path, *, force: bool = False) -> list[Path]:
    """Copy the learner-facing parts of the course to `out_dir` and audit the result."""
    root, out_dir = root.resolve(), out_dir.resolve()
    if out_dir == root or (root in out_dir.parents and out_dir.parts[len(root.parts)] in (
            "lessons", "exercises", "data", "src", "solutions", "instructor")):
        raise ReleaseError(f"choose an output folder outside the course sources, not {out_dir}")
    if out_dir.exists():
        if not force:
            raise ReleaseError(f"{out_dir} already exists: remove it or pass --force")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for item in INCLUDE:
        source = root / item
        target = out_dir / item
        if source.is_dir():
            shutil.copytree(source, target, ignore=IGNORED)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    atomic_write(out_dir / "README.md", STUDENT_README)
    _encode_quiz_banks(out_dir / "lessons" / "quizzes")
    problems = audit(out_dir, root / "solutions")
    if problems:
        shutil.rmtree(out_dir)
        raise ReleaseError("the bundle would leak answers, so it was removed:\n  "
                           + "\n  ".join(problems))
    return sorted(p for p in out_dir.rglob("*") if p.is_file())


def _encode_quiz_banks(folder: Path) -> None:
    """Ship every quiz bank encoded, even if a plain draft was left in lessons/quizzes/."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.y*ml")):
        if plain_key_problems(path):
            atomic_write(path, encode_bank_text(path))


def _source_lines(path: Path) -> set[str]:
    """A file's lines, whitespace collapsed; a notebook's are its cells' (empty when binary)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    sources = [text]
    if path.suffix == ".ipynb":
        with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
            sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                       for c in json.loads(text)["cells"]]
    return {" ".join(line.split()) for source in sources for line in source.splitlines()}


def solution_only_lines(solutions: Path, *taught: Path) -> dict[str, str]:
    """Every line of a solution notebook that no notebook in the `taught` folders holds (the
    handed-out exercises, the lessons), and the solution it comes from.

    A line a lesson shows is taught, not leaked: exercise 06 pivots NATO's table as lesson 04
    does. Lines shorter than MIN_LEAK_CHARS (`return None`) and the solution markers are left
    out: they are everywhere and give nothing away.
    """
    handed_out: set[str] = set()
    for folder in taught:  # each edition's: lessons/ and lessons/fr/, exercises/ and exercises/fr/
        for path in sorted(folder.rglob("*.ipynb")):
            handed_out |= _source_lines(path)
    found: dict[str, str] = {}
    for path in sorted(solutions.rglob("*.ipynb")):
        for line in sorted(_source_lines(path) - handed_out):
            if len(line) >= MIN_LEAK_CHARS and not SOLUTION_MARK.search(line):
                found.setdefault(line, path.stem)
    return found


def _solution_leaks(bundle: Path, solutions: Path) -> list[str]:
    """Every shipped file (the package's code too) holding a line only the solutions have."""
    secret = solution_only_lines(solutions, bundle / "exercises", bundle / "lessons")
    problems = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        for line in sorted(_source_lines(path) & secret.keys()):
            problems.append(f"{path.relative_to(bundle)}: holds a line of the solution to "
                            f"{secret[line]}: {line!r}")
    return problems


def audit(bundle: Path, solutions: Path | None = None) -> list[str]:
    """Everything in a bundle that could give answers away (empty list = safe to hand out).

    With `solutions` (the course's solutions/ folder), every shipped file is also searched for
    the solutions' own lines: a model answer copied into the package's code is a leak too.
    """
    problems: list[str] = _solution_leaks(bundle, solutions) if solutions else []
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle)
        if FORBIDDEN_PARTS & set(relative.parts):
            problems.append(f"{relative}: instructor-only folder")
            continue
        if not path.is_file():
            continue
        if path.suffix in (".ipynb", ".md") and SOLUTION_MARK.search(path.read_text(errors="replace")):
            problems.append(f"{relative}: contains a # BEGIN/END SOLUTION region")
        if path.suffix == ".md" and SOLUTION_TAG.search(path.read_text(errors="replace")):
            problems.append(f"{relative}: a text source with a model answer (tagged `solution`)")
        if path.suffix in (".yaml", ".yml") and "quizzes" in relative.parts:
            problems += [f"{relative}: {p}" for p in _quiz_problems(path)]
        if path.suffix in (".yaml", ".yml") and relative.parts[:2] == ("exercises", "checks"):
            problems += [f"{relative}: {p}" for p in _check_problems(path)]
    return problems


def _quiz_problems(path: Path) -> list[str]:
    """A bank that would show its answers: plain keys instead of encoded ones."""
    return list(plain_key_problems(path))


def _check_problems(path: Path) -> list[str]:
    """Public check files may hold properties and hashes, never `equals`, rubrics or hidden ones."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return ["not valid YAML"]
    problems = []
    for question in (data or {}).get("questions", []):
        if "rubric" in question:
            problems.append(f"{question.get('id')}: ships a rubric")
        for check in question.get("checks", []):
            if "equals" in check:
                problems.append(f"{question.get('id')}: a plain `equals` answer key")
            if not check.get("public"):
                problems.append(f"{question.get('id')}: a hidden check")
    return problems
