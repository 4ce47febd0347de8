"""What one question's buttons and answer box do: grade, reveal, save, redraw.

The state machine behind "Check answer": a value that reaches the kernel within
LATE_VALUE_WINDOW_S of its click is graded as the answer clicked for, never counted twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from defence_course.i18n import _
from defence_course.quiz.model import Feedback, Question, Quiz, QuizResponseError
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.widgets.controls import OrderingControls
from defence_course.quiz.widgets.question import (
    REVEAL,
    REVEAL_ASK,
    REVEAL_CONFIRM,
    QuestionView,
    question_view,
    status_text,
)
from defence_course.quiz.widgets.render import render_answer, render_feedback, render_info

# How long after a Check click an answer that arrives is taken as the one the learner clicked
# for (see Grading.on_late_value).
LATE_VALUE_WINDOW_S = 5.0


class Grading:
    """What the buttons and the answer box of one question do: grade, reveal, save, redraw."""

    def __init__(self, quiz: Quiz, view: QuestionView, store: ProgressStore) -> None:
        self.bank, self.view, self.store = quiz.name, view, store
        self.question = view.question
        # The last graded response, when, and whether it came late (see on_late_value).
        self.response: Any = None
        self.at = float("-inf")
        self.late = False
        self.repeated = False  # the last click graded the answer graded before it
        self.revealing = False  # Show answer was pressed once: the next press shows it

    def grade(self, *, late: bool) -> None:
        view = self.view
        try:
            response = view.read()
            result = self.question.grade(response)
        except QuizResponseError as error:
            if not late:  # e.g. "type an answer first": a value may still be on its way
                self.response, self.at, self.late = None, time.monotonic(), False
                view.feedback.value = render_info(str(error)[:1].upper() + str(error)[1:] + ".")
            return
        recent = time.monotonic() - self.at < LATE_VALUE_WINDOW_S
        if not late and self.late and recent and response == self.response:
            return  # the late value was graded a moment ago: do not count the same answer twice
        self.repeated = not late and response == self.response
        self.response, self.at, self.late = response, time.monotonic(), late
        view.last = result
        saved = self.store.record(self.bank, self.question.id, result.correct, result.score)
        view.status.value = status_text(saved)
        # The reveal policy (docs/quiz-format.md): the explanation after a right answer, after a
        # second try, or once the answer was shown or found before; else only the chosen note.
        explain = result.correct or saved.solved or saved.revealed or saved.attempts >= 2
        view.feedback.value = render_feedback(result, reveal=explain,
                                              note=view.inputs.understood(response))
        if view.on_result is not None:
            view.on_result(view, result)

    def on_check(self, _button: widgets.Button | None = None) -> None:
        self._disarm()
        self.grade(late=False)

    def on_reveal(self, _button: widgets.Button | None = None) -> None:
        """Show the answer on the second press: one stray Tab+Space must not reveal it (issue 21)."""
        if not self.revealing:
            self.revealing = True
            self.view.reveal.description = _(REVEAL_CONFIRM)
            self.view.feedback.value = render_info(_(REVEAL_ASK))
            return
        self._disarm()
        saved = self.store.reveal(self.bank, self.question.id)
        self.view.status.value = status_text(saved)
        self.view.feedback.value = render_answer(self.question)
        if self.view.on_result is not None:
            self.view.on_result(self.view, None)

    def _disarm(self) -> None:
        """Put Show answer back to its first press."""
        if self.revealing:
            self.revealing = False
            self.view.reveal.description = _(REVEAL)

    def on_enter(self) -> None:
        """Enter in the answer box: ipywidgets sends it before the box's new value, always.

        So an unchanged answer here is the old value, with the new one on its way: wait for it
        (on_late_value grades it) instead of counting the old answer a second time.
        """
        try:
            stale = self.view.read() == self.response
        except QuizResponseError:
            stale = False
        if stale:
            self.at, self.late = time.monotonic(), False
        else:
            self.grade(late=False)

    def on_value(self, _change: dict[str, Any] | None = None) -> None:
        """A new answer: grade it when it is one that came late for its click, else clear the
        feedback, which was about the old answer (issue 21: a stale "Correct" stayed beside it).
        """
        if self.on_late_value():
            return
        self._disarm()
        try:
            unchanged = self.view.read() == self.response
        except QuizResponseError:
            unchanged = False
        if not unchanged and self.view.feedback.value:
            self.view.feedback.value = ""

    def on_late_value(self) -> bool:
        """Grade an answer that reached the kernel just after its Check click; True if it did.

        Why: ipywidgets holds a model's update back while an earlier one is in flight, but sends
        a button click at once, so under load "type 2035, click Check" can reach the kernel as
        the click first (graded with the old value), then 2035. The feedback must match what the
        learner sees when they clicked. Choices too (CI saw "pick the right option, Check" graded
        as the wrong option picked before): for them only after a click that graded the same
        answer again, which is what a click that overtook its choice looks like.

        Enter on a typed answer that is not a number ("ten") arrives the same way, after its
        submit: it says "Type a number first" here, as the Check button does.
        """
        # A clicked choice (radio, box, list) changed after a click that graded a new answer is
        # the learner's next answer, not a late one: it waits for its own click.
        expected = self.view.inputs.typed or self.repeated
        if not expected or time.monotonic() - self.at >= LATE_VALUE_WINDOW_S:
            return False
        try:
            changed = self.view.read() != self.response
        except QuizResponseError as error:
            if not self.view.inputs.typed:
                return False
            self.response, self.at, self.late = None, time.monotonic(), True
            self.view.feedback.value = render_info(str(error)[:1].upper() + str(error)[1:] + ".")
            return True
        if changed:
            self.grade(late=True)
        return bool(changed)


def build_question(quiz: Quiz, question: Question, number: int, store: ProgressStore,
                   on_result: Callable[[QuestionView, Feedback | None], None] | None = None
                   ) -> QuestionView:
    """Widgets for one question; the Check button grades kernel-side and saves the attempt."""
    view = question_view(quiz, question, number, store, on_result)
    grading = Grading(quiz, view, store)
    view.check.on_click(grading.on_check)
    view.reveal.on_click(grading.on_reveal)
    view.inputs.on_submit(grading.on_enter)
    for control in view.controls:
        control.observe(grading.on_value, names="value")
    if isinstance(view.inputs, OrderingControls):
        view.inputs.on_change = grading.on_value
    return view
