"""Quiz banks without widgets: load, validate, grade, and encode/decode the answer keys."""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import math
import os
import random
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from defence_course.errors import DefenceCourseError

QUIZ_DIR_ENV = "DEFENCE_COURSE_QUIZZES"
"""Environment variable naming the folder of question banks (default: lessons/quizzes)."""

BANK_SUFFIXES = (".yaml", ".yml", ".json")
KEY_PREFIX = "dc1:"
_KEY_SALT = b"defence-course quiz key v1"
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Fields that may stay readable in a committed (encoded) question; all else goes into `key`.
PUBLIC_FIELDS = ("id", "type", "prompt", "unit", "shuffle")
# Fields whose presence in a committed bank means an answer key is readable.
SECRET_FIELDS = (
    "correct", "answer", "answers", "tolerance", "range", "pairs", "feedback",
    "explanation", "mistakes", "distractors",
)

ENCODED_HEADER = """\
# Quiz bank, ENCODED: answers, feedback and explanations are in each question's `key`, so a
# learner who opens this file sees no spoilers. Do not edit `key` by hand. To change the bank:
#   defence-course quiz decode THIS_FILE -o quiz-drafts/NAME.yaml   (plain, readable draft)
#   ... edit the draft ...
#   defence-course quiz encode quiz-drafts/NAME.yaml -o THIS_FILE
# The format is documented in docs/quiz-format.md.
"""


# --------------------------------------------------------------------------- errors


class QuizError(DefenceCourseError):
    """Base class of the quiz errors, so a caller can catch every quiz problem at once."""


class QuizFormatError(QuizError):
    """A bank file is broken; the message names the file, line, question and field to fix."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | os.PathLike[str] | None = None,
        question: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.question = question
        self.field = field
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        """Render `file:line: question 'q1', field 'options': problem` (parts that are known)."""
        where = self.file or "<bank>"
        if self.line is not None:
            where += f":{self.line}"
        context = ", ".join(
            part for part in (
                f"question {self.question!r}" if self.question is not None else "",
                f"field {self.field!r}" if self.field is not None else "",
            ) if part
        )
        return f"{where}: {context}: {self.problem}" if context else f"{where}: {self.problem}"


class QuizNotFoundError(QuizError):
    """A bank or question asked for by name does not exist."""


class QuizResponseError(QuizError):
    """A response does not have the shape the question needs (not a wrong answer: a malformed one)."""


# --------------------------------------------------------------------------- YAML with lines


class _LineMap(dict):  # type: ignore[type-arg]
    """A dict that remembers the line of each key, so errors can point at the line to fix."""

    line: int | None = None
    key_lines: dict[Any, int]

    def line_of(self, key: str | None) -> int | None:
        if key is not None and key in getattr(self, "key_lines", {}):
            return self.key_lines[key]
        return self.line


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records line numbers and refuses duplicate keys."""


def _construct_line_map(loader: _LineLoader, node: yaml.MappingNode) -> _LineMap:
    loader.flatten_mapping(node)
    mapping = _LineMap()
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


def _parse_text(text: str, path: Path) -> Any:
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
class _Ctx:
    """Where we are while validating, so every error names file, question and line."""

    file: Path | None
    question: str | None = None

    def fail(self, problem: str, field_name: str | None = None, node: Any = None) -> QuizFormatError:
        line = node.line_of(field_name) if isinstance(node, _LineMap) else None
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


def _is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Source:
    """Where the explanation's facts come from; shown as a link after an attempt."""

    title: str
    url: str


@dataclass(frozen=True)
class Feedback:
    """The result of one attempt: what the learner sees, and what the progress file keeps."""

    correct: bool
    score: float
    headline: str
    details: tuple[str, ...] = ()
    explanation: str = ""
    source: Source | None = None

    @property
    def message(self) -> str:
        """Headline and specific feedback as one text (the explanation is kept apart)."""
        return "\n".join((self.headline, *self.details))

    @property
    def verdict(self) -> str:
        """Icon and word, so the result never depends on colour alone."""
        if self.correct:
            return "✔ Correct"
        if self.score > 0:
            return "◑ Partly right"
        return "✘ Not quite"


@dataclass(frozen=True)
class Option:
    """One choice of a single/multiple question, with the feedback shown when it is chosen."""

    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class NumericRule:
    """An interval of answers and what to say about them (first matching rule wins)."""

    low: float
    high: float
    correct: bool
    feedback: str = ""
    high_open: bool = False

    def matches(self, value: float) -> bool:
        slack = 1e-9 * max(1.0, abs(self.low), abs(self.high))
        if value < self.low - slack:
            return False
        if self.high_open:
            return value < self.high - slack or (self.low == self.high and abs(value - self.low)
                                                 <= slack)
        return value <= self.high + slack


