"""The bank reader's pure parts, imported directly: YAML with lines, and plain questions built.

(issue 18, item 10: `quiz.parsing` and `quiz.build` on their own, without a bank file.)
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from defence_course.quiz.build import question_from_plain
from defence_course.quiz.model import Matching, Numeric, QuizFormatError, SingleChoice
from defence_course.quiz.parsing import Ctx, LineMap, parse_text

BANK = Path("bank.yaml")
SOURCE = {"title": "EEAS, 23 June 2025", "url": "https://eeas.europa.eu/x"}


def parse(text: str, path: Path = BANK) -> Any:
    return parse_text(textwrap.dedent(text), path)


def build(node: dict[str, Any]) -> Any:
    return question_from_plain(Ctx(BANK), {"source": SOURCE, "explanation": "Why.", **node},
                               "bank", False)


def test_parsed_yaml_remembers_the_line_of_every_key() -> None:
    data = parse("""\
        title: T
        questions:
          - id: q1
            prompt: P
        """)
    assert isinstance(data, LineMap)
    question = data["questions"][0]
    assert (question.line, question.line_of("prompt"), question.line_of("nope")) == (3, 4, 3)


@pytest.mark.parametrize(("text", "path", "words", "line"), [
    ("a: 1\nb: 2\na: 3\n", BANK, "duplicate key 'a' (first on line 1)", 3),
    ("a: 'open\nb: 2\n", BANK, "YAML syntax error", 3),
    ('{"a": 1,}', Path("bank.json"), "JSON syntax error", 1),
])
def test_syntax_errors_name_the_line(text: str, path: Path, words: str, line: int) -> None:
    with pytest.raises(QuizFormatError) as caught:
        parse_text(text, path)
    assert words in caught.value.problem
    assert caught.value.line == line


def test_context_errors_name_the_question_field_and_line() -> None:
    node = parse("id: q1\nprompt: ''\nshuffle: 'yes'\nrange: [3, 1]\nanswr: 2\n")
    ctx = Ctx(BANK, "q1")
    for call, field, words in (
            (lambda: ctx.text(node, "prompt"), "prompt", "is empty"),
            (lambda: ctx.flag(node, "shuffle", False), "shuffle", "true or false"),
            (lambda: ctx.bounds(node, "range"), "range", "swap them"),
            (lambda: ctx.no_unknown(node, ("id", "prompt", "shuffle", "range", "answer"), "x"),
             "answr", "did you mean 'answer'")):
        with pytest.raises(QuizFormatError) as caught:
            call()
        error = caught.value
        assert (error.question, error.field, error.line) == ("q1", field, node.line_of(field))
        assert words in error.problem


def test_each_type_is_built_into_its_model_object() -> None:
    single = build({"id": "s", "type": "single", "prompt": "Who?",
                    "options": [{"text": "Kallas", "correct": True}, "Costa"]})
    assert isinstance(single, SingleChoice)
    assert [o.correct for o in single.options] == [True, False]
    numeric = build({"id": "n", "type": "numeric", "prompt": "Year?", "answer": 2035})
    assert isinstance(numeric, Numeric)
    assert numeric.grade(2035).correct
    matching = build({"id": "m", "type": "matching", "prompt": "Match",
                      "pairs": {"Kallas": "HR/VP", "Costa": "European Council"}})
    assert isinstance(matching, Matching)
    assert matching.seed == "bank/m"


@pytest.mark.parametrize(("node", "field", "words"), [
    ({"id": "q 1", "type": "single"}, "id", "letters, digits"),
    ({"id": "q1", "type": "essay"}, "type", "unknown type 'essay'"),
    ({"id": "q1", "type": "single", "prompt": "P", "option": []}, "option",
     "did you mean 'options'"),
    ({"id": "q1", "type": "single", "prompt": "P",
      "options": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]},
     "options", "single-choice question has one"),
    ({"id": "q1", "type": "matching", "prompt": "P",
      "pairs": [{"left": "a", "right": "x"}, {"left": "a", "right": "y"}]},
     "pairs", "a left item appears twice"),
    ({"id": "q1", "type": "numeric", "prompt": "P", "answer": "2035"}, "answer",
     "must be a number"),
])
def test_a_bad_question_is_refused_with_its_field(node: dict[str, Any], field: str,
                                                  words: str) -> None:
    with pytest.raises(QuizFormatError) as caught:
        build(node)
    assert caught.value.field == field
    assert words in caught.value.problem
