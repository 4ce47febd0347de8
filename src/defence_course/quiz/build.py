"""Our YAML bank format: a plain question mapping validated field by field into a model object."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from defence_course.quiz.model import (
    Matching,
    MultipleSelect,
    Numeric,
    NumericRule,
    Option,
    Ordering,
    Question,
    SingleChoice,
    Source,
    TrueFalse,
)
from defence_course.quiz.parsing import Ctx, is_map

_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _source(ctx: Ctx, node: Mapping[str, Any]) -> Source:
    value = node.get("source")
    if not is_map(value):
        raise ctx.fail("needs `title:` and `url:` (where the explanation's facts come from)",
                       "source", node)
    ctx.no_unknown(value, ("title", "url"), "source")
    title = ctx.text(value, "title")
    url = ctx.text(value, "url")
    if not re.match(r"^https?://\S+$", url):
        raise ctx.fail(f"url must start with http:// or https:// and have no spaces, got {url!r}",
                       "url", value)
    return Source(title, url)


_COMMON = ("id", "type", "prompt", "explanation", "source", "shuffle", "skill")
SKILLS = ("recall", "compute", "judge")
"""What a question asks the learner to do: remember a fact, work a number out of the data, or weigh
evidence (which source settles a claim, what a figure can show, what an actor's interest does)."""
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "numeric": ("answer", "tolerance", "range", "unit", "mistakes", "feedback"),
    "truefalse": ("answer", "feedback"),
    "ordering": ("items",),
    "matching": ("pairs", "distractors"),
}


def _options(ctx: Ctx, node: Mapping[str, Any], kind: str) -> tuple[Option, ...]:
    raw = node.get("options")
    if not isinstance(raw, list) or len(raw) < 2:
        raise ctx.fail("needs a list of at least two options", "options", node)
    options: list[Option] = []
    for entry in raw:
        if isinstance(entry, str):
            entry = {"text": entry}
        if not is_map(entry):
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


def _numeric_rule(ctx: Ctx, node: Mapping[str, Any], correct: bool, fb: str) -> NumericRule:
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


Builder = Callable[[Ctx, Mapping[str, Any], dict[str, Any]], Question]


def _choice(ctx: Ctx, node: Mapping[str, Any], common: dict[str, Any]) -> Question:
    kind = node["type"]
    cls = SingleChoice if kind == "single" else MultipleSelect
    return cls(**common, options=_options(ctx, node, kind))


def _true_false(ctx: Ctx, node: Mapping[str, Any], common: dict[str, Any]) -> Question:
    if not isinstance(node.get("answer"), bool):
        raise ctx.fail("must be true or false", "answer", node)
    fb = node.get("feedback", {}) or {}
    if not is_map(fb):
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


def _numeric(ctx: Ctx, node: Mapping[str, Any], common: dict[str, Any]) -> Question:
    fb = node.get("feedback", {}) or {}
    if not is_map(fb):
        raise ctx.fail("must be a mapping with optional correct/low/high", "feedback", node)
    ctx.no_unknown(fb, ("correct", "low", "high"), "numeric feedback")
    rules = [_numeric_rule(ctx, node, True, ctx.text(fb, "correct", required=False))]
    for mistake in node.get("mistakes", []) or []:
        if not is_map(mistake):
            raise ctx.fail("each mistake is {answer: ..., feedback: ...} or {range: ...}",
                           "mistakes", node)
        ctx.no_unknown(mistake, ("answer", "tolerance", "range", "feedback"), "a mistake")
        rules.append(_numeric_rule(ctx, mistake, False, ctx.text(mistake, "feedback")))
    return Numeric(**common, rules=tuple(rules), unit=ctx.text(node, "unit", required=False),
                   feedback_low=ctx.text(fb, "low", required=False),
                   feedback_high=ctx.text(fb, "high", required=False))


def _ordering(ctx: Ctx, node: Mapping[str, Any], common: dict[str, Any]) -> Question:
    raw = node.get("items")
    if not isinstance(raw, list) or len(raw) < 2:
        raise ctx.fail("needs a list of at least two items, in the right order", "items", node)
    items, fbs = [], []
    for entry in raw:
        entry = {"text": entry} if isinstance(entry, str) else entry
        if not is_map(entry):
            raise ctx.fail("each item is text or {text: ..., feedback: ...}", "items", node)
        ctx.no_unknown(entry, ("text", "feedback"), "an item")
        items.append(ctx.text(entry, "text"))
        fbs.append(ctx.text(entry, "feedback", required=False))
    if len(set(items)) != len(items):
        raise ctx.fail("an item appears twice; items must differ", "items", node)
    return Ordering(**common, items=tuple(items), item_feedback=tuple(fbs))


def _pairs(ctx: Ctx, node: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """Matching pairs, given as a mapping {left: right} or a list of {left, right, feedback}."""
    raw = node.get("pairs")
    pairs: list[tuple[str, str]] = []
    fbs: list[str] = []
    if is_map(raw):
        for left in raw:
            if not isinstance(raw[left], str) or not str(left).strip():
                raise ctx.fail(f"{left!r} must map to text", "pairs", raw)
            pairs.append((str(left).strip(), raw[left].strip()))
            fbs.append("")
    elif isinstance(raw, list):
        for entry in raw:
            if not is_map(entry):
                raise ctx.fail("each pair is {left: ..., right: ..., feedback: ...}", "pairs", node)
            ctx.no_unknown(entry, ("left", "right", "feedback"), "a pair")
            pairs.append((ctx.text(entry, "left"), ctx.text(entry, "right")))
            fbs.append(ctx.text(entry, "feedback", required=False))
    else:
        raise ctx.fail("needs `pairs:`, a mapping {left: right, ...}", "pairs", node)
    return pairs, fbs


def _matching(ctx: Ctx, node: Mapping[str, Any], common: dict[str, Any]) -> Question:
    pairs, fbs = _pairs(ctx, node)
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


BUILDERS: dict[str, Builder] = {
    "single": _choice, "multiple": _choice, "truefalse": _true_false, "numeric": _numeric,
    "ordering": _ordering, "matching": _matching,
}
"""One builder per authoring type (the keys of _TYPE_FIELDS)."""


def _skill(ctx: Ctx, node: Mapping[str, Any]) -> str:
    """The optional `skill` tag, one of SKILLS; a typo is an error, not a silent untagged question."""
    value = node.get("skill")
    if value is None:
        return ""
    if value not in SKILLS:
        raise ctx.fail(f"unknown skill {value!r}; use one of: {', '.join(SKILLS)}", "skill", node)
    return str(value)


def question_from_plain(ctx: Ctx, node: Any, bank_seed: str, bank_shuffle: bool) -> Question:
    """Validate one plain question mapping and build its model object."""
    if not is_map(node):
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
        "skill": _skill(ctx, node),
    }
    return BUILDERS[kind](ctx, node, common)
