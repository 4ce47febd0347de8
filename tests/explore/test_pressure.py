"""Lesson 04's what-if model: the arithmetic, its edge cases, and the explorer's widgets."""

from __future__ import annotations

import math

import ipywidgets as widgets
import matplotlib
import pandas as pd
import pytest

from defence_course.data import load
from defence_course.explore import pressure
from defence_course.explore.pressure import (
    ModelError,
    build_gap_explorer,
    gap_table,
    gap_to_target,
    gdp_factor,
    largest_yearly_rise,
    latest_figures,
    straight_path,
    yearly_rise,
)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def nato() -> pd.DataFrame:
    return load("nato_spending")


@pytest.mark.parametrize(
    ("latest", "target", "gap"),
    [(2.01, 3.5, 1.49), (3.5, 3.5, 0.0), (4.48, 3.5, 0.0), (0.0, 3.5, 3.5), (1.0, 2.0, 1.0)],
)
def test_gap_is_what_is_left_and_never_negative(latest: float, target: float, gap: float) -> None:
    assert gap_to_target(latest, target) == pytest.approx(gap)


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_no_figure_gives_no_gap_and_no_rise(missing: float | None) -> None:
    assert gap_to_target(missing) is None
    assert yearly_rise(missing, 2025) is None


def test_yearly_rise_spreads_the_gap_over_the_years_left() -> None:
    assert yearly_rise(2.01, 2025) == pytest.approx(0.149)
    assert yearly_rise(2.0, 2024) == pytest.approx(1.5 / 11)  # a 2024e figure has eleven years
    assert yearly_rise(4.48, 2025) == 0.0
    assert yearly_rise(2.5, 2025, target=3.0, by_year=2030) == pytest.approx(0.1)


@pytest.mark.parametrize("by_year", [2025, 2020])
def test_a_deadline_not_after_the_start_is_refused_with_a_clear_message(by_year: int) -> None:
    with pytest.raises(ModelError, match="must come after"):
        yearly_rise(2.0, 2025, by_year=by_year)


def test_gdp_factor_compounds_growth_year_by_year() -> None:
    assert gdp_factor(0.0, 10) == pytest.approx(1)
    assert gdp_factor(1.5, 10) == pytest.approx(1.015**10)
    assert gdp_factor(1.5, 0) == 1
    assert gdp_factor(-1.0, 10) < 1  # a shrinking economy: less money for the same share


def test_the_money_index_scales_with_the_share_and_growth(nato: pd.DataFrame) -> None:
    """Canada, 2.01% (2025e) to 3.5% by 2035 at 1.5% growth: 100 * 3.5 / 2.01 * 1.015**10."""
    assert round(100 * 3.5 / 2.01 * 1.015**10) == 202
    text = pressure._report(nato, "Canada", 3.5, 2035, 0.0)
    assert "<b>174</b> on the path to 3.5%, <b>100</b> if the share stays" in text
    shrinking = pressure._report(nato, "Canada", 3.5, 2035, -1.0)
    assert "<b>90</b> if the share stays" in shrinking


def test_latest_figures_take_each_allys_most_recent_year(nato: pd.DataFrame) -> None:
    latest = latest_figures(nato)
    assert len(latest) == 31
    assert "Iceland" not in latest.index
    assert "NATO Total" not in latest.index
    assert latest.loc["Canada", "year"] == 2025
    assert latest.loc["Germany", "year"] == 2024  # its 2025 cell is empty: fall back to 2024e
    assert latest.loc["Germany", "pct_gdp"] == pytest.approx(2.0037, abs=1e-4)


def test_gap_table_sorts_largest_gap_first_and_has_zero_gaps(nato: pd.DataFrame) -> None:
    table = gap_table(nato)
    assert table.index[0] == "Slovenia"
    assert set(table.index[table["gap"] == 0]) == {"Poland", "Lithuania", "Latvia"}
    assert table.loc["Canada", "rise_per_year"] == pytest.approx(0.149)
    assert (table["gap"] >= 0).all()
    assert (table["rise_per_year"] >= 0).all()


def test_straight_path_reaches_the_target_in_the_deadline_year_or_stays_flat() -> None:
    path = straight_path(2.01, 2025)
    assert path.index[0] == 2025
    assert path.index[-1] == 2035
    assert path.iloc[0] == pytest.approx(2.01)
    assert path.iloc[-1] == pytest.approx(3.5)
    flat = straight_path(4.48, 2025)
    assert (flat == 4.48).all()


def test_largest_yearly_rise(nato: pd.DataFrame) -> None:
    rise, year = largest_yearly_rise(nato, "Canada")  # type: ignore[misc]
    assert round(rise, 2) == 0.54
    assert year == 2025
    assert largest_yearly_rise(nato, "Iceland") is None


def test_report_shows_numbers_and_every_assumption(nato: pd.DataFrame) -> None:
    text = pressure._report(nato, "Canada", 3.5, 2035, 1.5)
    for piece in ("2.01% of GDP in 2025 (estimate)", "<b>1.49</b>", "<b>+0.15</b>", "10 years",
                  "+0.54 points (to 2025)", "<b>202</b>", "<b>116</b>"):
        assert piece in text, piece
    for assumption in pressure._ASSUMPTIONS:
        assert pressure.html.escape(assumption) in text


def test_report_for_an_ally_above_the_target_says_no_rise_is_needed(nato: pd.DataFrame) -> None:
    text = pressure._report(nato, "Poland", 3.5, 2035, 1.5)
    assert "<b>0.00</b>" in text
    assert "No rise needed: Poland is already at or above 3.5%." in text
    assert "on the path to" not in text


def test_report_escapes_names(nato: pd.DataFrame) -> None:
    """Country names reach HTML escaped (no markup by string concatenation)."""
    hostile = nato.assign(country=nato["country"].replace("Canada", "<b>Canada</b>"))
    text = pressure._report(hostile, "<b>Canada</b>", 3.5, 2035, 1.5)
    assert "&lt;b&gt;Canada&lt;/b&gt;" in text
    assert "<b><b>Canada" not in text


def test_explorer_redraws_when_a_slider_moves(nato: pd.DataFrame) -> None:
    box = build_gap_explorer(nato)
    picker, target = box.children[0].children
    by_year, growth = box.children[1].children
    report = box.children[3]
    assert isinstance(report, widgets.HTML)
    assert "Canada" in report.value
    target.value = 2.0
    assert "<b>0.00</b>" in report.value  # Canada's 2.01% already meets 2%
    by_year.value = 2030
    picker.value = "Poland"
    assert "Poland" in report.value
    assert "by 2030" in report.value
    growth.value = -1.0
    assert "-1.0% real GDP growth" in report.value


def test_explorer_starts_on_a_known_ally_even_if_asked_for_another(nato: pd.DataFrame) -> None:
    box = build_gap_explorer(nato, country="Iceland")  # no figure: the first Ally instead
    assert box.children[0].children[0].value == "Albania"
