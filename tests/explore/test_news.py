"""Lesson 01's explorers: the timeline filter and the claims filter, worked kernel-side."""

from __future__ import annotations

import pandas as pd

from defence_course.explore.news import (
    NO_EVENTS,
    build_claims_explorer,
    build_event_explorer,
    matching_events,
)


def test_matching_events_filters_months_categories_and_levels() -> None:
    explorer = build_event_explorer()
    june = pd.Period("2025-06", "M")
    rows = matching_events(explorer.timeline, june, june, ("US",), ("primary", "secondary", "unverified"))
    assert len(rows) == 2
    assert set(rows["category"]) == {"US"}


def test_an_empty_pick_says_what_to_pick_and_shows_no_table() -> None:
    """Issue 11 item 6: no category (or no level) chosen gave '0 events shown' over an empty table."""
    explorer = build_event_explorer()
    explorer.categories.value = ()
    assert NO_EVENTS in explorer.summary.value
    assert explorer.table.outputs == ()
    explorer.categories.value = ("NATO",)
    explorer.levels.value = ()
    assert NO_EVENTS in explorer.summary.value
    explorer.levels.value = ("primary",)
    assert "shown" in explorer.summary.value
    assert len(explorer.table.outputs) == 1


def test_the_claims_filter_starts_on_all_seven() -> None:
    explorer = build_claims_explorer()
    assert explorer.verdict.value == "all"
    assert explorer.verdict.options[0] == "all"
    assert "misleading" in explorer.table.outputs[0]["data"]["text/plain"]


def test_explorer_tables_use_the_course_view_in_full_even_in_a_fresh_kernel() -> None:
    """Run alone after a restart (no use_course_style, no max_colwidth), the table still shows
    whole texts, left-aligned, with blanks for missing notes: a learner sees the same table."""
    explorer = build_claims_explorer()
    html = explorer.table.outputs[0]["data"]["text/html"]
    assert "dc-table" in html
    assert "text-align: left" in html
    longest = max(explorer.claims["what_the_sources_say"], key=len)
    assert longest.split()[-1] in html
    assert "..." not in explorer.table.outputs[0]["data"]["text/plain"]
    events = build_event_explorer()
    assert "NaN" not in events.table.outputs[0]["data"]["text/html"]
