"""Lesson 05's timeline explorer: the right items, honest precision, and controls that work."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from defence_course.data import load
from defence_course.explore import partnerships as explore
from defence_course.explore.partnerships import (
    PARTNERSHIP,
    ROAD,
    ROAD_LABELS,
    build_timeline,
    describe_items,
    overlap_groups,
    timeline_items,
)

PNG = b"\x89PNG\r\n\x1a\n"


def _items(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """A small item table: (label, earliest, latest, precision)."""
    return pd.DataFrame(
        [{"label": label, "group": PARTNERSHIP, "earliest": pd.Timestamp(first),
          "latest": pd.Timestamp(last), "precision": precision, "as_reported": label,
          "reliability": "primary"} for label, first, last, precision in rows]
    )


def text_of(explorer: explore.TimelineExplorer) -> str:
    """What the description Output holds (kernel-side, as nbval and the browser see it)."""
    return "".join(item["text"] for item in explorer.description.outputs)


def test_items_are_the_eight_partnerships_and_six_road_steps() -> None:
    items = timeline_items()
    sdp = items[items["group"] == PARTNERSHIP]
    assert set(sdp["label"]) == set(load("partnerships")["partner"])
    road = items[items["group"] == ROAD]
    assert list(road["earliest"].dt.strftime("%Y-%m-%d")) == sorted(ROAD_LABELS)
    assert list(road["earliest"].diff().dt.days.dropna().astype(int)) == [27, 87, 74, 18, 57]
    assert (items["earliest"] <= items["latest"]).all()


def test_every_road_label_is_a_dated_safe_row_of_the_timeline() -> None:
    """If the timeline's dates change, the explorer must not silently drop a step."""
    timeline = load("timeline")
    safe_days = set(timeline.loc[timeline["event"].str.contains("SAFE"), "date"].dt.strftime("%Y-%m-%d"))
    assert set(ROAD_LABELS) <= safe_days


def test_overlapping_windows_are_grouped_and_exact_same_days_are_not() -> None:
    items = _items(("A", "2024-05-21", "2024-05-21", "day"), ("B", "2024-05-01", "2024-05-31", "month"),
                   ("C", "2025-06-23", "2025-06-23", "day"), ("D", "2025-06-23", "2025-06-23", "day"),
                   ("E", "2026-01-01", "2026-12-31", "year"))
    assert overlap_groups(items) == [["B", "A"]]


def test_overlap_check_can_fail_on_disjoint_windows() -> None:
    items = _items(("A", "2024-04-30", "2024-04-30", "day"), ("B", "2024-05-01", "2024-05-31", "month"))
    assert overlap_groups(items) == []


def test_real_data_cannot_order_moldova_and_norway() -> None:
    groups = overlap_groups(timeline_items())
    assert any({"Moldova", "Norway"} <= set(group) for group in groups)
    assert any({"United Kingdom", "SAFE regulation adopted"} <= set(group) for group in groups)
    assert not any("Canada" in group for group in groups)


def test_description_says_precision_and_days() -> None:
    items = timeline_items()
    text = describe_items(items, pd.Timestamp("2024-01-01"), pd.Timestamp("2026-02-28"))
    assert "14 items shown" in text
    assert "exact day: Moldova (21 May 2024), Canada (23 June 2025)" in text
    assert "month only: Norway (May 2024), United Kingdom (May 2025)" in text
    assert "14 February 2026: Canada signs SAFE agreement (+57 days)" in text
    assert "cannot be put in order" in text


def test_explorer_controls_change_chart_and_words() -> None:
    before = set(plt.get_fignums())
    explorer = build_timeline()
    assert bytes(explorer.chart.value).startswith(PNG)
    first_chart, first_text = explorer.chart.value, text_of(explorer)
    assert "14 items shown" in first_text
    explorer.view.value = (ROAD,)
    assert "6 items shown" in text_of(explorer)
    assert "Partnerships," not in text_of(explorer)
    assert bytes(explorer.chart.value) != bytes(first_chart)
    explorer.view.value = (PARTNERSHIP,)
    may_2024 = pd.Period("2024-05", "M")
    explorer.months.value = (may_2024, may_2024)
    text = text_of(explorer)
    assert text.startswith("May 2024 to May 2024: 6 items shown.")
    assert "United Kingdom" not in text
    assert len(explorer.description.outputs) == 1  # rewritten, never piled up
    assert set(plt.get_fignums()) == before  # no pyplot figure left open


@pytest.mark.parametrize("precision", ["month", "year"])
def test_a_window_is_drawn_as_a_bar_not_a_point(precision: str) -> None:
    items = _items(("X", "2024-05-01", "2024-05-31" if precision == "month" else "2024-12-31", precision))
    fig = explore.draw(items, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    ax = fig.axes[0]
    assert len(ax.patches) == 1
    assert not [line for line in ax.lines if line.get_xdata().size]
