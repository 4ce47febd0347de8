"""Lesson 03's prose and quiz quote spending figures: check them against data/, so they can't drift."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from defence_course.data import load
from defence_course.quiz import Quiz, decode_bank_text, load_quiz
from tests import prose_claims
from tests.prose_claims import Check, assert_wrong_text_is_reported, markdown_cells, names, number

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "03-who-pays.ipynb"
BANK = "03-who-pays"

JUNE_2024 = "NATO 2024 edition (June 2024)"
APRIL_2025 = "NATO Secretary General Annual Report (April 2025)"
AUG_2025 = "NATO 2025 edition (Aug 2025)"

def dp2(value: float) -> float:
    """Round to the two decimals the lesson quotes (NaN stays NaN, and never equals a quote)."""
    return round(float(value), 2)


@dataclass(frozen=True)
class Data:
    """The tables the lesson's prose is checked against, with the lesson's own derivations."""

    nato: pd.DataFrame
    sipri: pd.DataFrame
    revisions: pd.DataFrame
    key_amounts: pd.DataFrame
    membership: pd.DataFrame

    @property
    def allies(self) -> pd.DataFrame:
        return self.nato[~self.nato["is_aggregate"]]

    @property
    def n_allies(self) -> int:
        return int(self.allies["country"].nunique())

    def year(self, year: int) -> pd.DataFrame:
        return self.allies[self.allies["year"] == year]

    def at_or_above(self, year: int, level: float = 2.0) -> set[str]:
        rows = self.year(year)
        return set(rows.loc[rows["pct_gdp"] >= level, "country"])

    def below(self, year: int) -> set[str]:
        rows = self.year(year)
        return set(rows.loc[rows["pct_gdp"] < 2, "country"])

    def no_figure(self, year: int) -> set[str]:
        """Allies with no figure that year: an empty cell, or no row at all (Iceland)."""
        known = set(self.year(year).dropna(subset=["pct_gdp"])["country"])
        return set(self.allies["country"]) - known

    def pct(self, country: str, year: int) -> float:
        rows = self.nato.loc[(self.nato["country"] == country) & (self.nato["year"] == year)]
        return float(rows["pct_gdp"].iloc[0]) if len(rows) else math.nan

    def series(self, country: str, first: int, last: int) -> pd.Series:
        rows = self.nato[(self.nato["country"] == country) & self.nato["year"].between(first, last)]
        return rows.set_index("year")["pct_gdp"]

    def lower_quality(self, year: int) -> set[str]:
        rows = self.year(year)
        flagged = rows["note"].str.contains("lower-quality", case=False, na=False)
        return set(rows.loc[flagged, "country"])

    def revision(self, country: str, year: int, edition: str) -> float:
        r = self.revisions
        rows = r.loc[(r["country"] == country) & (r["year"] == year) & (r["edition"] == edition)]
        return float(rows["pct_gdp"].iloc[0]) if len(rows) else math.nan

    def merged_2024(self) -> pd.DataFrame:
        """NATO and SIPRI side by side for 2024, merged as in the lesson (ISO code and year)."""
        both = self.allies[["country", "iso3", "year", "pct_gdp"]].merge(
            self.sipri[["iso3", "year", "milex_pct_gdp"]], on=["iso3", "year"], how="inner",
            validate="one_to_one",
        )
        both = both[both["year"] == 2024]
        return both.assign(diff=both["milex_pct_gdp"] - both["pct_gdp"]).set_index("country")

    def amount(self, entity: str, reliability: str, measure_prefix: str) -> float:
        k = self.key_amounts
        rows = k.loc[(k["entity"] == entity) & (k["reliability"] == reliability)
                     & k["measure"].str.startswith(measure_prefix)]
        return float(rows["value"].iloc[0]) if len(rows) else math.nan


def _counts(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Allies at or above 2% in 2014", number(m[1]), len(d.at_or_above(2014))
    yield "Allies at or above 2% in 2024e", number(m[2]), len(d.at_or_above(2024))


def _rounding(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    """Issue 9, item 13: the 2% rule compares full precision; a rounded count differs in 2018."""
    yield "Poland 2018 at three decimals", float(m[1]), round(d.pct("Poland", 2018), 3)
    yield "Poland 2018 shown", m[2], f"{d.pct('Poland', 2018):.2f}"
    yield "2018 count with rounded figures", number(m[3]), int((d.year(2018)["pct_gdp"].round(2) >= 2).sum())
    yield "2018 count at full precision", number(m[4]), len(d.at_or_above(2018))


def _exactly_two_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    rows = d.year(2025)
    yield "Allies reported at exactly 2.00 in 2025e", number(m[1]), int((rows["pct_gdp"] == 2.0).sum())
    yield "those Allies", names(m[2]), set(rows.loc[rows["pct_gdp"] == 2.0, "country"])


def _canada_rank(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    """Issue 9, item 12: Trump's 'a place called Canada' checked against the same data."""
    ranked = d.year(2024).dropna(subset=["pct_gdp"]).sort_values("pct_gdp")
    ordinal = {"fifth": 5, "fourth": 4, "sixth": 6, "third": 3}[m[1]]
    yield "Canada's rank from the bottom in 2024e", ordinal, list(ranked["country"]).index("Canada") + 1
    yield "Allies with a 2024e figure", number(m[2]), len(ranked)
    yield "Allies below Canada", names(m[3]), set(ranked["country"].iloc[: ordinal - 1])


