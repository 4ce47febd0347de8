"""One question on screen: its widgets (prompt, answer controls, buttons, status, feedback)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from defence_course.i18n import N_, _, ngettext
from defence_course.quiz.model import Feedback, Question, Quiz
from defence_course.quiz.progress import ProgressStore, QuestionRecord
from defence_course.quiz.widgets.controls import AnswerControls, answer_controls
from defence_course.quiz.widgets.render import html_widget, render_prompt


@dataclass
class QuestionView:
    """The widgets of one question, and how to read a response from them."""

    question: Question
    number: int
    box: widgets.VBox
    check: widgets.Button
    feedback: widgets.HTML | widgets.HTMLMath
    status: widgets.Label
    controls: list[widgets.Widget]
    read: Callable[[], Any]
    inputs: AnswerControls
    reveal: widgets.Button
    on_result: Callable[[QuestionView, Feedback | None], None] | None = None
    last: Feedback | None = field(default=None)

    def click(self) -> None:
        """Press 'Check answer' from Python (tests, benchmarks)."""
        self.check.click()

    def show_answer(self) -> None:
        """Press 'Show answer' from Python (tests), and again to confirm, as a learner does."""
        self.reveal.click()
        self.reveal.click()

    def respond(self, response: Any) -> None:
        """Set the controls to an API-style response (the same shapes `Quiz.answer` takes)."""
        self.inputs.set(response)


# Show answer asks once (issue 21): one Tab too many and Space revealed an answer by accident.
REVEAL = N_("Show answer")
REVEAL_CONFIRM = N_("Yes, show answer")
REVEAL_ASK = N_("Show the answer? It counts as shown, not as correct. Press “Yes, show answer” "
                "to see it, or answer and Check as before.")


def status_text(rec: QuestionRecord | None) -> str:
    """Attempts and standing; when the latest try was wrong after an earlier right one, says so,
    so a new "Not quite" never sits beside an unexplained "answered correctly" (issue 11)."""
    if rec is None or not (rec.attempts or rec.revealed):
        return _("Not tried yet.")
    parts = [ngettext("{n} attempt", "{n} attempts", rec.attempts).format(n=rec.attempts)] \
        if rec.attempts else []
    if rec.solved and rec.last_score < 1.0:
        parts.append(_("latest try not right, ✔ answered correctly on an earlier try"))
    elif rec.solved:
        parts.append(_("✔ answered correctly"))
    elif rec.revealed:
        parts.append(_("answer shown (not counted as correct)"))
    else:
        parts.append(_("not answered correctly yet"))
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def question_view(quiz: Quiz, question: Question, number: int, store: ProgressStore,
                   on_result: Callable[[QuestionView, Feedback | None], None] | None
                   ) -> QuestionView:
    """Lay out one question: prompt, answer controls, Check / Show answer, status, feedback."""
    prompt = html_widget(quiz, render_prompt(question, number))
    inputs = answer_controls(question)
    # No `icon`: ipywidgets draws it as a Font Awesome glyph from the Private Use Area, which
    # browsers put into the button's accessible name (" Check answer").
    check = widgets.Button(description=_("Check answer"), button_style="primary",
                           tooltip=_("Check your answer to question {number}").format(number=number))
    check.add_class("dc-check")
    reveal = widgets.Button(description=_(REVEAL),
                            tooltip=_("Show the answer to question {number} and why (kept in your "
                                      "progress as shown, not as correct)").format(number=number))
    reveal.add_class("dc-reveal")
    status = widgets.Label(status_text(store.results(quiz.name).get(question.id)))
    status.add_class("dc-status")
    feedback = html_widget(quiz)
    feedback.add_class("dc-feedback")
    actions = widgets.HBox([check, reveal, status])
    actions.add_class("dc-actions")
    box = widgets.VBox([prompt, *inputs.children, actions, feedback])
    for name in ("dc-question", f"dc-type-{question.type}", f"dc-q-{question.id}"):
        box.add_class(name)
    return QuestionView(question, number, box, check, feedback, status, inputs.controls,
                        inputs.read, inputs, reveal, on_result)
