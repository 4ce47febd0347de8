"""The quiz model: question types that grade a response and explain it, without widgets or files."""

from __future__ import annotations

import difflib
import math
import os
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from defence_course.errors import DefenceCourseError
from defence_course.i18n import _, ngettext
from defence_course.i18n.numbers import plain_number

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
        return "\n".join(part for part in (self.headline, *self.details) if part)

    @property
    def verdict(self) -> str:
        """Icon and word, so the result never depends on colour alone."""
        if self.correct:
            return _("✔ Correct")
        if self.score > 0:
            return _("◑ Partly right")
        return _("✘ Not quite")


@dataclass(frozen=True)
class Option:
    """One choice of a single/multiple question, with the feedback shown when it is chosen."""

    text: str
    correct: bool = False
    feedback: str = ""
    code: str = ""
    """A code snippet shown in a monospace block (jupyterquiz answers may be code only)."""


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
    code: str = ""
    """A code block shown under the prompt, in monospace (jupyterquiz's `code`)."""
    skill: str = ""
    """recall, compute or judge (empty for untagged banks, e.g. jupyterquiz imports)."""

    def grade(self, response: Any) -> Feedback:  # pragma: no cover - abstract
        raise NotImplementedError

    def answer_text(self) -> str:  # pragma: no cover - abstract
        """The right answer in words, for the learner who asks for it ("Show answer")."""
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
        # No headline: the verdict ("✔ Correct", "✘ Not quite") already says it, and
        # "Correct. That is right." said it twice (issue 11).
        return self._feedback(1.0 if option.correct else 0.0, "", [option.feedback])

    def answer_text(self) -> str:
        return _(" or ").join(o.text or o.code for o in self.options if o.correct)


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
            raise QuizResponseError(_("choose at least one option"))
        if len(set(chosen)) != len(chosen):
            raise QuizResponseError("each option can be chosen once")
        picked = [self._option(text) for text in chosen]
        n_right = sum(o.correct for o in self.options)
        hits = sum(o.correct for o in picked)
        wrong = len(picked) - hits
        score = max(0.0, (hits - wrong) / n_right)
        headline = (ngettext("You chose {hits} of the {n} right options and {wrong} wrong one.",
                             "You chose {hits} of the {n} right options and {wrong} wrong ones.",
                             wrong) if wrong else _("You chose {hits} of the {n} right options."))
        headline = headline.format(hits=hits, n=n_right, wrong=wrong)
        if hits == n_right and not wrong:
            headline = _("Both right options, and nothing else.") if n_right == 2 else \
                _("All {n} right options, and nothing else.").format(n=n_right)
        details = [f"{o.text}: {o.feedback}" for o in picked if o.feedback]
        return self._feedback(score, headline, details)

    def answer_text(self) -> str:
        return "; ".join(o.text or o.code for o in self.options if o.correct)


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

    @staticmethod
    def labels() -> list[str]:
        """The choices as the learner reads them (the values stay 'True' and 'False')."""
        return [_("True"), _("False")]

    def grade(self, response: Any) -> Feedback:
        if isinstance(response, bool):
            value = response
        elif isinstance(response, str) and response.strip().lower() in ("true", "false"):
            value = response.strip().lower() == "true"
        else:
            raise QuizResponseError(f"answer 'True' or 'False', got {response!r}")
        said = self.feedback_true if value else self.feedback_false
        if value == self.answer:
            headline = _("The statement is true.") if self.answer else _("The statement is false.")
            return self._feedback(1.0, headline, [said])
        # Not "No: the statement is true": after a wrong try only the note on the choice is
        # shown (issue 11); with two options, naming the answer would hand it over.
        return self._feedback(0.0, "", [said])

    def answer_text(self) -> str:
        return _("True") if self.answer else _("False")


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
        shown = plain_number(float(response)) + (f" {self.unit}" if self.unit else "")
        for rule in self.rules:
            low, high = self._rounded(rule.low), self._rounded(rule.high)
            if NumericRule(low, high, rule.correct, rule.feedback, rule.high_open).matches(value):
                if rule.correct:
                    return self._feedback(1.0, _("{shown} is right.").format(shown=shown),
                                          [rule.feedback])
                return self._feedback(0.0, _("{shown} is not right.").format(shown=shown),
                                      [rule.feedback])
        right = [r for r in self.rules if r.correct]
        if right and value < min(r.low for r in right):
            return self._feedback(0.0, _("{shown} is too low.").format(shown=shown),
                                  [self.feedback_low or self.feedback_default])
        if right and value > max(r.high for r in right):
            return self._feedback(0.0, _("{shown} is too high.").format(shown=shown),
                                  [self.feedback_high or self.feedback_default])
        return self._feedback(0.0, _("{shown} is not right.").format(shown=shown),
                              [self.feedback_default])

    def answer_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        spans = [plain_number(r.low) + unit if r.low == r.high else
                 _("{low} to {high}").format(low=plain_number(r.low), high=plain_number(r.high)) + unit
                 for r in self.rules if r.correct]
        return _(" or ").join(spans)


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
            return self._feedback(1.0, _("All {n} items are in the right order.").format(n=n))
        headline = ngettext("{k} of {n} items is in the right place.",
                            "{k} of {n} items are in the right place.", in_place).format(k=in_place, n=n)
        return self._feedback(good / pairs, headline, details)

    def answer_text(self) -> str:
        return " → ".join(self.items)


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
            return self._feedback(1.0, _("All {n} matches are right.").format(n=n))
        headline = ngettext("{k} of {n} matches is right.", "{k} of {n} matches are right.",
                            len(good)).format(k=len(good), n=n)
        return self._feedback(len(good) / n, headline, details)

    def answer_text(self) -> str:
        return "; ".join(f"{left} → {right}" for left, right in self.pairs)


@dataclass(frozen=True)
class TextAnswer(Question):
    """Free text (imported from jupyterquiz `string` questions); optional fuzzy matching."""

    type: ClassVar[str] = "text"
    answers: tuple[tuple[str, bool, str, bool, float], ...] = ()  # text, correct, fb, case, fuzzy
    feedback_default: str = ""

    def grade(self, response: Any) -> Feedback:
        given = _as_text(response, "The answer").strip()
        if not given:
            raise QuizResponseError(_("type an answer first"))
        for text, correct, fb, match_case, fuzzy in self.answers:
            a, b = (given, text) if match_case else (given.lower(), text.lower())
            ratio = 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()
            if a == b or (fuzzy < 1.0 and ratio >= fuzzy):
                return self._feedback(1.0 if correct else 0.0, "", [fb])
        return self._feedback(0.0, "", [self.feedback_default])

    def answer_text(self) -> str:
        return "; ".join(text for text, correct, *_ in self.answers if correct)


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
    math: bool = False
    """Render `$...$` in texts as LaTeX, as JupyterLab does (jupyterquiz banks); ours use `$` as money."""

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

