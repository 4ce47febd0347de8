"""Reading bank files: YAML (or JSON) with line numbers, and the context that makes errors point at them."""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from defence_course.quiz.model import QuizFormatError

# --------------------------------------------------------------------------- YAML with lines


class LineMap(dict):  # type: ignore[type-arg]
    """A dict that remembers the line of each key, so errors can point at the line to fix."""

    line: int | None = None
    key_lines: dict[Any, int]

    def line_of(self, key: str | None) -> int | None:
        if key is not None and key in getattr(self, "key_lines", {}):
            return self.key_lines[key]
        return self.line


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records line numbers and refuses duplicate keys."""


def _construct_line_map(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    mapping = LineMap()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a plain value, not {type(key).__name__}",
                key_node.start_mark,
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {mapping.key_lines[key]})",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_map)


def parse_text(text: str, path: Path) -> Any:
    """Parse YAML or JSON text; syntax errors become a QuizFormatError with the line number."""
    if path.suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            raise QuizFormatError(
                f"JSON syntax error: {error.msg} (column {error.colno})",
                file=path, line=error.lineno,
            ) from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        context = error.context or ""
        if error.context_mark is not None and error.context_mark.line + 1 != line:
            # e.g. an unclosed quote: the problem is found at the end, the cause is earlier.
            context += f" (line {error.context_mark.line + 1})"
        problem = " ".join(p for p in (context, error.problem) if p)
        if path.suffix == ".json":  # valid JSON that YAML 1.1 rejects: fall back, lose lines
            return json.loads(text)
        raise QuizFormatError(
            f"YAML syntax error: {problem}; check indentation and quotes", file=path, line=line
        ) from None
    except yaml.YAMLError as error:
        raise QuizFormatError(f"YAML error: {error}", file=path) from None


# --------------------------------------------------------------------------- validation helpers


@dataclass
class Ctx:
    """Where we are while validating, so every error names file, question and line."""

    file: Path | None
    question: str | None = None

    def fail(self, problem: str, field_name: str | None = None, node: Any = None) -> QuizFormatError:
        line = node.line_of(field_name) if isinstance(node, LineMap) else None
        return QuizFormatError(
            problem, file=self.file, question=self.question, field=field_name, line=line
        )

    def text(self, node: Mapping[str, Any], name: str, *, required: bool = True) -> str:
        value = node.get(name)
        if value is None:
            if required:
                raise self.fail(f"missing; add `{name}:` with some text", name, node)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(f"must be text, got {type(value).__name__}", name, node)
        value = str(value).strip()
        if required and not value:
            raise self.fail("is empty; write some text", name, node)
        return value

    def number(self, node: Mapping[str, Any], name: str, value: Any = None) -> float:
        value = node.get(name) if value is None else value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value
        ):
            raise self.fail(f"must be a number, got {value!r}", name, node)
        return float(value)

    def bounds(self, node: Mapping[str, Any], name: str) -> tuple[float, float]:
        """Read `name: [low, high]`: two numbers, low not above high (ours and jupyterquiz's)."""
        pair = node[name]
        if not isinstance(pair, list) or len(pair) != 2:
            raise self.fail("must be two numbers, [low, high]", name, node)
        low, high = (self.number(node, name, b) for b in pair)
        if low > high:
            raise self.fail(f"low ({low:g}) is above high ({high:g}); swap them", name, node)
        return low, high

    def flag(self, node: Mapping[str, Any], name: str, default: bool) -> bool:
        value = node.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(f"must be true or false, got {value!r}", name, node)
        return value

    def no_unknown(self, node: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
        allowed = tuple(allowed)
        for key in node:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(
                    f"unknown field in {what}{did_you_mean}; allowed: {', '.join(allowed)}",
                    str(key), node,
                )


def is_map(value: object) -> TypeGuard[Mapping[str, Any]]:
    """A YAML mapping (the loader's line-tracking dicts included); narrows the type for mypy."""
    return isinstance(value, Mapping)

