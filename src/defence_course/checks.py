"""Check specs for exercises: loading, the plain-data comparison engine, and the inline `check()`."""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from defence_course.errors import DefenceCourseError

__all__ = [
    "Check",
    "CheckOutcome",
    "ExerciseSpec",
    "Question",
    "QuestionOutcome",
    "SpecError",
    "call_key",
    "checker",
    "evaluate",
    "grade_question",
    "load_spec",
    "public_spec",
    "to_plain",
]

ASSERTIONS = ("type", "equals", "length", "range", "contains", "columns", "shape", "sha256")
SELECTORS = ("column", "at", "key", "index", "values")
MODIFIERS = ("public", "hint", "tolerance", "unordered", "round", "call", "kwargs", "message")
TYPE_NAMES = (
    "int", "float", "number", "str", "bool", "list", "set", "dict",
    "dataframe", "series", "function", "none",
)
KINDS = ("value", "function", "manual")
DEFAULT_TOLERANCE = 1e-6
DEFAULT_ROUND = 6
#: Caps on what one answer may serialise to, so a learner's huge object cannot flood the grader.
MAX_ITEMS = 200_000
MAX_DEPTH = 20
GRADING_ENV = "DEFENCE_COURSE_GRADING"
ROOT_ENV = "DEFENCE_COURSE_ROOT"
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


class SpecError(DefenceCourseError):
    """A check spec (YAML) is malformed: the message names the file, question and field to fix."""