def _seeded(items: Sequence[str], seed: str) -> list[str]:
    """Shuffle with a string seed: the same order for every learner and every restart."""
    order = list(items)
    random.Random(seed).shuffle(order)
    return order


def _as_text(response: Any, what: str) -> str:
    if not isinstance(response, str):
        raise QuizResponseError(f"{what} must be text (one option), got {type(response).__name__}")
    return response


@dataclass(frozen=True)
class Question:
    """Common part of every question type; subclasses grade and describe their own answers."""

    type: ClassVar[str] = ""
    id: str
    prompt: str
    explanation: str
    source: Source | None
    shuffle: bool = False
    seed: str = ""

    def grade(self, response: Any) -> Feedback:  # pragma: no cover - abstract
        raise NotImplementedError

    def _feedback(self, score: float, headline: str, details: Iterable[str] = ()) -> Feedback:
        score = min(1.0, max(0.0, score))
        return Feedback(
            correct=score >= 1.0 - 1e-9,
            score=round(score, 4),
            headline=headline,
            details=tuple(d for d in details if d),
            explanation=self.explanation,
            source=self.source,
        )


@dataclass(frozen=True)
class SingleChoice(Question):
    """Pick one option; `options` order may be shuffled with a fixed seed."""

    type: ClassVar[str] = "single"
    options: tuple[Option, ...] = ()

    def choices(self) -> list[str]:
        texts = [o.text for o in self.options]
        return _seeded(texts, self.seed) if self.shuffle else texts

    def _option(self, text: str) -> Option:
        for option in self.options:
            if option.text == text:
                return option
        raise QuizResponseError(
            f"{text!r} is not an option of question {self.id!r}; options: "
            + "; ".join(o.text for o in self.options)
        )

    def grade(self, response: Any) -> Feedback:
        option = self._option(_as_text(response, "The answer"))
        if option.correct:
            return self._feedback(1.0, "That is right.", [option.feedback])
        return self._feedback(0.0, "That is not the answer.", [option.feedback])


@dataclass(frozen=True)
class MultipleSelect(SingleChoice):
    """Pick every right option; partial credit = (right picks - wrong picks) / right options."""

    type: ClassVar[str] = "multiple"

    def grade(self, response: Any) -> Feedback:
        if isinstance(response, str) or not isinstance(response, Iterable):
            raise QuizResponseError(
                f"question {self.id!r} needs a list of option texts, got {type(response).__name__}"
            )
        chosen = [_as_text(r, "Each chosen option") for r in response]
        if not chosen:
            raise QuizResponseError("choose at least one option")
        if len(set(chosen)) != len(chosen):
            raise QuizResponseError("each option can be chosen once")
        picked = [self._option(text) for text in chosen]
        n_right = sum(o.correct for o in self.options)
        hits = sum(o.correct for o in picked)
        wrong = len(picked) - hits
        score = max(0.0, (hits - wrong) / n_right)
        headline = f"You chose {hits} of the {n_right} right options"
        headline += f" and {wrong} wrong one{'s' if wrong != 1 else ''}." if wrong else "."
        if hits == n_right and not wrong:
            headline = f"All {n_right} right options, and nothing else."
        details = [f"{o.text}: {o.feedback}" for o in picked if o.feedback]
        return self._feedback(score, headline, details)


@dataclass(frozen=True)
class TrueFalse(Question):
    """A statement to judge; responses are the texts 'True'/'False' (or Python booleans)."""

    type: ClassVar[str] = "truefalse"
    answer: bool = True
    feedback_true: str = ""
    feedback_false: str = ""

    @staticmethod
    def choices() -> list[str]:
        return ["True", "False"]

    def grade(self, response: Any) -> Feedback:
        if isinstance(response, bool):
            value = response
        elif isinstance(response, str) and response.strip().lower() in ("true", "false"):
            value = response.strip().lower() == "true"
        else:
            raise QuizResponseError(f"answer 'True' or 'False', got {response!r}")
        said = self.feedback_true if value else self.feedback_false
        word = "true" if self.answer else "false"
        if value == self.answer:
            return self._feedback(1.0, f"Yes: the statement is {word}.", [said])
        return self._feedback(0.0, f"No: the statement is {word}.", [said])


