"""A submission's language at grading: the spec whose hints it reads, and one fingerprint for both.

A French exercise notebook (metadata `defence_course.language: fr`) is graded with the same
checks as the English one; its student-facing words come from the message catalog and its
hints from the French instructor spec `instructor/checks/fr/<exercise>.yaml`, a translation with
the same questions and checks (only text differs). The instructor's files stay English.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defence_course.grading.spec import ExerciseSpec, SpecError, load_spec

__all__ = ["Translations", "translated_spec", "translated_spec_path"]


def translated_spec_path(root: Path, exercise: str, language: str) -> Path:
    """Where the instructor spec in `language` is: instructor/checks/<language>/<exercise>.yaml."""
    return root / "instructor" / "checks" / language / f"{exercise}.yaml"


def translated_spec(spec: ExerciseSpec, language: str) -> ExerciseSpec | None:
    """The spec's translation beside it (checks/<language>/<name>.yaml) when it grades the same."""
    if spec.source is None or language == "en":
        return None
    path = spec.source.parent / language / spec.source.name
    try:
        other = load_spec(path) if path.is_file() else None
    except SpecError:
        return None
    return other if other is not None and not difference(spec, other) else None


def _shape(spec: ExerciseSpec) -> list[Any]:
    """What grades a submission: every question's id, points, kind, answer and checks, no text."""
    return [[q.id, q.points, q.kind, q.answer,
             [{k: v for k, v in c.to_dict().items() if k != "hint"} for c in q.checks]]
            for q in spec.questions]


def difference(english: ExerciseSpec, other: ExerciseSpec) -> str:
    """Empty when `other` grades exactly as `english` does, else the first difference in words."""
    a, b = _shape(english), _shape(other)
    for qa, qb in zip(a, b, strict=False):
        if qa != qb:
            return f"question {qa[0]} differs from the English spec's"
    return "" if len(a) == len(b) else "its questions differ from the English spec's"


@dataclass(frozen=True)
class Translations:
    """The English spec and its translations that grade the same way, by language."""

    english: ExerciseSpec
    specs: dict[str, ExerciseSpec]

    @classmethod
    def load(cls, root: Path, english: ExerciseSpec, warn: Callable[[str], None]) -> Translations:
        """Read instructor/checks/fr/; one that is unreadable or grades differently is left out
        with a warning (its students then read the English hints), never a stopped run."""
        specs: dict[str, ExerciseSpec] = {}
        path = translated_spec_path(root, english.exercise, "fr")
        if path.is_file():
            try:
                spec = load_spec(path)
                problem = difference(english, spec)
            except SpecError as error:
                problem = str(error)
            if problem:
                warn(f"{path}: {problem}; French submissions get the English hints")
            else:
                specs["fr"] = spec
        return cls(english, specs)

    def spec(self, language: str) -> ExerciseSpec:
        """The spec whose hints a submission in `language` reads (English when none)."""
        return self.specs.get(language, self.english)

    def fingerprint(self) -> str:
        """The English spec's fingerprint, and the translations' (a changed hint regrades)."""
        if not self.specs:
            return self.english.fingerprint()
        text = "+".join([self.english.fingerprint(),
                         *(f"{k}:{s.fingerprint()}" for k, s in sorted(self.specs.items()))])
        return hashlib.sha256(text.encode()).hexdigest()[:16]
