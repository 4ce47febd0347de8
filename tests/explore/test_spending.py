"""Lesson 03's spending explorer: honest axes, a message instead of an empty chart, working controls."""

from __future__ import annotations

import pytest

from defence_course.explore import spending
from defence_course.explore.spending import (
    EMPTY,
    build_spending_explorer,
    draw_spending,
    long_table,
    missing_note,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def long():
    return long_table()


def test_the_long_table_holds_both_sources_without_empty_figures(long) -> None:
    assert set(long["source"]) == {"NATO", "SIPRI"}
    assert long["pct_gdp"].notna().all()
    assert {"Russia", "Ukraine"} <= set(long.loc[long["source"] == "SIPRI", "country"])
    assert "Russia" not in set(long.loc[long["source"] == "NATO", "country"])


@pytest.mark.parametrize("source", ["NATO", "SIPRI"])
def test_the_share_axis_starts_at_zero(long, source: str) -> None:
    """Issue 11 item 6: a share of GDP drawn from 1% looks twice as big as it is."""
    fig = draw_spending(long, ("Poland", "United States"), (2014, 2025), source)
    assert fig.axes[0].get_ylim()[0] == 0


def test_an_empty_selection_says_what_to_pick_instead_of_an_empty_chart(long) -> None:
    explorer = build_spending_explorer(long)
    assert bytes(explorer.chart.value).startswith(PNG)
    assert explorer.chart.layout.display != "none"
    explorer.countries.value = ()
    assert EMPTY in explorer.notice.value
    assert "at least one country" in explorer.notice.value
    assert explorer.chart.layout.display == "none"
    explorer.countries.value = ("Canada",)
    assert EMPTY not in explorer.notice.value
    assert explorer.chart.layout.display != "none"


def test_the_note_names_countries_without_a_figure_in_that_source(long) -> None:
    explorer = build_spending_explorer(long)
    explorer.countries.value = ("Canada", "Russia")
    assert "No NATO figure for 2014-2025: Russia" in explorer.notice.value
    explorer.source.value = "SIPRI"
    assert "Russia" not in explorer.notice.value
    assert missing_note(long, ("NATO Europe and Canada",), (2014, 2024), "SIPRI") == (
        "No SIPRI figure for 2014-2024: NATO Europe and Canada")


def test_the_year_slider_never_outgrows_the_notebook(long) -> None:
    """Issue 11 item 6: a fixed 400px slider cut its readout at 800px; it may shrink now."""
    explorer = build_spending_explorer(long)
    assert explorer.years.layout.width == "auto"
    assert explorer.years.layout.max_width == "400px"


def test_the_direct_call_prints_the_message_for_no_country(long, capsys) -> None:
    spending.spending_chart((), (2014, 2025), "NATO", long)
    assert capsys.readouterr().out.strip() == EMPTY
