"""Lesson 03's explorer: defence spending as a share of GDP, by country, years and source.

`spending_chart()` draws one choice (the lesson calls it directly); `spending_explorer()` puts
controls on it. Both read the long table `long_table()` builds: one row per country, year and
source, as lesson 03 builds it with pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from defence_course.data import load
from defence_course.display import show_widget
from defence_course.explore.style import chart_image, empty_notice, explorer_box, say, show_chart
from defence_course.i18n import N_, _
from defence_course.plotting import year_axis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SOURCES", "SpendingExplorer", "build_spending_explorer", "draw_spending", "long_table",
           "missing_note", "spending_chart", "spending_explorer"]

SOURCES = ("NATO", "SIPRI")
START = ("Canada", "Poland", "United States")
EMPTY = N_("Pick at least one country to draw the chart.")


def long_table(nato: pd.DataFrame | None = None, sipri: pd.DataFrame | None = None) -> pd.DataFrame:
    """NATO's and SIPRI's shares of GDP in one table, with a `source` column (no empty figures)."""
    nato = load("nato_spending") if nato is None else nato
    sipri = load("sipri_spending") if sipri is None else sipri
    nato_long = nato[["country", "year", "pct_gdp"]].assign(source="NATO")
    sipri_long = (sipri.rename(columns={"milex_pct_gdp": "pct_gdp"})[["country", "year", "pct_gdp"]]
                  .assign(source="SIPRI"))
    return pd.concat([nato_long, sipri_long], ignore_index=True).dropna(subset=["pct_gdp"])


def _chosen(long: pd.DataFrame, countries: tuple[str, ...], years: tuple[int, int],
            source: str) -> pd.DataFrame:
    """The rows of the chosen source, countries and years."""
    first, last = years
    return long[(long["source"] == source) & long["country"].isin(countries)
                & long["year"].between(first, last)]


def draw_spending(long: pd.DataFrame, countries: tuple[str, ...], years: tuple[int, int],
                  source: str) -> Figure:
    """One line per chosen country; the share axis starts at 0, so heights compare honestly."""
    from matplotlib.figure import Figure

    first, last = years
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    for name, group in _chosen(long, countries, years, source).groupby("country"):
        ax.plot(group["year"], group["pct_gdp"], label=name)
    ax.axhline(2, color="black", linestyle=":", linewidth=1.5, marker="", label="2% guideline")
    ax.set_title(_("Defence expenditure, % of GDP, {first}-{last} ({source})").format(
        first=first, last=last, source=source))
    ax.set_xlabel(_("Year (2024 and 2025 are estimates)") if source == "NATO" else _("Year"))
    ax.set_ylabel(_("% of GDP"))
    ax.set_xlim(first - 0.5, last + 0.5)
    year_axis(ax)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    return fig


def missing_note(long: pd.DataFrame, countries: tuple[str, ...], years: tuple[int, int],
                 source: str) -> str:
    """'No SIPRI figure for 2014-2025: X, Y', or '' when every chosen country has a figure."""
    shown = set(_chosen(long, countries, years, source)["country"])
    missing = [name for name in countries if name not in shown]
    first, last = years
    return _("No {source} figure for {first}-{last}: {countries}").format(
        source=source, first=first, last=last, countries=", ".join(missing)) if missing else ""


def spending_chart(countries: tuple[str, ...], years: tuple[int, int], source: str,
                   long: pd.DataFrame | None = None) -> None:
    """Draw one choice in the notebook, and name the chosen countries the source has no figure for."""
    from IPython.display import display

    long = long_table() if long is None else long
    if not countries:
        print(_(EMPTY))
        return
    display(draw_spending(long, countries, years, source))
    note = missing_note(long, countries, years, source)
    if note:
        print(note)


@dataclass
class SpendingExplorer:
    """The explorer's widgets, kept so tests (and curious learners) can work the controls."""

    long: pd.DataFrame
    countries: widgets.SelectMultiple
    years: widgets.IntRangeSlider
    source: widgets.ToggleButtons
    chart: widgets.Image
    notice: widgets.HTML
    box: widgets.VBox

    def refresh(self, change: object = None) -> None:
        """Redraw for the chosen controls; with no country chosen, say so instead of an empty chart."""
        del change
        chosen = tuple(self.countries.value)
        if not chosen:
            self.chart.layout.display = "none"
            say(self.notice, _(EMPTY))
            return
        fig = draw_spending(self.long, chosen, self.years.value, self.source.value)
        show_chart(self.chart, fig)
        self.chart.layout.display = None
        say(self.notice, missing_note(self.long, chosen, self.years.value, self.source.value))


def build_spending_explorer(long: pd.DataFrame | None = None) -> SpendingExplorer:
    """Build the explorer (not displayed): countries, a year range, a source, the chart."""
    long = long_table() if long is None else long
    names = sorted(long["country"].unique())
    explorer = SpendingExplorer(
        long=long,
        countries=widgets.SelectMultiple(options=names, value=[n for n in START if n in names],
                                         rows=8, description=_("Countries")),
        # At most 400px, and no wider than its box: the readout with the years stays in view
        # (a fixed 400px, plus the slider's margins, ran past a narrow notebook's edge).
        years=widgets.IntRangeSlider(value=(2014, 2025), min=int(long["year"].min()),
                                     max=int(long["year"].max()), description=_("Years"),
                                     continuous_update=False,
                                     layout=widgets.Layout(width="auto", max_width="400px")),
        source=widgets.ToggleButtons(options=list(SOURCES), description=_("Source"),
                                     style={"button_width": "100px"}),
        chart=chart_image(),
        notice=empty_notice(),
        box=widgets.VBox(),
    )
    side = widgets.VBox([explorer.years, explorer.source],
                        layout=widgets.Layout(width="420px", max_width="100%"))
    # The controls wrap under each other when the notebook is narrow, instead of being cut off.
    controls = widgets.HBox([explorer.countries, side], layout=widgets.Layout(flex_flow="row wrap"))
    explorer.box = explorer_box(controls, explorer.notice, explorer.chart)
    for control in (explorer.countries, explorer.years, explorer.source):
        control.observe(explorer.refresh, names="value")
    explorer.refresh()
    return explorer


def spending_explorer() -> None:
    """Show lesson 03's explorer in the notebook."""
    show_widget(build_spending_explorer().box, _("Explorer: spending by country and year"))
