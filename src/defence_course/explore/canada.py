"""Lesson 06's what-if: Canada's path to NATO's 3.5% + 1.5% by 2035, in Canadian dollars.

The only money anchor is the Parliamentary Budget Officer's (PBO) scenario of February 2026: core
defence spending of C$159bn in 2035-36 at 3.5% of GDP, which implies that year's GDP. Everything
else follows from assumptions the learner sets and sees on screen. The arithmetic is plain
functions, tested on their own; `path_explorer()` puts sliders on them.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from string import Template

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from defence_course.data import load
from defence_course.display import show_widget
from defence_course.explore.style import mark_explorer
from defence_course.i18n import N_, _, format_number

# NATO's Hague pledge: 3.5% of GDP for core defence plus up to 1.5% for related spending, by 2035.
CORE_TARGET = 3.5
ANCILLARY_TARGET = 1.5
# Defaults for the sliders only, not forecasts: the learner moves them.
DEFAULT_GROWTH = 3.5
DEFAULT_MET = 100.0


class ModelError(ValueError):
    """An input the model cannot use (a deadline not after the start, a share out of range)."""


@dataclass(frozen=True)
class Anchor:
    """The PBO's scenario: start and end shares of GDP, and core spending in the end year (C$ bn)."""

    start_year: int
    start_share: float
    end_year: int
    end_share: float
    end_spending: float

    @property
    def end_gdp(self) -> float:
        """GDP in the end year (C$ bn) that the PBO's spending and share imply."""
        return implied_gdp(self.end_spending, self.end_share)


def implied_gdp(spending_bn: float, share_pct: float) -> float:
    """GDP (C$ bn) behind an amount that is `share_pct` of it: a share of GDP is not an amount."""
    if share_pct <= 0:
        raise ModelError(f"a share of GDP must be above 0 to imply a GDP, got {share_pct}")
    return spending_bn / share_pct * 100


def pbo_anchor(money: pd.DataFrame | None = None) -> Anchor:
    """The PBO's scenario as data/canada_defence_money.csv records it."""
    money = load("canada_money") if money is None else money

    def row(item: str) -> pd.Series:
        rows = money[money["item"] == item]
        if rows.empty:
            raise ModelError(f"canada_money has no row {item!r}: the explorer needs the PBO's scenario")
        return rows.iloc[0]

    start = row("PBO scenario: core defence spending share at the start")
    end = row("PBO scenario: core defence spending share at the end")
    spending = row("PBO scenario: core defence spending needed in 2035-36")
    return Anchor(int(start["period"]), float(start["value"]), int(end["period"]), float(end["value"]),
                  float(spending["value"]))


def spending_path(anchor: Anchor, growth_pct: float, met_pct: float = DEFAULT_MET,
                  ancillary_share: float = ANCILLARY_TARGET) -> pd.DataFrame:
    """Year by year: GDP, the core share on a straight line, core spending and new ancillary money.

    GDP is the PBO's end-year GDP taken back at `growth_pct` nominal growth a year; `met_pct` is the
    part of the ancillary share that existing spending already covers (the government expects 100).
    """
    if anchor.end_year <= anchor.start_year:
        raise ModelError(f"the end year ({anchor.end_year}) must come after the start ({anchor.start_year})")
    if growth_pct <= -100:
        raise ModelError(f"GDP growth must be above -100% a year, got {growth_pct}")
    if not 0 <= met_pct <= 100:
        raise ModelError(f"the part of the 1.5% already met is a percentage from 0 to 100, got {met_pct}")
    years = list(range(anchor.start_year, anchor.end_year + 1))
    span = anchor.end_year - anchor.start_year
    table = pd.DataFrame(index=pd.Index(years, name="year"))
    table["gdp_bn"] = [anchor.end_gdp / (1 + growth_pct / 100) ** (anchor.end_year - y) for y in years]
    step = (anchor.end_share - anchor.start_share) / span
    table["core_share"] = [anchor.start_share + step * (y - anchor.start_year) for y in years]
    table["core_bn"] = table["gdp_bn"] * table["core_share"] / 100
    table["extra_over_start_share_bn"] = table["gdp_bn"] * (table["core_share"] - anchor.start_share) / 100
    table["new_ancillary_bn"] = table["gdp_bn"] * ancillary_share * (1 - met_pct / 100) / 100
    return table


