"""What the tests refuse in a translation: stale or missing messages, parity, numbers, glossary.

Each function returns a list of problems, each naming the file and the message, empty when all is
well, so `defence-course translations --check` and the tests say the same thing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from defence_course.authoring.translation import build, catalogs, structured
from defence_course.authoring.translation.align import first_difference
from defence_course.quiz.banks import decode_bank_text

GLOSSARY = catalogs.LOCALE_DIR / "{language}" / "glossary.csv"
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
#: A quoted span, French or English quotation marks.
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|“[^”]*”")
#: A link's target: its digits are an address, not a fact.
_URL = re.compile(r"<?https?://[^\s>)]+>?")
#: Inline code and code-like words (`EU+NATO`, `allies.pivot(...)`): a glossary term there is code.
_CODE_LIKE = re.compile(r"(`+).*?\1|\S*[+_=()\[\]]\S*", re.S)


def untranslated(root: Path, language: str = "fr") -> list[str]:
    """Each English message with no usable translation (missing, empty, or fuzzy after a change)."""
    return [problem for source in build.sources(root) for problem in catalogs.problems(
        catalogs.catalog_path(root, source.kind, source.name, language), build.messages(source),
        language)]


def _entries(root: Path, language: str) -> Iterator[tuple[Path, str, str]]:
    """(catalog, English, French) for every translated, current message."""
    for source in build.sources(root):
        path = catalogs.catalog_path(root, source.kind, source.name, language)
        catalog = catalogs.read(path, language)
        for message in dict.fromkeys(build.messages(source)):
            entry = catalog.get(message)
            if entry is not None and entry.string and not entry.fuzzy:
                yield path, message, str(entry.string)


def numbers(text: str, *, french: bool) -> set[str]:
    """The numbers in a text, written one way: no group separators, a decimal point."""
    found: set[str] = set()
    for raw in _NUMBER.findall(text):
        groups = re.split(r"[\u00a0\u202f ]", raw) if french else [raw]
        value = "".join(groups) if all(len(g) == 3 for g in groups[1:]) else None
        for part in ([value] if value else groups):
            if french:
                part = part.replace(",", ".")
            elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", part):
                part = part.replace(",", "")
            found.update(part.split(",") if not french else [part])
    return found


def number_problems(root: Path, language: str = "fr") -> list[str]:
    """Each translation with a number (or date) its English message does not have."""
    problems = []
    for path, english, french in _entries(root, language):
        extra = numbers(_URL.sub(" ", french), french=True) - numbers(_URL.sub(" ", english), french=False)
        if extra:
            problems.append(f"{path}: {', '.join(sorted(extra))} in the French but not the English of "
                            f"{english.strip().splitlines()[0][:70]!r}")
    return problems


@dataclass(frozen=True)
class Term:
    """A glossary row: the English term, its French (alternatives split by `|`), the French's source."""

    english: str
    french: tuple[str, ...]
    source: str

    def used_in(self, text: str) -> bool:
        """Whether the English term is in the prose as a whole word (not in code, `allies.pivot`).

        A capitalised term matches its case only (`Allies`, not the variable `allies`).
        """
        prose = _CODE_LIKE.sub(" ", text)
        flags = 0 if self.english[:1].isupper() else re.IGNORECASE
        return re.search(rf"(?<!\w){re.escape(self.english)}(?!\w)", prose, flags) is not None

    def rendered_in(self, text: str) -> bool:
        """Whether one of the French renderings appears (case and line breaks aside), or the English
        term stays inside quotes (a data value or a title quoted as it is: « NATO Europe and Canada »)."""
        folded = " ".join(text.split()).casefold()
        if any(" ".join(f.split()).casefold() in folded for f in self.french):
            return True
        return any(self.english in quoted for quoted in _QUOTED.findall(" ".join(text.split())))


def glossary(root: Path, language: str = "fr") -> list[Term]:
    """The course's glossary (text/locale/<language>/glossary.csv): one French term per English."""
    path = root / str(GLOSSARY).format(language=language)
    with path.open(encoding="utf-8", newline="") as handle:
        return [Term(row["en"].strip(), tuple(f.strip() for f in row[language].split("|")),
                     row["source"].strip()) for row in csv.DictReader(handle)]


def glossary_problems(root: Path, language: str = "fr") -> list[str]:
    """Each translation of a glossary term that is not the glossary's French (a term translated two ways)."""
    terms = glossary(root, language)
    problems = []
    for path, english, french in _entries(root, language):
        if english.startswith(("'", '"', "f'", 'f"')):  # a string in code: data, not prose
            continue
        for term in terms:
            if term.used_in(english) and not term.rendered_in(french):
                problems.append(f"{path}: {term.english!r} is not translated as {term.french[0]!r} in "
                                f"{english.strip().splitlines()[0][:60]!r}")
    return problems


def _load_bank(path: Path) -> Any:
    return yaml.safe_load(decode_bank_text(path))


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _skeleton_problem(english: Any, french: Any, where: str) -> str | None:
    differs = first_difference(structured.skeleton(english), structured.skeleton(french))
    if differs:
        return f"{where}: the French differs from the English outside its text, first at {differs}"
    return None


def parity_problems(root: Path, language: str = "fr") -> list[str]:
    """Each French bank or spec that differs from its English in anything but text, or is missing."""
    problems = []
    for source in build.sources(root):
        if source.kind == "quizzes":
            french = root / "lessons" / language / "quizzes" / source.path.name
            load: Callable[[Path], Any] = _load_bank
        elif source.kind == "checks":
            french = root / "instructor" / "checks" / language / source.path.name
            load = _load_yaml
        else:
            continue
        if not french.is_file():
            problems.append(f"{french.relative_to(root)} is missing: run `make notebooks`")
            continue
        problem = _skeleton_problem(load(source.path), load(french), str(french.relative_to(root)))
        if problem:
            problems.append(problem)
    return problems
