"""Lesson 07's prose, claims table and quiz checked against data/ and the research notes.

Every number the lesson states is recomputed here from data/, every date is a timeline date or a
date the research notes give, every quote is verbatim in the notes, and each check is shown to
fail on a wrong value.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
import pytest
import yaml

from defence_course.data import load
from defence_course.quiz import Quiz, decode_bank_text, load_quiz
from tests import prose_claims
from tests.prose_claims import Check, assert_wrong_text_is_reported, names, number
from tests.test_lesson_01_facts import copied_runs

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "lessons" / "07-a-new-alignment.ipynb"
TEXT_SOURCE = REPO / "text" / "lessons" / "07-a-new-alignment.md"
BANK = "07-a-new-alignment"
BANK_PATH = REPO / "lessons" / "quizzes" / f"{BANK}.yaml"
# The research notes sit beside the repository (or beside its worktrees folder), not in it.
FACTS_MD = next((p for p in (REPO.parent / "shared" / "reference" / "facts.md",
                             REPO.parents[1] / "shared" / "reference" / "facts.md") if p.exists()),
                REPO.parent / "shared" / "reference" / "facts.md")
USD = "defence expenditure (USD)"
SIPRI_USD = "military expenditure (SIPRI)"


def dp2(value: float) -> float:
    return round(float(value), 2)


@dataclass(frozen=True)
class Data:
    """The tables the lesson is checked against, with the lesson's own derivations."""

    nato: pd.DataFrame
    sipri: pd.DataFrame
    key_amounts: pd.DataFrame
    timeline: pd.DataFrame
    membership: pd.DataFrame

    @property
    def allies(self) -> pd.DataFrame:
        return self.nato[~self.nato["is_aggregate"]]

    # Derived once per Data (cached_property writes the instance's __dict__, frozen or not):
    # the checks ask for the same figures many times, and pandas filtering is slow on a busy box.
    @cached_property
    def _values(self) -> dict[tuple[str, int], float]:
        rows = self.nato.dropna(subset=["pct_gdp"])
        return {(c, int(y)): float(v) for c, y, v in zip(rows["country"], rows["year"], rows["pct_gdp"],
                                                         strict=True)}

    @cached_property
    def _ally_names(self) -> frozenset[str]:
        return frozenset(self.nato.loc[~self.nato["is_aggregate"], "country"])

    def _ally_values(self, year: int) -> dict[str, float]:
        return {c: v for (c, y), v in self._values.items() if y == year and c in self._ally_names}

    def pct(self, country: str, year: int) -> float:
        return self._values.get((country, year), math.nan)

    def ranking(self, year: int) -> pd.Series:
        """Allies with a figure, highest share first, ranked 1, 2, ... (ties share the best rank)."""
        return pd.Series(self._ally_values(year)).rank(ascending=False, method="min").sort_values()

    def at_or_above(self, year: int, level: float = 2.0) -> set[str]:
        return {c for c, v in self._ally_values(year).items() if v >= level}

    def gap(self, year: int) -> float:
        return self.pct("United States", year) - self.pct("NATO Europe and Canada", year)

    @cached_property
    def _amounts(self) -> list[tuple[str, str, str, float]]:
        k = self.key_amounts
        return list(zip(k["entity"], k["measure"], k["reliability"], k["value"].astype(float), strict=True))

    def amount(self, entity: str, measure: str, reliability: str | None = None) -> float:
        found = [v for e, m, r, v in self._amounts
                 if e == entity and m == measure and reliability in (None, r)]
        return found[0] if found else math.nan

    def usd_share(self, entity: str) -> float:
        return self.amount(entity, USD, "secondary") / self.amount("NATO total", USD, "secondary") * 100

    def sipri_pct(self, iso3: str, year: int) -> float:
        s = self.sipri
        rows = s.loc[(s["iso3"] == iso3) & (s["year"] == year), "milex_pct_gdp"]
        return float(rows.iloc[0]) if len(rows) else math.nan


def _ordinal_rank(d: Data, country: str, year: int) -> int:
    return int(d.ranking(year)[country])


# ------------------------------------------------------------------------------ the claims