def _term_counts(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    """Issue 9, item 12: Trump's 'I got them to pay 2%' against the counts per year."""
    for year, said in ((2017, m[1]), (2020, m[2]), (2024, m[3])):
        yield f"Allies at or above 2% in {year}", number(said), len(d.at_or_above(year))


def _trio(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Allies at or above 2% in 2014", names(m[1]), d.at_or_above(2014)


def _iceland(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    for year in range(2014, int(m[2]) + 1):
        yield f"Allies with no figure in {year}", {m[3]}, d.no_figure(year)
        yield f"how many with no figure in {year}", number(m[1]), len(d.no_figure(year))


def _groups_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "2025e at or above 2%", number(m[1]), len(d.at_or_above(2025))
    yield "2025e below 2%", number(m[2]), len(d.below(2025))
    yield "2025e no figure", number(m[3]), len(d.no_figure(2025))


def _weak_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "2025e at or above 2% (again)", number(m[1]), len(d.at_or_above(2025))
    yield "2025e figures from a single lower-quality source", {m[2]}, d.lower_quality(2025)
    yield f"{m[2]} 2025e", float(m[3]), dp2(d.pct(m[2], 2025))


def _bar_description(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    counts = {y: len(d.at_or_above(y)) for y in range(2014, 2026)}
    middle = [counts[y] for y in range(2015, 2024)]
    yield "2014 count (figure)", number(m[1]), counts[2014]
    yield "lowest count 2014-2023", number(m[2]), min([counts[2014], *middle])
    yield "highest count 2014-2023", number(m[3]), max([counts[2014], *middle])
    yield "2024e count (figure)", number(m[4]), counts[2024]
    yield "2025e count (figure)", number(m[5]), counts[2025]


def _bar_blanks(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "no figure per year up to 2024", {number(m[1])}, {
        len(d.no_figure(y)) for y in range(2014, 2025)
    }
    yield "no figure in 2025", number(m[2]), len(d.no_figure(2025))
    yield "NATO's statement (all but Iceland)", number(m[3]), d.n_allies - 1


def _canada(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada 2014", float(m[1]), dp2(d.pct("Canada", 2014))
    yield "Canada 2024e", float(m[2]), dp2(d.pct("Canada", 2024))
    yield "Canada 2025e", float(m[3]), dp2(d.pct("Canada", 2025))


def _canada_key_point(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada 2014 is about 1%", True, round(d.pct("Canada", 2014)) == 1
    yield "Canada 2024e", float(m[1]), dp2(d.pct("Canada", 2024))
    yield "Canada 2025e", float(m[2]), dp2(d.pct("Canada", 2025))


def _canada_below(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada below 2% every year to 2024e", True, bool(
        (d.series("Canada", 2014, 2024) < 2).all()
    )


def _line_description(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    canada = d.series("Canada", 2014, 2024)
    yield "Canada's low to 2024e (1 dp)", float(m[1]), round(float(canada.min()), 1)
    yield "Canada's high to 2024e (1 dp)", float(m[2]), round(float(canada.max()), 1)
    yield "Canada 2025e (figure)", float(m[3]), dp2(d.pct("Canada", 2025))
    yield "US always above 3%", True, bool((d.series("United States", 2014, 2025) > 3).all())
    yield "Poland under 2% in 2014", True, d.pct("Poland", 2014) < 2
    yield "Poland 2025e (figure)", float(m[4]), dp2(d.pct("Poland", 2025))


def _canada_revisions(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada 2024, June 2024 edition", float(m[1]), d.revision("Canada", 2024, JUNE_2024)
    yield "Canada 2024, April 2025 report", float(m[2]), d.revision("Canada", 2024, APRIL_2025)
    yield "Canada 2024, Aug 2025 edition", float(m[3]), d.revision("Canada", 2024, AUG_2025)
    yield "Canada 2024, Aug 2025 edition = nato_spending", float(m[3]), dp2(d.pct("Canada", 2024))


def _poland_revisions(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Poland 2024, June 2024 edition", float(m[1]), d.revision("Poland", 2024, JUNE_2024)
    yield "Poland 2024, Aug 2025 edition", float(m[2]), d.revision("Poland", 2024, AUG_2025)
    yield "Poland 2024, Aug 2025 edition = nato_spending", float(m[2]), dp2(d.pct("Poland", 2024))


def _sipri_canada(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    both = d.merged_2024()
    yield "SIPRI Canada 2024", float(m[1]), dp2(both.loc["Canada", "milex_pct_gdp"])
    yield "NATO Canada 2024e", float(m[2]), dp2(both.loc["Canada", "pct_gdp"])


def _half_and_half(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    diff = d.merged_2024()["diff"]
    higher, lower = int((diff > 0).sum()), int((diff < 0).sum())
    yield "SIPRI higher for 40-60% of Allies", True, 0.4 <= higher / len(diff) <= 0.6
    yield "SIPRI lower for 40-60% of Allies", True, 0.4 <= lower / len(diff) <= 0.6


def _scatter(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    both = d.merged_2024()
    yield "Allies in the scatter", number(m[1]), len(both)
    yield "SIPRI lower", names(m[2]), {c for c in names(m[2]) if both.loc[c, "diff"] < 0}
    yield "SIPRI higher", names(m[3]), {c for c in names(m[3]) if both.loc[c, "diff"] > 0}


def _core_target(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "at or above 3.5% in 2024e", {m[1]}, d.at_or_above(2024, 3.5)
    yield "at or above 3.5% in 2025e", names(m[2]), d.at_or_above(2025, 3.5)


def _empty_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "empty 2025 cells", number(m[1]), len(d.no_figure(2025))


def _usd(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    usd = "defence expenditure (USD)"
    yield "NATO total 2025, USD bn", float(m[1].replace(",", "")), d.amount(
        "NATO total", "secondary", usd)
    yield "US 2025, USD bn", float(m[2]), d.amount("United States", "secondary", usd)
    yield "NATO Europe and Canada 2025, USD bn", float(m[3]), d.amount(
        "NATO Europe and Canada", "secondary", usd)


def _usd_other(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    usd = "defence expenditure (USD)"
    yield "unverified NATO total 2025", float(m[1].replace(",", "")), d.amount(
        "NATO total", "unverified", usd)
    yield "secondary NATO total 2025", float(m[2].replace(",", "")), d.amount(
        "NATO total", "secondary", usd)


def _sipri_world(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "SIPRI world 2024, USD bn", float(m[1].replace(",", "")), d.amount(
        "World", "secondary", "military expenditure")


def _founders(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    founded = d.membership["nato_join_year"].eq(int(m[2])).fillna(False)
    yield f"NATO founders in {m[2]}", number(m[1]), int(founded.sum())
    yield "Canada is a founder", True, "Canada" in set(d.membership.loc[founded, "country"])


def _march_2026(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    r = d.revisions
    later = r[(r["year"] == 2025) & r["edition"].str.contains("Annual Report 2025", regex=False)]
    filled = later[later["country"].isin(d.no_figure(2025))]
    yield "March 2026 report fills some empty 2025 cells", True, len(filled) > 0
    yield "none of them below 2%", True, bool((filled["pct_gdp"] >= 2).all())


def _members_2014(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    joined = d.membership["nato_join_year"].le(2014).fillna(False)
    yield "NATO members in 2014", number(m[1]), int(joined.sum())


def _sources_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    """The 2025e cells come from news reports AND public transcriptions: the prose must say both."""
    editions = d.year(2025).dropna(subset=["pct_gdp"])["edition"].str.lower()
    yield "2025e from news reports", "news" in m[1], bool(
        (~editions.str.contains("transcription|code comment")).any())
    yield "2025e from public transcriptions", "transcription" in m[1], bool(
        editions.str.contains("transcription").any())


def _opposite_sides(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    both = d.merged_2024()
    nato, sipri = both["pct_gdp"] >= 2, both["milex_pct_gdp"] >= 2
    yield "at or above 2% in 2024, NATO (merged)", number(m[1]), int(nato.sum())
    yield "at or above 2% in 2024, SIPRI (merged)", number(m[2]), int(sipri.sum())
    yield "Allies on opposite sides of 2% in 2024", number(m[3]), int((nato != sipri).sum())


def _sipri_explorer(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    s = d.sipri
    canada = s.loc[s["iso3"] == "CAN", "milex_pct_gdp"]
    poland_2024 = s.loc[(s["iso3"] == "POL") & (s["year"] == 2024), "milex_pct_gdp"]
    yield f"SIPRI Canada below {m[1]}% every year", True, bool((canada < float(m[1])).all())
    yield f"SIPRI Poland above {m[2]}% in 2024", True, bool((poland_2024 > float(m[2])).all())


def _carney_amount(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada's extra spending, C$bn", float(m[1]), d.amount(
        "Canada 2% plan", "secondary", "additional")


CLAIMS: dict[str, tuple[str, Check]] = {
    "counts": (r"In 2014, \*\*(\d+)\*\* Allies were at or above 2%; in 2024e, \*\*(\d+)\*\* were",
               _counts),
    "counts-key-point": (r"\*\*(\d+)\*\* Allies at or above 2% in 2014, \*\*(\d+)\*\* in 2024e",
                         _counts),
    "trio": (r"\n([A-Z][\w ,]+)\. Two more things to notice", _trio),
    "iceland": (r"`no_figure` is (\w+) in every year up to (\d{4}): that is \*\*(\w+)\*\*",
                _iceland),
    "groups-2025": (r"for 2025e: \*\*(\w+)\*\* Allies reported at or above 2%(?: \([^)]*\))?, \*\*(\w+)\*\*"
                    r"\s+reported below it, and\s+\*\*(\w+)\*\* with no figure", _groups_2025),
    "rounding": (r"Poland in 2018 \((\d\.\d{3})%, shown as (\d\.\d\d)\) counts as\s+\*below\* 2%.*?"
                 r"Counting rounded figures would add Poland and give (\d+) Allies in 2018 instead of (\d+)",
                 _rounding),
    "exactly-2-2025": (r"\*\*(\w+)\*\* Allies are reported at exactly \*\*2\.00\*\* \(([^)]*)\)",
                       _exactly_two_2025),
    "canada-rank": (r"Canada \(1\.47%\) was the \*\*(\w+) lowest\*\* of the (\d+) Allies with a figure, with"
                    r"\s+([A-Z][\w ,\n]+?) below it", _canada_rank),
    "term-counts": (r"When his first term began in 2017, \*\*(\d+)\*\* Allies were at or above 2%; in 2020,"
                    r" its last full year,\s+\*\*(\d+)\*\* were; in 2024e, \*\*(\d+)\*\*", _term_counts),
    "weak-2025": (r"One of the (\d+), (\w+) \((\d\.\d\d)%\), rests on a single\s+lower-quality",
                  _weak_2025),
    "bar-description": (r"(\d+) in 2014,\s+staying between (\d+) and (\d+) until 2023, then (\d+)"
                        r" in 2024e and (\d+) in 2025e", _bar_description),
    "bar-blanks": (r"\((\d+) a year, then (\d+) in 2025\), and a star at\s+(\d+)", _bar_blanks),
    "canada": (r"Canada spent \*\*(\d\.\d\d)%\*\* of GDP on defence in 2014 \(about 1%\),"
               r" \*\*(\d\.\d\d)%\*\* in 2024e, and \*\*(\d\.\d\d)%\*\* is\s+the figure reported"
               r" for 2025e", _canada),
    "canada-key-point": (r"Canada went from about 1% in 2014 to \*\*(\d\.\d\d)%\*\* in 2024e and a"
                         r" reported \*\*(\d\.\d\d)%\*\* in 2025e", _canada_key_point),
    "canada-below": (r"it was below 2% in every year of\s+the table up to 2024e", _canada_below),
    "line-description": (r"Canada stays between about (\d\.\d)% and (\d\.\d)% until 2024e and"
                         r" reaches (\d\.\d\d)% in 2025e, the United States\s+stays above 3%, and"
                         r" Poland rises from under 2% to (\d\.\d\d)%", _line_description),
    "canada-revisions": (r"Canada's 2024 figure was \*\*(\d\.\d\d)%\*\* in NATO's June 2024 edition"
                         r"[^*]+\*\*(\d\.\d\d)%\*\* in the\s+Secretary\s+General's\s+Annual\s+Report\s+of"
                         r"\s+April 2025[^*]+\*\*(\d\.\d\d)%\*\* in the NATO 2025 edition",
                         _canada_revisions),
    "canada-revisions-key-point": (r"Canada's 2024 figure was (\d\.\d\d)%, then (\d\.\d\d)%, then"
                                   r" (\d\.\d\d)%", _canada_revisions),
    "poland-revisions": (r"Poland's went the other way: \*\*(\d\.\d\d)%\*\* in June 2024,"
                         r" \*\*(\d\.\d\d)%\*\* in August 2025", _poland_revisions),
    "sipri-canada": (r"For Canada in 2024, SIPRI gives \*\*(\d\.\d\d)%\*\* where NATO gives"
                     r" \*\*(\d\.\d\d)%\*\*", _sipri_canada),
    "half-and-half": (r"About half and half\.", _half_and_half),
    "scatter": (r"scatter plot of (\d+) Allies' 2024 .*? with ([\w ]+) below it \(SIPRI lower\)"
                r" and\s+([\w ,]+) above it \(SIPRI higher\)", _scatter),
    "core-target": (r"In 2024e only (\w+) was at or above 3\.5%; among the 2025e figures reported,"
                    r" ([\w ,\n]+)\.", _core_target),
    "empty-2025": (r"Remember the (\d+) empty 2025 cells", _empty_2025),
    "usd": (r"NATO total about \*\*\$([\d,]+)bn\*\*, United States about \*\*\$(\d+)bn\*\*, NATO"
            r" Europe and\s+Canada about \*\*\$(\d+)bn\*\*", _usd),
    "usd-other": (r"a total of \*\*\$([\d,]+)bn\*\* instead of \$([\d,]+)bn", _usd_other),
    "sipri-world": (r"SIPRI's world total of \*\*\$([\d,]+)bn\*\* for 2024", _sipri_world),
    "carney-amount": (r"about \*\*C\$(\d+)bn\*\* this fiscal year", _carney_amount),
    "founders": (r"Canada is one of the (\d+) countries that founded NATO in (\d{4})", _founders),
    "march-2026": (r"None of these is below 2%, which fits NATO's August statement", _march_2026),
    "members-2014": (r"in\s+2014 the Alliance had (\d+) members", _members_2014),
    "sources-2025": (r"each 2025 value is one that \*\*([^*]+?)quoted from NATO's release\*\*",
                     _sources_2025),
    "opposite-sides": (r"The two counts, (\d+) and\s+(\d+), look close, but they are not the same"
                       r" Allies: \*\*(\w+)\*\* Allies are above 2% in one source and\s+below it",
                       _opposite_sides),
    "sipri-explorer": (r"Canada stays below (\d\.\d)% in every year, and Poland ends\s+above"
                       r" (\d)% in 2024", _sipri_explorer),
}

# Wording the house rules fix (facts.md section 0): the deadline, the ceiling, the edition name.
REQUIRED_PHRASES = (
    "by 2035", "at least 3.5%", "up to 1.5%", "2029", "NATO 2025 edition (Aug 2025)",
    "28 August 2025", "2025-26", "[SECONDARY]", "[UNVERIFIED]",
)
FORBIDDEN_PHRASES = ("at least 1.5%", "minimum of 1.5%", "1.5% floor")
# Every sentence naming 2032 must say it is not the Hague deadline.
CONTEXT_2032 = ("draft", "earlier government")
# "In response to Russia's illegal annexation of Crimea" is NATO's later summary of the pledge (as
# quoted on ASEAN NOW), not a phrase of the Wales Declaration: every sentence using it must say so.
CONTEXT_CRIMEA = ("summary",)


# Framings the review corrected (issue 9, items 4, 6, 12): keep the new wording, never the old.
WORDING: prose_claims.Wording = {
    "sipri-definition": (("neither is simply \"broader\"",),
                         ("broader than NATO", "definition is broader", "military spending is **broader**")),
    "2029-review": (("The trajectory and balance of spending under this plan will be reviewed in 2029",),
                    ("in light of the strategic environment",)),
    "balance": (("I'm the one that got them to pay 2%", "fifth lowest"), ()),
    "rounding-rule": (("compare the most precise figure we have with 2",), ()),
}
OLD_WORDING = (
    "SIPRI's definition of military spending is **broader** than NATO's",
    "NATO and SIPRI define and compile spending differently (SIPRI's definition is broader)",
    'reviewed in **2029** "in light of the strategic environment and updated Capability Targets"',
)


def claim_problems(cells: list[str], data: Data) -> list[str]:
    """Every quoted number that disagrees with the data, or claim that is gone, as a message."""
    text = "\n\n".join(cells)
    problems = prose_claims.claim_problems(text, CLAIMS, data, __name__,
                                           dotall={"scatter", "rounding", "canada-rank"})
    problems += [f"wording: {p}" for p in prose_claims.wording_problems(text, WORDING)]
    for phrase in REQUIRED_PHRASES:
        if phrase not in text:
            problems.append(f"wording: {phrase!r} is missing from the lesson")
    for phrase in FORBIDDEN_PHRASES:
        if phrase in text:
            problems.append(f"wording: {phrase!r} must not appear in this lesson")
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if "2032" in sentence and not any(c in sentence for c in CONTEXT_2032):
            problems.append(f"wording: 2032 without saying it is not the deadline: {sentence!r}")
        flat = " ".join(sentence.split())  # the phrase may be broken across lines
        if "annexation of Crimea" in flat and not any(c in flat for c in CONTEXT_CRIMEA):
            problems.append(f"wording: the Crimea phrase is NATO's later summary, not the Wales"
                            f" Declaration: say so: {sentence!r}")
    return problems


@cache
def course_data() -> Data:
    return Data(load("nato_spending"), load("sipri_spending"), load("nato_revisions"),
                load("key_amounts"), load("membership"))


@cache
def lesson_markdown() -> tuple[str, ...]:
    return markdown_cells(NOTEBOOK)


def test_lesson_prose_agrees_with_the_data() -> None:
    assert claim_problems(list(lesson_markdown()), course_data()) == []


@pytest.mark.parametrize(
    ("right", "wrong", "reported"),
    [
        ("In 2014, **3** Allies", "In 2014, **4** Allies", "counts"),
        ("in 2024e, **18** were", "in 2024e, **19** were", "counts"),
        ("**3** Allies at or above 2% in 2014", "**2** Allies at or above 2% in 2014",
         "counts-key-point"),
        ("Greece, the United Kingdom and the United States. Two",
         "France, the United Kingdom and the United States. Two", "trio"),
        ("that is **Iceland**", "that is **Luxembourg**", "iceland"),
        ("**20** Allies reported", "**21** Allies reported", "groups-2025"),
        ("**none** reported below", "**one** reported below", "groups-2025"),
        ("**12** with no figure", "**11** with no figure", "groups-2025"),
        ("Denmark (3.22%)", "Denmark (3.33%)", "weak-2025"),
        ("Denmark (3.22%)", "Norway (3.35%)", "weak-2025"),
        ("then 18 in 2024e and 20", "then 18 in 2024e and 31", "bar-description"),
        ("(1 a year, then 12 in 2025)", "(1 a year, then 11 in 2025)", "bar-blanks"),
        ("a star at\n31", "a star at\n32", "bar-blanks"),
        ("**1.01%** of GDP", "**1.10%** of GDP", "canada"),
        ("**1.47%** in 2024e, and", "**1.46%** in 2024e, and", "canada"),
        ("reported **2.01%** in 2025e", "reported **2.00%** in 2025e", "canada-key-point"),
        ("reaches 2.01% in 2025e", "reaches 2.10% in 2025e", "line-description"),
        ("from under 2% to 4.48%", "from under 2% to 4.12%", "line-description"),
        ("**1.37%** in NATO's June 2024", "**1.45%** in NATO's June 2024", "canada-revisions"),
        ("was 1.37%, then 1.45%, then 1.47%", "was 1.37%, then 1.47%, then 1.45%",
         "canada-revisions-key-point"),
        ("**4.12%** in June 2024", "**4.21%** in June 2024", "poland-revisions"),
        ("SIPRI gives **1.31%**", "SIPRI gives **1.47%**", "sipri-canada"),
        ("with Canada and Sweden below it", "with Canada and Poland below it", "scatter"),
        ("In 2024e only Poland was", "In 2024e only Estonia was", "core-target"),
        ("reported, Latvia, Lithuania", "reported, Estonia, Lithuania", "core-target"),
        ("Remember the 12 empty", "Remember the 10 empty", "empty-2025"),
        ("about **$845bn**", "about **$980bn**", "usd"),
        ("**$1,588bn** instead of $1,404bn", "**$1,404bn** instead of $1,588bn", "usd-other"),
        ("world total of **$2,718bn**", "world total of **$2,178bn**", "sipri-world"),
        ("about **C$9bn**", "about **C$16bn**", "carney-amount"),
        ("About half and half.", "Almost always higher.", "half-and-half"),
        ("one of the 12 countries that founded", "one of the 10 countries that founded", "founders"),
        ("founded NATO in 1949", "founded NATO in 1952", "founders"),
        ("up to 1.5%", "at least 1.5%", "wording"),
        ("The deadline is **2035**. Rutte's draft said 2032",
         "The deadline is **2032**. Rutte's plan said 2032", "wording"),
        # The Crimea phrase was once given as the Wales Declaration's own words.
        ("NATO's leaders met in Wales in September 2014 and adopted the **Defence Investment Pledge**."
         " The\ndeclaration opens on \"Russia's aggressive actions against Ukraine\" (Wales Summit"
         " Declaration,\nUK government copy).",
         "NATO's leaders met in Wales in September 2014, \"in response to Russia's illegal annexation"
         " of\nCrimea\" in NATO's own words, and adopted the **Defence Investment Pledge**.", "wording"),
        ("2014 the Alliance had 28 members", "2014 the Alliance had 32 members", "members-2014"),
        ("Poland in 2018 (1.996%, shown as 2.00)", "Poland in 2018 (1.995%, shown as 2.00)", "rounding"),
        ("give 5 Allies in 2018 instead of 4", "give 4 Allies in 2018 instead of 4", "rounding"),
        ("**six** Allies are reported at exactly", "**five** Allies are reported at exactly",
         "exactly-2-2025"),
        ("was the **fifth lowest** of the 31", "was the **third lowest** of the 31", "canada-rank"),
        ("the **fifth lowest** of the 31 Allies", "the **fifth lowest** of the 32 Allies", "canada-rank"),
        ("When his first term began in 2017, **3** Allies", "When his first term began in 2017, **4** Allies",
         "term-counts"),
        ("in 2020, its last full year,\n**8** were", "in 2020, its last full year,\n**10** were",
         "term-counts"),
        # The 2025e cells were once said to come from news reports only.
        ("**news\nreports, or for a few Allies public transcriptions of NATO's table, quoted",
         "**news\nreports quoted", "sources-2025"),
        ("The two counts, 18 and\n17,", "The two counts, 18 and\n18,", "opposite-sides"),
        ("**nine** Allies are above 2%", "**one** Allies are above 2%", "opposite-sides"),
        ("Canada stays below 1.5% in every year", "Canada stays below 1.3% in every year",
         "sipri-explorer"),
        ("Poland ends\nabove 4% in 2024", "Poland ends\nabove 5% in 2024", "sipri-explorer"),
    ],
)
def test_a_wrong_number_in_the_prose_is_reported(right: str, wrong: str, reported: str) -> None:
    """Each check can fail: changing one quoted fact is caught, and named in the message."""
    assert_wrong_text_is_reported(
        lesson_markdown(), right, wrong, reported, lambda cells: claim_problems(cells, course_data())
    )


def _edit_nato(d: Data, country: str, year: int, **values: object) -> Data:
    nato = d.nato.copy()
    where = (nato["country"] == country) & (nato["year"] == year)
    for column, value in values.items():
        nato.loc[where, column] = value
    return replace(d, nato=nato)


@pytest.mark.parametrize(
    ("edit", "reported"),
    [
        (lambda d: _edit_nato(d, "Canada", 2024, pct_gdp=1.40), "canada"),
        (lambda d: _edit_nato(d, "France", 2014, pct_gdp=2.01), "counts"),
        (lambda d: _edit_nato(d, "Denmark", 2025, note=""), "weak-2025"),
        (lambda d: _edit_nato(d, "Germany", 2025, pct_gdp=2.0), "groups-2025"),
        (lambda d: _edit_nato(d, "Estonia", 2024, pct_gdp=3.6), "core-target"),
        (lambda d: replace(d, sipri=d.sipri.assign(
            milex_pct_gdp=d.sipri["milex_pct_gdp"].where(
                (d.sipri["iso3"] != "CAN") | (d.sipri["year"] != 2024), 1.50))), "sipri-canada"),
        (lambda d: replace(d, revisions=d.revisions[d.revisions["edition"] != APRIL_2025]),
         "canada-revisions"),
        (lambda d: replace(d, revisions=d.revisions.assign(pct_gdp=d.revisions["pct_gdp"].where(
            d.revisions["country"] != "Slovenia", 1.9))), "march-2026"),
    ],
)
def test_a_change_in_the_data_is_reported(edit: Callable[[Data], Data], reported: str) -> None:
    """The other direction: if data/ changes under the lesson, the prose is flagged as stale."""
    problems = claim_problems(list(lesson_markdown()), edit(course_data()))
    assert any(p.startswith(reported) for p in problems), problems


# ------------------------------------------------------------------- the quiz bank and the data


@cache
def bank() -> Quiz:
    return load_quiz(BANK)


def test_quiz_bank_has_six_or_more_questions_of_several_types() -> None:
    quiz = bank()
    assert len(quiz.questions) >= 6
    assert {q.type for q in quiz.questions} >= {
        "single", "multiple", "numeric", "truefalse", "ordering", "matching"}
    for question in quiz.questions:
        assert question.explanation, f"{question.id} has no explanation"
        assert question.source is not None, f"{question.id} has no source"
        assert question.source.url.startswith("https://"), question.id


def test_every_quiz_question_is_shown_once_in_the_lesson() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    shown = re.findall(r'show_quiz\("03-who-pays", "(\w+)"\)', code)
    assert shown == [q.id for q in bank().questions]


def test_quiz_2014_trio_is_the_data() -> None:
    assert bank().answer("q2", sorted(course_data().at_or_above(2014))).score == 1.0


def test_quiz_2025_matching_is_the_data() -> None:
    question = bank().question("q3")
    response = {c: f"{course_data().pct(c, 2025):.2f}" for c in question.lefts()}
    assert question.grade(response).score == 1.0


def test_quiz_canada_2024e_is_the_data_and_old_editions_are_wrong() -> None:
    d = course_data()
    assert bank().answer("q4", dp2(d.pct("Canada", 2024))).correct
    for edition in (JUNE_2024, APRIL_2025):
        assert not bank().answer("q4", d.revision("Canada", 2024, edition)).correct


def test_quiz_revision_figures_are_the_data() -> None:
    """q6 quotes Canada's three 2024 figures from nato_revisions and picks the latest edition's."""
    d = course_data()
    said = [d.revision("Canada", 2024, e) for e in (JUNE_2024, APRIL_2025, AUG_2025)]
    assert [f"{v:.2f}" for v in said] == ["1.37", "1.45", "1.47"]
    prompt = bank().question("q6").prompt
    assert all(f"{v:.2f}%" in prompt for v in said)
    assert bank().answer("q6", "The latest edition's figure, 1.47%, naming the edition it comes from").correct
    # Issue 9, item 11: the old ordering question could be answered by date alone; these cannot.
    assert d.revision("Poland", 2024, JUNE_2024) > d.revision("Poland", 2024, AUG_2025)


def test_quiz_canada_ranking_is_the_data() -> None:
    """q11 checks Trump's 'a place called Canada' against 2024e: the order must be the data's."""
    d = course_data()
    items = bank().question("q11").items
    assert bank().answer("q11", sorted(items, key=lambda c: d.pct(c, 2024))).score == 1.0


def test_quiz_sipri_counts_are_the_data() -> None:
    """SIPRI's own count (18, rounding first) and the strict rule's (17): Sweden's 1.998 (issue 19)."""
    sipri = course_data().merged_2024()["milex_pct_gdp"]
    assert ((sipri >= 2).sum(), (sipri.round(1) >= 2).sum()) == (17, 18)
    assert round(sipri["Sweden"], 3) == 1.998
    right = "SIPRI rounds first, so Sweden's 1.998 counts for it; the strict rule does not round"
    assert bank().answer("q7", right).correct


@pytest.mark.parametrize(
    ("question", "response"),
    [("q2", ["Greece", "United Kingdom", "Poland"]), ("q4", 1.37),
     ("q7", "SIPRI and NATO define military spending differently"),
     ("q8", "The majority of news pieces, whichever year they give"), ("q9", True)],
)
def test_quiz_traps_are_marked_wrong(question: str, response: object) -> None:
    """The common mistakes the lesson warns about are not accepted by the bank."""
    assert not bank().answer(question, response).correct


def test_corrected_framings_stay_corrected() -> None:
    assert prose_claims.wording_problems("\n\n".join(lesson_markdown()), WORDING) == []


@pytest.mark.parametrize("old", OLD_WORDING)
def test_the_old_framing_is_reported(old: str) -> None:
    """Issue 9: the text before the review (SIPRI 'broader', the 2029 review via a newsletter) fails."""
    text = "\n\n".join(lesson_markdown())
    assert prose_claims.wording_problems(text + "\n" + old, WORDING)


def broader_claims(text: str) -> list[str]:
    """Sentences calling SIPRI's definition simply broader than NATO's (issue 9, item 4)."""
    flat = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s", flat)
    return [s for s in sentences if "broader" in s and "neither is simply" not in s.lower()]


def test_sipri_is_never_called_broader_anywhere() -> None:
    """Lesson 03, its quiz, ex03 and the data description say 'defined and compiled differently'."""
    repo = NOTEBOOK.parents[1]
    texts = [(repo / "text" / "lessons" / "03-who-pays.md").read_text("utf-8"),
             (repo / "text" / "solutions" / "ex03-who-pays.md").read_text("utf-8"),
             (repo / "data" / "README.md").read_text("utf-8"),
             (repo / "data" / "datapackage.json").read_text("utf-8"),
             decode_bank_text(repo / "lessons" / "quizzes" / "03-who-pays.yaml")]
    assert [c for t in texts for c in broader_claims(t)] == []
    assert broader_claims("SIPRI's definition of military spending is **broader** than NATO's.")
