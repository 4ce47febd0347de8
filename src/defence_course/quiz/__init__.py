"""Quizzes: banks an instructor edits without Python, graded kernel-side, shown as widgets.

Notebooks call `show_quiz(bank, question_id)` and `show_progress()`. The widget modules (and
ipywidgets) load only when one of their names is used, so the command line and the grader
read banks without them.

Layout: model (question types, grading), parsing (YAML with line numbers), build (our format),
keys (answer-key encoding), jupyterquiz (import), banks (files on disk), progress (the learner's
results), classprogress (class exports), widgets/ (the widgets, one module per job, + quiz.css).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from defence_course.quiz.banks import bank_paths, decode_bank_text, encode_bank_text, load_quiz
from defence_course.quiz.model import (
    Feedback,
    Quiz,
    QuizError,
    QuizFormatError,
    QuizNotFoundError,
    QuizResponseError,
    Source,
)

_WIDGET_NAMES = {"build_progress", "build_quiz", "quiz_style", "render_feedback", "render_info",
                 "show_progress", "show_quiz"}

__all__ = [
    "Feedback",
    "Quiz",
    "QuizError",
    "QuizFormatError",
    "QuizNotFoundError",
    "QuizResponseError",
    "Source",
    "bank_paths",
    "build_progress",
    "build_quiz",
    "decode_bank_text",
    "encode_bank_text",
    "load_quiz",
    "quiz_style",
    "render_feedback",
    "render_info",
    "show_progress",
    "show_quiz",
]


def __getattr__(name: str) -> Any:
    """Load the widgets on first use of one of their names (PEP 562)."""
    if name in _WIDGET_NAMES:
        return getattr(import_module("defence_course.quiz.widgets"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
