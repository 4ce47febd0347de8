"""A quiz on the website: its questions and options, 'answer in JupyterLab', and never a key."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from defence_course.quiz import bank_paths, load_quiz
from defence_course.quiz.model import Matching, Ordering, Quiz, SingleChoice, Source
from defence_course.quiz.static import ANSWER_IN_LAB, static_quiz_html

BANKS = [p.stem for p in bank_paths()]


class Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.items: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.items.append("")

    def text(self) -> str:
        return " ".join("".join(self.words).split())


def words(html_text: str) -> Words:
    parser = Words()
    parser.feed(html_text)
    return parser


def _feedback_texts(question: object) -> list[str]:
    texts = [getattr(question, "explanation", "")]
    texts += [o.feedback for o in getattr(question, "options", ())]
    texts += [getattr(question, name, "") for name in ("feedback_true", "feedback_false", "feedback_low",
                                                        "feedback_high", "feedback_default")]
    texts += list(getattr(question, "item_feedback", ())) + list(getattr(question, "pair_feedback", ()))
    return [" ".join(t.split()) for t in texts if len(t) > 20]


@pytest.mark.parametrize("bank", BANKS)
def test_every_question_is_shown_with_its_prompt_and_no_feedback_or_explanation(bank: str) -> None:
    quiz = load_quiz(bank)
    shown = words(static_quiz_html(quiz)).text()
    assert ANSWER_IN_LAB in shown
    for number, question in enumerate(quiz.questions, start=1):
        # `code` in a bank's text is shown as code, without its backticks (issue 21).
        assert f"Q{number}. {' '.join(question.prompt.replace('`', '').split())[:40]}" in shown
        leaked = [t for t in _feedback_texts(question) if t.replace("`", "") in shown]
        assert leaked == [], f"{bank} {question.id} shows its feedback"
        if question.source is not None:
            assert question.source.url not in static_quiz_html(quiz)


def _question(**kwargs: object) -> SingleChoice:
    from defence_course.quiz.model import Option

    base = {"id": "q1", "prompt": "Which <b>one</b>?", "explanation": "Because of <script>.",
            "source": Source("S", "https://example.org/"),
            "options": (Option("A & B", correct=True, feedback="Right: A & B."), Option("<i>C</i>"))}
    return SingleChoice(**{**base, **kwargs})  # type: ignore[arg-type]


def test_text_is_escaped_and_one_question_is_titled_with_its_number() -> None:
    quiz = Quiz("demo", "00 · Demo", (_question(id="q0", prompt="First"), _question()))
    html_text = static_quiz_html(quiz, "q1")
    assert "Which &lt;b&gt;one&lt;/b&gt;?" in html_text
    assert "&lt;i&gt;C&lt;/i&gt;" in html_text
    assert "<b>" not in html_text
    assert "Quiz 00 · Demo, question 2" in words(html_text).text()
    assert "First" not in html_text
    assert "Because of" not in html_text
    assert "Right: A" not in html_text


def test_an_ordering_is_shown_out_of_order_and_a_matching_not_in_pair_order() -> None:
    ordering = Ordering(id="o", prompt="Order", explanation="", source=None,
                        items=("2014", "2016", "2020", "2022", "2025"))
    shown = words(static_quiz_html(Quiz("d", "D", (ordering,)))).text()
    assert "2014 2016 2020 2022 2025" not in shown
    assert all(year in shown for year in ordering.items)
    matching = Matching(id="m", prompt="Match", explanation="", source=None,
                        pairs=(("Canada", "2.01"), ("France", "2.05"), ("Poland", "4.48")))
    parsed = words(static_quiz_html(Quiz("d", "D", (matching,))))
    assert "Options:" in parsed.text()
    assert parsed.text().index("Canada") < parsed.text().index("Options:") < parsed.text().index("4.48")


def test_code_in_a_prompt_is_shown_as_code_on_the_website() -> None:
    html_text = static_quiz_html(load_quiz("00-start-here"))
    assert '<code>load("nato_spending")</code>' in html_text
    assert "`" not in html_text.split("Q1.", 1)[1].split("</p>", 1)[0]
