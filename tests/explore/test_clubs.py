"""Lesson 02's explorers: the year explorer calls the lesson's function; the country card."""

from __future__ import annotations

import pandas as pd

from defence_course.explore.clubs import build_country_card, build_year_explorer


def fake_clubs_in(year: int) -> pd.DataFrame:
    """A stand-in for the lesson's clubs_in: counts that depend on the year."""
    return pd.DataFrame({"count": {"in both": year - 2000, "NATO only": 1, "EU only": 2},
                         "countries": {"in both": "", "NATO only": "X", "EU only": "Y, Z"}})


def test_the_year_explorer_calls_the_given_function_and_keeps_one_table() -> None:
    explorer = build_year_explorer(fake_clubs_in)
    assert "End of 2025: 26 in NATO, 27 in the EU, 25 in both." in explorer.summary.value
    explorer.year.value = 2010
    explorer.year.value = 2011
    assert "End of 2011: 12 in NATO, 13 in the EU, 11 in both." in explorer.summary.value
    assert len(explorer.table.outputs) == 1


def test_the_country_card_shows_the_chosen_country() -> None:
    card = build_country_card()
    card.country.value = "Austria"
    card.country.value = "Poland"
    assert len(card.card.outputs) == 1
    assert "Poland" in card.card.outputs[0]["data"]["text/plain"]
