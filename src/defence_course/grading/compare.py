"""The comparison engine: runs a spec's checks on plain answers (in the trusted grader, or inline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from defence_course.grading.plain import (
    MISSING,
    call_key,
    describe,
    hash_value,
    is_number,
    kind_of,
)
from defence_course.grading.spec import Check, ExerciseQuestion
from defence_course.i18n import _, ngettext


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


def _same(expected: Any, actual: Any, tol: float, unordered: bool) -> bool:
    """Plain-data equality; `expected` comes from YAML, `actual` from `to_plain`."""
    if isinstance(actual, dict) and actual.get("__type__") == "set":
        actual, unordered = actual["items"], True
    if is_number(expected):
        return is_number(actual) and abs(float(actual) - float(expected)) <= tol
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


def _column(arg: Any, value: Any) -> Any:
    if kind_of(value) != "dataframe":
        raise _Fail(_("expected a DataFrame with a column {column}, got {got}").format(
            column=repr(arg), got=describe(value)))
    pos = _label_position(value["columns"], arg)
    if pos is None:
        raise _Fail(_("the DataFrame has no column {column}").format(column=repr(arg)))
    return [row[pos] for row in value["data"]]


def _at(arg: Any, value: Any) -> Any:
    if kind_of(value) != "dataframe":
        raise _Fail(_("expected a DataFrame, got {got}").format(got=describe(value)))
    row_label, col_label = arg
    col = _label_position(value["columns"], col_label)
    row = _label_position(value["index"], row_label)
    if col is None:
        raise _Fail(_("the DataFrame has no column {column}").format(column=repr(col_label)))
    if row is None:
        raise _Fail(_("the DataFrame has no row labelled {row}").format(row=repr(row_label)))
    return value["data"][row][col]


def _key(arg: Any, value: Any) -> Any:
    kind = kind_of(value)
    if kind == "series":
        pos = _label_position(value["index"], arg)
        if pos is None:
            raise _Fail(_("the Series has no label {label}").format(label=repr(arg)))
        return value["data"][pos]
    if kind == "dict":
        for k, v in value["items"]:
            if _same(arg, k, 0, False):
                return v
        raise _Fail(_("the dict has no key {key}").format(key=repr(arg)))
    raise _Fail(_("expected a dict or a Series, got {got}").format(got=describe(value)))


def _index(arg: Any, value: Any) -> Any:
    if kind_of(value) not in ("dataframe", "series"):
        raise _Fail(_("expected a DataFrame or a Series, got {got}").format(got=describe(value)))
    return value["index"]


def _values(arg: Any, value: Any) -> Any:
    if kind_of(value) != "series":
        raise _Fail(_("expected a Series, got {got}").format(got=describe(value)))
    return value["data"]


SELECT: dict[str, Callable[[Any, Any], Any]] = {
    "column": _column, "at": _at, "key": _key, "index": _index, "values": _values,
}
"""One function per selector of docs/exercise-format.md: (its argument, the value) -> the part."""


def _select(selector: tuple[str, Any] | None, value: Any) -> Any:
    if selector is None:
        return value
    name, arg = selector
    if name not in SELECT:  # unreachable: specs are validated
        raise _Fail(_("unknown selector {name}").format(name=name))
    return SELECT[name](arg, value)


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
    raise _Fail(_("expected something with a length, got {got}").format(got=describe(value)))


def _members(value: Any) -> list[Any]:
    kind = kind_of(value)
    if kind == "list":
        return cast("list[Any]", value)
    if kind == "set":
        return cast("list[Any]", value["items"])
    if kind == "dict":
        return [k for k, _ in value["items"]]
    if kind == "series":
        return cast("list[Any]", value["data"])
    raise _Fail(_("expected a list, set, dict or Series, got {got}").format(got=describe(value)))


_TYPE_EXAMPLES: dict[str, Any] = {"int": 1, "float": 1.5, "number": 1.5, "str": "", "bool": True,
                                  "list": [], "none": None}


def _is_kind(value: Any, expected: str) -> bool:
    """What a `type:` check accepts: the named kind, or any number for float and number."""
    kind = kind_of(value)
    return kind == expected or (expected in ("float", "number") and kind in ("int", "float"))


def describe_kind(expected: str) -> str:
    """`a list`, `a Series`, ...: the learner-facing name of a `type:` check's kind."""
    return describe(_TYPE_EXAMPLES.get(expected, {"__type__": expected}))


