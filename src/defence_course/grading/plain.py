"""Learners' answers as plain JSON data, so nothing of theirs reaches a comparison; canonical hashes."""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from defence_course.i18n import N_, _

DEFAULT_ROUND = 6
#: Caps on what one answer may serialise to, so a learner's huge object cannot flood the grader.
MAX_ITEMS = 200_000
MAX_DEPTH = 20
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()
"""Stands for an answer the learner never defined."""


class _TooLarge(Exception):
    """Internal: the answer exceeds MAX_ITEMS/MAX_DEPTH."""


def to_plain(value: Any) -> Any:
    """Convert a learner's answer to JSON-ready plain data, so nothing custom reaches a comparison.

    Plain JSON scalars and lists stand for themselves; every other type becomes a tagged
    object ``{"__type__": ...}`` (dicts, sets, DataFrames, Series, functions, unsupported types),
    so a learner's own dict can never be mistaken for a tag.
    """
    budget = [MAX_ITEMS]
    try:
        return _plain(value, 0, budget)
    except _TooLarge:
        return {"__type__": "too_large", "class": type(value).__name__}


def _plain(value: Any, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _TooLarge
    if value is None:
        return None
    if value is Ellipsis:
        return {"__type__": "ellipsis"}
    type_name = type(value).__name__
    module = type(value).__module__ or ""
    if isinstance(value, bool) or (type_name in ("bool_", "bool") and module.startswith("numpy")):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item, depth + 1, budget) for item in value]
    if isinstance(value, (set, frozenset)):
        items = [_plain(item, depth + 1, budget) for item in value]
        return {"__type__": "set", "items": sorted(items, key=_sort_key)}
    if isinstance(value, dict):
        pairs = [[_plain(k, depth + 1, budget), _plain(v, depth + 1, budget)]
                 for k, v in value.items()]
        return {"__type__": "dict", "items": pairs}
    if module.startswith("pandas"):
        return _plain_pandas(value, type_name, depth, budget)
    if module.startswith("numpy") and hasattr(value, "tolist"):
        return _plain(value.tolist(), depth + 1, budget)
    if hasattr(value, "isoformat") and module in ("datetime", "pandas._libs.tslibs.timestamps"):
        return str(value.isoformat())
    if callable(value):
        return {"__type__": "function", "name": str(getattr(value, "__name__", type_name))}
    return {"__type__": "unsupported", "class": type_name}


def _plain_pandas(value: Any, type_name: str, depth: int, budget: list[int]) -> Any:
    import pandas as pd  # only when a pandas object is being serialised

    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return str(value.isoformat())
    if isinstance(value, pd.DataFrame):
        budget[0] -= value.size
        if budget[0] < 0:
            raise _TooLarge
        frame = value.astype(object).where(value.notna(), None)
        return {
            "__type__": "dataframe",
            "columns": [_plain(c, depth + 1, budget) for c in value.columns],
            "index": [_plain(i, depth + 1, budget) for i in value.index],
            "data": [[_plain(x, depth + 2, budget) for x in row]
                     for row in frame.itertuples(index=False, name=None)],
            "dtypes": [str(t) for t in value.dtypes],
        }
    if isinstance(value, pd.Series):
        budget[0] -= value.size
        if budget[0] < 0:
            raise _TooLarge
        data = value.astype(object).where(value.notna(), None)
        return {
            "__type__": "series",
            "name": _plain(value.name, depth + 1, budget),
            "index": [_plain(i, depth + 1, budget) for i in value.index],
            "data": [_plain(x, depth + 1, budget) for x in data.tolist()],
            "dtype": str(value.dtype),
        }
    if isinstance(value, pd.Index):
        return [_plain(i, depth + 1, budget) for i in value.tolist()]
    return {"__type__": "unsupported", "class": type_name}


def _sort_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=str)


def call_key(args: list[Any], kwargs: Mapping[str, Any]) -> str:
    """The key under which a function's result for these arguments travels back from the sandbox."""
    return json.dumps([list(args), dict(kwargs)], sort_keys=True, separators=(",", ":"))


def call_function(func: Callable[..., Any], calls: Iterable[tuple[list[Any], dict[str, Any]]]
                  ) -> dict[str, Any]:
    """Call a learner's function on each argument set and keep plain results or error texts."""
    results: dict[str, Any] = {}
    for args, kwargs in calls:
        try:
            results[call_key(args, kwargs)] = {"ok": to_plain(func(*args, **kwargs))}
        except Exception as error:  # a learner's bug: report it, never propagate it
            results[call_key(args, kwargs)] = {"error": f"{type(error).__name__}: {error}"[:300]}
    return results



def kind_of(value: Any) -> str:
    """The type name of a plain value, as used by `type:` checks."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return str(value.get("__type__", "unsupported"))
    return "unsupported"


_KIND_NAMES = {"none": "None", "dataframe": N_("a DataFrame"), "series": N_("a Series"),
               "list": N_("a list"), "dict": N_("a dict"), "set": N_("a set"), "str": N_("a string"),
               "int": N_("a whole number"), "float": N_("a number"), "bool": N_("True/False"),
               "function": N_("a function"), "ellipsis": N_("the ... placeholder"),
               "too_large": N_("an object too large to check")}
"""The learner-facing name of each plain kind (`describe`)."""


def describe(value: Any) -> str:
    """A short learner-facing name for the type of a plain value."""
    kind = kind_of(value)
    if kind == "unsupported":
        return _("an object of type {name}").format(name=value.get("class", "?"))
    return _(_KIND_NAMES[kind]) if kind in _KIND_NAMES else kind


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _normalise(value: Any, digits: int, unordered: bool) -> Any:
    """Canonical form for hashing: floats rounded, unordered lists and sets sorted."""
    if isinstance(value, dict) and value.get("__type__") == "set":
        return _normalise(value["items"], digits, True)
    if isinstance(value, dict) and value.get("__type__") == "dict":
        pairs = [[_normalise(k, digits, False), _normalise(v, digits, unordered)]
                 for k, v in value["items"]]
        return {"__pairs__": sorted(pairs, key=_sort_key)}
    if isinstance(value, dict) and "__type__" not in value:  # an expected mapping from YAML
        pairs = [[_normalise(k, digits, False), _normalise(v, digits, unordered)]
                 for k, v in value.items()]
        return {"__pairs__": sorted(pairs, key=_sort_key)}
    if is_number(value):
        number = round(float(value), digits)
        return int(number) if number.is_integer() else number
    if isinstance(value, list):
        items = [_normalise(v, digits, False) for v in value]
        return sorted(items, key=_sort_key) if unordered else items
    return value


def hash_value(value: Any, exercise: str, digits: int = DEFAULT_ROUND,
               unordered: bool = False) -> str:
    """Salted SHA-256 of a value's canonical form (public `equals` ship only as this)."""
    text = json.dumps(_normalise(value, digits, unordered), sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{exercise}\x00{text}".encode()).hexdigest()