@dataclass(frozen=True)
class Numeric(Question):
    """A number, right within a tolerance or range; wrong answers say too low/too high."""

    type: ClassVar[str] = "numeric"
    rules: tuple[NumericRule, ...] = ()
    unit: str = ""
    precision: int | None = None
    feedback_low: str = ""
    feedback_high: str = ""
    feedback_default: str = ""

    def _rounded(self, value: float) -> float:
        return float(f"{value:.{self.precision}g}") if self.precision else value

    def grade(self, response: Any) -> Feedback:
        if isinstance(response, bool) or not isinstance(response, (int, float)):
            raise QuizResponseError(f"question {self.id!r} needs a number, got {response!r}")
        value = self._rounded(float(response))
        if not math.isfinite(value):
            raise QuizResponseError("the answer must be a finite number")
        shown = f"{float(response):g}" + (f" {self.unit}" if self.unit else "")
        for rule in self.rules:
            low, high = self._rounded(rule.low), self._rounded(rule.high)
            if NumericRule(low, high, rule.correct, rule.feedback, rule.high_open).matches(value):
                if rule.correct:
                    return self._feedback(1.0, f"{shown} is right.", [rule.feedback])
                return self._feedback(0.0, f"{shown} is not right.", [rule.feedback])
        right = [r for r in self.rules if r.correct]
        if right and value < min(r.low for r in right):
            return self._feedback(0.0, f"{shown} is too low.", [self.feedback_low
                                                                 or self.feedback_default])
        if right and value > max(r.high for r in right):
            return self._feedback(0.0, f"{shown} is too high.", [self.feedback_high
                                                                  or self.feedback_default])
        return self._feedback(0.0, f"{shown} is not right.", [self.feedback_default])


@dataclass(frozen=True)
class Ordering(Question):
    """Put items in order; score = share of item pairs in the right relative order."""

    type: ClassVar[str] = "ordering"
    items: tuple[str, ...] = ()
    item_feedback: tuple[str, ...] = ()

    def choices(self) -> list[str]:
        """Start order shown to learners: seeded, and never already the answer."""
        order = _seeded(self.items, self.seed or self.id)
        if len(order) > 1 and tuple(order) == self.items:
            order = order[1:] + order[:1]
        return order

    def grade(self, response: Any) -> Feedback:
        if isinstance(response, str) or not isinstance(response, Iterable):
            raise QuizResponseError(f"question {self.id!r} needs the items as a list, in order")
        given = [_as_text(r, "Each item") for r in response]
        if sorted(given) != sorted(self.items):
            raise QuizResponseError(
                "put every item exactly once; the items are: " + "; ".join(sorted(self.items))
            )
        rank = {item: i for i, item in enumerate(self.items)}
        ranks = [rank[item] for item in given]
        n = len(ranks)
        pairs = n * (n - 1) // 2
        good = sum(ranks[i] < ranks[j] for i in range(n) for j in range(i + 1, n))
        in_place = sum(r == i for i, r in enumerate(ranks))
        details = [
            f"{item}: {self.item_feedback[rank[item]]}"
            for i, item in enumerate(given)
            if rank[item] != i and self.item_feedback[rank[item]]
        ]
        if in_place == n:
            return self._feedback(1.0, f"All {n} items are in the right order.")
        headline = f"{in_place} of {n} items are in the right place."
        return self._feedback(good / pairs, headline, details)


@dataclass(frozen=True)
class Matching(Question):
    """Match each left item to one right item; score = share of right matches."""

    type: ClassVar[str] = "matching"
    pairs: tuple[tuple[str, str], ...] = ()
    pair_feedback: tuple[str, ...] = ()
    distractors: tuple[str, ...] = ()

    def lefts(self) -> list[str]:
        lefts = [left for left, _ in self.pairs]
        return _seeded(lefts, self.seed) if self.shuffle else lefts

    def choices(self) -> list[str]:
        """The right-hand options, always in a seeded order so the file order reveals nothing."""
        rights = sorted({right for _, right in self.pairs} | set(self.distractors))
        return _seeded(rights, (self.seed or self.id) + "/right")

    def grade(self, response: Any) -> Feedback:
        if not isinstance(response, Mapping):
            raise QuizResponseError(
                f"question {self.id!r} needs a dict from each left item to its match"
            )
        expected = dict(self.pairs)
        missing = [left for left in expected if left not in response or response[left] is None]
        unknown = [left for left in response if left not in expected]
        if unknown:
            raise QuizResponseError(
                f"{unknown[0]!r} is not an item to match; items: " + "; ".join(expected)
            )
        if missing:
            raise QuizResponseError("choose a match for every item; missing: " + "; ".join(missing))
        choices = set(self.choices())
        for left, right in response.items():
            if right not in choices:
                raise QuizResponseError(f"{right!r} (for {left!r}) is not one of the options")
        good = [left for left in expected if response[left] == expected[left]]
        details = [
            f"{left} → {response[left]}: {fb}"
            for (left, _), fb in zip(self.pairs, self.pair_feedback, strict=True)
            if left not in good and fb
        ]
        n = len(expected)
        if len(good) == n:
            return self._feedback(1.0, f"All {n} matches are right.")
        return self._feedback(len(good) / n, f"{len(good)} of {n} matches are right.", details)


