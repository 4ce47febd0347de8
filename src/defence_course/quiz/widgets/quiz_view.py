"""A whole bank (or one question of it) on screen: `build_quiz()` and `show_quiz()`."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets

from defence_course.display import show_widget
from defence_course.i18n import _, ngettext
from defence_course.paths import progress_path
from defence_course.quiz.banks import load_quiz
from defence_course.quiz.model import Quiz, QuizError
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.static import static_quiz_html
from defence_course.quiz.widgets.grading import build_question
from defence_course.quiz.widgets.keyboard import quiz_keys
from defence_course.quiz.widgets.question import QuestionView
from defence_course.quiz.widgets.render import quiz_style, render_info


@dataclass
class QuizView:
    """A bank (or one question of it) on screen, with its attempted/correct line."""

    quiz: Quiz
    widget: widgets.VBox
    score: widgets.Label
    notice: widgets.HTML
    questions: list[QuestionView]
    store: ProgressStore

    def view(self, question_id: str) -> QuestionView:
        """The view of one question, by id."""
        for view in self.questions:
            if view.question.id == question_id:
                return view
        raise QuizError(f"question {question_id!r} is not shown in this quiz view")

    def refresh(self) -> None:
        """Recount attempted/correct from the progress file and show any pending notice."""
        summary = self.store.summary(self.quiz.name, [q.id for q in self.quiz.questions])
        shown = ngettext(" · {n} answer shown", " · {n} answers shown", summary.shown).format(
            n=summary.shown) if summary.shown else ""
        self.score.value = _("{title}: {attempted} of {total} attempted · {correct} correct").format(
            title=self.quiz.title, attempted=summary.attempted, total=summary.total,
            correct=summary.correct) + shown
        notices = self.store.take_notices()
        if notices:
            self.notice.value = render_info(" ".join(notices))


_STORES: dict[str, ProgressStore] = {}


def progress_store() -> ProgressStore:
    """One store per progress path, so notices are shown once per kernel, not once per widget."""
    path = str(progress_path())
    if path not in _STORES:
        _STORES[path] = ProgressStore(path)
    return _STORES[path]


def build_quiz(bank: str, question_id: str | None = None, *,
               store: ProgressStore | None = None) -> QuizView:
    """Build (without displaying) the widgets for a bank or one of its questions."""
    quiz = load_quiz(bank)
    store = store or progress_store()
    chosen = [quiz.question(question_id)] if question_id is not None else list(quiz.questions)
    score = widgets.Label("")
    score.add_class("dc-score")
    notice = widgets.HTML("")
    notice.add_class("dc-notice")
    views: list[QuestionView] = []
    quiz_view = QuizView(quiz, widgets.VBox(), score, notice, views, store)
    for question in chosen:
        views.append(build_question(quiz, question, _number(quiz, question.id), store,
                                    on_result=lambda _v, _f: quiz_view.refresh()))
    # One question sits inside a lesson: its own status line says attempts and correctness, and
    # a bank total repeated after every such question would be clutter (show_progress has it).
    header = [score] if question_id is None else []
    quiz_view.widget.children = [quiz_style(), *header, notice, *(v.box for v in views),
                                 quiz_keys()]
    quiz_view.widget.add_class("dc-quiz")
    quiz_view.refresh()
    return quiz_view


def show_quiz(bank: str, question_id: str | None = None) -> None:
    """Show a whole bank, or one question of it, right here in the notebook.

    `show_quiz("03-who-pays")` shows lessons/quizzes/03-who-pays.yaml; `show_quiz("03-who-pays",
    "q2")` shows only q2, so a question can sit right after the cell it is about.
    """
    view = build_quiz(bank, question_id)
    which = "" if question_id is None else \
        _(", question {number}").format(number=_number(view.quiz, question_id))
    show_widget(view.widget, _("Quiz {title}").format(title=view.quiz.title) + which,
                static=lambda: static_quiz_html(view.quiz, question_id))


def _number(quiz: Quiz, question_id: str) -> int:
    """A question's number as the learner sees it (its place in the bank)."""
    return [q.id for q in quiz.questions].index(question_id) + 1
