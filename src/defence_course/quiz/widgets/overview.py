"""Every lesson's quiz results in one widget: `build_progress()` and `show_progress()`."""

from __future__ import annotations

import html
import string

import ipywidgets as widgets

from defence_course.display import show_widget
from defence_course.i18n import N_, _, ngettext
from defence_course.quiz.banks import bank_paths, load_quiz
from defence_course.quiz.model import QuizError
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.widgets.export import export_widget
from defence_course.quiz.widgets.quiz_view import progress_store
from defence_course.quiz.widgets.render import quiz_style, render_info
from defence_course.static import outline

PROGRESS_TITLE = N_("Your quiz progress")
_HEADING = string.Template("<h3>$title</h3>")


def build_progress(*, store: ProgressStore | None = None) -> widgets.VBox:
    """One row per lesson bank: a bar of questions answered correctly, and the counts in words."""
    store = store or progress_store()
    rows: list[widgets.Widget] = [widgets.HTML(_HEADING.substitute(
        title=html.escape(_(PROGRESS_TITLE))))]
    for path in bank_paths():
        try:
            quiz = load_quiz(path)
        except QuizError as error:
            problem = widgets.Label(_("{bank}: this quiz cannot be read ({error})").format(
                bank=path.stem, error=error))
            problem.add_class("dc-progress-error")
            rows.append(problem)
            continue
        summary = store.summary(quiz.name, [q.id for q in quiz.questions])
        bar = widgets.IntProgress(value=summary.correct, min=0, max=summary.total,
                                  description=quiz.title, bar_style="success",
                                  style={"description_width": "20em"},
                                  layout=widgets.Layout(width="36em"))
        shown = ngettext(" · {n} answer shown", " · {n} answers shown", summary.shown).format(
            n=summary.shown) if summary.shown else ""
        # First-try right beside right in the end (issue 21): 10/10 hid ten wrong first tries.
        words = widgets.Label(_("{correct} of {total} correct ({first} at the first try) · "
                                "{attempted} attempted").format(
            correct=summary.correct, total=summary.total, first=summary.first_try,
            attempted=summary.attempted) + shown)
        row = widgets.HBox([bar, words])
        row.add_class("dc-progress-row")
        rows.append(row)
    if len(rows) == 1:
        rows.append(widgets.Label(_("No quizzes found.")))
    notices = store.take_notices()
    if notices:
        notice = widgets.HTML(render_info(" ".join(notices)))
        notice.add_class("dc-notice")
        rows.insert(1, notice)
    # "Answer shown" counts apart from correct: see the reveal policy in docs/quiz-format.md.
    where = widgets.Label(_("Your results are kept in {path}, on this computer only. To start over "
                            "from no results, delete that file (or run "
                            "defence_course.quiz.progress.ProgressStore().reset()).").format(
                                path=store.path))
    where.add_class("dc-progress-reset")
    box = widgets.VBox([*rows, where, export_widget(store), quiz_style()])
    box.add_class("dc-progress")
    return box


def show_progress() -> None:
    """Show every lesson's quiz results in one widget (a bar per lesson)."""
    how = _("In JupyterLab, a bar per lesson: the questions you answered and got right.")
    title = _(PROGRESS_TITLE)
    show_widget(build_progress(), title, static=lambda: outline(title, (), how))
