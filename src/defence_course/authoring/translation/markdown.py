"""A MyST text source cut into what is translated and what is kept.

The front matter's `questions` and `objectives` (and the minutes' notes) are messages; the body is
cut at cell markers (`+++` lines and code-cell fences) into Markdown, whose blocks (text between
blank lines) are messages, and code cells, whose comments and prose strings are (code.py). The
restart note's cell is kept as it is: the notebook builder fills it from its own catalog. Joining
the segments back gives the text source byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml

from defence_course.authoring.notebooks import NOTE_MARK
from defence_course.authoring.translation import code

FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?\n)---\n", re.S)
#: Front-matter fields a learner reads (lists of lines or one line).
FRONT_TEXT = ("questions", "objectives", "teaching_note", "exercises_note")
FENCE_OPEN = "```{code-cell}"
FENCE_CLOSE = "```"


@dataclass(frozen=True)
class Segment:
    """A run of the body: "block" (a Markdown block), "code" (a cell's code), or "keep" (kept as is)."""

    kind: str
    text: str


def split_front(text: str) -> tuple[str, str]:
    """The front matter (with its `---` lines, or "") and the body after it."""
    match = FRONT_MATTER.match(text)
    return (match.group(0), text[match.end():]) if match else ("", text)


def front_values(front: str) -> dict[str, object]:
    """The front matter as data (empty when there is none)."""
    match = FRONT_MATTER.match(front)
    data = yaml.safe_load(match.group("yaml")) if match else None
    return data if isinstance(data, dict) else {}


def front_messages(front: str) -> Iterator[str]:
    """The learner-facing lines of the front matter, in order."""
    data = front_values(front)
    for key in FRONT_TEXT:
        value = data.get(key)
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))


def _markdown(lines: list[str], note: bool) -> Iterator[Segment]:
    """Markdown lines as blocks and the blank lines between them (a note's cell is kept whole)."""
    if note:
        yield Segment("keep", "".join(lines))
        return
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line)
            continue
        if block:
            yield from _block(block)
            block = []
        yield Segment("keep", line)
    if block:
        yield from _block(block)


def _block(lines: list[str]) -> Iterator[Segment]:
    """One block, its final newline kept apart so a translation need not end with one."""
    text = "".join(lines)
    body = text.rstrip("\n")
    yield Segment("block", body)
    if len(text) > len(body):
        yield Segment("keep", text[len(body):])


def segments(body: str) -> list[Segment]:
    """The body cut into blocks, code cells and kept runs; "".join(texts) gives the body back."""
    lines = body.splitlines(keepends=True)
    out: list[Segment] = []
    pending: list[str] = []
    note = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip("\n")
        if stripped.startswith("+++") or stripped.startswith(FENCE_OPEN):
            out.extend(_markdown(pending, note))
            pending = []
            out.append(Segment("keep", line))
            note = stripped == NOTE_MARK
            if stripped.startswith(FENCE_OPEN):
                end = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip("\n") == FENCE_CLOSE),
                           len(lines))
                out.append(Segment("code", "".join(lines[i + 1:end])))
                i = end
                if i < len(lines):
                    out.append(Segment("keep", lines[i]))
                note = False
        else:
            pending.append(line)
        i += 1
    out.extend(_markdown(pending, note))
    return [s for s in out if s.text or s.kind == "code"]


def messages(text: str) -> list[str]:
    """Every message of a text source, in reading order (repeats included)."""
    front, body = split_front(text)
    found = list(front_messages(front))
    for segment in segments(body):
        if segment.kind == "block":
            found.append(segment.text)
        elif segment.kind == "code":
            found.extend(code.messages(segment.text))
    return found


def _translate_front(front: str, lookup: Callable[[str], str]) -> str:
    """The front matter with its learner-facing values translated (the rest unchanged)."""
    data = front_values(front)
    if not data:
        return front
    for key in FRONT_TEXT:
        value = data.get(key)
        if isinstance(value, str):
            data[key] = lookup(value)
        elif isinstance(value, list):
            data[key] = [lookup(v) if isinstance(v, str) else v for v in value]
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{dumped}---\n"


def translate(text: str, lookup: Callable[[str], str]) -> str:
    """The text source with every message replaced by `lookup(message)`."""
    front, body = split_front(text)
    out = [_translate_front(front, lookup)]
    for segment in segments(body):
        if segment.kind == "block":
            out.append(lookup(segment.text))
        elif segment.kind == "code":
            out.append(code.translate(segment.text, lookup))
        else:
            out.append(segment.text)
    return "".join(out)
