"""Lesson 01's two explorers: the timeline filtered by months, categories and reliability, and the
news report's claims filtered by verdict.

Both only filter course data (`load("timeline")`, `load("news_claims")`); nothing a learner picks
changes it. The lesson calls `event_explorer()` and `claims_explorer()`; tests call the builders
and work the controls.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd

from defence_course.data import load
from defence_course.display import show_widget
from defence_course.explore.style import empty_notice, explorer_box, replace_table, say
from defence_course.i18n import N_, _, format_month, ngettext

__all__ = ["ClaimsExplorer", "EventExplorer", "build_claims_explorer", "build_event_explorer",
           "claims_explorer", "event_explorer", "matching_events"]

LEVELS = ("primary", "secondary", "unverified")
EVENT_COLUMNS = ["date", "event", "category", "reliability", "note"]
CLAIM_COLUMNS = ["claim", "what_the_sources_say", "verdict"]
FIRST_MONTH, LAST_MONTH = "2025-01", "2026-02"
NO_EVENTS = N_("Pick at least one category and one reliability level to list events.")


def matching_events(timeline: pd.DataFrame, first: pd.Period, last: pd.Period,
                    categories: tuple[str, ...], levels: tuple[str, ...]) -> pd.DataFrame:
    """The timeline rows inside the month range, categories and reliability levels chosen."""
    month = timeline["date"].dt.to_period("M")
    chosen = (month.between(first, last) & timeline["category"].isin(categories)
              & timeline["reliability"].isin(levels))
    events: pd.DataFrame = timeline.loc[chosen, EVENT_COLUMNS]
    return events


def _count_line(rows: pd.DataFrame) -> str:
    """'3 events shown, 2 not from a primary source.'"""
    not_primary = int((rows["reliability"] != "primary").sum())
    return ngettext("{n} event shown, {other} not from a primary source.",
                    "{n} events shown, {other} not from a primary source.", len(rows)).format(
        n=len(rows), other=not_primary)


@dataclass
class EventExplorer:
    """The timeline explorer's widgets, kept so tests (and curious learners) can work them."""

    timeline: pd.DataFrame
    months: widgets.SelectionRangeSlider
    categories: widgets.SelectMultiple
    levels: widgets.SelectMultiple
    summary: widgets.HTML
    table: widgets.Output
    box: widgets.VBox

    def refresh(self, change: object = None) -> None:
        """Redraw the count and the table; with nothing to pick from, say what to pick instead."""
        del change
        if not self.categories.value or not self.levels.value:
            say(self.summary, _(NO_EVENTS))
            replace_table(self.table, None)
            return
        first, last = self.months.value
        rows = matching_events(self.timeline, first, last, self.categories.value, self.levels.value)
        say(self.summary, _count_line(rows))
        replace_table(self.table, rows.reset_index(drop=True))


def build_event_explorer(timeline: pd.DataFrame | None = None) -> EventExplorer:
    """Build the timeline explorer (not displayed): months, categories, reliability, the table."""
    timeline = load("timeline") if timeline is None else timeline
    months = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M")
    categories = tuple(sorted(timeline["category"].unique()))
    explorer = EventExplorer(
        timeline=timeline,
        months=widgets.SelectionRangeSlider(
            options=[(format_month(m.to_timestamp(), short=True), m) for m in months],
            index=(0, len(months) - 1),
            description=_("Months"), continuous_update=False,
            layout=widgets.Layout(width="600px")),  # explore.css caps it at the notebook's width
        categories=widgets.SelectMultiple(options=categories, value=categories,
                                          description=_("Categories"), rows=len(categories)),
        levels=widgets.SelectMultiple(options=LEVELS, value=LEVELS, description=_("Reliability"),
                                      rows=len(LEVELS)),
        summary=empty_notice(),
        table=widgets.Output(),
        box=widgets.VBox(),
    )
    pickers = widgets.HBox([explorer.categories, explorer.levels],
                           layout=widgets.Layout(flex_flow="row wrap"))
    explorer.box = explorer_box(explorer.months, pickers, explorer.summary, explorer.table)
    for control in (explorer.months, explorer.categories, explorer.levels):
        control.observe(explorer.refresh, names="value")
    explorer.refresh()
    return explorer


def event_explorer() -> None:
    """Show lesson 01's timeline explorer in the notebook."""
    show_widget(build_event_explorer().box, _("Explorer: events by date"))


@dataclass
class ClaimsExplorer:
    """The claims filter's widgets: a verdict picker and the table of claims with that verdict."""

    claims: pd.DataFrame
    verdict: widgets.ToggleButtons
    table: widgets.Output
    box: widgets.VBox

    def refresh(self, change: object = None) -> None:
        """Show the claims with the chosen verdict (all of them for 'all')."""
        del change
        claims = self.claims
        if self.verdict.value != "all":
            claims = claims[claims["verdict"] == self.verdict.value]
        replace_table(self.table, claims[CLAIM_COLUMNS].reset_index(drop=True))


def build_claims_explorer(claims: pd.DataFrame | None = None) -> ClaimsExplorer:
    """Build the claims filter (not displayed)."""
    claims = load("news_claims") if claims is None else claims
    explorer = ClaimsExplorer(
        claims=claims,
        verdict=widgets.ToggleButtons(options=["all", *sorted(claims["verdict"].unique())],
                                      description=_("Verdict")),
        table=widgets.Output(),
        box=widgets.VBox(),
    )
    explorer.box = explorer_box(explorer.verdict, explorer.table)
    explorer.verdict.observe(explorer.refresh, names="value")
    explorer.refresh()
    return explorer


def claims_explorer() -> None:
    """Show lesson 01's claims filter in the notebook."""
    show_widget(build_claims_explorer().box, _("Explorer: the report's claims and their sources"))
