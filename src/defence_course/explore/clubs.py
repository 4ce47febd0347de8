"""Lesson 02's explorers: who was in which club in a chosen year, and one country's card.

The year explorer calls the lesson's own `clubs_in(year)` (the set operations the lesson teaches),
so a learner who changes that function sees the explorer follow. The lesson calls
`year_explorer(clubs_in)` and `country_explorer()`; tests call the builders and move the controls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd

from defence_course.data import load
from defence_course.display import show_widget
from defence_course.explore.style import empty_notice, explorer_box, replace_table, say
from defence_course.i18n import _

__all__ = ["CountryCard", "YearExplorer", "build_country_card", "build_year_explorer",
           "country_explorer", "year_explorer"]

FIRST_YEAR, LAST_YEAR = 1949, 2025
CARD_COLUMNS = ["country", "nato_join_year", "eu_accession_year", "category", "note"]


@dataclass
class YearExplorer:
    """A year slider, the counts line and the table `clubs_in(year)` returns."""

    clubs_in: Callable[[int], pd.DataFrame]
    year: widgets.IntSlider
    summary: widgets.HTML
    table: widgets.Output
    box: widgets.VBox

    def refresh(self, change: object = None) -> None:
        """Refill the counts line and the table for the slider's year."""
        del change
        clubs = self.clubs_in(self.year.value)
        n_nato = clubs.loc[["in both", "NATO only"], "count"].sum()
        n_eu = clubs.loc[["in both", "EU only"], "count"].sum()
        n_both = clubs.loc[["in both"], "count"].sum()
        say(self.summary, _("End of {year}: {nato} in NATO, {eu} in the EU, {both} in both.").format(
            year=self.year.value, nato=n_nato, eu=n_eu, both=n_both))
        replace_table(self.table, clubs)


def build_year_explorer(clubs_in: Callable[[int], pd.DataFrame]) -> YearExplorer:
    """Build the year explorer (not displayed) around the lesson's `clubs_in`."""
    explorer = YearExplorer(
        clubs_in=clubs_in,
        year=widgets.IntSlider(value=LAST_YEAR, min=FIRST_YEAR, max=LAST_YEAR, description=_("Year"),
                               continuous_update=False,  # explore.css caps the width at the notebook's
                               layout=widgets.Layout(width="500px")),
        summary=empty_notice(), table=widgets.Output(), box=widgets.VBox(),
    )
    explorer.box = explorer_box(explorer.year, explorer.summary, explorer.table)
    explorer.year.observe(explorer.refresh, names="value")
    explorer.refresh()
    return explorer


def year_explorer(clubs_in: Callable[[int], pd.DataFrame]) -> None:
    """Show the year explorer in the notebook: move the slider and the table follows."""
    show_widget(build_year_explorer(clubs_in).box, _("Explorer: the clubs in a chosen year"))


@dataclass
class CountryCard:
    """A country picker and that country's accession years and note."""

    membership: pd.DataFrame
    country: widgets.Dropdown
    card: widgets.Output
    box: widgets.VBox

    def refresh(self, change: object = None) -> None:
        """Show the chosen country's row."""
        del change
        row = self.membership.loc[self.membership["country"] == self.country.value, CARD_COLUMNS]
        replace_table(self.card, row.set_index("country"))


def build_country_card(membership: pd.DataFrame | None = None) -> CountryCard:
    """Build the country card (not displayed)."""
    membership = load("membership") if membership is None else membership
    card = CountryCard(
        membership=membership,
        country=widgets.Dropdown(options=sorted(membership["country"]), value="Canada",
                                 description=_("Country")),
        card=widgets.Output(), box=widgets.VBox(),
    )
    card.box = explorer_box(card.country, card.card)
    card.country.observe(card.refresh, names="value")
    card.refresh()
    return card


def country_explorer() -> None:
    """Show the country card in the notebook."""
    show_widget(build_country_card().box, _("Explorer: one country's memberships"))
