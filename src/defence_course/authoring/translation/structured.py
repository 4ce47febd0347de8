"""The text of a quiz bank or an exercise spec: the only fields a translation may change.

Both are YAML mappings; a field named in TEXT_KEYS holds text (a string, a list of strings, or a
mapping of strings, as a numeric question's `feedback: {low: ..., high: ...}`), everything else
(ids, types, answers, numbers, URLs, checks) is the same in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

#: Quiz banks (docs/quiz-format.md) and exercise specs (docs/exercise-format.md): fields read as text.
TEXT_KEYS = frozenset({
    "title", "prompt", "text", "feedback", "explanation", "left", "right", "distractors", "unit",
    "hint", "message", "rubric",
})
#: Inside a text field these stay as they are (a source's link).
NEVER_TEXT = frozenset({"url"})


def _strings(value: Any, lookup: Callable[[str], str] | None, found: list[str]) -> Any:
    """Every string under a text field (collected, and translated when `lookup` is given)."""
    if isinstance(value, str):
        found.append(value)
        return lookup(value) if lookup else value
    if isinstance(value, list):
        return [_strings(v, lookup, found) for v in value]
    if isinstance(value, dict):
        return {k: v if k in NEVER_TEXT else _strings(v, lookup, found) for k, v in value.items()}
    return value


def _walk(node: Any, lookup: Callable[[str], str] | None, found: list[str]) -> Any:
    """The node with its text fields' strings collected (and translated)."""
    if isinstance(node, list):
        return [_walk(v, lookup, found) for v in node]
    if isinstance(node, dict):
        return {key: (_strings(value, lookup, found) if key in TEXT_KEYS
                      else _walk(value, lookup, found)) for key, value in node.items()}
    return node


def messages(document: Any) -> Iterator[str]:
    """The document's text, in reading order."""
    found: list[str] = []
    _walk(document, None, found)
    yield from found


def translate(document: Any, lookup: Callable[[str], str]) -> Any:
    """A copy of the document with every text string replaced by `lookup(text)`."""
    return _walk(document, lookup, [])


def skeleton(document: Any) -> Any:
    """The document with its text blanked: two languages' documents must have equal skeletons."""
    return _walk(document, lambda _text: "", [])
