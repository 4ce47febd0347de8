"""A code cell's translatable parts: its comments and its prose strings; everything else is code.

A string literal is prose when its text holds a letter and a space (a plot title, a printed
sentence); one without a space (a column name, `"2025-06-23"`, a dataset's name) is code and never
translated. Lines that mark solutions (`# BEGIN SOLUTION ...`, `# END SOLUTION`) are code too.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: Comments the exercise builder reads: they stay as written.
MARKER = re.compile(r"#\s*(BEGIN|END) (SOLUTION|HIDDEN)|#\s*[A-Z][A-Z ]{3,}(:|$)")
_STRING_BODY = re.compile(r"^[rbuRBUfF]*('''|\"\"\"|'|\")(?P<body>.*)\1$", re.S)


@dataclass(frozen=True)
class Piece:
    """One token of a code cell: its kind, where it sits, and its text."""

    kind: str  # "comment", "prose" (a translatable string) or "code"
    start: tuple[int, int]
    end: tuple[int, int]
    text: str


def is_string(token: str) -> bool:
    """Whether a token is a string literal (with its quotes and prefix)."""
    return _STRING_BODY.match(token) is not None


def _is_prose(token: str) -> bool:
    """A string literal whose text a learner reads: it has a letter and a space."""
    match = _STRING_BODY.match(token)
    body = match.group("body") if match else token
    return bool(re.search(r"[^\W\d_]", body)) and bool(re.search(r"\s", body))


def _kind(token: tokenize.TokenInfo) -> str:
    if token.type == tokenize.COMMENT:
        return "code" if MARKER.match(token.string) else "comment"
    if token.type == tokenize.STRING and _is_prose(token.string):
        return "prose"
    return "code"


def pieces(source: str) -> list[Piece] | None:
    """The cell's tokens, or None when Python cannot tokenize it (IPython syntax): then all is code."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    if any(t.type == tokenize.ERRORTOKEN and t.string.strip() for t in tokens):  # `%magic`, `!shell`
        return None
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    return [Piece(_kind(t), t.start, t.end, t.string) for t in tokens if t.type not in skip]


def comment_text(comment: str) -> str:
    """A comment's message: its words without the `#` and the space after it."""
    return comment[1:].strip()


def messages(source: str) -> Iterator[str]:
    """The cell's messages in order: comments' words and prose strings (with their quotes)."""
    for piece in pieces(source) or []:
        if piece.kind == "comment":
            yield comment_text(piece.text)
        elif piece.kind == "prose":
            yield piece.text


def _offset(lines: list[str], at: tuple[int, int]) -> int:
    """The character offset in the cell of a tokenize (row, column) position."""
    return sum(len(line) for line in lines[:at[0] - 1]) + at[1]


def translate(source: str, lookup: Callable[[str], str]) -> str:
    """The cell with each comment and prose string replaced by its translation (code untouched)."""
    found = pieces(source)
    if not found:
        return source
    lines = source.splitlines(keepends=True)
    out = source
    for piece in reversed(found):
        if piece.kind == "code":
            continue
        new = "# " + lookup(comment_text(piece.text)) if piece.kind == "comment" else lookup(piece.text)
        begin, end = _offset(lines, piece.start), _offset(lines, piece.end)
        out = out[:begin] + new + out[end:]
    return out
