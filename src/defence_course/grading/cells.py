"""What the student sees in a notebook: which question a cell belongs to, its first line, an
untouched function stub, and the Markdown cells a student added near a question.

Students cannot see "cell 11" (a count of code cells); they see the question headings
(`## q5 · ...`, docs/exercise-format.md) and their own code. These helpers read the notebook's
cells (plain JSON dicts, in the trusted parent: nothing is run) so messages can say "the cell
under q5 that starts `while True:`".
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["added_markdown", "cell_questions", "describe_cell", "first_line", "untouched_function"]

HEADING = re.compile(r"^\s*#{1,6}\s*(?P<qid>q\d+)\b", re.IGNORECASE)
FIRST_LINE_CHARS = 60


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _heading(cell: Mapping[str, Any]) -> str | None:
    """The question id a Markdown cell's first line names as a heading (`## q5 · ...`)."""
    if cell.get("cell_type") != "markdown":
        return None
    match = HEADING.match(_source(cell).lstrip().split("\n", 1)[0])
    return match["qid"].lower() if match else None


def cell_questions(cells: Sequence[Mapping[str, Any]]) -> list[str | None]:
    """For each code cell, in order, the question whose heading is the closest above it."""
    current: str | None = None
    out: list[str | None] = []
    for cell in cells:
        current = _heading(cell) or current
        if cell.get("cell_type") == "code":
            out.append(current)
    return out


def first_line(source: str) -> str:
    """The first line with code (comments and blank lines skipped), shortened for a message."""
    for line in source.splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            return text if len(text) <= FIRST_LINE_CHARS else text[:FIRST_LINE_CHARS - 1] + "…"
    return source.strip().split("\n", 1)[0][:FIRST_LINE_CHARS]


def describe_cell(code_cells: Sequence[str], questions: Sequence[str | None], index: int) -> str:
    """"the cell under q5 that starts `while True:`" (no invisible code-cell numbers)."""
    if not 0 <= index < len(code_cells):
        return "a cell"
    where = f"under {questions[index]}" if index < len(questions) and questions[index] else \
        "before the first question"
    return f"the cell {where} that starts `{first_line(code_cells[index])}`"


def _is_stub(body: Sequence[ast.stmt]) -> bool:
    """A body of only a docstring, `...` and `pass`: the exercise's placeholder, untouched."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (
                stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)):
            continue
        return False
    return True


def untouched_function(code_cells: Iterable[str], name: str) -> bool:
    """True when the last definition of function `name` is still the placeholder stub."""
    last: ast.FunctionDef | None = None
    for source in code_cells:
        if name not in source:  # no definition of it here: not worth parsing (~0.4 ms a notebook)
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                last = node
    return last is not None and _is_stub(last.body)


def added_markdown(cells: Sequence[Mapping[str, Any]], original: Iterable[str],
                   meta_key: str = "defence_course") -> dict[str, list[str]]:
    """Markdown cells the student wrote (not in the handed-out notebook, not a tagged answer
    cell), grouped by the question whose heading is the closest above them."""
    handed_out = {text.strip() for text in original}
    current: str | None = None
    found: dict[str, list[str]] = {}
    for cell in cells:
        heading = _heading(cell)
        current = heading or current
        if cell.get("cell_type") != "markdown" or heading or current is None:
            continue
        meta = cell.get("metadata")
        if isinstance(meta, Mapping) and isinstance(meta.get(meta_key), Mapping):
            continue  # the tagged answer cell itself
        text = _source(cell).strip()
        if text and text not in handed_out:
            found.setdefault(current, []).append(text)
    return found