_ASSUMPTIONS = (
    N_("Anchor: the PBO's scenario (6 February 2026): core defence at {start}% of GDP in {start_year}, "
       "{end}% in {end_year}, C${spending}bn in 2035-36. That implies GDP of C${gdp}bn in 2035-36."),
    N_("GDP: taken back from that year at the same nominal growth every year (your slider). Not a "
       "forecast."),
    N_("Core share: a straight line from {start}% to {end}%. The PBO says only that it rises gradually."),
    N_("Ancillary 1.5%: the government expects existing spending to meet it; the slider says how much."),
    N_("Amounts are nominal Canadian dollars (not adjusted for inflation), by calendar year as NATO "
       "counts."),
)
_REPORT = Template("<div class='dc-canada' role='status'><ul>$items</ul><p><b>$assumptions_word</b></p>"
                   "<ul>$assumptions</ul></div>")


def _report(anchor: Anchor, table: pd.DataFrame) -> str:
    """The explorer's text, as escaped HTML (numbers only come from the model)."""
    first, last = table.iloc[0], table.iloc[-1]
    extra = table["extra_over_start_share_bn"].iloc[1:].mean()
    number = functools.partial(format_number, group=False)
    lines = [
        _("{year}: core defence C${core}bn ({share}% of C${gdp}bn GDP).").format(
            year=anchor.start_year, core=number(first["core_bn"]), share=number(first["core_share"], 1),
            gdp=format_number(first["gdp_bn"])),
        _("{year}: core defence C${core}bn ({share}% of GDP).").format(
            year=anchor.end_year, core=number(last["core_bn"]), share=number(last["core_share"], 1)),
        _("Average a year, {first}-{last}, above keeping {share}% of GDP: C${extra}bn.").format(
            first=anchor.start_year + 1, last=anchor.end_year, share=number(anchor.start_share, 1),
            extra=number(extra, 1)),
        _("New money for the 1.5% in {year}: C${money}bn.").format(
            year=anchor.end_year, money=number(last["new_ancillary_bn"])),
    ]
    values = {"start": number(anchor.start_share, 1), "end": number(anchor.end_share, 1),
              "start_year": str(anchor.start_year), "end_year": str(anchor.end_year),
              "spending": number(anchor.end_spending), "gdp": format_number(anchor.end_gdp)}
    assumptions = [_(a).format(**values) for a in _ASSUMPTIONS]
    return _REPORT.substitute(items="".join(f"<li>{html.escape(x)}</li>" for x in lines),
                              assumptions="".join(f"<li>{html.escape(a)}</li>" for a in assumptions),
                              assumptions_word=html.escape(_("Assumptions")))


def _plot(table: pd.DataFrame) -> None:
    """Core spending and new ancillary money by year, stacked, in C$ bn."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.bar(table.index, table["core_bn"], label=_("Core defence (3.5% path)"))
    ax.bar(table.index, table["new_ancillary_bn"], bottom=table["core_bn"],
           label=_("New money for the 1.5% (not met by existing spending)"))
    ax.set_title(_("What-if: Canada's path to NATO's 2035 pledge, C$ bn (nominal)"))
    ax.set_xlabel(_("Year"))
    ax.set_ylabel(_("C$ bn"))
    ax.set_ylim(0, float((table["core_bn"] + table["new_ancillary_bn"]).max()) * 1.25)  # room for the legend
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    display(fig)
    plt.close(fig)


def build_path_explorer(money: pd.DataFrame | None = None) -> widgets.Box:
    """Sliders for nominal GDP growth and the part of the 1.5% already met, with the path they give."""
    anchor = pbo_anchor(money)
    growth = widgets.FloatSlider(value=DEFAULT_GROWTH, min=0.0, max=6.0, step=0.5,
                                 description=_("GDP growth %"), readout_format=".1f",
                                 continuous_update=False, style={"description_width": "initial"})
    met = widgets.FloatSlider(value=DEFAULT_MET, min=0.0, max=100.0, step=10.0,
                              description=_("Part of 1.5% met (%)"), readout_format=".0f",
                              continuous_update=False, style={"description_width": "initial"})
    report = widgets.HTML()
    chart = widgets.Output()

    def redraw(_change: object = None) -> None:
        table = spending_path(anchor, growth.value, met.value)
        report.value = _report(anchor, table)
        chart.clear_output(wait=True)
        with chart:
            _plot(table)

    for control in (growth, met):
        control.observe(redraw, names="value")
    redraw()
    wrap = widgets.Layout(flex_flow="row wrap")
    return mark_explorer(widgets.VBox([widgets.HBox([growth, met], layout=wrap), chart, report]))


def path_explorer() -> None:
    """Show lesson 06's what-if explorer."""
    show_widget(build_path_explorer(), _("Explorer: Canada's path to 3.5% + 1.5% by 2035, in C$"))
