"""Lesson 06's what-if model: the PBO anchor, the path's arithmetic, bad inputs, the widgets."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import pytest

from defence_course.data import load
from defence_course.explore.canada import (
    Anchor,
    ModelError,
    build_path_explorer,
    implied_gdp,
    pbo_anchor,
    spending_path,
)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def anchor() -> Anchor:
    return pbo_anchor()


def test_the_anchor_is_the_pbos_scenario_from_the_data(anchor: Anchor) -> None:
    shares = (anchor.start_year, anchor.start_share, anchor.end_year, anchor.end_share)
    assert shares == (2025, 2.0, 2035, 3.5)
    assert anchor.end_spending == 159
    assert anchor.end_gdp == pytest.approx(159 / 0.035)


def test_implied_gdp_divides_by_the_share_and_refuses_zero() -> None:
    assert implied_gdp(41, 1.37) == pytest.approx(2992.7, abs=0.1)
    with pytest.raises(ModelError, match="above 0"):
        implied_gdp(10, 0)


def test_the_path_ends_on_the_pbos_amount_whatever_the_growth(anchor: Anchor) -> None:
    for growth in (0.0, 3.5, 6.0):
        table = spending_path(anchor, growth)
        assert table.loc[2035, "core_bn"] == pytest.approx(159)
        assert table.loc[2025, "core_share"] == pytest.approx(2.0)
        assert list(table.index) == list(range(2025, 2036))
    flat = spending_path(anchor, 0.0)
    assert flat.loc[2025, "core_bn"] == pytest.approx(159 / 3.5 * 2.0)  # same GDP every year
    faster = spending_path(anchor, 5.0)
    assert faster.loc[2025, "gdp_bn"] < flat.loc[2025, "gdp_bn"]  # faster growth: a smaller start


def test_the_share_rises_in_equal_steps_and_extra_money_starts_at_zero(anchor: Anchor) -> None:
    table = spending_path(anchor, 3.5)
    steps = table["core_share"].diff().dropna()
    assert steps.to_list() == pytest.approx([0.15] * 10)
    assert table.loc[2025, "extra_over_start_share_bn"] == 0
    assert table.loc[2035, "extra_over_start_share_bn"] == pytest.approx(159 / 3.5 * 1.5)


def test_the_ancillary_money_follows_the_part_already_met(anchor: Anchor) -> None:
    assert (spending_path(anchor, 3.5, met_pct=100)["new_ancillary_bn"] == 0).all()
    none_met = spending_path(anchor, 3.5, met_pct=0)
    assert none_met.loc[2035, "new_ancillary_bn"] == pytest.approx(anchor.end_gdp * 0.015)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"growth_pct": -100}, "above -100"), ({"growth_pct": 2, "met_pct": 120}, "0 to 100"),
     ({"growth_pct": 2, "met_pct": -1}, "0 to 100")],
)
def test_bad_inputs_are_refused_with_a_clear_message(anchor: Anchor, kwargs: dict, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        spending_path(anchor, **kwargs)


def test_an_end_year_not_after_the_start_is_refused() -> None:
    with pytest.raises(ModelError, match="must come after"):
        spending_path(Anchor(2035, 2.0, 2035, 3.5, 159), 3.0)


def test_a_data_file_without_the_scenario_is_reported() -> None:
    money = load("canada_money")
    with pytest.raises(ModelError, match="PBO's scenario"):
        pbo_anchor(money[~money["item"].str.contains("at the end")])


def test_the_explorer_redraws_with_its_assumptions_on_screen() -> None:
    box = build_path_explorer()
    controls = box.children[0].children
    report = box.children[2]
    assert isinstance(report, widgets.HTML)
    assert "Assumptions" in report.value
    assert "Not a forecast" in report.value
    assert "C$159bn" in report.value
    before = report.value
    controls[0].value = 5.0
    assert report.value != before
    controls[1].value = 0.0
    assert "New money for the 1.5% in 2035: C$0bn" not in report.value

