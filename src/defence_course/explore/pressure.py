"""Lesson 04's what-if model: from each Ally's latest NATO figure to the Hague's 3.5% core target.

The arithmetic (gap, straight-path rise, GDP growth behind the money) is plain functions, tested on their
own; `gap_explorer()` puts sliders on them for the lesson, with the model's assumptions on screen.
"""

from __future__ import annotations

import functools
import html
import math
from string import Template
from typing import Any, cast

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

from defence_course.data import load
from defence_course.display import show_widget
from defence_course.explore.style import mark_explorer, png
from defence_course.i18n import N_, _, format_number
from defence_course.plotting import year_axis
from defence_course.static import widget_snapshot

# Hague Summit Declaration, 25 June 2025: "at least 3.5% of GDP annually ... by 2035" for core defence.
CORE_TARGET = 3.5
DEADLINE = 2035
# A default for the growth slider only, not a forecast: the learner moves it.
DEFAULT_GROWTH = 1.5


class ModelError(ValueError):
    """An input the model cannot use (a deadline not after the start year, a share of zero)."""


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def gap_to_target(latest: float | None, target: float = CORE_TARGET) -> float | None:
    """Percentage points of GDP still to go: 0 when already there, None when there is no figure."""
    if _missing(latest):
        return None
    return max(0.0, target - float(latest))  # type: ignore[arg-type]


def yearly_rise(latest: float | None, from_year: int, target: float = CORE_TARGET,
                by_year: int = DEADLINE) -> float | None:
    """The rise per year (points of GDP) a straight line from `latest` to `target` by `by_year` needs."""
    if by_year <= from_year:
        raise ModelError(f"the deadline ({by_year}) must come after the latest figure's year"
                         f" ({from_year})")
    gap = gap_to_target(latest, target)
    return None if gap is None else gap / (by_year - from_year)


def gdp_factor(growth_pct: float, years: int) -> float:
    """Real GDP after `years` of `growth_pct` % a year, as a multiple of today's, year by year.

    Why: a share of GDP is not an amount; the same share of a growing economy is more money.
    (Exercise 04 asks learners to write the money index themselves: the package holds only this
    factor, so its code is not their answer.)
    """
    factor = 1.0
    for _year in range(years):
        factor += factor * growth_pct / 100
    return factor


def latest_figures(nato: pd.DataFrame) -> pd.DataFrame:
    """Each Ally's most recent figure in NATO's table (an Ally with none, like Iceland, is left out)."""
    allies = nato[~nato["is_aggregate"]].dropna(subset=["pct_gdp"])
    latest = allies.sort_values("year").groupby("country").tail(1)
    return latest.set_index("country")[["year", "pct_gdp", "is_estimate"]].sort_index()


def gap_table(nato: pd.DataFrame, target: float = CORE_TARGET, by_year: int = DEADLINE) -> pd.DataFrame:
    """Latest figure, gap to `target` and the straight-path yearly rise for every Ally with a figure."""
    table = latest_figures(nato)
    table["gap"] = [gap_to_target(p, target) for p in table["pct_gdp"]]
    table["rise_per_year"] = [yearly_rise(p, int(y), target, by_year)
                              for p, y in zip(table["pct_gdp"], table["year"], strict=True)]
    return table.sort_values(["gap", "pct_gdp"], ascending=[False, True])


def straight_path(latest: float, from_year: int, target: float = CORE_TARGET,
                  by_year: int = DEADLINE) -> pd.Series:
    """The share of GDP each year on a straight line to `target` (flat if already there)."""
    rise = yearly_rise(latest, from_year, target, by_year) or 0.0
    years = range(from_year, by_year + 1)
    return pd.Series([latest + rise * (y - from_year) for y in years], index=list(years), name="path")


def largest_yearly_rise(nato: pd.DataFrame, country: str) -> tuple[float, int] | None:
    """The Ally's largest rise from one year to the next in the table, and the year it ended."""
    series = nato.loc[nato["country"] == country].set_index("year")["pct_gdp"].sort_index().dropna()
    rises = series.diff().dropna()
    if rises.empty:
        return None
    return float(rises.max()), int(cast("int", rises.idxmax()))  # the index is the year