# --------------------------------------------------------------------------------------------
# Serialisation to plain data (runs in the learner's process: inline, or in the grading sandbox)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One check: a selector, one assertion, modifiers (see docs/exercise-format.md)."""

    assertion: str
    expected: Any
    public: bool = False
    hint: str = ""
    tolerance: float = DEFAULT_TOLERANCE
    unordered: bool = False
    round_digits: int = DEFAULT_ROUND
    selector: tuple[str, Any] | None = None
    call: tuple[list[Any], dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The YAML form, used to write the public spec."""
        out: dict[str, Any] = {}
        if self.public:
            out["public"] = True
        if self.call is not None:
            out["call"] = list(self.call[0])
            if self.call[1]:
                out["kwargs"] = dict(self.call[1])
        if self.selector is not None:
            out[self.selector[0]] = self.selector[1]
        out[self.assertion] = self.expected
        if self.tolerance != DEFAULT_TOLERANCE:
            out["tolerance"] = self.tolerance
        if self.unordered:
            out["unordered"] = True
        if self.round_digits != DEFAULT_ROUND:
            out["round"] = self.round_digits
        if self.hint:
            out["hint"] = self.hint
        return out


@dataclass(frozen=True)
class Question:
    """A graded question: an id, points, the learner's named answer and its checks."""

    id: str
    points: float
    kind: str = "value"
    answer: str = ""
    prompt: str = ""
    rubric: str = ""
    checks: tuple[Check, ...] = ()
    hidden_checks: int = 0

    @property
    def calls(self) -> list[tuple[list[Any], dict[str, Any]]]:
        """The distinct argument sets the sandbox must call the learner's function with."""
        seen: dict[str, tuple[list[Any], dict[str, Any]]] = {}
        for chk in self.checks:
            if chk.call is not None:
                seen.setdefault(call_key(*chk.call), chk.call)
        return list(seen.values())


@dataclass(frozen=True)
class ExerciseSpec:
    """All questions of one exercise, from the instructor spec or its public copy."""

    exercise: str
    title: str
    questions: tuple[Question, ...]
    source: Path | None = None

    def question(self, question_id: str) -> Question:
        """Look a question up by id, with a message listing the valid ids."""
        for q in self.questions:
            if q.id == question_id:
                return q
        ids = ", ".join(q.id for q in self.questions)
        raise SpecError(f"{self.exercise} has no question {question_id!r}; its questions: {ids}")

    @property
    def max_points(self) -> float:
        """The exercise's total points."""
        return float(sum(q.points for q in self.questions))

    def fingerprint(self) -> str:
        """A hash of the checks, so resumed grading redoes everyone when the checks change."""
        text = json.dumps(
            [[q.id, q.points, q.kind, q.answer, [c.to_dict() for c in q.checks]]
             for q in self.questions], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_spec(path: Path | str) -> ExerciseSpec:
    """Read and validate a check spec (instructor or public), failing with what to fix."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SpecError(f"check spec not found: {path}") from error
    except yaml.YAMLError as error:
        raise SpecError(f"{path}: not valid YAML: {error}") from error
    return parse_spec(raw, source=path)


def parse_spec(raw: Any, *, source: Path | None = None) -> ExerciseSpec:
    """Validate a spec already read from YAML/JSON."""
    where = str(source) if source else "check spec"
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: the top level must be a mapping with exercise, title, questions")
    exercise = raw.get("exercise")
    if not isinstance(exercise, str) or not exercise:
        raise SpecError(f"{where}: set `exercise:` to the exercise's file stem, e.g. ex02-two-clubs")
    questions_raw = raw.get("questions")
    if not isinstance(questions_raw, list) or not questions_raw:
        raise SpecError(f"{where}: `questions:` must be a non-empty list")
    questions = []
    seen: set[str] = set()
    for number, q in enumerate(questions_raw, start=1):
        question = _parse_question(q, f"{where}, question #{number}")
        if question.id in seen:
            raise SpecError(f"{where}: question id {question.id!r} is used twice")
        seen.add(question.id)
        questions.append(question)
    return ExerciseSpec(exercise, str(raw.get("title", exercise)), tuple(questions), source)


def _parse_question(q: Any, where: str) -> Question:
    if not isinstance(q, dict):
        raise SpecError(f"{where}: each question must be a mapping")
    qid = q.get("id")
    if not isinstance(qid, str) or not qid:
        raise SpecError(f"{where}: give the question an `id:` such as q1")
    where = f"{where} ({qid})"
    unknown = set(q) - {"id", "points", "kind", "answer", "prompt", "rubric", "checks",
                        "hidden_checks"}
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {sorted(unknown)}")
    points = q.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise SpecError(f"{where}: `points:` must be a positive number")
    kind = q.get("kind", "value")
    if kind not in KINDS:
        raise SpecError(f"{where}: `kind:` must be one of {', '.join(KINDS)}")
    answer = q.get("answer", "")
    checks_raw = q.get("checks", [])
    if kind == "manual":
        if checks_raw:
            raise SpecError(f"{where}: a manual question has a rubric, not checks")
    else:
        if not isinstance(answer, str) or not answer.isidentifier():
            raise SpecError(f"{where}: `answer:` must be the Python name the learner defines")
        if not isinstance(checks_raw, list) or not checks_raw:
            raise SpecError(f"{where}: list at least one check under `checks:`")
    checks = tuple(
        _parse_check(c, kind, f"{where}, check {i}") for i, c in enumerate(checks_raw, start=1))
    hidden = q.get("hidden_checks", sum(not c.public for c in checks))
    if not isinstance(hidden, int) or hidden < 0:
        raise SpecError(f"{where}: `hidden_checks:` must be a count")
    return Question(qid, float(points), kind, answer, str(q.get("prompt", "")),
                    str(q.get("rubric", "")), checks, hidden)


def _parse_check(c: Any, kind: str, where: str) -> Check:
    if not isinstance(c, dict):
        raise SpecError(f"{where}: a check must be a mapping such as {{length: 4}}")
    unknown = set(c) - set(ASSERTIONS) - set(SELECTORS) - set(MODIFIERS)
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}; see docs/exercise-format.md")
    assertions = [a for a in ASSERTIONS if a in c]
    if len(assertions) != 1:
        raise SpecError(f"{where}: give exactly one of {', '.join(ASSERTIONS)} (got {assertions})")
    assertion = assertions[0]
    expected = c[assertion]
    selectors = [s for s in SELECTORS if s in c]
    if len(selectors) > 1:
        raise SpecError(f"{where}: use at most one selector (got {selectors})")
    selector = (selectors[0], c[selectors[0]]) if selectors else None
    if selector and selector[0] == "at" and (
            not isinstance(selector[1], list) or len(selector[1]) != 2):
        raise SpecError(f"{where}: `at:` takes [ROW_LABEL, COLUMN_LABEL]")
    if assertion == "type" and expected not in TYPE_NAMES:
        raise SpecError(f"{where}: `type:` must be one of {', '.join(TYPE_NAMES)}")
    if assertion == "range" and not (
            isinstance(expected, list) and len(expected) == 2
            and all(isinstance(x, (int, float)) for x in expected)):
        raise SpecError(f"{where}: `range:` takes [LOW, HIGH]")
    if assertion in ("length",) and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise SpecError(f"{where}: `length:` takes a whole number")
    if assertion in ("contains", "columns") and not isinstance(expected, list):
        raise SpecError(f"{where}: `{assertion}:` takes a list")
    if assertion == "shape" and not (isinstance(expected, list) and len(expected) == 2):
        raise SpecError(f"{where}: `shape:` takes [ROWS, COLUMNS]")
    call = None
    if "call" in c or "kwargs" in c:
        if kind != "function":
            raise SpecError(f"{where}: `call:` is only for questions of kind function")
        args, kwargs = c.get("call", []), c.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise SpecError(f"{where}: `call:` takes a list of arguments, `kwargs:` a mapping")
        call = (args, kwargs)
    tolerance = c.get("tolerance", DEFAULT_TOLERANCE)
    round_digits = c.get("round", DEFAULT_ROUND)
    if not isinstance(tolerance, (int, float)) or not isinstance(round_digits, int):
        raise SpecError(f"{where}: `tolerance:` is a number, `round:` a whole number")
    return Check(assertion, expected, bool(c.get("public", False)), str(c.get("hint", "")),
                 float(tolerance), bool(c.get("unordered", False)), round_digits, selector, call)


def public_spec(spec: ExerciseSpec) -> dict[str, Any]:
    """The learner-facing copy of a spec: public checks only, `equals` hashed, no rubrics."""
    questions = []
    for q in spec.questions:
        entry: dict[str, Any] = {"id": q.id, "points": q.points, "kind": q.kind}
        if q.answer:
            entry["answer"] = q.answer
        if q.prompt:
            entry["prompt"] = q.prompt
        checks = []
        for chk in q.checks:
            if not chk.public:
                continue
            d = chk.to_dict()
            if chk.assertion == "equals":
                del d["equals"]
                d.pop("tolerance", None)
                d["sha256"] = hash_value(chk.expected, spec.exercise, chk.round_digits,
                                         chk.unordered)
            checks.append(d)
        if q.kind != "manual":
            entry["checks"] = checks
            entry["hidden_checks"] = sum(not c.public for c in q.checks)
        questions.append(entry)
    return {"exercise": spec.exercise, "title": spec.title, "questions": questions}


# --------------------------------------------------------------------------------------------
# The comparison engine (runs on plain data, in the trusted parent or inline)
# --------------------------------------------------------------------------------------------


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


def describe(value: Any) -> str:
    """A short learner-facing name for the type of a plain value."""
    kind = kind_of(value)
    names = {"none": "None", "dataframe": "a DataFrame", "series": "a Series",
             "list": "a list", "dict": "a dict", "set": "a set", "str": "a string",
             "int": "a whole number", "float": "a number", "bool": "True/False",
             "function": "a function", "ellipsis": "the ... placeholder",
             "too_large": "an object too large to check"}
    if kind == "unsupported":
        return f"an object of type {value.get('class', '?')}"
    return names.get(kind, kind)


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one check: whether it passed and a learner-facing message."""

    number: int
    public: bool
    passed: bool
    message: str = ""
    hint: str = ""


@dataclass(frozen=True)
class QuestionOutcome:
    """A question's grade: status, points and messages (hidden details already removed)."""

    question: str
    status: str
    points: float
    max_points: float
    message: str
    checks: tuple[CheckOutcome, ...] = field(default_factory=tuple)


class _Fail(Exception):
    """Internal: a check failed, with the learner-facing reason."""


def _numeric(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _same(expected: Any, actual: Any, tol: float, unordered: bool) -> bool:
    """Plain-data equality; `expected` comes from YAML, `actual` from `to_plain`."""
    if isinstance(actual, dict) and actual.get("__type__") == "set":
        actual, unordered = actual["items"], True
    if _numeric(expected):
        return _numeric(actual) and abs(float(actual) - float(expected)) <= tol
    if expected is None or isinstance(expected, (bool, str)):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return False
        if not unordered:
            return all(_same(e, a, tol, False) for e, a in zip(expected, actual, strict=True))
        remaining = list(actual)
        for e in expected:
            for i, a in enumerate(remaining):
                if _same(e, a, tol, False):
                    del remaining[i]
                    break
            else:
                return False
        return True
    if isinstance(expected, dict):
        if not (isinstance(actual, dict) and actual.get("__type__") == "dict"):
            return False
        pairs = actual["items"]
        if len(pairs) != len(expected):
            return False
        for key, value in expected.items():
            match = [v for k, v in pairs if _same(key, k, 0, False)]
            if len(match) != 1 or not _same(value, match[0], tol, unordered):
                return False
        return True
    return False


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
    if _numeric(value):
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


def _select(selector: tuple[str, Any] | None, value: Any) -> Any:
    if selector is None:
        return value
    name, arg = selector
    kind = kind_of(value)
    if name == "column":
        if kind != "dataframe":
            raise _Fail(f"expected a DataFrame with a column {arg!r}, got {describe(value)}")
        pos = _label_position(value["columns"], arg)
        if pos is None:
            raise _Fail(f"the DataFrame has no column {arg!r}")
        return [row[pos] for row in value["data"]]
    if name == "at":
        if kind != "dataframe":
            raise _Fail(f"expected a DataFrame, got {describe(value)}")
        row_label, col_label = arg
        col = _label_position(value["columns"], col_label)
        row = _label_position(value["index"], row_label)
        if col is None:
            raise _Fail(f"the DataFrame has no column {col_label!r}")
        if row is None:
            raise _Fail(f"the DataFrame has no row labelled {row_label!r}")
        return value["data"][row][col]
    if name == "key":
        if kind == "series":
            pos = _label_position(value["index"], arg)
            if pos is None:
                raise _Fail(f"the Series has no label {arg!r}")
            return value["data"][pos]
        if kind == "dict":
            for k, v in value["items"]:
                if _same(arg, k, 0, False):
                    return v
            raise _Fail(f"the dict has no key {arg!r}")
        raise _Fail(f"expected a dict or a Series, got {describe(value)}")
    if name == "index":
        if kind not in ("dataframe", "series"):
            raise _Fail(f"expected a DataFrame or a Series, got {describe(value)}")
        return value["index"]
    if name == "values":
        if kind != "series":
            raise _Fail(f"expected a Series, got {describe(value)}")
        return value["data"]
    raise _Fail(f"unknown selector {name}")  # unreachable: specs are validated


def _label_position(labels: list[Any], wanted: Any) -> int | None:
    for i, label in enumerate(labels):
        if _same(wanted, label, 0, False) or (isinstance(label, list) and label == wanted):
            return i
    return None


def _length(value: Any) -> int:
    kind = kind_of(value)
    if kind in ("list", "str"):
        return len(value)
    if kind in ("set", "dict"):
        return len(value["items"])
    if kind == "dataframe":
        return len(value["index"])
    if kind == "series":
        return len(value["data"])
    raise _Fail(f"expected something with a length, got {describe(value)}")


def _members(value: Any) -> list[Any]:
    kind = kind_of(value)
    if kind == "list":
        return value
    if kind == "set":
        return value["items"]
    if kind == "dict":
        return [k for k, _ in value["items"]]
    if kind == "series":
        return value["data"]
    raise _Fail(f"expected a list, set, dict or Series, got {describe(value)}")


def _assert(chk: Check, value: Any, exercise: str) -> None:
    a, expected, kind = chk.assertion, chk.expected, kind_of(value)
    if a == "type":
        ok = kind == expected or (expected in ("float", "number") and kind in ("int", "float")) \
            or (expected == "list" and kind == "list")
        if not ok:
            wanted = describe({"__type__": expected} if expected in (
                "dataframe", "series", "set", "dict", "function") else
                {"int": 1, "float": 1.5, "number": 1.5, "str": "", "bool": True,
                 "list": [], "none": None}[expected])
            raise _Fail(f"expected {wanted}, got {describe(value)}")
    elif a == "equals":
        if not _same(expected, value, chk.tolerance, chk.unordered):
            raise _Fail(f"not the expected value (got {describe(value)}"
                        f"{_short(value)})")
    elif a == "sha256":
        if hash_value(value, exercise, chk.round_digits, chk.unordered) != expected:
            raise _Fail(f"not the expected answer yet (got {describe(value)}{_short(value)})")
    elif a == "length":
        n = _length(value)
        if n != expected:
            raise _Fail(f"expected {expected} items, got {n}")
    elif a == "range":
        if not _numeric(value):
            raise _Fail(f"expected a number, got {describe(value)}")
        low, high = expected
        if not low <= value <= high:
            raise _Fail(f"{value:g} is outside the plausible range [{low}, {high}]")
    elif a == "contains":
        members = _members(value) if kind != "str" else None
        missing = [e for e in expected if (
            e not in value if members is None else
            not any(_same(e, m, chk.tolerance, False) for m in members))]
        if missing:
            raise _Fail(f"{len(missing)} expected item(s) missing")
    elif a == "columns":
        if kind != "dataframe":
            raise _Fail(f"expected a DataFrame, got {describe(value)}")
        missing = [c for c in expected if _label_position(value["columns"], c) is None]
        if missing:
            raise _Fail(f"missing column(s): {', '.join(map(str, missing))}")
    elif a == "shape":
        if kind != "dataframe":
            raise _Fail(f"expected a DataFrame, got {describe(value)}")
        shape = [len(value["index"]), len(value["columns"])]
        if shape != list(expected):
            raise _Fail(f"expected shape {tuple(expected)}, got {tuple(shape)}")


def _short(value: Any) -> str:
    """A short preview of scalars only (never of expected values)."""
    if _numeric(value) or isinstance(value, bool):
        return f": {value!r}"
    if isinstance(value, str) and len(value) <= 40:
        return f": {value!r}"
    return ""


def evaluate(chk: Check, answer: Any, exercise: str, number: int = 1) -> CheckOutcome:
    """Run one check on a plain answer; function answers carry their call results."""
    try:
        value = answer
        if chk.call is not None:
            if kind_of(answer) != "function":
                raise _Fail(f"expected a function, got {describe(answer)}")
            result = answer.get("calls", {}).get(call_key(*chk.call))
            shown = ", ".join([*map(repr, chk.call[0]),
                               *(f"{k}={v!r}" for k, v in chk.call[1].items())])
            if result is None:
                raise _Fail(f"the function was not called with ({shown})")
            if result.get("error") == "timed out":  # set by the grading sandbox's timer
                raise _Fail(f"calling it with ({shown}) ran past the time limit")
            if "error" in result:
                raise _Fail(f"calling it with ({shown}) raised {result['error']}")
            value = result.get("ok")
            try:
                value = _select(chk.selector, value)
                _assert(chk, value, exercise)
            except _Fail as failure:
                raise _Fail(f"with ({shown}): {failure}") from None
        else:
            value = _select(chk.selector, value)
            _assert(chk, value, exercise)
    except _Fail as failure:
        return CheckOutcome(number, chk.public, False, str(failure), chk.hint)
    except Exception as error:  # malformed plain data from a sandbox: never crash the grader
        return CheckOutcome(number, chk.public, False,
                            f"could not check this answer ({type(error).__name__})", chk.hint)
    return CheckOutcome(number, chk.public, True)


def _redact(outcome: CheckOutcome) -> CheckOutcome:
    """Drop the engine's reason from hidden checks: it can reveal an expected value or length."""
    if outcome.public or outcome.passed:
        return outcome
    return CheckOutcome(outcome.number, False, False, "", outcome.hint)


def grade_question(question: Question, answer: Any, exercise: str, *,
                   only_public: bool = False, absent_status: str = "missing",
                   absent_message: str = "") -> QuestionOutcome:
    """Grade one autograded question on a plain answer (`MISSING` when the name is undefined).

    All checks must pass for the points. Messages for hidden checks never include expected
    values: only their number, the author's hint and a generic reason.
    """
    checks = [c for c in question.checks if c.public or not only_public]
    if answer is MISSING or (isinstance(answer, dict) and answer.get("__type__") == "ellipsis"):
        message = absent_message or (
            f"`{question.answer}` is not defined" if answer is MISSING
            else f"not answered yet: replace the ... placeholder in `{question.answer} = ...`")
        return QuestionOutcome(question.id, absent_status, 0.0, question.points, message)
    outcomes = tuple(_redact(evaluate(c, answer, exercise, i))
                     for i, c in enumerate(checks, start=1))
    failed = [o for o in outcomes if not o.passed]
    if not failed:
        return QuestionOutcome(question.id, "passed", question.points, question.points,
                               f"all {len(outcomes)} checks passed", outcomes)
    first = failed[0]
    if first.public:
        message = f"check {first.number} of {len(outcomes)}: {first.message}"
    else:
        message = f"hidden check {first.number} of {len(outcomes)}: failed"
    message += f". Hint: {first.hint}" if first.hint else ""
    return QuestionOutcome(question.id, "failed", 0.0, question.points, message, outcomes)


# --------------------------------------------------------------------------------------------
# The inline check() used in notebooks
# --------------------------------------------------------------------------------------------


def find_public_spec(exercise: str, start: Path | None = None) -> Path | None:
    """Find exercises/checks/EXERCISE.yaml from `start` (default: cwd) upward, or the env root."""
    candidates: list[Path] = []
    base = (start or Path.cwd()).resolve()
    for folder in (base, *base.parents):
        candidates += [folder / "checks", folder / "exercises" / "checks"]
    if os.environ.get(ROOT_ENV):
        candidates.append(Path(os.environ[ROOT_ENV]) / "exercises" / "checks")
    candidates.append(Path(__file__).resolve().parents[2] / "exercises" / "checks")
    for folder in candidates:
        path = folder / f"{exercise}.yaml"
        if path.is_file():
            return path
    return None


@dataclass
class Report:
    """What one inline check found: the printed line and the outcome behind it."""

    text: str
    outcome: QuestionOutcome | None

    @property
    def passed(self) -> bool:
        """True when every public check passed."""
        return self.outcome is not None and self.outcome.status == "passed"


class Checker:
    """The notebook's `check`: runs a question's public checks on the learner's answer."""

    def __init__(self, exercise: str, spec_path: Path | str | None = None) -> None:
        self.exercise = exercise
        self._spec_path = Path(spec_path) if spec_path else None
        self._spec: ExerciseSpec | None = None

    def _load(self) -> ExerciseSpec | None:
        if self._spec is None:
            path = self._spec_path or find_public_spec(self.exercise)
            if path is None:
                return None
            self._spec = load_spec(path)
        return self._spec

    def __call__(self, question_id: str, value: Any = MISSING, *,
                 namespace: Mapping[str, Any] | None = None) -> None:
        """Print the result of the public checks for one question (never raises)."""
        if os.environ.get(GRADING_ENV):
            return
        print(self.run(question_id, value, namespace=namespace).text)

    def run(self, question_id: str, value: Any = MISSING, *,
            namespace: Mapping[str, Any] | None = None) -> Report:
        """Run the public checks and return the report (used by `check()` and by tests)."""
        try:
            spec = self._load()
        except SpecError as error:
            return Report(f"{question_id} ? the public checks could not be read: {error}", None)
        if spec is None:
            return Report(f"{question_id} ? no public checks found for {self.exercise}: open "
                          "the notebook from the course's exercises/ folder.", None)
        try:
            question = spec.question(question_id)
        except SpecError as error:
            return Report(f"{question_id} ? {error}", None)
        if question.kind == "manual":
            return Report(f"{question_id}: written answer, graded by your instructor "
                          f"({question.points:g} points).", None)
        if value is MISSING:
            if namespace is None:
                namespace = _ipython_namespace()
            if namespace is None:
                return Report(f"{question_id} ? outside Jupyter, call "
                              f"check({question_id!r}, {question.answer}).", None)
            value = namespace.get(question.answer, MISSING)
        try:
            plain = MISSING if value is MISSING else to_plain(value)
            if question.kind == "function" and callable(value):
                plain = {"__type__": "function", "name": question.answer,
                         "calls": call_function(value, question.calls)}
        except Exception as error:  # a learner's odd object: report, never raise
            plain = {"__type__": "unsupported", "class": type(error).__name__}
        outcome = grade_question(question, plain, spec.exercise, only_public=True)
        return Report(_inline_text(outcome, question), outcome)


def _inline_text(outcome: QuestionOutcome, question: Question) -> str:
    hidden = question.hidden_checks
    more = (f"{hidden} more check{'s' if hidden != 1 else ''} at grading" if hidden
            else "no more checks at grading")
    if outcome.status == "passed":
        n = len(outcome.checks)
        return f"{question.id} ✓ {n} public check{'s' if n != 1 else ''} passed; {more}."
    return f"{question.id} ✗ {outcome.message}"


def _ipython_namespace() -> Mapping[str, Any] | None:
    """The running IPython kernel's user namespace (no stack walking), or None."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return getattr(shell, "user_ns", None) if shell is not None else None


def checker(exercise: str, spec_path: Path | str | None = None) -> Checker:
    """Create the notebook's `check` function for one exercise."""
    return Checker(exercise, spec_path)
