"""Generate learner exercises (and their public checks) from solution notebooks and specs."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from defence_course.atomic import atomic_write
from defence_course.errors import DefenceCourseError
from defence_course.exercise_format import (
    META_KEY,
    PUBLIC_CHECKS_HEADER,
    answer_prompt,
    edition_folder,
    placeholder,
    public_checks_path,
    spec_path,
)
from defence_course.grading.spec import ExerciseSpec, load_spec, public_spec

if TYPE_CHECKING:  # nbformat costs ~1 s to import; the grader imports this module without it
    import nbformat

__all__ = [
    "ExerciseError",
    "answer_cells",
    "generate",
    "make_exercise",
    "make_exercises",
    "strip_solutions",
]

BEGIN = re.compile(r"^(?P<indent>[ \t]*)#\s*BEGIN SOLUTION\s*(?::\s*(?P<placeholder>.*\S))?\s*$")
END = re.compile(r"^[ \t]*#\s*END SOLUTION\s*$")
SOLUTION_TAG = "solution"


class ExerciseError(DefenceCourseError):
    """A solution notebook or spec cannot be turned into an exercise; says which cell to fix."""


def strip_solutions(source: str, where: str, language: str = "en") -> str:
    """Replace each `# BEGIN SOLUTION` ... `# END SOLUTION` region by one placeholder line."""
    out: list[str] = []
    inside = False
    marker = placeholder(language)
    for number, line in enumerate(source.splitlines(), start=1):
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise ExerciseError(f"{where}, line {number}: nested # BEGIN SOLUTION")
            inside = True
            code = begin.group("placeholder") or "..."
            out.append(f"{begin.group('indent')}{code}  {marker}")
            continue
        if END.match(line):
            if not inside:
                raise ExerciseError(f"{where}, line {number}: # END SOLUTION without BEGIN")
            inside = False
            continue
        if not inside:
            out.append(line)
    if inside:
        raise ExerciseError(f"{where}: # BEGIN SOLUTION is never closed by # END SOLUTION")
    return "\n".join(out)


def answer_question(cell: nbformat.NotebookNode) -> str | None:
    """The question id a markdown answer cell belongs to (metadata defence_course.question)."""
    meta = cell.get("metadata", {}).get(META_KEY, {})
    qid = meta.get("question") if isinstance(meta, dict) else None
    return qid if isinstance(qid, str) else None


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Free-text answers by question id: the text of markdown cells tagged with a question."""
    answers: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            qid = answer_question(cell)
            if qid:
                answers.setdefault(qid, []).append(str(cell.get("source", "")))
    return {qid: "\n\n".join(parts).strip() for qid, parts in answers.items()}


def generate(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Build the exercise notebook from a solution notebook (ids and metadata kept, no outputs)."""
    nb = copy.deepcopy(solution)
    language = str(nb.metadata.get(META_KEY, {}).get("language", "en"))
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index} ({cell.get('id', '?')})"
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where, language)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            tags = cell.get("metadata", {}).get("tags", [])
            if SOLUTION_TAG in tags:
                qid = answer_question(cell)
                if qid is None:
                    raise ExerciseError(
                        f"{where}: a markdown cell tagged `solution` needs metadata "
                        '{"defence_course": {"question": "qN"}}')
                cell.source = answer_prompt(qid, language)
        cell.get("metadata", {}).pop("execution", None)
    return nb


@dataclass(frozen=True)
class Generated:
    """The two learner files for one exercise, as text, ready to compare or write."""

    notebook: str
    public_checks: str


def make_exercise(root: Path, name: str, language: str = "en") -> Generated:
    """Generate one exercise's learner notebook and public check file from the course sources."""
    solution_path = edition_folder(root, "solutions", language) / f"{name}.ipynb"
    spec_file = spec_path(root, name, language)
    if not solution_path.is_file():
        raise ExerciseError(f"no solution notebook {solution_path}")
    spec: ExerciseSpec = load_spec(spec_file)
    if spec.exercise != name:
        raise ExerciseError(f"{spec_file}: `exercise:` says {spec.exercise!r}, expected {name!r}")
    import nbformat

    solution = nbformat.read(solution_path, as_version=4)
    exercise = generate(solution, name)
    _validate_against_spec(exercise, spec, name)
    notebook_text = nbformat.writes(exercise) + "\n"
    return Generated(notebook_text, public_checks_text(spec))


def public_checks_text(spec: ExerciseSpec) -> str:
    """exercises/checks/NAME.yaml as make-exercises writes it (no nbformat needed)."""
    return PUBLIC_CHECKS_HEADER + yaml.safe_dump(public_spec(spec), sort_keys=False,
                                                 allow_unicode=True, width=100)


def stale_public_checks(root: Path, spec: ExerciseSpec) -> str | None:
    """A warning when the public checks handed out differ from the instructor's spec (`grade` says it)."""
    path = public_checks_path(root, spec.exercise)
    if not path.is_file():
        return f"{path} is missing: run `defence-course make-exercises` and hand it out"
    if path.read_text(encoding="utf-8") != public_checks_text(spec):
        return (f"the public checks handed out ({path}) are stale: the instructor spec changed "
                "since `make-exercises`, so students' `check()` disagrees with this grading; "
                "run `defence-course make-exercises` and hand out the new file")
    return None


def _validate_against_spec(exercise: nbformat.NotebookNode, spec: ExerciseSpec,
                           name: str) -> None:
    """Catch authoring slips: manual questions without an answer cell, unknown question ids."""
    manual = {q.id for q in spec.questions if q.kind == "manual"}
    tagged = set(answer_cells(exercise))
    if manual - tagged:
        raise ExerciseError(f"{name}: manual question(s) {sorted(manual - tagged)} have no "
                            "markdown answer cell tagged `solution` with their question id")
    if tagged - manual:
        raise ExerciseError(f"{name}: answer cells for {sorted(tagged - manual)} but the spec "
                            "has no manual question with that id")


def exercise_names(root: Path) -> list[str]:
    """Every exercise stem that has a solution notebook."""
    return sorted(p.stem for p in (root / "solutions").glob("ex*.ipynb"))


def make_exercises(root: Path, *, check: bool = False, names: list[str] | None = None,
                   language: str = "en") -> list[str]:
    """Write (or with `check`, compare) every generated file; return the stale/written paths."""
    changed: list[str] = []
    for name in names or exercise_names(root):
        generated = make_exercise(root, name, language)
        targets = {
            edition_folder(root, "exercises", language) / f"{name}.ipynb": generated.notebook,
            public_checks_path(root, name, language): generated.public_checks,
        }
        for path, text in targets.items():
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current == text:
                continue
            changed.append(str(path.relative_to(root)))
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, text)
    return changed