_ASSUMPTIONS = (
    N_("Start: the Ally's latest figure in NATO's table (NATO 2025 edition, Aug 2025; 2024 and 2025 "
       "are estimates, and a 2025 figure is one that news reports quoted)."),
    N_("Target: a share of GDP for core defence, NATO's definition (the Hague's 'at least 3.5%'); "
       "the 'up to 1.5%' for related spending is not in the model."),
    N_("Path: a straight line, the same rise every year, to the deadline; real plans need not be "
       "straight."),
    N_("Money: real GDP grows at the same rate every year; amounts are an index (today = 100) in "
       "today's prices, not dollars: the course has no GDP figures."),
)

# Each line a message with named fields, filled with escaped values (numbers only from the model).
_HEAD = N_("<p><b>{country}</b>: {latest}% of GDP in {year}{estimate}. Target: {target}% by {by_year}.</p>")
_GAP = N_("Gap to the target: <b>{gap}</b> percentage points of GDP.")
_PATH = N_("Straight path: <b>+{rise}</b> points a year for {years} years.")
_NO_PATH = N_("No rise needed: {country} is already at or above {target}%.")
_RECORD = N_("For comparison, {country}'s largest one-year rise in the table: {record}.")
_MONEY = N_("Money behind the share in {by_year} at {growth}% real GDP growth a year (today = 100): "
            "<b>{money_target}</b> on the path to {target}%, <b>{money_same}</b> if the share stays "
            "at {latest}%.")
_MONEY_SAME = N_("Money behind the share in {by_year} at {growth}% real GDP growth a year "
                 "(today = 100): <b>{money_same}</b> if the share stays at {latest}%.")
_REPORT = Template("<div class='dc-pressure' role='status'>$head<ul>$items</ul>"
                   "<p><b>$assumptions_word</b></p><ul>$assumptions</ul></div>")


def _report(nato: pd.DataFrame, country: str, target: float, by_year: int, growth: float) -> str:
    """The explorer's text for one Ally, as escaped HTML (numbers only come from the model)."""
    row: Any = latest_figures(nato).loc[country]  # one Ally's row (pandas-stubs: row or frame)
    latest, year = float(row["pct_gdp"]), int(row["year"])
    gap = gap_to_target(latest, target) or 0.0
    record = largest_yearly_rise(nato, country)
    years = by_year - year
    number = functools.partial(format_number, group=False)
    values = {
        "country": country, "latest": number(latest, 2), "year": str(year),
        "estimate": _(" (estimate)") if bool(row["is_estimate"]) else "",
        "target": number(target, 1), "by_year": str(by_year), "gap": number(gap, 2),
        "rise": number(yearly_rise(latest, year, target, by_year) or 0.0, 2), "years": str(years),
        "record": _("none") if record is None else _("+{rise} points (to {year})").format(
            rise=number(record[0], 2), year=record[1]),
        "growth": number(growth, 1),
        "money_target": number(gdp_factor(growth, years) * max(latest, target) / latest * 100),
        "money_same": number(gdp_factor(growth, years) * 100),
    }
    escaped = {k: html.escape(v) for k, v in values.items()}
    lines = [_GAP, _PATH, _RECORD, _MONEY] if gap > 0 else [_GAP, _NO_PATH, _RECORD, _MONEY_SAME]
    items = "".join(f"<li>{_(line).format(**escaped)}</li>" for line in lines)
    assumptions = "".join(f"<li>{html.escape(_(a))}</li>" for a in _ASSUMPTIONS)
    return _REPORT.substitute(head=_(_HEAD).format(**escaped), items=items, assumptions=assumptions,
                              assumptions_word=html.escape(_("Assumptions")))


