"""The course's default look for tables in the notebook: text left-aligned, no wrapped dates or
numbers, and a blank cell (not `NaN`, `NaT` or `<NA>`) where the data have no value.

Why a default and not pandas code in every lesson: the lessons show dozens of tables, and a
`.style` chain on each would bury the pandas they teach. `use_course_style()` (the first cell of
every lesson) calls `use_course_tables()`, which makes IPython render every DataFrame with
`course_table_html()`. It changes how a table looks, never its data; `df.to_html()`,
`df.to_string()` and `print(df)` are unchanged. `reset_course_tables()` undoes it.
"""

from __future__ import annotations

import itertools
import sys
from string import Template
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SHORT_TEXT", "course_table_html", "reset_course_tables", "text_columns",
           "use_course_tables"]

SHORT_TEXT = 24
"""Text columns whose values are all at most this long (labels, '21 May 2024') never wrap."""

_IDS = itertools.count(1)
_TABLE = Template("<div class='dc-table'><style>$css</style>$table</div>")
_LEFT = Template("#$id td:nth-child($n), #$id thead th:nth-child($n) { text-align: left; }")
_NOWRAP = Template("#$id td:nth-child($n), #$id thead th:nth-child($n) { white-space: nowrap; }")
_INDEX = Template("#$id tbody th { text-align: left; white-space: nowrap; }")


def _is_text(series: pd.Series) -> bool:
    """A column holds text when any of its values is a string (mixed number/text columns too)."""
    return any(isinstance(value, str) for value in series.dropna())


def text_columns(frame: pd.DataFrame) -> list[int]:
    """Positions (0-based) of the columns that hold text."""
    return [i for i in range(frame.shape[1]) if _is_text(frame.iloc[:, i])]


def _wrapping_columns(frame: pd.DataFrame) -> set[int]:
    """Positions of the columns allowed to wrap: text with some value longer than SHORT_TEXT."""
    return {i for i in text_columns(frame)
            if frame.iloc[:, i].dropna().astype(str).str.len().max() > SHORT_TEXT}


def _without_pd_na(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose nullable (extension) columns hold NaN instead of pd.NA.

    Why: pandas prints pd.NA as `<NA>` whatever `na_rep` says; NaN in an object column takes it.
    """
    import numpy as np
    import pandas as pd

    def needs(series: pd.Series) -> bool:
        return (isinstance(series.dtype, pd.api.extensions.ExtensionDtype)
                and not isinstance(series.dtype, pd.CategoricalDtype) and bool(series.isna().any()))

    chosen = [i for i in range(frame.shape[1]) if needs(frame.iloc[:, i])]
    if not chosen:
        return frame
    shown = frame.copy()
    for i in chosen:
        column = frame.iloc[:, i]
        shown.isetitem(i, column.astype(object).where(column.notna(), np.nan).to_numpy())
    return shown


def _pandas_html(frame: pd.DataFrame, table_id: str | None, *, blanks: bool = True) -> str:
    """The table as pandas' notebook view draws it (display options honoured), blanks for NaN.

    Through the public `DataFrame.to_html`: pandas' own view (`_repr_html_`) uses its private
    formatter classes, which a pandas release may change. As that view does, a table cut at
    `display.max_rows` shows `display.min_rows` rows. Without `blanks`, pandas' view exactly.
    """
    import pandas as pd

    rows, least = pd.get_option("display.max_rows"), pd.get_option("display.min_rows")
    if rows and len(frame) > rows and least:
        rows = min(least, rows)
    shown = _without_pd_na(frame) if blanks else frame
    html: str = shown.to_html(
        na_rep="" if blanks else "NaN", float_format=pd.get_option("display.float_format"),
        max_rows=rows, max_cols=pd.get_option("display.max_columns"),
        show_dimensions=pd.get_option("display.show_dimensions"), notebook=True,
        table_id=table_id)
    return html


def course_table_html(frame: pd.DataFrame) -> str | None:
    """The notebook view of `frame` with the course's alignment, wrapping and blank rules."""
    import pandas as pd

    if not pd.get_option("display.notebook_repr_html"):
        return None  # as pandas' own view: no HTML at all
    if frame.columns.nlevels > 1:  # pandas' own view: nth-child rules cannot follow column groups
        return _pandas_html(frame, None, blanks=False)
    table_id = f"dc-table-{next(_IDS)}"
    offset = frame.index.nlevels + 1  # nth-child counts the index cells, and is 1-based
    rules = [_INDEX.substitute(id=table_id)]
    rules += [_LEFT.substitute(id=table_id, n=i + offset) for i in text_columns(frame)]
    wrapping = _wrapping_columns(frame)
    rules += [_NOWRAP.substitute(id=table_id, n=i + offset) for i in range(frame.shape[1])
              if i not in wrapping]
    return _TABLE.substitute(css=" ".join(rules), table=_pandas_html(frame, table_id))


def _html_formatter() -> Any | None:
    """IPython's text/html formatter, or None outside IPython (a plain script).

    Why not import IPython to ask: a kernel has always imported it, and elsewhere (the grader's
    sandbox runs each exercise's first cell, which calls use_course_tables) importing it would
    cost ~0.3 s a submission to learn that there is no shell.
    """
    ipython = sys.modules.get("IPython")
    shell = None if ipython is None else ipython.get_ipython()
    return None if shell is None else shell.display_formatter.formatters["text/html"]


def use_course_tables() -> None:
    """Render every DataFrame in this notebook with `course_table_html` (a no-op outside IPython)."""
    import pandas as pd

    formatter = _html_formatter()
    if formatter is not None:
        formatter.for_type(pd.DataFrame, course_table_html)


def reset_course_tables() -> None:
    """Go back to pandas' own table view."""
    import pandas as pd

    formatter = _html_formatter()
    if formatter is not None:
        formatter.type_printers.pop(pd.DataFrame, None)
