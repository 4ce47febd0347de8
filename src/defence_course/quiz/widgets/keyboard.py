"""The quiz's keyboard inside JupyterLab: keys stay in the quiz, one Tab stop per radio group.

ipywidgets has no way to stop a key event or to give a radio group one Tab stop, so a small ES
module (quiz/widgets/keys.js, a package file, nothing fetched) does both, loaded by anywidget.
Where no front end runs it (nbval, a static copy), the quiz works as before.
"""

from __future__ import annotations

from importlib import resources

import anywidget
import ipywidgets as widgets

_KEYS_JS = resources.files("defence_course.quiz.widgets").joinpath("keys.js").read_text(
    encoding="utf-8")


class QuizKeys(anywidget.AnyWidget):
    """An invisible widget whose module handles the keys of the quiz box it sits in."""

    _esm = _KEYS_JS


def quiz_keys() -> QuizKeys:
    """One per quiz view, placed inside the quiz's box (its module finds the box from there)."""
    keys = QuizKeys(layout=widgets.Layout(display="none"))
    keys.add_class("dc-keys")
    return keys
