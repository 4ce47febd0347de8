"""Read jupyterquiz JSON banks into our quiz model, so instructors can reuse the banks they have."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from defence_course.quiz.model import (
    MultipleSelect,
    Numeric,
    NumericRule,
    Option,
    Question,
    Quiz,
    SingleChoice,
    TextAnswer,
)
from defence_course.quiz.parsing import Ctx, is_map

JUPYTERQUIZ_TYPES = ("multiple_choice", "many_choice", "numeric", "string")


def _option(ctx: Ctx, answer: Any, node: Any) -> Option:
    """One choice: its text and/or its code (jupyterquiz: "a text component and/or a code block")."""
    if not is_map(answer):
        raise ctx.fail("each answer is {answer: ..., code: ..., correct: ..., feedback: ...}",
                       "answers", node)
    code = ctx.text(answer, "code", required=False) if "code" in answer else ""
    text = ctx.text(answer, "answer", required=not code)
    # A code-only answer is chosen (and graded) by its code.
    return Option(text or code, ctx.flag(answer, "correct", False),
                  ctx.text(answer, "feedback", required=False), code)


def _choices(ctx: Ctx, node: Any, kind: str) -> tuple[Option, ...]:
    options = [_option(ctx, answer, node) for answer in node["answers"]]
    if len(options) < 2:
        raise ctx.fail("needs at least two answers", "answers", node)
    if not any(o.correct for o in options):
        raise ctx.fail(f"no correct answer in this {kind} question: set `correct: true` on one",
                       "answers", node)
    texts = [(o.text, o.code) for o in options]
    if len(set(texts)) != len(texts):
        raise ctx.fail("two answers have the same text", "answers", node)
    return tuple(options)


def _numeric_rule(ctx: Ctx, answer: Any) -> NumericRule | None:
    """One value or range rule, or None for the `type: default` feedback."""
    feedback = ctx.text(answer, "feedback", required=False)
    if answer.get("type") == "default":
        return None
    if "value" in answer:
        value = ctx.number(answer, "value")
        return NumericRule(value, value, ctx.flag(answer, "correct", False), feedback)
    if "range" in answer:
        low, high = ctx.bounds(answer, "range")
        # jupyterquiz tests low <= x < high; keep that meaning.
        return NumericRule(low, high, ctx.flag(answer, "correct", False), feedback,
                           high_open=True)
    raise ctx.fail("each numeric answer has `value`, `range` or `type: default`", "answers",
                   answer)


def _numeric(ctx: Ctx, node: Any, common: dict[str, Any]) -> Numeric:
    rules: list[NumericRule] = []
    default = ""
    for answer in node["answers"]:
        if not is_map(answer):
            raise ctx.fail("each answer is {value|range: ..., correct: ..., feedback: ...}",
                           "answers", node)
        rule = _numeric_rule(ctx, answer)
        if rule is None:
            default = ctx.text(answer, "feedback", required=False)
        else:
            rules.append(rule)
    if not any(r.correct for r in rules):
        raise ctx.fail("no correct answer: set `correct: true` on a value or range", "answers",
                       node)
    precision = node.get("precision")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int)
                                  or precision < 1):
        raise ctx.fail("must be a whole number of significant digits, 1 or more", "precision",
                       node)
    return Numeric(**common, rules=tuple(rules), precision=precision, feedback_default=default)


def _text(ctx: Ctx, node: Any, common: dict[str, Any]) -> TextAnswer:
    answers: list[tuple[str, bool, str, bool, float]] = []
    default = ""
    for answer in node["answers"]:
        if not is_map(answer):
            raise ctx.fail("each answer is {answer: ..., correct: ..., feedback: ...}", "answers",
                           node)
        if answer.get("type") == "default":
            default = ctx.text(answer, "feedback", required=False)
            continue
        fuzzy = ctx.number(answer, "fuzzy_threshold") if "fuzzy_threshold" in answer else 1.0
        if not 0.0 <= fuzzy <= 1.0:
            raise ctx.fail(f"must be between 0 and 1, got {fuzzy:g}", "fuzzy_threshold", answer)
        answers.append((ctx.text(answer, "answer"), ctx.flag(answer, "correct", False),
                        ctx.text(answer, "feedback", required=False),
                        ctx.flag(answer, "match_case", False), fuzzy))
    if not any(a[1] for a in answers):
        raise ctx.fail("no correct answer: set `correct: true` on one", "answers", node)
    return TextAnswer(**common, answers=tuple(answers), feedback_default=default)


def _question(path: Path, index: int, node: Any) -> Question:
    """One jupyterquiz question as a model object, with id q<index>."""
    ctx = Ctx(path, f"q{index}")
    if not is_map(node):
        raise ctx.fail("each jupyterquiz question is an object with question/type/answers")
    kind = node.get("type")
    if kind not in JUPYTERQUIZ_TYPES:
        raise ctx.fail(f"unknown jupyterquiz type {kind!r}; this course reads: "
                       + ", ".join(JUPYTERQUIZ_TYPES), "type", node)
    if not isinstance(node.get("answers"), list) or not node["answers"]:
        raise ctx.fail("needs a list of answers", "answers", node)
    common: dict[str, Any] = {"id": f"q{index}", "prompt": ctx.text(node, "question"),
                              "explanation": "", "source": None,
                              "seed": f"{path.stem}/q{index}",
                              "code": ctx.text(node, "code", required=False)}
    if kind == "multiple_choice":
        return SingleChoice(**common, options=_choices(ctx, node, kind))
    if kind == "many_choice":
        return MultipleSelect(**common, options=_choices(ctx, node, kind))
    if kind == "numeric":
        return _numeric(ctx, node, common)
    return _text(ctx, node, common)


def quiz_from_jupyterquiz(data: list[Any], path: Path) -> Quiz:
    """Convert a jupyterquiz question list; questions get ids q1, q2... in file order.

    jupyterquiz has no explanation or source fields, so imported questions show the
    per-answer feedback only. Their texts may hold LaTeX (`$\\pi$`): the quiz is marked
    `math`, so the widgets typeset it as JupyterLab does.
    """
    questions = [_question(path, index, node) for index, node in enumerate(data, start=1)]
    if not questions:
        raise Ctx(path).fail("the jupyterquiz file holds no questions")
    return Quiz(name=path.stem, title=path.stem, questions=tuple(questions), path=path,
                encoded=False, plain_questions=tuple(q.id for q in questions), math=True)
