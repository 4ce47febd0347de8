"""Showing a widget with words for where widgets cannot render (slides, static copies, a terminal).

ipywidgets' own plain-text form of a widget is its repr, `VBox(children=(HTML(value='<style>…`,
which is what a learner sees where the widget manager is missing: jupyterlab-rise 0.43.1 slides
(jupyterlab-contrib/rise#119), nbconvert without widget state, IPython in a terminal. Every quiz and
explorer is shown through `show_widget`, so those places say what the cell holds and where it works.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets


def plain_text(what: str) -> str:
    """The words shown instead of an interactive widget, e.g. "[Quiz 03 · Who pays?, question 2 …]"."""
    stop = "" if what.endswith((".", "?", "!")) else "."
    return f"[{what}{stop} Interactive: run it in JupyterLab's notebook view.]"


def widget_bundle(widget: widgets.Widget, what: str) -> dict[str, Any]:
    """ipywidgets' own display data for `widget`, with `plain_text(what)` as its text/plain."""
    bundle = dict(widget._repr_mimebundle_())  # the widget view JSON, as ipywidgets builds it
    bundle["text/plain"] = plain_text(what)
    return bundle


def show_widget(widget: widgets.Widget, what: str) -> None:
    """Display `widget`; where it cannot render, the output says `what` it is and where it works."""
    from IPython.display import display

    display(widget_bundle(widget, what), raw=True)