def _assert_type(chk: Check, value: Any, exercise: str) -> None:
    if not _is_kind(value, chk.expected):
        raise _Fail(_("expected {kind}, got {got}").format(kind=describe_kind(chk.expected),
                                                           got=describe(value)))


def declared_kind(question: ExerciseQuestion, chk: Check) -> str | None:
    """The kind a public `type:` check of the same question declares for what `chk` compares.

    Same selector, and a call for a call (a function's return value) or none for none. A
    public check's kind is in the learner's own copy of the checks: saying it reveals nothing.
    """
    for other in question.checks:
        if (other.assertion == "type" and other.public and other.selector == chk.selector
                and (other.call is None) == (chk.call is None)):
            return str(other.expected)
    return None


def _value_mismatch(declared: str, value: Any) -> str:
    """Why an `equals` (or hashed) check failed, from the declared kind: only what is true."""
    if _is_kind(value, declared):
        return _("the right kind ({got}) but not the expected value").format(
            got=describe(value) + _short(value))
    return _("expected {kind}, got {got}").format(kind=describe_kind(declared), got=describe(value))


def _assert_equals(chk: Check, value: Any, exercise: str) -> None:
    if not _same(chk.expected, value, chk.tolerance, chk.unordered):
        raise _Fail(_("not the expected value (got {got})").format(got=describe(value) + _short(value)))


def _assert_sha256(chk: Check, value: Any, exercise: str) -> None:
    if hash_value(value, exercise, chk.round_digits, chk.unordered) != chk.expected:
        raise _Fail(_("not the expected answer yet (got {got})").format(
            got=describe(value) + _short(value)))


def _assert_length(chk: Check, value: Any, exercise: str) -> None:
    n = _length(value)
    if n != chk.expected:
        raise _Fail(_("expected {n} items, got {got}").format(n=chk.expected, got=n))


def _assert_range(chk: Check, value: Any, exercise: str) -> None:
    if not is_number(value):
        raise _Fail(_("expected a number, got {got}").format(got=describe(value)))
    low, high = chk.expected
    if not low <= value <= high:
        raise _Fail(_("{value} is outside the plausible range [{low}, {high}]").format(
            value=f"{value:g}", low=low, high=high))


def _assert_contains(chk: Check, value: Any, exercise: str) -> None:
    members = _members(value) if kind_of(value) != "str" else None
    missing = [e for e in chk.expected if (
        e not in value if members is None else
        not any(_same(e, m, chk.tolerance, False) for m in members))]
    if missing:
        raise _Fail(_("{n} expected item(s) missing").format(n=len(missing)))


def _assert_columns(chk: Check, value: Any, exercise: str) -> None:
    if kind_of(value) != "dataframe":
        raise _Fail(_("expected a DataFrame, got {got}").format(got=describe(value)))
    missing = [c for c in chk.expected if _label_position(value["columns"], c) is None]
    if missing:
        raise _Fail(_("missing column(s): {columns}").format(columns=", ".join(map(str, missing))))


def _assert_shape(chk: Check, value: Any, exercise: str) -> None:
    if kind_of(value) != "dataframe":
        raise _Fail(_("expected a DataFrame, got {got}").format(got=describe(value)))
    shape = [len(value["index"]), len(value["columns"])]
    if shape != list(chk.expected):
        raise _Fail(_("expected shape {shape}, got {got}").format(shape=tuple(chk.expected),
                                                                   got=tuple(shape)))


ASSERT: dict[str, Callable[[Check, Any, str], None]] = {
    "type": _assert_type, "equals": _assert_equals, "sha256": _assert_sha256,
    "length": _assert_length, "range": _assert_range, "contains": _assert_contains,
    "columns": _assert_columns, "shape": _assert_shape,
}
"""One function per assertion of docs/exercise-format.md; each raises _Fail with the reason."""


def _assert(chk: Check, value: Any, exercise: str) -> None:
    ASSERT[chk.assertion](chk, value, exercise)


def _short(value: Any) -> str:
    """A short preview of scalars only (never of expected values)."""
    if is_number(value) or isinstance(value, bool) or (isinstance(value, str) and len(value) <= 40):
        return _(": {value}").format(value=repr(value))
    return ""


