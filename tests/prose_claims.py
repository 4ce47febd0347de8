"""Shared by the lesson facts tests: find the numbers a lesson's prose quotes and check them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import nbformat

WORDS = {
    "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# A claim: a regex on the lesson's markdown and a function giving (what the prose says, what the
# data says) pairs for one match. Every claim must be found at least once, so a rewritten
# sentence that drops a number is noticed too.
Check = Callable[[re.Match[str], Any], Iterator[tuple[str, object, object]]]
Claims = Mapping[str, tuple[str, Check]]


def number(text: str) -> int:
    """Read '23', 'none' or 'Nine' as an int, so prose may spell small numbers out."""
    return int(text) if text.isdigit() else WORDS[text.lower()]


def names(text: str) -> set[str]:
    """Split 'A, B, the C and D' into {'A', 'B', 'C', 'D'} (lessons write 'the United ...')."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", " ".join(text.split()).strip().rstrip("."))
    return {re.sub(r"^the\s+", "", p.strip()) for p in parts if p.strip()}


def markdown_cells(notebook: Path) -> tuple[str, ...]:
    """The text of every markdown cell as a learner reads it (an escaped `\\$` shows as `$`), in order."""
    cells = nbformat.read(notebook, as_version=4).cells
    return tuple(c.source.replace("\\$", "$") for c in cells if c.cell_type == "markdown")


def same(said: object, actual: object) -> bool:
    """Equal, with floats compared as numbers (1.47 == 1.4700000001 read from a CSV)."""
    if isinstance(said, float) or isinstance(actual, float):
        return math.isclose(float(said), float(actual), abs_tol=1e-9)  # type: ignore[arg-type]
    return said == actual


def claim_problems(
    text: str, claims: Claims, data: object, module: str, dotall: Iterable[str] = ()
) -> list[str]:
    """Every quoted value that disagrees with the data, or claim no longer found, as a message."""
    problems = []
    multiline = set(dotall)
    for name, (pattern, check) in claims.items():
        matches = list(re.finditer(pattern, text, flags=re.DOTALL if name in multiline else 0))
        if not matches:
            problems.append(f"{name}: claim not found in the markdown: update CLAIMS in {module}")
        for match in matches:
            try:
                results = list(check(match, data))
            except (KeyError, IndexError, ValueError) as error:
                problems.append(f"{name}: prose names something the data lacks: {error!r}")
                continue
            for what, said, actual in results:
                if not same(said, actual):
                    problems.append(f"{name}: prose says {what} = {said!r}, data says {actual!r}")
    return problems


def assert_wrong_text_is_reported(
    cells: Iterable[str], right: str, wrong: str, reported: str, problems_of: Callable[[list[str]], list[str]]
) -> None:
    """A check can fail: replacing `right` with `wrong` in the prose is caught under `reported`."""
    cells = list(cells)
    assert any(right in cell for cell in cells), f"fixture out of date: {right!r} not in the lesson"
    problems = problems_of([cell.replace(right, wrong) for cell in cells])
    assert problems, f"changing {right!r} to {wrong!r} went unnoticed"
    assert any(p.startswith(reported) for p in problems), problems


# A wording rule: phrases a passage must contain and phrases it must not, so a corrected framing
# (a fact the review fixed) cannot quietly come back.
Wording = Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]


def wording_problems(text: str, rules: Wording) -> list[str]:
    """Each rule broken by `text` (case-insensitive, whitespace-normalised), as a message."""
    flat = " ".join(text.split()).lower()
    problems = []
    for name, (must, must_not) in rules.items():
        problems += [f"{name}: missing {m!r}" for m in must if " ".join(m.split()).lower() not in flat]
        problems += [f"{name}: says {m!r}" for m in must_not if " ".join(m.split()).lower() in flat]
    return problems


def quiz_ids_shown(notebook: Path, bank: str) -> list[str]:
    """The question ids a lesson shows with show_quiz(bank, id), in order; each cell imports show_quiz."""
    cells = [c.source for c in nbformat.read(notebook, as_version=4).cells
             if c.cell_type == "code" and "show_quiz(" in c.source]
    assert all("from defence_course.quiz import show_quiz" in c for c in cells)
    return [m[1] for c in cells for m in re.finditer(rf'show_quiz\("{bank}", "(\w+)"\)', c)]


def repeated_prompts(
    prompts: Iterable[str], earlier: Iterable[str], ratio: float = 0.6
) -> list[tuple[str, str]]:
    """Pairs of quiz prompts that ask the same question in other words (`ratio` of words in order)."""
    import difflib

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    earlier = list(earlier)
    return [(p, e) for p in prompts for e in earlier
            if difflib.SequenceMatcher(None, words(p), words(e)).ratio() >= ratio]
