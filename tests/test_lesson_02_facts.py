"""Lesson 02's prose quotes membership numbers, dates and amounts: check them against data/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from defence_course.data import load
from tests import prose_claims
from tests.prose_claims import Check, assert_wrong_text_is_reported, markdown_cells, names, number

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "02-two-clubs.ipynb"

# The UK joined the EU in 1973 and left on 1 February 2020 (EUR-Lex glossary). The membership
# table lists today's members only; the lesson adds this one departure in a code cell, and so
# does this test when it counts members per year.
EU_LEAVERS = (("United Kingdom", 1973, 2020),)

@dataclass(frozen=True)
class Data:
    """The tables the lesson's prose is checked against."""

    membership: pd.DataFrame
    timeline: pd.DataFrame
    key_amounts: pd.DataFrame

    @property
    def nato(self) -> set[str]:
        return set(self.membership.loc[self.membership["nato_member"], "country"])

    @property
    def eu(self) -> set[str]:
        return set(self.membership.loc[self.membership["eu_member"], "country"])

    def members_at_end_of(self, year: int) -> tuple[set[str], set[str]]:
        """NATO and EU members at the end of `year`, counting the UK's EU years."""
        m = self.membership
        nato = set(m.loc[(m["nato_join_year"] <= year).fillna(False), "country"])
        eu = set(m.loc[(m["eu_accession_year"] <= year).fillna(False), "country"])
        eu |= {name for name, joined, left in EU_LEAVERS if joined <= year < left}
        return nato, eu

    def amount(self, entity: str) -> float:
        rows = self.key_amounts.loc[self.key_amounts["entity"] == entity, "value"]
        return float(rows.iloc[0])




