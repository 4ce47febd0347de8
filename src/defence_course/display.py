"""Showing a widget with words for where widgets cannot render (slides, static copies, a terminal).

ipywidgets' own plain-text form of a widget is its repr, `VBox(children=(HTML(value='<style>…`,
which is what a learner sees where the widget manager is missing: jupyterlab-rise 0.43.1 slides
(jupyterlab-contrib/rise#119), nbconvert without widget state, IPython in a terminal. Every quiz and
explorer is shown through `show_widget`, so those places say what the cell holds and where it works.
Where outputs are read without a kernel at all (the course website, `make site`), the bundle also
carries a static HTML form: a quiz's questions and options, an explorer's default figure and words
(`defence_course.static`, `defence_course.quiz.static`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from defence_course.i18n import _


def plain_text(what: str) -> str:
    """The words shown instead of an interactive widget, e.g. "[Quiz 03 · Who pays?, question 2 …]"."""
    stop = "" if what.endswith((".", "?", "!")) else "."
    return _("[{what}{stop} Interactive: run it in JupyterLab's notebook view.]").format(what=what, stop=stop)


def widget_bundle(widget: widgets.Widget, what: str,
                  static: Callable[[], str] | None = None) -> dict[str, Any]:
    """ipywidgets' own display data for `widget`, with `plain_text(what)` as its text/plain.

    On a page without a kernel (`static_pages()`), also a text/html form: `static()`, or by
    default the widget's first view (its figure, table, words and settings).
    """
    from defence_course.static import static_pages, widget_snapshot

    bundle = dict(widget._repr_mimebundle_())  # the widget view JSON, as ipywidgets builds it
    bundle["text/plain"] = plain_text(what)
    if static_pages():
        bundle["text/html"] = static() if static is not None else widget_snapshot(widget, what)
    return bundle


def show_widget(widget: widgets.Widget, what: str, static: Callable[[], str] | None = None) -> None:
    """Display `widget`; where it cannot render, the output says `what` it is and where it works."""
    from IPython.display import display

    display(widget_bundle(widget, what, static), raw=True)