def _us_share(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "US share of NATO total, 2025 USD", int(m[1]), round(d.usd_share("United States"))
    yield "Europe+Canada share, 2025 USD", int(m[2]), round(d.usd_share("NATO Europe and Canada"))


def _sipri_share(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    us, members = d.amount("United States", SIPRI_USD), d.amount("NATO members", SIPRI_USD)
    yield "SIPRI US 2024, USD bn", float(m[1]), us
    yield "SIPRI NATO members 2024, USD bn", float(m[2].replace(",", "")), members
    yield "SIPRI US share 2024", int(m[3]), round(us / members * 100)


def _us_top_2014(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "US rank in 2014", 1, _ordinal_rank(d, "United States", 2014)
    yield "US 2014", float(m[1]), dp2(d.pct("United States", 2014))


def _us_rank_2024(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    ranking = d.ranking(2024)
    yield "US rank in 2024e", int(m[1]), int(ranking["United States"])
    yield "Allies above the US in 2024e", names(m[2]), set(ranking[ranking < ranking["United States"]].index)


def _joined(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    ranking = d.ranking(2024)
    above = ranking[ranking < ranking["United States"]].index
    years = d.membership.set_index("country").loc[above, "nato_join_year"]
    yield "join years of the Allies above the US", {int(m[1]), int(m[2])}, {int(y) for y in years}


def _gap(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "gap 2014", float(m[1]), dp2(d.gap(2014))
    yield "gap 2024e", float(m[2]), dp2(d.gap(2024))
    yield "roughly halved", True, 0.4 <= d.gap(2024) / d.gap(2014) <= 0.6


def _levels(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "US 2014", float(m[1]), dp2(d.pct("United States", 2014))
    yield "US 2024e", float(m[2]), dp2(d.pct("United States", 2024))
    yield "Europe+Canada 2014", float(m[3]), dp2(d.pct("NATO Europe and Canada", 2014))
    yield "Europe+Canada 2024e", float(m[4]), dp2(d.pct("NATO Europe and Canada", 2024))


def _figure(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield from _levels(m, d)
    yield "Canada 2025e (figure)", float(m[5]), dp2(d.pct("Canada", 2025))
    canada = d.nato[(d.nato["country"] == "Canada") & d.nato["year"].between(2014, 2024)]["pct_gdp"]
    yield "Canada below 2% until 2024e (figure)", True, bool((canada < 2).all())
    yield "aggregate has no 2025e point", True, math.isnan(d.pct("NATO Europe and Canada", 2025))


def _counts(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    for group, year in zip((1, 2, 3), (2014, 2023, 2024), strict=True):
        yield f"Allies at or above 2% in {year}", int(m[group]), len(d.at_or_above(year))


def _since_summit(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    t = d.timeline
    rows = t[(t["category"] == "Canada-EU") & (t["date"] >= "2025-06-23")].sort_values("date")
    yield "Canada-EU rows since the summit", number(m[1]), len(rows)
    yield "first of them", pd.Timestamp(m[2]), rows["date"].iloc[0]
    yield "last of them", pd.Timestamp(m[3]), rows["date"].iloc[-1]


def _canada_rank(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada's rank in 2024e", int(m[1]), _ordinal_rank(d, "Canada", 2024)
    yield "Allies with a 2024e figure", int(m[2]), len(d.ranking(2024))


def _few_in_2014(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Allies at 2% in 2014", int(m[1]), len(d.at_or_above(2014))


def _canada_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada 2025e", float(m[1]), dp2(d.pct("Canada", 2025))


def _middle(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    ranking = d.ranking(2024)
    for country in ("Germany", "France"):
        yield f"{country} about 2% in 2024e", True, round(d.pct(country, 2024)) == 2
        yield f"{country} in the middle third in 2024e", True, (
            len(ranking) / 3 < ranking[country] <= 2 * len(ranking) / 3)


def _core_2025(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "at or above 3.5% in 2025e", {m[1], m[2], m[3]}, d.at_or_above(2025, 3.5)
    yield "US 2025e", float(m[4]), dp2(d.pct("United States", 2025))
    yield "US below 3.5% in 2025e", True, d.pct("United States", 2025) < 3.5


def _key_point_share(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "US share of NATO total, 2025 USD (key point)", int(m[1]), round(d.usd_share("United States"))
    us, members = d.amount("United States", SIPRI_USD), d.amount("NATO members", SIPRI_USD)
    yield "SIPRI US share 2024 (key point)", int(m[2]), round(us / members * 100)
    ranking = d.ranking(2024)
    yield "US rank in 2024e (key point)", int(m[3]), int(ranking["United States"])
    yield "above the US (key point)", names(m[4]), set(ranking[ranking < ranking["United States"]].index)


def _key_point_gap(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "gap 2014 (key point)", float(m[1]), dp2(d.gap(2014))
    yield "gap 2024e (key point)", float(m[2]), dp2(d.gap(2024))


def _ukraine(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "SIPRI Ukraine 2023", float(m[1]), dp2(d.sipri_pct("UKR", 2023))
    yield "over a third of GDP", True, d.sipri_pct("UKR", 2023) > 100 / 3


def _two_days(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    t = d.timeline
    sdp = t.loc[t["event"].str.contains("Security and Defence Partnership signed"), "date"].iloc[0]
    hague = t.loc[t["event"].str.contains("Hague Summit Declaration"), "date"].iloc[0]
    yield "days from the SDP to the Hague Declaration", number(m[1]), (hague - sdp).days


def _all_but(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    t = d.timeline
    event = t.loc[t["date"] == pd.Timestamp(m[2]), "event"].iloc[0]
    yield "NATO's 2025 statement names the exception", True, f"except {m[1]}" in event
    yield "and says 2%", True, ">=2% in 2025" in event


def _largest_jump(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    counts = {y: len(d.at_or_above(y)) for y in range(2014, 2025)}
    jumps = {y: counts[y] - counts[y - 1] for y in range(2015, 2025)}
    biggest = max(jumps, key=jumps.get)
    yield "largest one-year rise in the count (from, to)", (int(m[1]), int(m[2])), (biggest - 1, biggest)


def _safe_money(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    k = d.key_amounts
    envelope = k.loc[k["entity"] == "EU SAFE instrument", "value"].iloc[0]
    yield "SAFE envelope, EUR bn", float(m[1]), float(envelope)
    yield "Canada's fee, EUR m", float(m[2]), float(
        k.loc[k["entity"] == "Canada SAFE participation fee", "value"].iloc[0])


CLAIMS: dict[str, tuple[str, Check]] = {
    "us-share": (r"the United\s+States accounts for about \*\*(\d+)%\*\* of what NATO's Allies spend on"
                 r" defence, and all of Europe and\s+Canada together for about \*\*(\d+)%\*\*", _us_share),
    "sipri-share": (r"SIPRI puts the United States at \*\*\\\$(\d+)bn\*\* of the NATO members'"
                    r" \*\*\\\$([\d,]+)bn\*\* in 2024: about\s+\*\*(\d+)%\*\*", _sipri_share),
    "us-top-2014": (r"In 2014 the United States had the highest share of GDP of any Ally \((\d\.\d\d)%\)",
                    _us_top_2014),
    "us-rank-2024": (r"In 2024e it was\s+\*\*(\d+)th\*\*, behind ([\w ,]+?): the United States",
                     _us_rank_2024),
    "joined": (r"three Allies that joined NATO in (\d{4}) and (\d{4})", _joined),
    "gap": (r"The gap was \*\*(\d\.\d\d)\*\* percentage points in 2014 and \*\*(\d\.\d\d)\*\* in 2024e:"
            r" roughly halved", _gap),
    "levels": (r"The United States went \*down\*, from (\d\.\d\d)% to (\d\.\d\d)% of GDP; Europe and"
               r" Canada went\s+\*up\*, from (\d\.\d\d)% to (\d\.\d\d)%", _levels),
    "figure": (r"the United States line falls from (\d\.\d\d)% to (\d\.\d\d)% in 2024e, the NATO Europe"
               r" and Canada\s+line rises from (\d\.\d\d)% to (\d\.\d\d)% in 2024e, .*?stays below the"
               r" dotted 2% line until 2024e and reaches (\d\.\d\d)% in 2025e; the aggregate has no\s+2025e"
               r" point", _figure),
    "counts": (r"From \*\*(\d+)\*\* Allies in 2014 to \*\*(\d+)\*\* in 2023 and \*\*(\d+)\*\* in 2024e",
               _counts),
    "since-summit": (r"(\w+) rows, from the partnership of (\d+ \w+ \d{4}) to Canada's signature of its"
                     r" SAFE agreement on\s+(\d+ \w+ \d{4})", _since_summit),
    "canada-rank": (r"\(in 2024e it was (\d+)th of (\d+) Allies with a figure\)", _canada_rank),
    "few-in-2014": (r"and only (\d+) Allies met 2% in\s+2014", _few_in_2014),
    "canada-2025": (r"the reported estimate bears it out \((\d\.\d\d)%\s+for 2025e in NATO's August 2025"
                    r" edition",
                    _canada_2025),
    "middle": (r"Germany and\s+France were at about 2% of GDP in 2024e, the middle of the table", _middle),
    "key-point-share": (r"about (\d+)% of the Allies' total in the 2025\s+figures reported \(about (\d+)%"
                        r" in SIPRI's 2024 figures\); but as a share of GDP it ranked (\d+)th in\s+2024e,"
                        r" behind ([\w ,]+?)\.", _key_point_share),
    "key-point-gap": (r"roughly halved \((\d\.\d\d) to (\d\.\d\d)\s+percentage points, 2014 to 2024e\)",
                      _key_point_gap),
    "ukraine": (r"\(SIPRI: (\d+\.\d\d)% in 2023\)", _ukraine),
    "two-days": (r"(\w+) days later, on 25 June 2025", _two_days),
    "all-but": (r"NATO reported every Ally\s+except (\w+) at or above 2% \(NATO release of (\d+ \w+ \d{4})",
                _all_but),
    "largest-jump": (r"the largest jump came from (\d{4}) to (\d{4})e", _largest_jump),
    "safe-money": (r"loans of up to \*\*€(\d+) billion\*\*.*?a fee of \*\*€(\d+) million\*\*", _safe_money),
}
DOTALL = {"figure", "safe-money"}

# Facts the data files do not hold: the lesson's phrase, and the words facts.md gives for it.
NOTED_FACTS: tuple[tuple[str, str], ...] = (
    ("at least\n**65%** of the value of components", "at least **65%** of component value"),
    ("Security and Defence Partnerships (eight as of June 2025, lesson 05)",
     "As of June 2025, the EU has concluded Security and Defence Partnerships with eight partner countries"),
    ("France\nwas the first to invoke it, on 17 November 2015",
     "invoked it for the first time on 17 Nov 2015"),
)
# The same for the claims table (code), with the words facts.md gives.
TABLE_FACTS: tuple[tuple[str, str], ...] = (
    ("battlegroup stood up on 19 Jun 2017", "battlegroup in Latvia stood up on 19 June 2017"),
    ("Operation REASSURANCE began in 2014", "Operation REASSURANCE began in 2014"),
)

# Full dates that are not timeline dates, each with the words facts.md gives it in.
NOTED_DATES = {
    "17 November 2015": "17 Nov 2015",
    "4 Dec 2019": "FT video of 4 Dec 2019",
    "4 December 2019": "FT video of 4 Dec 2019",
    "26 Jan 2026": "AFET/SEDE), 26 Jan 2026",
    "26 January 2026": "AFET/SEDE), 26 Jan 2026",
    "19 Jun 2017": "19 June 2017",
    "17 Feb 2026": "Defence Industrial Strategy, 17 Feb 2026",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
FULL_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(m[:3] + f"(?:{m[3:]})?" for m in MONTHS) + r") (\d{4})\b")

# Every quote the lesson makes, verbatim as facts.md gives it ("…" marks a cut in the lesson).
APPROVED_QUOTES: tuple[str, ...] = (
    "While NATO remains the cornerstone of our collective defence, this Partnership will allow us "
    "to strengthen our preparedness faster and better \u2013 to invest more, and to invest smarter.",
    "We reaffirm our ironclad commitment to collective defence as enshrined in Article 5 of the "
    "Washington Treaty \u2013 that an attack on one is an attack on all.",
    "non-binding political instruments that frame tailored dialogue and cooperation",
    "is the victim of armed aggression on its territory, the other Member States shall have towards "
    "it an obligation of aid and assistance by all the means in their power",
    "the foundation of their collective defence",
    "Depends on your definition. There are numerous definitions of Article 5. You know that, right? "
    "But I'm committed to being their friends.",
    "For Canada and the EU Member States who are NATO Allies, this will also help deliver on "
    "capability targets more quickly and economically.",
    "They can all afford it, but they should be at 5% not 2%",
    "at least 3.5%",
    "build a new one with purpose and partnership",
    "I'm the one that got them to pay 2%",
    "I stand with [Article Five], that's why I'm here",
    "he's not paying 2%",
    "into our NATO defence capabilities",
    "on track",
    "this fiscal year",
    "pays very little",
    "will achieve NATO's 2 percent target this year",
    "three quarters of our defence capital spending to America",
    "NATO remains the cornerstone of our collective defence",
    "since 2014",
)
# The news report's own words, quoted only as short phrases.
NEWS_PHRASES = ("departure from past dependencies", "collaborative sovereignty", "invest heavily")
MAX_NEWS_PHRASE_WORDS = 5


# ------------------------------------------------------------------------------ reading the lesson

@cache
def cells() -> tuple[tuple[str, str], ...]:
    """(cell type, source) for every cell of the generated notebook."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return tuple((c["cell_type"], "".join(c["source"])) for c in notebook["cells"])


def markdown() -> list[str]:
    return [text for kind, text in cells() if kind == "markdown"]


def code() -> list[str]:
    return [text for kind, text in cells() if kind == "code"]


def prose(text: str) -> str:
    """Markdown without inline code, links and blockquote marks, on one line."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<https?://[^>]+>", " ", text)
    text = re.sub(r"^\s*>\s?", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ------------------------------------------------------------------------------ the checks

def claim_problems(cells_md: list[str], data: Data) -> list[str]:
    text = "\n\n".join(cells_md)
    problems = prose_claims.claim_problems(text, CLAIMS, data, __name__, dotall=DOTALL)
    for phrase, _noted in NOTED_FACTS:
        if flat(phrase) not in flat(text):
            problems.append(f"noted-fact: {phrase!r} is no longer in the lesson: update NOTED_FACTS")
    for required in ("by 2035", "at least 3.5%", "[SECONDARY]"):
        if required not in flat(text):
            problems.append(f"wording: {required!r} is missing")
    for forbidden in ("at least 1.5%", "2032", "next level"):
        if forbidden in text:
            problems.append(f"wording: {forbidden!r} must not appear in this lesson")
    return problems


def date_problems(text: str, timeline: pd.DataFrame) -> list[str]:
    """Full dates that are neither a timeline date nor a date noted in facts.md."""
    known = set(timeline["date"].dt.normalize())
    bad = []
    for day, month, year in FULL_DATE.findall(flat(text)):
        written = f"{day} {month} {year}"
        index = [m[:3] for m in MONTHS].index(month[:3]) + 1
        if pd.Timestamp(int(year), index, int(day)) not in known and written not in NOTED_DATES:
            bad.append(written)
    return bad


def two_decimal_problems(text: str, data: Data) -> list[str]:
    """Two-decimal percentages that are no NATO or SIPRI value (any country, any year)."""
    values = {f"{v:.2f}" for v in pd.concat([data.nato["pct_gdp"], data.sipri["milex_pct_gdp"]]).dropna()}
    return [v for v in re.findall(r"(\d+\.\d\d)%", prose(text)) if v not in values]


def quotes_in(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', prose(text))


def unsourced(quotes: list[str]) -> list[str]:
    sources = [flat(q).lower() for q in (*APPROVED_QUOTES, *NEWS_PHRASES)]
    bad = []
    for quote in quotes:
        parts = [p.strip(" .,;:").lower() for p in flat(quote).split("…")]
        if not all(any(p in s for s in sources) for p in parts if p):
            bad.append(quote)
    return bad


# ------------------------------------------------------------------------------ fixtures

@cache
def course_data() -> Data:
    return Data(load("nato_spending"), load("sipri_spending"), load("key_amounts"), load("timeline"),
                load("membership"))


@cache
def lesson_namespace() -> dict:
    """Run the lesson's code (no plots, quizzes or widgets) to read the tables it builds."""
    namespace: dict = {}
    for source in code():
        if any(s in source for s in ("plt.show()", "show_quiz(", "argument_builder(", "show_progress(")):
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    return namespace


# ------------------------------------------------------------------------------ the lesson

def test_lesson_prose_agrees_with_the_data() -> None:
    assert claim_problems(markdown(), course_data()) == []


@pytest.mark.skipif(not FACTS_MD.exists(), reason="the research notes are not beside the repo")
def test_noted_facts_dates_and_quotes_are_in_the_research_notes() -> None:
    facts = flat(FACTS_MD.read_text(encoding="utf-8"))
    missing = [n for _p, n in NOTED_FACTS if flat(n) not in facts]
    missing += [n for _p, n in TABLE_FACTS if flat(n) not in facts]
    missing += [n for n in NOTED_DATES.values() if n not in facts]
    missing += [q for q in APPROVED_QUOTES if flat(q) not in facts]
    assert missing == []


def claims_file_text() -> str:
    """Every cell of data/alignment_claims.csv, the claims table the lesson loads (issue 21: it
    was a DataFrame of f-strings in the lesson's code)."""
    return "\n".join(load("alignment_claims").astype(str).agg(" ".join, axis=1))


def test_every_full_date_is_a_timeline_date_or_noted() -> None:
    text = "\n".join(markdown() + code() + [claims_file_text()])
    assert len(FULL_DATE.findall(flat(text))) >= 10
    assert date_problems(text, course_data().timeline) == []


def test_every_two_decimal_percentage_is_a_data_value() -> None:
    text = "\n".join(markdown())
    assert len(re.findall(r"\d+\.\d\d%", text)) >= 8
    assert two_decimal_problems(text, course_data()) == []


def test_every_quote_in_the_prose_is_sourced() -> None:
    found = quotes_in("\n".join(markdown()))
    assert len(found) >= 12
    assert unsourced(found) == []


def test_news_phrases_are_short_and_nothing_of_the_report_is_copied() -> None:
    assert all(len(p.split()) <= MAX_NEWS_PHRASE_WORDS for p in NEWS_PHRASES)
    assert copied_runs("\n".join(markdown() + code() + [claims_file_text()])) == 0
    assert copied_runs(decode_bank_text(BANK_PATH)) == 0


def test_every_plot_has_a_figure_description() -> None:
    all_cells = cells()
    plots = [i for i, (_k, text) in enumerate(all_cells) if "plt.show()" in text]
    assert plots
    for i in plots:
        kind, after = all_cells[i + 1]
        assert kind == "markdown"
        assert after.startswith("*Figure description:*")


def test_every_quiz_cell_imports_what_it_calls_and_shows_each_question_once() -> None:
    quiz_cells = [c for c in code() if "show_quiz(" in c]
    assert all("from defence_course.quiz import show_quiz" in c for c in quiz_cells)
    shown = re.findall(rf'show_quiz\("{BANK}", "(\w+)"\)', "\n".join(quiz_cells))
    assert shown == [q.id for q in bank().questions]


def test_the_lesson_is_the_last_and_links_back_and_to_its_exercise() -> None:
    text = "\n".join(markdown())
    assert "00-start-here" in text
    assert "ex07-a-new-alignment" in text
    assert "last lesson" in text
    assert sum("argument_builder()" in c for c in code()) == 1


def test_the_notebook_is_generated_from_its_text_source() -> None:
    """The .md is the source of truth; the notebook must hold the cells the builder makes of it."""
    from defence_course.authoring.notebooks import Pair, generate

    expected = json.loads(generate(Pair(TEXT_SOURCE, NOTEBOOK), REPO))
    assert [(c["cell_type"], "".join(c["source"])) for c in expected["cells"]] == list(cells())


# ------------------------------------------------------------------------------ the claims table

# Each row's quote, verbatim from facts.md, and the verdict the lesson gives it.
TABLE = (
    ("US administration", "I'm the one that got them to pay 2%", "partly supported"),
    ("US administration", "not paying 2%", "supported"),
    ("Canada's government", "will achieve NATO's 2 percent target this year", "supported"),
    ("Canada's government", "three quarters of our defence capital spending to America", "cannot be checked"),
    ("Canada's government", "Build-Partner-Buy", "cannot be checked"),
    ("EU", "NATO remains the cornerstone of our collective defence", "supported"),
    ("EU", "since 2014", "not supported"),
    ("the report", "invest heavily", "partly supported"),
    ("the report", "departure from past dependencies", "partly supported"),
    ("the report", "departure from past dependencies", "not supported"),
    ("the report", "departure from past dependencies", "not supported"),
)


def test_the_lesson_loads_the_claims_table_and_types_no_prose_in_code() -> None:
    pd.testing.assert_frame_equal(lesson_namespace()["claims"], load("alignment_claims"))
    assert [c for c in code() if prose_lines(c) > MAX_PROSE_LINES] == []


#: String lines a code cell may hold before it is prose typed in code (issue 21: 40 lines of them).
MAX_PROSE_LINES = 4


def prose_lines(source: str) -> int:
    """Lines of a code cell that are a string literal (or a tuple opening with one): prose in code."""
    return sum(bool(re.match(r"""\(*[rfb]?["']""", line.strip())) for line in source.splitlines())


def test_prose_typed_in_code_is_reported() -> None:
    typed = 'claims = pd.DataFrame([\n    ("EU", "Costa: \'NATO remains\'",\n     "Hague Declaration"\n' * 2
    assert prose_lines(typed) == 4
    assert prose_lines(typed + '     "opens with Article 5",\n') > MAX_PROSE_LINES
    assert prose_lines('claims = load("alignment_claims")\nclaims\n') == 0


def test_the_claims_table_quotes_and_judges_every_side() -> None:
    claims = lesson_namespace()["claims"]
    assert list(zip(claims["who"], claims["verdict"], strict=True)) == [(w, v) for w, _q, v in TABLE]
    for (_who, quote, _verdict), text in zip(TABLE, claims["claim"], strict=True):
        assert f"'{quote}'" in text
    assert claims["who"].nunique() == 4
    assert claims["who"].value_counts().ge(2).all()


def test_no_side_is_all_right_or_all_wrong() -> None:
    """The prose says so; the table must bear it out."""
    claims = lesson_namespace()["claims"]
    for who, verdicts in claims.groupby("who")["verdict"]:
        assert not verdicts.eq("supported").all(), f"{who}: all supported"
        assert verdicts.isin(["supported", "partly supported"]).any(), f"{who}: nothing supported"
    assert "no side's claims were all borne out" in flat("\n".join(markdown()))


def test_the_claims_table_numbers_come_from_the_data() -> None:
    d, claims = course_data(), lesson_namespace()["claims"]
    evidence = " ".join(claims["what_the_evidence_says"])
    assert f"{len(d.at_or_above(2014))} (2014), {len(d.at_or_above(2024))} (2024e)" in evidence
    assert f"{_ordinal_rank(d, 'Canada', 2024)}th of {len(d.ranking(2024))} in 2024e" in evidence
    assert f"{d.pct('Canada', 2025):.2f}%" in evidence
    assert f"USD {d.amount('Germany', SIPRI_USD)}bn" in evidence
    for phrase, _noted in TABLE_FACTS:
        assert phrase in evidence
    assert canada_side_problems(evidence) == []


def canada_side_problems(evidence: str) -> list[str]:
    """The Canada rows' figures (lesson 06's data) that the table's evidence does not state."""
    trade, north = load("canada_trade"), load("canada_us_timeline")
    us = float(trade.query("partner == 'United States' and flow == 'exports'")["share_pct"].iloc[0])
    norad = north.loc[north["event"].str.startswith("NORAD agreement between"), "date"].iloc[0].year
    top = north.loc[north["topic"] == "US tariffs", "rate_pct"].max()
    wanted = [f"took {us}% of Canada's goods exports in 2024, all others together {100 - us:.1f}%",
              f"since {norad}", f"up to {top:.0f}%"]
    return [f"evidence lacks {w!r}" for w in wanted if w not in evidence]


def test_the_canada_rows_check_can_fail() -> None:
    assert canada_side_problems("took 75.9% of Canada's goods exports in 2024, all others together 24.1%"
                                " since 1958 up to 50%") == []
    assert canada_side_problems("took 76.9% of Canada's goods exports in 2024, all others together 23.1%"
                                " since 1957 up to 35%") == [
        "evidence lacks \"took 75.9% of Canada's goods exports in 2024, all others together 24.1%\"",
        "evidence lacks 'since 1958'", "evidence lacks 'up to 50%'"]


def test_the_lesson_computes_the_shares_it_states() -> None:
    ns, d = lesson_namespace(), course_data()
    assert ns["us_share_2025"] == pytest.approx(d.usd_share("United States"))
    assert ns["pair"].loc[2024, "gap"] == pytest.approx(d.gap(2024))


# ------------------------------------------------------------------------------ the checks can fail

@pytest.mark.parametrize(
    ("right", "wrong", "reported"),
    [
        ("about **60%** of what", "about **70%** of what", "us-share"),
        ("together for about **40%**", "together for about **30%**", "us-share"),
        ("at **\\$997bn**", "at **\\$980bn**", "sipri-share"),
        ("about\n**66%**", "about\n**62%**", "sipri-share"),
        ("any Ally (3.71%)", "any Ally (3.49%)", "us-top-2014"),
        ("**4th**, behind Poland, Estonia and Latvia", "**2nd**, behind Poland, Estonia and Latvia",
         "us-rank-2024"),
        ("behind Poland, Estonia and Latvia: the", "behind Poland, Greece and Latvia: the", "us-rank-2024"),
        ("joined NATO in 1999 and 2004", "joined NATO in 1999 and 2009", "joined"),
        ("The gap was **2.32**", "The gap was **2.31**", "gap"),
        ("and **1.22** in 2024e", "and **1.02** in 2024e", "gap"),
        ("from 3.71% to 3.21% of GDP", "from 3.71% to 3.10% of GDP", "levels"),
        ("from 1.40% to 1.99%. The", "from 1.40% to 2.99%. The", "levels"),
        ("reaches 2.01% in 2025e", "reaches 2.10% in 2025e", "figure"),
        ("From **3** Allies", "From **4** Allies", "counts"),
        ("**10** in 2023", "**8** in 2023", "counts"),
        ("Five rows", "Six rows", "since-summit"),
        ("on\n14 February 2026", "on\n14 February 2025", "since-summit"),
        ("it was 27th of 31", "it was 22nd of 31", "canada-rank"),
        ("only 3 Allies met 2%", "only 5 Allies met 2%", "few-in-2014"),
        ("bears it out (2.01%", "bears it out (2.10%", "canada-2025"),
        ("about 60% of the Allies' total", "about 75% of the Allies' total", "key-point-share"),
        ("(2.32 to 1.22", "(2.32 to 1.33", "key-point-gap"),
        ("(SIPRI: 36.53% in 2023)", "(SIPRI: 25.64% in 2023)", "ukraine"),
        ("Two days later, on 25 June 2025", "Three days later, on 25 June 2025", "two-days"),
        ("**€150 billion**", "**€800 billion**", "safe-money"),
        ("**€10 million**", "**€16 million**", "safe-money"),
        ("**65%** of the value", "**60%** of the value", "noted-fact"),
        ("on 17 November 2015", "on 17 November 2016", "noted-fact"),
        ("every Ally\nexcept Iceland", "every Ally\nexcept Germany", "all-but"),
        ("from 2023 to 2024e, under", "from 2022 to 2023e, under", "largest-jump"),
    ],
)
def test_a_wrong_value_in_the_prose_is_reported(right: str, wrong: str, reported: str) -> None:
    assert_wrong_text_is_reported(markdown(), right, wrong, reported,
                                  lambda texts: claim_problems(texts, course_data()))


def _edit_nato(d: Data, country: str, year: int, value: float) -> Data:
    nato = d.nato.copy()
    nato.loc[(nato["country"] == country) & (nato["year"] == year), "pct_gdp"] = value
    return replace(d, nato=nato)


@pytest.mark.parametrize(
    ("edit", "reported"),
    [
        (lambda d: _edit_nato(d, "United States", 2024, 3.5), "us-rank-2024"),
        (lambda d: _edit_nato(d, "NATO Europe and Canada", 2024, 2.2), "gap"),
        (lambda d: _edit_nato(d, "Canada", 2025, 1.9), "canada-2025"),
        (lambda d: _edit_nato(d, "Germany", 2024, 3.1), "middle"),
        (lambda d: replace(d, key_amounts=d.key_amounts.assign(value=d.key_amounts["value"].where(
            d.key_amounts["entity"] != "United States", 900.0))), "us-share"),
        (lambda d: replace(d, timeline=d.timeline[d.timeline["date"] != "2025-12-19"]), "since-summit"),
    ],
)
def test_a_change_in_the_data_is_reported(edit: Callable[[Data], Data], reported: str) -> None:
    problems = claim_problems(markdown(), edit(course_data()))
    assert any(p.startswith(reported) for p in problems), problems


def test_a_date_that_is_neither_in_the_timeline_nor_noted_is_reported() -> None:
    text = "Signed on 23 June 2025; battlegroup 19 Jun 2017; invented 3 March 2024 and 9 Sep 2031."
    assert date_problems(text, course_data().timeline) == ["3 March 2024", "9 Sep 2031"]


def test_an_invented_two_decimal_figure_is_reported() -> None:
    assert two_decimal_problems("Canada 1.47% and 9.99% in 2024e.", course_data()) == ["9.99"]


def test_an_altered_quote_is_reported() -> None:
    assert unsourced(['NATO remains the cornerstone of our collective defence']) == []
    assert unsourced(['NATO remains the foundation of our common defence']) != []
    assert unsourced(['Depends on your definition. … But I\'m committed to being their friends.']) == []


# ------------------------------------------------------------------------------ the quiz bank

@cache
def bank() -> Quiz:
    return load_quiz(BANK_PATH)


JUDGING_EVIDENCE = ("q1", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11")


def test_bank_has_all_six_types_sources_and_judging_questions() -> None:
    quiz = bank()
    assert len(quiz.questions) >= 10
    assert {q.type for q in quiz.questions} == {
        "single", "multiple", "numeric", "truefalse", "ordering", "matching"}
    for question in quiz.questions:
        assert question.explanation
        assert question.source is not None
        assert question.source.url.startswith("https://"), question.id
    assert {q.id for q in quiz.questions} >= set(JUDGING_EVIDENCE)


def normalised(prompt: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", prompt.lower()))


def other_prompts() -> dict[str, str]:
    prompts = {}
    for path in sorted((REPO / "lessons" / "quizzes").glob("*.yaml")):
        if path.stem == BANK:
            continue
        for q in yaml.safe_load(decode_bank_text(path))["questions"]:
            prompts[f"{path.stem}:{q['id']}"] = normalised(q["prompt"])
    return prompts


def repeated_prompts(prompts: dict[str, str], others: dict[str, str], limit: float = 0.75) -> list[str]:
    """Questions whose prompt is (nearly) one already asked in another bank."""
    bad = []
    for qid, prompt in prompts.items():
        for other, text in others.items():
            if difflib.SequenceMatcher(None, prompt, text).ratio() >= limit:
                bad.append(f"{qid} repeats {other}")
    return bad


def test_no_question_repeats_one_asked_elsewhere_in_the_course() -> None:
    mine = {q.id: normalised(q.prompt) for q in bank().questions}
    others = other_prompts()
    assert len(others) >= 30
    assert repeated_prompts(mine, others) == []


def test_a_copied_question_is_reported() -> None:
    others = other_prompts()
    copied = {"qx": others["03-who-pays:q4"], "qy": normalised("Something else entirely, about SAFE?")}
    assert repeated_prompts(copied, others) == ["qx repeats 03-who-pays:q4"]


def test_quiz_answers_are_the_data() -> None:
    d, quiz = course_data(), bank()
    order = sorted(quiz.question("q2").items, key=lambda c: -d.pct(c, 2024))
    assert quiz.answer("q2", order).score == 1.0
    assert quiz.answer("q3", round(d.gap(2024), 2)).correct
    assert not quiz.answer("q3", round(d.gap(2014), 2)).correct
    assert quiz.answer("q1", "What Canada added to its count, such as the Coast Guard").correct
    assert quiz.answer("q8", "It gives a June 2025 count without its date; India's came in 2026").correct
    assert quiz.answer("q10", "Give the range and who reported each figure").correct
    assert quiz.answer("q11", False).correct
    assert dp2(d.sipri_pct("CAN", 2024)) == 1.31
    assert dp2(d.pct("Canada", 2024)) == 1.47


@pytest.mark.parametrize(("question", "response"), [
    ("q3", 2.32), ("q1", "Nothing, since a NATO figure is final once published"),
    ("q10", 'Say it was "several times" Canada\'s fee'), ("q11", True)])
def test_quiz_traps_are_marked_wrong(question: str, response: object) -> None:
    assert not bank().answer(question, response).correct


# ------------------------------------------------------------------------------ ex07's model answer

SOLUTION = REPO / "solutions" / "ex07-a-new-alignment.ipynb"


def model_answer() -> str:
    notebook = json.loads(SOLUTION.read_text(encoding="utf-8"))
    (text,) = ["".join(c["source"]) for c in notebook["cells"]
               if c.get("metadata", {}).get("defence_course", {}).get("question") == "q6"]
    return text


def _us_export_share() -> float:
    trade = load("canada_trade")
    return float(trade.query("partner == 'United States' and flow == 'exports'")["share_pct"].iloc[0])


def _norad_year() -> int:
    north = load("canada_us_timeline")
    return int(north.loc[north["event"].str.startswith("NORAD agreement between"), "date"].iloc[0].year)


def model_answer_problems(text: str, data: Data) -> list[str]:
    """The figures the ex07 model brief quotes, against the data (the brief is graded by them)."""
    expected = {
        "gap 2014": (r"fell from (\d\.\d\d)\s+percentage points in 2014", dp2(data.gap(2014))),
        "gap 2024e": (r"to (\d\.\d\d) in 2024e", dp2(data.gap(2024))),
        "US share of the money": (r"about\s+(\d+)% of the Allies' defence spending",
                                  round(data.usd_share("United States"))),
        "Canada 2025e": (r"reported 2025e estimate of (\d\.\d\d)%", dp2(data.pct("Canada", 2025))),
        "US share of Canada's exports": (r"took (\d+\.\d)% of its\s+goods exports in 2024",
                                         _us_export_share()),
        "NORAD's start": (r"NORAD, binational since (\d{4})", _norad_year()),
    }
    problems = []
    for what, (pattern, actual) in expected.items():
        found = re.search(pattern, text)
        if not found:
            problems.append(f"{what}: not found in the model answer")
        elif float(found[1]) != actual:
            problems.append(f"{what}: the model answer says {found[1]}, the data say {actual}")
    ranking = data.ranking(2024)
    above = set(ranking[ranking < ranking["United States"]].index)
    said = "Estonia, Latvia and\nPoland spent a larger share" in text
    if not said or above != {"Estonia", "Latvia", "Poland"}:
        problems.append("Allies above the US in 2024e: the model answer and the data disagree")
    return problems


def test_the_model_brief_quotes_the_data() -> None:
    text = model_answer()
    assert model_answer_problems(text, course_data()) == []
    assert unsourced(quotes_in(text)) == []
    assert copied_runs(text) == 0


@pytest.mark.parametrize(("right", "wrong"), [
    ("from 2.32\n", "from 2.31\n"), ("about\n60%", "about\n66%"), ("estimate of 2.01%", "estimate of 2.00%"),
    ("Estonia, Latvia and\nPoland", "Estonia, Greece and\nPoland"),
    ("took 75.9% of its", "took 76.9% of its"), ("binational since 1958", "binational since 1957"),
])
def test_a_wrong_figure_in_the_model_brief_is_reported(right: str, wrong: str) -> None:
    text = model_answer()
    assert right in text
    assert model_answer_problems(text.replace(right, wrong), course_data()) != []


# Issue 19 (items 3, 6, 7, 9): wording of the old lesson that must not come back, and what must be there.
OLD_WORDING = ("none repeats a question you have seen", "already rising after the Wales pledge",
               "not yet at the level it pressed its Allies to agree to", "'A place called Canada'")
NEW_WORDING = ("I stand with [Article Five]", "into our NATO defence capabilities", "on track",
               "2.0 in its March 2026 report", "eight laggards landed exactly on 2.00-2.01",
               )


def edition_problems(texts: list[str]) -> list[str]:
    text = flat("\n".join(texts))
    return ([f"old wording: {w!r}" for w in OLD_WORDING if flat(w) in text]
            + [f"missing: {w!r}" for w in NEW_WORDING if flat(w) not in text])


def test_the_lesson_carries_the_december_2026_corrections() -> None:
    assert edition_problems(list(markdown()) + list(code())) == []
    assert "[UNVERIFIED]" in model_answer()


@pytest.mark.parametrize("old", [
    "These questions revisit earlier lessons with new angles; none repeats a question you have seen.",
    "the count of Allies at 2% was already rising after the Wales pledge of 2014",
    "The United States, at 3.22%, is not yet at the level it pressed its Allies to agree to.",
])
def test_the_old_wording_is_reported(old: str) -> None:
    assert any(p.startswith("old wording") for p in edition_problems([*markdown(), *code(), old]))
