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


#: CSS pixels per inch of figure: an 8-inch chart is shown 720 px wide (less in a narrow notebook).
CSS_DPI = 90
#: Pixels drawn per CSS pixel: sharp on a high-density screen, never upscaled on any (issue 21:
#: an explorer's 90-dpi PNG was stretched to the cell's width, blurry).
PIXEL_RATIO = 2


def png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes for an Image widget (no pyplot state, nothing left open)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CSS_DPI * PIXEL_RATIO)
    return buffer.getvalue()


def chart_image() -> widgets.Image:
    """An Image widget for an explorer's chart: shown at its drawn size, or smaller, never larger."""
    # No margin: with ipywidgets' 2px margin a 100%-wide chart ran 2px past the output area.
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto",
                                                              margin="0"))
    image.add_class("dc-chart")
    return image


#: The smallest share of its drawn width a chart is shown at: in a narrower notebook (800 px with
#: the file browser open) it scrolls sideways instead, its tick labels still readable (issue 21).
MIN_SHOWN = 0.6


def show_chart(image: widgets.Image, fig: Figure) -> None:
    """Put a figure in a chart image at the width it was drawn for (its CSS size, not its pixels)."""
    width = round(fig.get_figwidth() * CSS_DPI)
    image.value = png(fig)
    image.width = str(width)
    image.layout.max_width = f"max(100%, {round(MIN_SHOWN * width)}px)"


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
