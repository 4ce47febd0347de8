"""What the student sees in a notebook: which question a cell belongs to, its first line, an
untouched function stub, and the text a student wrote outside the answer cells.

Students cannot see "cell 11" (a count of code cells); they see the question headings
(`## q5 · ...`, docs/exercise-format.md) and their own code. These helpers read the notebook's
cells (plain JSON dicts, in the trusted parent: nothing is run) so messages can say "the cell
under q5 that starts `while True:`".
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from defence_course.i18n import _

__all__ = ["added_text", "cell_questions", "code_text", "describe_cell", "first_line",
           "handed_out_lines", "untouched_function"]

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
        return _("a cell")
    start = first_line(code_cells[index])
    if index < len(questions) and questions[index]:
        return _("the cell under {question} that starts `{start}`").format(
            question=questions[index], start=start)
    return _("the cell before the first question that starts `{start}`").format(start=start)


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


def _is_code(text: str) -> bool:
    """A comment that is itself Python (`# x = sorted(y)`): commented-out code, not prose."""
    try:
        tree = ast.parse(text.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    body = tree.body
    return bool(body) and not (len(body) == 1 and isinstance(body[0], ast.Expr)
                               and isinstance(body[0].value, (ast.Name, ast.Constant)))


def code_text(source: str) -> list[str]:
    """The prose in a code cell: its comments (not commented-out code) and its string
    statements (docstrings); all of a cell that is not Python (an answer typed as text)."""
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, ValueError, RecursionError, MemoryError, tokenize.TokenError):
        return source.splitlines()
    found = [(t.start[0], [t.string.lstrip("#")]) for t in tokens
             if t.type == tokenize.COMMENT and not _is_code(t.string.lstrip("#"))]
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, str):
            found.append((node.lineno, node.value.value.splitlines()))
    return [line for _, lines in sorted(found, key=lambda item: item[0]) for line in lines]


def _text_lines(cell: Mapping[str, Any]) -> list[str]:
    """The lines of a cell a marker reads as prose (Markdown, raw, or code's comments)."""
    kind, source = cell.get("cell_type"), _source(cell)
    if kind in ("markdown", "raw"):
        return source.splitlines()
    return code_text(source) if kind == "code" else []


def handed_out_lines(sources: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Every line the exercise hands out, from (cell type, source) pairs: the lines as they
    are and the prose of its code cells (docstrings without their quotes)."""
    lines: set[str] = set()
    for kind, source in sources:
        lines.update(line.strip() for line in source.splitlines())
        lines.update(line.strip() for line in _text_lines({"cell_type": kind, "source": source}))
    return frozenset(lines)


def _near(headings: Sequence[str | None], index: int) -> str:
    """The question a cell is near: the heading above it, else the first one below it."""
    above = headings[index]
    if above:
        return above
    return next((h for h in headings[index:] if h), "")


def added_text(cells: Sequence[Mapping[str, Any]], handed_out: frozenset[str],
               meta_key: str = "defence_course") -> dict[str, list[str]]:
    """Text the student wrote outside the tagged answer cells, by the question it is near:
    lines of Markdown (a prompt cell too) or raw cells, comments and docstrings in code, and
    Markdown above the first heading, that the exercise did not hand out."""
    headings: list[str | None] = []
    current: str | None = None
    for cell in cells:
        current = _heading(cell) or current
        headings.append(current)
    found: dict[str, list[str]] = {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata")
        if isinstance(meta, Mapping) and isinstance(meta.get(meta_key), Mapping):
            continue  # the tagged answer cell itself
        new = [line.strip() for line in _text_lines(cell)
               if line.strip() and line.strip() not in handed_out]
        if new:
            found.setdefault(_near(headings, index), []).append("\n".join(new))
    return found