@dataclass(frozen=True)
class TextAnswer(Question):
    """Free text (imported from jupyterquiz `string` questions); optional fuzzy matching."""

    type: ClassVar[str] = "text"
    answers: tuple[tuple[str, bool, str, bool, float], ...] = ()  # text, correct, fb, case, fuzzy
    feedback_default: str = ""

    def grade(self, response: Any) -> Feedback:
        given = _as_text(response, "The answer").strip()
        if not given:
            raise QuizResponseError("type an answer first")
        for text, correct, fb, match_case, fuzzy in self.answers:
            a, b = (given, text) if match_case else (given.lower(), text.lower())
            ratio = 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()
            if a == b or (fuzzy < 1.0 and ratio >= fuzzy):
                if correct:
                    return self._feedback(1.0, "That is right.", [fb])
                return self._feedback(0.0, "That is not the answer.", [fb])
        return self._feedback(0.0, "That is not the answer.", [self.feedback_default])


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type: cls for cls in (SingleChoice, MultipleSelect, Numeric, TrueFalse, Ordering, Matching)
}
"""The six authoring types (jupyterquiz `string` questions load as the extra type 'text')."""


@dataclass(frozen=True)
class Quiz:
    """One bank: its questions in order, and `answer()` to grade a response without widgets."""

    name: str
    title: str
    questions: tuple[Question, ...]
    path: Path | None = None
    encoded: bool = False
    plain_questions: tuple[str, ...] = field(default=())

    def question(self, question_id: str) -> Question:
        """Return one question; the error lists the ids that exist."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise QuizNotFoundError(
            f"no question {question_id!r} in bank {self.name!r}; questions: "
            + ", ".join(q.id for q in self.questions)
        )

    def answer(self, question_id: str, response: Any) -> Feedback:
        """Grade `response` (see the question types for its shape) and return the feedback."""
        return self.question(question_id).grade(response)


# --------------------------------------------------------------------------- building from plain


def _source(ctx: _Ctx, node: Mapping[str, Any]) -> Source:
    value = node.get("source")
    if not _is_map(value):
        raise ctx.fail("needs `title:` and `url:` (where the explanation's facts come from)",
                       "source", node)
    ctx.no_unknown(value, ("title", "url"), "source")
    title = ctx.text(value, "title")
    url = ctx.text(value, "url")
    if not re.match(r"^https?://\S+$", url):
        raise ctx.fail(f"url must start with http:// or https:// and have no spaces, got {url!r}",
                       "url", value)
    return Source(title, url)


_COMMON = ("id", "type", "prompt", "explanation", "source", "shuffle")
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "numeric": ("answer", "tolerance", "range", "unit", "mistakes", "feedback"),
    "truefalse": ("answer", "feedback"),
    "ordering": ("items",),
    "matching": ("pairs", "distractors"),
}


def _options(ctx: _Ctx, node: Mapping[str, Any], kind: str) -> tuple[Option, ...]:
    raw = node.get("options")
    if not isinstance(raw, list) or len(raw) < 2:
        raise ctx.fail("needs a list of at least two options", "options", node)
    options: list[Option] = []
    for entry in raw:
        if isinstance(entry, str):
            entry = {"text": entry}
        if not _is_map(entry):
            raise ctx.fail("each option is `{text: ..., correct: true, feedback: ...}`",
                           "options", node)
        ctx.no_unknown(entry, ("text", "correct", "feedback"), "an option")
        options.append(Option(ctx.text(entry, "text"), ctx.flag(entry, "correct", False),
                              ctx.text(entry, "feedback", required=False)))
    texts = [o.text for o in options]
    for text in texts:
        if texts.count(text) > 1:
            raise ctx.fail(f"option {text!r} appears twice", "options", node)
    n_right = sum(o.correct for o in options)
    if n_right == 0:
        raise ctx.fail("no correct option: mark the right one with `correct: true`", "options",
                       node)
    if kind == "single" and n_right > 1:
        raise ctx.fail(f"{n_right} options are marked correct; a single-choice question has one"
                       " (use `type: multiple` if learners should pick several)", "options", node)
    return tuple(options)


def _numeric_rule(ctx: _Ctx, node: Mapping[str, Any], correct: bool, fb: str) -> NumericRule:
    has_answer, has_range = "answer" in node or "value" in node, "range" in node
    name = "answer" if "answer" in node else "value"
    if has_answer == has_range:
        raise ctx.fail("give either `answer:` (with `tolerance:`) or `range: [low, high]`",
                       "range" if has_range else name, node)
    if has_range:
        low, high = ctx.bounds(node, "range")
        return NumericRule(low, high, correct, fb)
    value = ctx.number(node, name)
    tolerance = ctx.number(node, "tolerance") if "tolerance" in node else 0.0
    if tolerance < 0:
        raise ctx.fail(f"must be zero or more, got {tolerance:g}", "tolerance", node)
    return NumericRule(value - tolerance, value + tolerance, correct, fb)


def _question_from_plain(ctx: _Ctx, node: Any, bank_seed: str, bank_shuffle: bool) -> Question:
    """Validate one plain question mapping and build its model object."""
    if not _is_map(node):
        raise ctx.fail("each question must be a mapping with `id:`, `type:`, `prompt:`...")
    qid = node.get("id")
    if not isinstance(qid, (str, int)) or isinstance(qid, bool) or not _ID_PATTERN.match(str(qid)):
        raise ctx.fail("each question needs an `id:` of letters, digits, '-', '_' (e.g. q1)",
                       "id", node)
    ctx.question = str(qid)
    kind = node.get("type")
    if kind not in _TYPE_FIELDS:
        raise ctx.fail(f"unknown type {kind!r}; use one of: {', '.join(_TYPE_FIELDS)}",
                       "type", node)
    ctx.no_unknown(node, _COMMON + _TYPE_FIELDS[kind], f"a {kind} question")
    common: dict[str, Any] = {
        "id": str(qid),
        "prompt": ctx.text(node, "prompt"),
        "explanation": ctx.text(node, "explanation"),
        "source": _source(ctx, node),
        "shuffle": ctx.flag(node, "shuffle", bank_shuffle),
        "seed": f"{bank_seed}/{qid}",
    }
    if kind in ("single", "multiple"):
        cls = SingleChoice if kind == "single" else MultipleSelect
        return cls(**common, options=_options(ctx, node, kind))
    if kind == "truefalse":
        if not isinstance(node.get("answer"), bool):
            raise ctx.fail("must be true or false", "answer", node)
        fb = node.get("feedback", {}) or {}
        if not _is_map(fb):
            raise ctx.fail("must map true/false to text, e.g. {true: '...', false: '...'}",
                           "feedback", node)
        fb_norm: dict[bool, str] = {}
        for key in fb:
            flag = key if isinstance(key, bool) else {"true": True, "false": False}.get(
                str(key).lower())
            if flag is None:
                raise ctx.fail(f"keys are true and false, got {key!r}", "feedback", fb)
            fb_norm[flag] = ctx.text(fb, key)
        return TrueFalse(**common, answer=node["answer"], feedback_true=fb_norm.get(True, ""),
                         feedback_false=fb_norm.get(False, ""))
    if kind == "numeric":
        fb = node.get("feedback", {}) or {}
        if not _is_map(fb):
            raise ctx.fail("must be a mapping with optional correct/low/high", "feedback", node)
        ctx.no_unknown(fb, ("correct", "low", "high"), "numeric feedback")
        rules = [_numeric_rule(ctx, node, True, ctx.text(fb, "correct", required=False))]
        for mistake in node.get("mistakes", []) or []:
            if not _is_map(mistake):
                raise ctx.fail("each mistake is {answer: ..., feedback: ...} or {range: ...}",
                               "mistakes", node)
            ctx.no_unknown(mistake, ("answer", "tolerance", "range", "feedback"), "a mistake")
            rules.append(_numeric_rule(ctx, mistake, False, ctx.text(mistake, "feedback")))
        return Numeric(**common, rules=tuple(rules), unit=ctx.text(node, "unit", required=False),
                       feedback_low=ctx.text(fb, "low", required=False),
                       feedback_high=ctx.text(fb, "high", required=False))
    if kind == "ordering":
        raw = node.get("items")
        if not isinstance(raw, list) or len(raw) < 2:
            raise ctx.fail("needs a list of at least two items, in the right order", "items", node)
        items, fbs = [], []
        for entry in raw:
            entry = {"text": entry} if isinstance(entry, str) else entry
            if not _is_map(entry):
                raise ctx.fail("each item is text or {text: ..., feedback: ...}", "items", node)
            ctx.no_unknown(entry, ("text", "feedback"), "an item")
            items.append(ctx.text(entry, "text"))
            fbs.append(ctx.text(entry, "feedback", required=False))
        if len(set(items)) != len(items):
            raise ctx.fail("an item appears twice; items must differ", "items", node)
        return Ordering(**common, items=tuple(items), item_feedback=tuple(fbs))
    # matching
    raw = node.get("pairs")
    pairs: list[tuple[str, str]] = []
    fbs = []
    if _is_map(raw):
        for left in raw:
            if not isinstance(raw[left], str) or not str(left).strip():
                raise ctx.fail(f"{left!r} must map to text", "pairs", raw)
            pairs.append((str(left).strip(), raw[left].strip()))
            fbs.append("")
    elif isinstance(raw, list):
        for entry in raw:
            if not _is_map(entry):
                raise ctx.fail("each pair is {left: ..., right: ..., feedback: ...}", "pairs", node)
            ctx.no_unknown(entry, ("left", "right", "feedback"), "a pair")
            pairs.append((ctx.text(entry, "left"), ctx.text(entry, "right")))
            fbs.append(ctx.text(entry, "feedback", required=False))
    else:
        raise ctx.fail("needs `pairs:`, a mapping {left: right, ...}", "pairs", node)
    if len(pairs) < 2:
        raise ctx.fail("needs at least two pairs", "pairs", node)
    lefts = [left for left, _ in pairs]
    if len(set(lefts)) != len(lefts):
        raise ctx.fail("a left item appears twice", "pairs", node)
    distractors = node.get("distractors", []) or []
    if not isinstance(distractors, list) or not all(isinstance(d, str) for d in distractors):
        raise ctx.fail("must be a list of texts (extra options that match nothing)",
                       "distractors", node)
    return Matching(**common, pairs=tuple(pairs), pair_feedback=tuple(fbs),
                    distractors=tuple(d.strip() for d in distractors))


# --------------------------------------------------------------------------- encoding


def _keystream(question_id: str, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(_KEY_SALT + question_id.encode() + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:length])


def encode_key(question_id: str, secret: Mapping[str, Any]) -> str:
    """Hide a question's answer fields: JSON, zlib, XOR with a stream from the id, base64.

    Why: this stops spoilers, not cheats. It is deterministic (same input, same key), so
    re-encoding an unchanged bank leaves a clean git diff. The stream depends only on the
    question id, so a bank file can be renamed or a question moved to another bank.
    """
    # No sort_keys: `pairs` order is the authored order of the left items.
    payload = json.dumps(_plain_data(secret), ensure_ascii=False,
                         separators=(",", ":")).encode()
    packed = zlib.compress(payload, 9)
    mixed = bytes(a ^ b for a, b in zip(packed, _keystream(question_id, len(packed)), strict=True))
    return KEY_PREFIX + base64.b64encode(mixed).decode("ascii")


def decode_key(question_id: str, key: str) -> dict[str, Any]:
    """Reverse `encode_key`; raise ValueError when the key is damaged or belongs elsewhere."""
    if not key.startswith(KEY_PREFIX):
        raise ValueError(f"a key starts with {KEY_PREFIX!r}")
    try:
        mixed = base64.b64decode(key[len(KEY_PREFIX):], validate=True)
        packed = bytes(a ^ b for a, b in zip(mixed, _keystream(question_id, len(mixed)),
                                             strict=True))
        secret = json.loads(zlib.decompress(packed).decode())
    except (ValueError, zlib.error) as error:
        raise ValueError(
            "the key is damaged, or the question id was changed after encoding"
        ) from error
    if not isinstance(secret, dict):
        raise ValueError("the key does not hold a mapping")
    return secret


def _plain_data(value: Any) -> Any:
    """Turn loader objects (line-tracking dicts, bool keys) into plain JSON-able data."""
    if isinstance(value, Mapping):
        return {(str(k).lower() if isinstance(k, bool) else k): _plain_data(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return value


def _public_display(node: Mapping[str, Any]) -> dict[str, Any]:
    """Fields an encoded question keeps readable so the widget can draw it without the key."""
    kind = node.get("type")
    public: dict[str, Any] = {k: node[k] for k in PUBLIC_FIELDS if k in node}
    if kind in ("single", "multiple"):
        public["options"] = [o if isinstance(o, str) else o.get("text")
                             for o in node.get("options", [])]
    elif kind == "ordering":
        texts = [i if isinstance(i, str) else i.get("text") for i in node.get("items", [])]
        shown = sorted(texts, key=lambda t: str(t).casefold())
        public["items"] = shown[::-1] if shown == texts else shown
    elif kind == "matching":
        raw = node.get("pairs")
        if _is_map(raw):
            pairs = list(raw.items())
        else:
            pairs = [(p.get("left"), p.get("right")) for p in raw or [] if _is_map(p)]
        public["left"] = [left for left, _ in pairs]
        rights = {r for _, r in pairs} | set(node.get("distractors", []) or [])
        public["right"] = sorted(rights, key=lambda t: str(t).casefold())
    return public


def encode_question(node: Mapping[str, Any]) -> dict[str, Any]:
    """Split a plain question into readable display fields and an encoded `key`."""
    qid = str(node["id"])
    secret = {k: v for k, v in node.items() if k not in PUBLIC_FIELDS}
    encoded = _public_display(node)
    encoded["key"] = encode_key(qid, secret)
    return _plain_data(encoded)


def _merge_encoded(ctx: _Ctx, node: _LineMap) -> dict[str, Any]:
    """Rebuild the plain question from an encoded one, checking the readable copy agrees."""
    qid = node.get("id")
    if not isinstance(qid, (str, int)) or isinstance(qid, bool):
        raise ctx.fail("an encoded question needs its `id:`", "id", node)
    ctx.question = str(qid)
    key = node.get("key")
    if not isinstance(key, str):
        raise ctx.fail("must be the text written by `defence-course quiz encode`", "key", node)
    try:
        secret = decode_key(str(qid), key)
    except ValueError as error:
        raise ctx.fail(f"{error}; decode with the old id or re-encode the plain draft", "key",
                       node) from None
    leaked = [k for k in node if k in SECRET_FIELDS]
    if leaked:
        raise ctx.fail("an encoded question must not also hold plain answer fields; remove them "
                       "or re-encode", leaked[0], node)
    plain = {k: v for k, v in node.items() if k in PUBLIC_FIELDS}
    plain.update(secret)
    expected = _public_display(plain)
    for name in ("options", "items", "left", "right"):
        if name in node and node[name] != expected.get(name):
            raise ctx.fail("differs from the encoded key (edited by hand?); edit the plain draft "
                           "and run `defence-course quiz encode` again", name, node)
    return plain


# --------------------------------------------------------------------------- banks


def quiz_dir() -> Path:
    """Find the folder of banks: $DEFENCE_COURSE_QUIZZES, else lessons/quizzes near the cwd.

    Why: notebooks run with the lesson folder as cwd, the CLI and tests from the repo root,
    and an installed package from anywhere; this covers all three.
    """
    env = os.environ.get(QUIZ_DIR_ENV)
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for base in (here, *here.parents):
        for candidate in (base / "quizzes", base / "lessons" / "quizzes"):
            if candidate.is_dir() and (candidate.parent.name == "lessons"):
                # Relative when under the cwd: shorter paths in every message.
                return candidate.relative_to(here) if base == here else candidate
    return Path(__file__).resolve().parents[2] / "lessons" / "quizzes"


def bank_paths(folder: Path | None = None) -> list[Path]:
    """Every bank file in the folder, sorted by name (lesson order)."""
    folder = folder or quiz_dir()
    return sorted(p for p in folder.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file()) \
        if folder.is_dir() else []


def resolve_bank(name_or_path: str | os.PathLike[str]) -> Path:
    """Turn a bank name ('00-start-here') or a path into an existing file."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    folder = quiz_dir()
    for suffix in BANK_SUFFIXES:
        candidate = folder / f"{path.name}{suffix}"
        if candidate.is_file():
            return candidate
    known = ", ".join(p.stem for p in bank_paths(folder)) or "none"
    raise QuizNotFoundError(f"no quiz bank {str(name_or_path)!r} in {folder}; banks: {known}")


