"""Quiz widgets for lessons: `show_quiz()` for a bank or one question, `show_progress()` for all.

One module per job, as ipywidgets and jupyterquiz lay theirs out: render (the HTML and the
stylesheet), typed_number (how a typed number is read), controls (the answer widgets of each
question type), question (one question's widgets), grading (what Check and Show answer do, with
the late-value window), quiz_view (a bank on screen), overview (all banks' progress), export (the
learner's progress export).
"""

from __future__ import annotations

from defence_course.quiz.widgets.overview import build_progress, show_progress
from defence_course.quiz.widgets.quiz_view import build_quiz, show_quiz
from defence_course.quiz.widgets.render import quiz_style, render_feedback, render_info

__all__ = ["build_progress", "build_quiz", "quiz_style", "render_feedback", "render_info",
           "show_progress", "show_quiz"]
