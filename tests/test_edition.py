"""The course says when it was true (issue 19): the edition once where it begins, a note per edition."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EDITION = "December 2026 edition"
# What an instructor of the last edition must re-read: each item of the edition note.
NOTE_ITEMS = ("annual Security and Defence Dialogue", "Moldova's came first", "in light of the strategic",
              "Ukraine's defence", "The rise began in 2015", "EUR 2.5m", "all 19 allocations",
              "SIPRI itself counts 18", "Eight laggards", "Rutte's credit", "I stand with",
              "leads by example", "nine\n  as of December 2026", "annul SAFE", "March 2026",
              "denied-domains.yaml", "`skill` tag")


def edition_problems(start_texts: dict[str, str], lesson_texts: dict[str, str]) -> list[str]:
    """The edition is stated once in each place the course begins, and nowhere else."""
    problems = [f"{name}: states the edition {text.count(EDITION)} times, not once"
                for name, text in start_texts.items() if text.count(EDITION) != 1]
    problems += [f"{name}: states the edition again" for name, text in lesson_texts.items()
                 if EDITION in text]
    return problems


def _texts() -> tuple[dict[str, str], dict[str, str]]:
    start = {"README.md": (REPO / "README.md").read_text("utf-8"),
             "00-start-here": (REPO / "text" / "lessons" / "00-start-here.md").read_text("utf-8")}
    lessons = {p.stem: p.read_text("utf-8") for p in sorted((REPO / "text" / "lessons").glob("0[1-9]-*.md"))}
    return start, lessons


def test_the_edition_is_stated_once_where_the_course_begins() -> None:
    assert edition_problems(*_texts()) == []
    assert "docs/editions.md" in _texts()[0]["00-start-here"]


@pytest.mark.parametrize("change", ["drop", "repeat"])
def test_a_missing_or_repeated_edition_is_reported(change: str) -> None:
    start, lessons = _texts()
    if change == "drop":
        start["README.md"] = start["README.md"].replace(EDITION, "edition")
    else:
        lessons["04-did-the-pressure-work"] += f"\nThis is the {EDITION}."
    assert edition_problems(start, lessons)


def test_the_edition_note_lists_every_change() -> None:
    note = (REPO / "docs" / "editions.md").read_text("utf-8")
    assert f"## {EDITION}" in note
    missing = [item for item in NOTE_ITEMS if item not in note]
    assert missing == []
