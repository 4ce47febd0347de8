"""The inline `check()` of exercise notebooks: a question's public checks, run on the learner's answer."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defence_course.grading.compare import QuestionOutcome, grade_question
from defence_course.grading.plain import MISSING, call_function, to_plain
from defence_course.grading.spec import ExerciseSpec, Question, SpecError, load_spec
from defence_course.paths import GRADING_ENV, public_checks_candidates

__all__ = ["Checker", "Report", "checker", "find_public_spec"]


def find_public_spec(exercise: str, start: Path | None = None) -> Path | None:
    """Find exercises/checks/EXERCISE.yaml from `start` (default: cwd) upward, or the env root."""
    for folder in public_checks_candidates(start):
        path = folder / f"{exercise}.yaml"
        if path.is_file():
            return path
    return None


@dataclass
class Report:
    """What one inline check found: the printed line and the outcome behind it."""

    text: str
    outcome: QuestionOutcome | None

    @property
    def passed(self) -> bool:
        """True when every public check passed."""
        return self.outcome is not None and self.outcome.status == "passed"


class Checker:
    """The notebook's `check`: runs a question's public checks on the learner's answer."""

    def __init__(self, exercise: str, spec_path: Path | str | None = None) -> None:
        self.exercise = exercise
        self._spec_path = Path(spec_path) if spec_path else None
        self._spec: ExerciseSpec | None = None

    def _load(self) -> ExerciseSpec | None:
        if self._spec is None:
            path = self._spec_path or find_public_spec(self.exercise)
            if path is None:
                return None
            self._spec = load_spec(path)
        return self._spec

    def __call__(self, question_id: str, value: Any = MISSING, *,
                 namespace: Mapping[str, Any] | None = None) -> None:
        """Print the result of the public checks for one question (never raises)."""
        if os.environ.get(GRADING_ENV):
            return
        print(self.run(question_id, value, namespace=namespace).text)

    def run(self, question_id: str, value: Any = MISSING, *,
            namespace: Mapping[str, Any] | None = None) -> Report:
        """Run the public checks and return the report (used by `check()` and by tests)."""
        try:
            spec = self._load()
        except SpecError as error:
            return Report(f"{question_id} ? the public checks could not be read: {error}", None)
        if spec is None:
            return Report(f"{question_id} ? no public checks found for {self.exercise}: open "
                          "the notebook from the course's exercises/ folder.", None)
        try:
            question = spec.question(question_id)
        except SpecError as error:
            return Report(f"{question_id} ? {error}", None)
        if question.kind == "manual":
            return Report(f"{question_id}: written answer, graded by your instructor "
                          f"({question.points:g} points).", None)
        if value is MISSING:
            if namespace is None:
                namespace = _ipython_namespace()
            if namespace is None:
                return Report(f"{question_id} ? outside Jupyter, call "
                              f"check({question_id!r}, {question.answer}).", None)
            value = namespace.get(question.answer, MISSING)
        try:
            plain = MISSING if value is MISSING else to_plain(value)
            if question.kind == "function" and callable(value):
                plain = {"__type__": "function", "name": question.answer,
                         "calls": call_function(value, question.calls)}
        except Exception as error:  # a learner's odd object: report, never raise
            plain = {"__type__": "unsupported", "class": type(error).__name__}
        outcome = grade_question(question, plain, spec.exercise, only_public=True)
        return Report(_inline_text(outcome, question), outcome)


def _inline_text(outcome: QuestionOutcome, question: Question) -> str:
    hidden = question.hidden_checks
    more = (f"{hidden} more check{'s' if hidden != 1 else ''} at grading" if hidden
            else "no more checks at grading")
    if outcome.status == "passed":
        n = len(outcome.checks)
        return f"{question.id} ✓ {n} public check{'s' if n != 1 else ''} passed; {more}."
    return f"{question.id} ✗ {outcome.message}"


def _ipython_namespace() -> Mapping[str, Any] | None:
    """The running IPython kernel's user namespace (no stack walking), or None."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return getattr(shell, "user_ns", None) if shell is not None else None


def checker(exercise: str, spec_path: Path | str | None = None) -> Checker:
    """Create the notebook's `check` function for one exercise."""
    return Checker(exercise, spec_path)
