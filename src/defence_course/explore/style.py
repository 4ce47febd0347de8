"""The explorers' shared look: a scoped stylesheet that fixes what ipywidgets' own CSS gets wrong."""

from __future__ import annotations

import html
import io
import re
from importlib import resources
from string import Template
from typing import TYPE_CHECKING

import ipywidgets as widgets

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

EXPLORER_CLASS = "dc-explorer"
"""The class every explorer's outer box carries; the stylesheet reaches nothing else."""
EMPTY_CLASS = "dc-empty"
_STYLE = Template("<style>$css</style>")
_NOTICE = Template("<p role='status'>$text</p>")


def _css() -> str:
    """explore.css without its comments (they explain the rules to an editor, not to the browser)."""
    text = resources.files(__package__).joinpath("explore.css").read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/\n?", "", text, flags=re.S)


def explorer_style() -> widgets.HTML:
    """A hidden widget whose stylesheet marks the chosen toggle in both themes (see explore.css)."""
    style = widgets.HTML(_STYLE.substitute(css=_css()), layout=widgets.Layout(display="none"))
    style.add_class("dc-style")
    return style


def explorer_box(*children: widgets.Widget) -> widgets.VBox:
    """The explorer's outer box: its controls and outputs, then the stylesheet that reaches them."""
    return mark_explorer(widgets.VBox(list(children)))


def mark_explorer(box: widgets.Box) -> widgets.Box:
    """Give an existing box the explorers' class and stylesheet (added last: children keep their index)."""
    box.children = (*box.children, explorer_style())
    box.add_class(EXPLORER_CLASS)
    return box


def empty_notice() -> widgets.HTML:
    """A status line for an empty selection (screen readers announce it: role=status)."""
    notice = widgets.HTML()
    notice.add_class(EMPTY_CLASS)
    return notice


def say(notice: widgets.HTML, text: str) -> None:
    """Show `text` (escaped) in a notice, or clear it with an empty string."""
    notice.value = _NOTICE.substitute(text=html.escape(text)) if text else ""


def png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes for an Image widget (no pyplot state, nothing left open)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


def replace_table(output: widgets.Output, table: pd.DataFrame | None) -> None:
    """Show `table` alone in `output` (or nothing), in full and in the course's table view.

    Why: the outputs are reset kernel-side, since clear_output() would leave the old tables in the
    widget's state and each change would add one more; and the view does not depend on whether
    the lesson's first cell (use_course_style, long texts in full) ran in this kernel.
    """
    import pandas as pd

    from defence_course.tables import course_table_html

    output.outputs = ()
    if table is None:
        return
    with pd.option_context("display.max_colwidth", None):
        data = {"text/plain": table.to_string(), "text/html": course_table_html(table)}
    output.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