def _check_value(chk: Check, value: Any, exercise: str, declared: str | None) -> None:
    """Select and assert; a failed comparison says what kind was expected when declared."""
    value = _select(chk.selector, value)
    try:
        _assert(chk, value, exercise)
    except _Fail:
        if declared is None or chk.assertion not in ("equals", "sha256"):
            raise
        raise _Fail(_value_mismatch(declared, value)) from None


def evaluate(chk: Check, answer: Any, exercise: str, number: int = 1,
             declared: str | None = None) -> CheckOutcome:
    """Run one check on a plain answer; function answers carry their call results.

    `declared` is the kind the question's public `type:` check names (see `declared_kind`).
    """
    try:
        value = answer
        if chk.call is not None:
            if kind_of(answer) != "function":
                raise _Fail(_("expected a function, got {got}").format(got=describe(answer)))
            result = answer.get("calls", {}).get(call_key(*chk.call))
            shown = ", ".join([*map(repr, chk.call[0]),
                               *(f"{k}={v!r}" for k, v in chk.call[1].items())])
            if result is None:
                raise _Fail(_("the function was not called with ({args})").format(args=shown))
            if result.get("error") == "timed out":  # set by the grading sandbox's timer
                raise _Fail(_("calling it with ({args}) ran past the time limit").format(args=shown))
            if "error" in result:
                raise _Fail(_("calling it with ({args}) raised {error}").format(args=shown,
                                                                               error=result["error"]))
            try:
                _check_value(chk, result.get("ok"), exercise, declared)
            except _Fail as failure:
                raise _Fail(_("with ({args}): {failure}").format(args=shown, failure=failure)) from None
        else:
            _check_value(chk, value, exercise, declared)
    except _Fail as failure:
        return CheckOutcome(number, chk.public, False, str(failure), chk.hint)
    except Exception as error:  # malformed plain data from a sandbox: never crash the grader
        return CheckOutcome(number, chk.public, False,
                            _("could not check this answer ({error})").format(
                                error=type(error).__name__), chk.hint)
    return CheckOutcome(number, chk.public, True)


def _redact(outcome: CheckOutcome) -> CheckOutcome:
    """Drop the engine's reason from hidden checks: it can reveal an expected value or length."""
    if outcome.public or outcome.passed:
        return outcome
    return CheckOutcome(outcome.number, False, False, "", outcome.hint)


def grade_question(question: ExerciseQuestion, answer: Any, exercise: str, *,
                   only_public: bool = False, absent_status: str = "missing",
                   absent_message: str = "") -> QuestionOutcome:
    """Grade one autograded question on a plain answer (`MISSING` when the name is undefined).

    All checks must pass for the points, unless the spec gives each check its points (partial
    credit: the points of the checks passed). Messages for hidden checks never include expected
    values: only their number, the author's hint and a generic reason.
    """
    checks = [c for c in question.checks if c.public or not only_public]
    if answer is MISSING or (isinstance(answer, dict) and answer.get("__type__") == "ellipsis"):
        message = absent_message or (
            _("`{name}` is not defined").format(name=question.answer) if answer is MISSING
            else _("not answered yet: replace the ... placeholder in `{name} = ...`").format(
                name=question.answer))
        return QuestionOutcome(question.id, absent_status, 0.0, question.points, message)
    outcomes = tuple(_redact(evaluate(c, answer, exercise, i, declared_kind(question, c)))
                     for i, c in enumerate(checks, start=1))
    failed = [o for o in outcomes if not o.passed]
    if not failed:
        return QuestionOutcome(question.id, "passed", question.points, question.points,
                               ngettext("all {n} checks passed", "all {n} checks passed",
                                        len(outcomes)).format(n=len(outcomes)), outcomes)
    first = failed[0]
    if first.public:
        message = _("check {k} of {n}: {message}").format(k=first.number, n=len(outcomes),
                                                           message=first.message)
    else:
        message = _("hidden check {k} of {n}: failed").format(k=first.number, n=len(outcomes))
    message += _(". Hint: {hint}").format(hint=first.hint) if first.hint else ""
    earned = 0.0
    if not only_public and any(c.points is not None for c in checks):
        earned = sum(c.points or 0.0 for c, o in zip(checks, outcomes, strict=True) if o.passed)
        message += _(" (partial credit: {earned} of {points} points)").format(
            earned=f"{earned:g}", points=f"{question.points:g}")
    return QuestionOutcome(question.id, "failed", earned, question.points, message, outcomes)

