"""Exercise check specs: the YAML an instructor writes, validated, and its public copy for learners."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from defence_course.errors import DefenceCourseError
from defence_course.grading.plain import DEFAULT_ROUND, call_key, hash_value

#: libyaml's safe loader when PyYAML was built with it: the same documents, 10x faster (an
#: exercise spec: 10 ms -> 1 ms, paid at every `grade` start and every notebook's first check).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ASSERTIONS = ("type", "equals", "length", "range", "contains", "columns", "shape", "sha256")
SELECTORS = ("column", "at", "key", "index", "values")
MODIFIERS = ("public", "hint", "tolerance", "unordered", "round", "call", "kwargs", "message",
             "points")
TYPE_NAMES = (
    "int", "float", "number", "str", "bool", "list", "set", "dict",
    "dataframe", "series", "function", "none",
)
KINDS = ("value", "function", "manual")
DEFAULT_TOLERANCE = 1e-6


class SpecError(DefenceCourseError):
    """A check spec (YAML) is malformed: the message names the file, question and field to fix."""



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
    #: Partial credit: the points this check earns (None: the question is all-or-nothing).
    points: float | None = None

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
        if self.points is not None:
            out["points"] = self.points
        return out


@dataclass(frozen=True)
class ExerciseQuestion:
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
    questions: tuple[ExerciseQuestion, ...]
    source: Path | None = None

    def question(self, question_id: str) -> ExerciseQuestion:
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
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
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


def _parse_question(q: Any, where: str) -> ExerciseQuestion:
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
    _check_points(where, float(points), checks)
    hidden = q.get("hidden_checks", sum(not c.public for c in checks))
    if not isinstance(hidden, int) or hidden < 0:
        raise SpecError(f"{where}: `hidden_checks:` must be a count")
    return ExerciseQuestion(qid, float(points), kind, answer, str(q.get("prompt", "")),
                    str(q.get("rubric", "")), checks, hidden)


def _check_points(where: str, points: float, checks: tuple[Check, ...]) -> None:
    """Per-check points are all or none, and add up to the question's points."""
    given = [c.points for c in checks if c.points is not None]
    if not given:
        return
    if len(given) != len(checks):
        raise SpecError(f"{where}: give `points:` to every check of the question or to none "
                        f"(all-or-nothing); {len(given)} of {len(checks)} have points")
    if abs(sum(given) - points) > 1e-9:
        raise SpecError(f"{where}: the checks' points add up to {sum(given):g}, the question's "
                        f"`points:` is {points:g}; make them equal")


def _one_check_points(points: Any, where: str) -> float | None:
    if points is None:
        return None
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        raise SpecError(f"{where}: `points:` of a check is a number, 0 or more")
    return float(points)


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
                 float(tolerance), bool(c.get("unordered", False)), round_digits, selector, call,
                 _one_check_points(c.get("points"), where))


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