def _figure(nato: pd.DataFrame, country: str, target: float, by_year: int) -> Figure:
    """The Ally's NATO series and the straight path to the target, with the target line."""
    history = nato.loc[nato["country"] == country].set_index("year")["pct_gdp"].sort_index().dropna()
    path = straight_path(float(history.iloc[-1]), int(history.index[-1]), target, by_year)
    fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
    ax.plot(history.index, history.to_numpy(),
            label=_("{country}: NATO figures (2024, 2025 estimates)").format(country=country))
    ax.plot(path.index, path.to_numpy(), linestyle="--", marker="", label=_("Straight path to the target"))
    ax.axhline(target, color="black", linestyle=":", marker="", linewidth=1.5,
               label=_("Target: {target}% of GDP").format(target=format_number(target, 1, group=False)))
    ax.axhline(2, color="0.5", linestyle="-.", marker="", linewidth=1, label="2% guideline")
    ax.set_title(_("{country}: from the latest figure to {target}% by {year}").format(
        country=country, target=format_number(target, 1, group=False), year=by_year))
    ax.set_xlabel(_("Year"))
    ax.set_ylabel(_("% of GDP"))
    ax.set_ylim(0, max(5.0, float(history.max()) + 0.5))
    year_axis(ax)
    # Under the axes, never on the data (issue 21).
    fig.legend(loc="outside lower center", ncol=2, fontsize=9)
    return fig


def _plot(nato: pd.DataFrame, country: str, target: float, by_year: int) -> None:
    """Show the figure in the notebook (or the chart's Output widget) and free it."""
    fig = _figure(nato, country, target, by_year)
    display(fig)  # not plt.show(): it also works, silently, where no display backend is set
    plt.close(fig)


def _first_chart(country: str) -> bytes:
    """The explorer's first chart as PNG, for a page without a kernel (the website)."""
    fig = _figure(load("nato_spending"), country, CORE_TARGET, DEADLINE)
    try:
        return png(fig)
    finally:
        plt.close(fig)


def build_gap_explorer(nato: pd.DataFrame | None = None, country: str = "Canada") -> widgets.Box:
    """Sliders for the target, the deadline and GDP growth, with one Ally's gap, path and money."""
    nato = load("nato_spending") if nato is None else nato
    names = list(latest_figures(nato).index)
    picker = widgets.Dropdown(options=names, value=country if country in names else names[0],
                              description=_("Ally"))
    target = widgets.FloatSlider(value=CORE_TARGET, min=2.0, max=5.0, step=0.1, description=_("Target %"),
                                 readout_format=".1f", continuous_update=False)
    # A margin after the deadline's readout: "2040" ran into "GDP growth %" at 1366 px.
    by_year = widgets.IntSlider(value=DEADLINE, min=2026, max=2040, description=_("Deadline"),
                                continuous_update=False,
                                layout=widgets.Layout(margin="2px 1.5em 2px 2px"))
    growth = widgets.FloatSlider(value=DEFAULT_GROWTH, min=-1.0, max=4.0, step=0.5,
                                 description=_("GDP growth %"), readout_format=".1f",
                                 continuous_update=False, style={"description_width": "initial"})
    report = widgets.HTML()
    chart = widgets.Output()

    def redraw(_change: object = None) -> None:
        report.value = _report(nato, picker.value, target.value, by_year.value, growth.value)
        chart.clear_output(wait=True)
        with chart:
            _plot(nato, picker.value, target.value, by_year.value)

    for control in (picker, target, by_year, growth):
        control.observe(redraw, names="value")
    redraw()
    wrap = widgets.Layout(flex_flow="row wrap")  # a narrow notebook puts the sliders under each other
    return mark_explorer(widgets.VBox([widgets.HBox([picker, target], layout=wrap),
                                       widgets.HBox([by_year, growth], layout=wrap), chart, report]))


def gap_explorer(country: str = "Canada") -> None:
    """Show the what-if explorer for lesson 04, starting on `country`."""
    what = _("Explorer: an Ally's gap to a spending target")
    box = build_gap_explorer(country=country)
    # The chart is drawn into an Output widget by the front end, so the kernel has no copy of it.
    show_widget(box, what, static=lambda: widget_snapshot(box, what, figures=[_first_chart(country)]))