def read_bank_data(path: Path) -> Any:
    """Parse a bank file (YAML or JSON) into data with line numbers, or raise QuizFormatError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuizFormatError(f"cannot read the file: {error}", file=path) from None
    return _parse_text(text, path)


def plain_questions(data: Any, path: Path) -> tuple[str, list[dict[str, Any]], list[str]]:
    """Return (title, plain question mappings, ids of questions that were stored plain)."""
    ctx = _Ctx(path)
    if not _is_map(data):
        raise ctx.fail("a bank is a mapping with `title:` and `questions:`")
    ctx.no_unknown(data, ("title", "questions", "shuffle", "seed"), "the bank")
    title = ctx.text(data, "title")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise ctx.fail("needs a list of questions", "questions", data)
    out: list[dict[str, Any]] = []
    plain_ids: list[str] = []
    for node in raw:
        ctx.question = None
        if _is_map(node) and "key" in node:
            out.append(_merge_encoded(ctx, node))  # type: ignore[arg-type]
        else:
            out.append(node)
            if _is_map(node):
                plain_ids.append(str(node.get("id")))
    return title, out, plain_ids


def load_quiz(name_or_path: str | os.PathLike[str]) -> Quiz:
    """Load and validate a bank: our YAML (plain or encoded) or a jupyterquiz JSON list.

    `load_quiz("00-start-here")` finds lessons/quizzes/00-start-here.yaml; a path works too.
    """
    path = resolve_bank(name_or_path)
    data = read_bank_data(path)
    if isinstance(data, list):
        from defence_course.jupyterquiz import quiz_from_jupyterquiz

        return quiz_from_jupyterquiz(data, path)
    title, nodes, plain_ids = plain_questions(data, path)
    seed = str(data.get("seed", path.stem))
    shuffle = _Ctx(path).flag(data, "shuffle", False)
    questions: list[Question] = []
    seen: dict[str, int | None] = {}
    for node in nodes:
        ctx = _Ctx(path)
        question = _question_from_plain(ctx, node, seed, shuffle)
        if question.id in seen:
            first = f" (first on line {seen[question.id]})" if seen[question.id] else ""
            raise ctx.fail(f"duplicate id {question.id!r}{first}; ids must be unique in a bank",
                           "id", node)
        seen[question.id] = node.line_of("id") if isinstance(node, _LineMap) else None
        questions.append(question)
    return Quiz(
        name=path.stem, title=title, questions=tuple(questions), path=path,
        encoded=not plain_ids, plain_questions=tuple(plain_ids),
    )


def _dump(data: Any) -> str:
    return yaml.safe_dump(_plain_data(data), sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def encode_bank_text(path: Path) -> str:
    """Return the encoded text of a bank (plain or already encoded): validated, deterministic."""
    quiz = load_quiz(path)  # validates first: never encode a broken bank
    data = read_bank_data(path)
    _, nodes, _ = plain_questions(data, path)
    out: dict[str, Any] = {"title": quiz.title}
    for name in ("shuffle", "seed"):
        if name in data:
            out[name] = data[name]
    out["questions"] = [encode_question(node) for node in nodes]
    return ENCODED_HEADER + _dump(out)


def decode_bank_text(path: Path) -> str:
    """Return the plain, readable text of a bank, for editing in quiz-drafts/."""
    load_quiz(path)
    data = read_bank_data(path)
    _, nodes, _ = plain_questions(data, path)
    out = {k: v for k, v in data.items() if k != "questions"}
    out["questions"] = nodes
    return (f"# Plain quiz draft of {path.name}: keep it out of git (quiz-drafts/ is ignored);\n"
            "# encode it with `defence-course quiz encode` before committing.\n" + _dump(out))


def plain_key_problems(path: Path) -> list[str]:
    """List every place a committed bank shows an answer in plain text (empty list: none)."""
    try:
        data = read_bank_data(path)
    except QuizFormatError as error:
        return [str(error)]
    if isinstance(data, list):
        return [f"{path}: a jupyterquiz JSON bank holds its answers in plain text; convert it "
                "to YAML and encode it"]
    problems: list[str] = []
    questions = data.get("questions", []) if _is_map(data) else []
    questions = [q for q in questions if _is_map(q)] if isinstance(questions, list) else []
    plain = [str(q.get("id")) for q in questions if "key" not in q]
    if plain:
        which = "every question" if len(plain) == len(questions) else "questions " + ", ".join(
            plain)
        problems.append(f"{path}: plain bank, {which} readable (answers visible to learners); "
                        f"run `defence-course quiz encode --in-place {path}`")
    for node in questions:
        qid = node.get("id")
        line = node.line_of("id") if isinstance(node, _LineMap) else None
        where = f"{path}:{line}" if line else str(path)
        if "key" not in node:
            continue
        for name in node:
            if name in SECRET_FIELDS:
                problems.append(f"{where}: question {qid!r} shows {name!r} in plain text")
        if any(_is_map(o) for o in node.get("options", []) or []):
            problems.append(f"{where}: question {qid!r} has options with plain fields")
        if node.get("type") == "ordering":
            try:
                secret = decode_key(str(qid), str(node["key"]))
            except ValueError:
                continue
            order = [i if isinstance(i, str) else i.get("text") for i in secret.get("items", [])]
            if node.get("items") == order:
                problems.append(f"{where}: question {qid!r} lists its items in the right order")
    return problems
