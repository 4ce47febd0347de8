"""One plotting style for every lesson: colour-blind-safe colours, readable sizes, labelled axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
from cycler import cycler

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision
# deficiencies, and dark enough (black text aside) to read on white.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: low contrast on white, use for fills only)
)

# Line styles and markers that vary with the colour, so no series is told apart by colour alone.
LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":", "-", "--", "-.", ":")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")


def use_course_style() -> None:
    """Set the course's look for plots and tables; lessons call it once, at the top.

    Why: one call gives every plot in every lesson the same accessible palette, font
    sizes that read on a projector, and a grid, and every table the course's table view
    (text left-aligned, dates unwrapped, blanks for missing values: `defence_course.tables`),
    so lesson code shows only what matters.
    """
    from defence_course.tables import use_course_tables

    use_course_tables()
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=OKABE_ITO) + cycler(linestyle=LINESTYLES)
            + cycler(marker=MARKERS),
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 100,
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "lines.linewidth": 2.0,
            "lines.markersize": 5.0,
        }
    )


def year_axis(ax: Any) -> None:
    """Whole years only, as many as the axis has room for (issue 21: every year as a tick ran
    together as "2014201520162017" in a narrow notebook)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8, min_n_ticks=3))


def colours(n: int) -> Sequence[str]:
    """Return `n` course colours, repeating the palette when more are asked for."""
    if n < 0:
        raise ValueError(f"n must be zero or more, got {n}")
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]