def _overlap(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "EU states that are Allies", number(m[1]), len(d.nato & d.eu)
    yield "EU member states", number(m[2]), len(d.eu)


def _crosstab(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "in both", number(m[1]), len(d.nato & d.eu)
    yield "NATO only", number(m[2]), len(d.nato - d.eu)
    yield "EU only", number(m[3]), len(d.eu - d.nato)


def _totals(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Allies", number(m[1]), len(d.nato)
    yield "EU member states", number(m[2]), len(d.eu)
    yield "countries in all", number(m[3]), len(d.nato | d.eu)


def _four_names(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "EU states outside NATO", names(m[1]), d.eu - d.nato


def _nine_names(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "how many Allies outside the EU", number(m[1]), len(d.nato - d.eu)
    yield "Allies outside the EU", names(m[2]), d.nato - d.eu


def _founders(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    founders = d.membership["nato_join_year"].eq(1949).fillna(False).sum()
    yield "NATO founders", number(m[1]), int(founders)


def _founder_date(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    dates = d.membership.loc[d.membership["nato_join_year"].eq(1949).fillna(False), "nato_join_date"]
    yield "founding date", datetime.strptime(m[1], "%d %B %Y").date(), dates.iloc[0].date()


def _enlargements(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    years = d.membership["nato_join_year"].dropna().unique()
    yield "founders", number(m[1]), int(d.membership["nato_join_year"].eq(1949).fillna(False).sum())
    yield "NATO enlargements after 1949", number(m[2]), len(years) - 1


def _join_date(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    row = d.membership.loc[d.membership["country"] == m[1], "nato_join_date"]
    yield f"{m[1]}'s NATO join date", datetime.strptime(m[2], "%d %B %Y").date(), row.iloc[0].date()


def _shared_wave(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    nato_years = set(d.membership["nato_join_year"].dropna())
    eu_years = set(d.membership["eu_accession_year"].dropna())
    shared = sorted(nato_years & eu_years)
    year = int(m[1])
    yield "years both clubs grew", [year], shared
    yield f"NATO joiners in {year}", number(m[2]), int(d.membership["nato_join_year"].eq(year).sum())
    yield f"EU joiners in {year}", number(m[3]), int(d.membership["eu_accession_year"].eq(year).sum())


def _eu_peak(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    sizes = {y: len(d.members_at_end_of(y)[1]) for y in range(1958, 2026)}
    peak = max(sizes.values())
    peak_years = [y for y, n in sizes.items() if n == peak]
    yield "EU peak size", number(m[1]), peak
    yield "first peak year", int(m[2]), peak_years[0]
    yield "last peak year", int(m[3]), peak_years[-1]
    yield "EU size since the UK left", number(m[4]), sizes[2025]


def _year_end(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    year = int(m[1])
    nato, eu = d.members_at_end_of(year)
    yield f"EU members end {year}", number(m[2]), len(eu)
    yield f"EU and NATO end {year}", number(m[3]), len(eu & nato)
    yield f"EU not NATO end {year}", number(m[4]), len(eu - nato)
    yield f"EU not NATO end {year} (names)", names(m[5]), eu - nato


def _figure(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    start, end = int(m[2]), int(m[4])
    yield f"NATO in {start}", number(m[1]), len(d.members_at_end_of(start)[0])
    yield f"NATO in {end}", number(m[3]), len(d.members_at_end_of(end)[0])
    yield f"NATO first reached {m[3]}", end, min(
        y for y in range(1949, 2026) if len(d.members_at_end_of(y)[0]) == number(m[3])
    )


def _figure_eu(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    for size, year in ((m[1], m[2]), (m[3], m[4]), (m[5], m[6])):
        yield f"EU in {year}", number(size), len(d.members_at_end_of(int(year))[1])


def _since(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    start, end = int(m[1]), int(m[2])
    (nato_start, eu_start), (nato_end, eu_end) = d.members_at_end_of(start), d.members_at_end_of(end)
    yield f"EU end {start}", number(m[3]), len(eu_start)
    yield f"EU {end}", number(m[4]), len(eu_end)
    yield f"NATO end {start}", number(m[5]), len(nato_start)
    yield f"NATO {end}", number(m[6]), len(nato_end)


def _members_row(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Allies (table)", number(m[1]), len(d.nato)
    yield "EU member states (table)", number(m[2]), len(d.eu)


def _amount(entity: str) -> Check:
    def check(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
        yield entity, float(m[1]), d.amount(entity)

    return check


CLAIMS: dict[str, tuple[str, Check]] = {
    "overlap": (r"(\d+) of the (\d+) EU member states are (?:also )?NATO Allies", _overlap),
    "crosstab": (
        r"(\w+) countries are in both clubs \(True, True\); (\w+) are in NATO but not the EU"
        r"\s+\(True, False\); (\w+) are in the EU but not NATO",
        _crosstab,
    ),
    "totals": (
        r"totals give (\d+) NATO Allies and (\d+) EU member states \(as of December 2026\),\s+(\d+)"
        r" countries in all",
        _totals,
    ),
    "four": (r"\n([A-Z][\w ,]+) are the four\.", _four_names),
    "nine": (r"(\w+) Allies are outside the EU: ([^.]+)\.", _nine_names),
    "founders": (r"by (\d+) founding members", _founders),
    "founders-key-point": (r"NATO's (\d+) founders of \d+ \w+ 1949", _founders),
    "founding-date": (r"signed in Washington on (\d+ \w+ 1949)", _founder_date),
    "enlargements": (r"NATO grew from its (\d+) founders in (\d+) enlargements", _enlargements),
    "join-dates": (r"(Finland|Sweden) \((\d+ \w+ 20\d\d)", _join_date),
    "shared-wave": (
        r"Only one year appears in both tables: (\d{4}), when (\w+) countries joined NATO and"
        r"\s+(\w+) joined the EU",
        _shared_wave,
    ),
    "eu-peak": (
        r"The EU peaked at (\d+) members from (\d{4}) to (\d{4}) and has had (\d+) since", _eu_peak
    ),
    "year-end": (
        r"At the end of (\d{4}), (\d+) countries were in the EU; (\d+) of them were also Allies,"
        r" while (\d+) EU members were\s+outside NATO \(([^)]+)\)",
        _year_end,
    ),
    "figure-nato": (r"steps from (\d+) in (\d{4}) to (\d+) in (\d{4})", _figure),
    "figure-eu": (
        r"starts at (\d+) in (\d{4}), rises in steps to\s+(\d+) in (\d{4}) and drops to (\d+) in"
        r" (\d{4})",
        _figure_eu,
    ),
    # Regression: an earlier draft said the EU had "shrunk by one" since 2004 (it grew to 28 first).
    "since-2019": (
        r"from the end of (\d{4}) to (\d{4}) the EU went from (\d+) members to (\d+) while NATO"
        r"\s+went from (\d+) to (\d+)",
        _since,
    ),
    "members-row": (r"\| Members \(as of December 2026\) \| (\d+) Allies \| (\d+) member states \|",
                    _members_row),
    "safe": (r"lends member states up to EUR (\d+) billion", _amount("EU SAFE instrument")),
    "rearm": (r"mobilise up to EUR (\d+) billion", _amount("ReArm Europe / Readiness 2030")),
    "fee": (r"participation fee of EUR (\d+) million", _amount("Canada SAFE participation fee")),
}

DATE = re.compile(r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|"
                  r"October|November|December) \d{4})\b")
TIES_CELL = "Now read the first four rows of the table as one story."

# Facts the review added (issue 9, items 2 and 3): the EU's own mutual-assistance clause with its
# caveats, and Canada's 2005 agreement on EU crisis-management operations (facts.md, section 7).
WORDING: prose_claims.Wording = {
    "article-42-7": (("Article 42(7) of the Treaty on European Union",
                      "obligation of aid and assistance by all the means in their power",
                      "the specific character of the security and defence policy of certain Member States",
                      "the foundation of their collective defence", "17 November 2015"),
                     ("no mutual-defence", "has no defence promise")),
    "fpa-2005": (("On 24 November 2005", "Council Decision 2005/851/CFSP of 21 November 2005", "EUPOL"), ()),
    "structures": (("structures, forces and practice",),
                   ("NATO's collective defence, the EU's missions, projects and money",)),
}
OLD_WORDING = (
    "- *Contrast* what each club does in defence: NATO's collective defence, the EU's missions, "
    "projects and money.",
    "The EU, unlike NATO, has no mutual-defence clause.",
)


def claim_problems(cells: list[str], data: Data) -> list[str]:
    """Every quoted number that disagrees with the data, or claim that is gone, as a message."""
    problems = prose_claims.claim_problems("\n\n".join(cells), CLAIMS, data, __name__)
    problems += [f"wording: {p}" for p in prose_claims.wording_problems("\n\n".join(cells), WORDING)]
    ties = [cell for cell in cells if TIES_CELL in cell]
    if not ties:
        problems.append("the Canada-EU ties cell is gone: update TIES_CELL")
    known = set(data.timeline["date"].dt.date)
    for cell in ties:
        dates = DATE.findall(cell)
        if len(dates) < 5:
            problems.append(f"the ties cell quotes only {len(dates)} dates; expected the timeline's")
        for quoted in dates:
            if datetime.strptime(quoted, "%d %B %Y").date() not in known:
                problems.append(f"ties: {quoted} is not a date in load('timeline')")
    return problems


@cache
def course_data() -> Data:
    return Data(load("membership"), load("timeline"), load("key_amounts"))


@cache
def lesson_markdown() -> tuple[str, ...]:
    return markdown_cells(NOTEBOOK)


def test_lesson_prose_agrees_with_the_data() -> None:
    assert claim_problems(list(lesson_markdown()), course_data()) == []


@pytest.mark.parametrize(
    ("right", "wrong", "reported"),
    [
        ("23 of the 27 EU member states are NATO", "22 of the 27 EU member states are NATO",
         "overlap"),
        ("23 countries are in both clubs", "24 countries are in both clubs", "crosstab"),
        ("36 countries in all", "35 countries in all", "totals"),
        ("Austria, Cyprus, Ireland and Malta are the four",
         "Austria, Cyprus, Finland and Malta are the four", "four"),
        ("Nine Allies are outside the EU", "Eight Allies are outside the EU", "nine"),
        ("Montenegro, North Macedonia, Norway", "Montenegro, Norway", "nine"),
        ("by 12 founding members", "by 10 founding members", "founders"),
        ("4 April 1949 by", "14 April 1949 by", "founding-date"),
        ("in 10 enlargements", "in 11 enlargements", "enlargements"),
        ("Sweden (7 March 2024", "Sweden (7 May 2024", "join-dates"),
        ("2004, when seven countries", "2004, when eight countries", "shared-wave"),
        ("peaked at 28 members from 2013 to 2019", "peaked at 28 members from 2013 to 2020",
         "eu-peak"),
        ("At the end of 1995, 15 countries", "At the end of 1995, 12 countries", "year-end"),
        ("(Austria, Finland, Ireland, Sweden)", "(Austria, Cyprus, Ireland, Sweden)", "year-end"),
        ("to 32 in 2024", "to 32 in 2023", "figure-nato"),
        ("drops to 27 in 2020", "drops to 27 in 2019", "figure-eu"),
        ("| 32 Allies |", "| 30 Allies |", "members-row"),
        ("the EU went from 28 members to 27", "the EU went from 27 members to 26", "since-2019"),
        ("NATO\nwent from 29 to 32", "NATO\nwent from 28 to 32", "since-2019"),
        ("up to EUR 150 billion", "up to EUR 100 billion", "safe"),
        ("up to EUR 800 billion", "up to EUR 650 billion", "rearm"),
        ("fee of EUR 10 million", "fee of EUR 16 million", "fee"),
        ("applied provisionally from 1 April 2017", "applied provisionally from 2 April 2017",
         "ties"),
        ("Only one year appears in both tables", "Just one year shows up in both", "shared-wave"),
    ],
)
def test_a_wrong_number_in_the_prose_is_reported(right: str, wrong: str, reported: str) -> None:
    """Each check can fail: changing one quoted fact is caught, and named in the message."""
    assert_wrong_text_is_reported(
        lesson_markdown(), right, wrong, reported, lambda cells: claim_problems(cells, course_data())
    )


def test_the_old_framing_is_reported() -> None:
    """Issue 9: the lesson before the review (no Article 42(7), no 2005 agreement) fails the rules."""
    old_cells = [c for c in lesson_markdown() if "Article 42(7)" not in c and "24 November 2005" not in c]
    old_problems = prose_claims.wording_problems("\n".join(old_cells), WORDING)
    assert any(p.startswith("article-42-7") for p in old_problems)
    assert any(p.startswith("fpa-2005") for p in old_problems)
    for old in OLD_WORDING:
        assert prose_claims.wording_problems("\n".join(lesson_markdown()) + "\n" + old, WORDING)
