"""Lesson 05's prose, code tables and quiz quote dates, numbers and words: check them against data/
and the research notes (facts.md), and show that each check fails on a wrong value."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from defence_course.data import load
from defence_course.quiz import Quiz, load_quiz
from tests import prose_claims
from tests.prose_claims import Check, assert_wrong_text_is_reported, markdown_cells, names, number

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "lessons" / "05-what-canada-joined.ipynb"
BANK = "05-what-canada-joined"
FACTS_MD = REPO.parent / "shared" / "reference" / "facts.md"

# Facts the lesson takes from facts.md rather than data/: the value, and the facts.md text that
# states it (test_facts_md_states_every_constant checks that text is really there).
FACTS: dict[str, tuple[object, str]] = {
    "fpa_signed": (pd.Timestamp("2005-11-24"), "signed in Brussels on 24 Nov 2005"),
    "fpa_decision": (pd.Timestamp("2005-11-21"), "Council Decision 2005/851/CFSP of 21 Nov 2005"),
    "lisbon": (pd.Timestamp("2009-12-01"), "in force since the Lisbon Treaty, 1 Dec 2009"),
    "art42_first_use": (pd.Timestamp("2015-11-17"), "France invoked it for the first time on 17 Nov 2015"),
    "oj": (pd.Timestamp("2025-05-28"), "Published in OJ L on **28.5.2025**"),
    "proposal": (pd.Timestamp("2025-03-19"), "COM(2025) 122 of **19.3.2025**"),
    "requests_day": (pd.Timestamp("2025-07-30"), "30 Jul 2025, Commission daily news (MEX/25/1933)"),
    "allocation_day": (pd.Timestamp("2025-09-09"), "9 Sep 2025, tentative allocation"),
    "min_eu_share": (65, "at least **65%** of component value"),
    "max_other_share": (35, "may be at most **35%** of the estimated cost"),
    "cap_share": (60, "no more than 60% of the envelope (EUR 90bn)"),
    "cap_amount": (90, "no more than 60% of the envelope (EUR 90bn)"),
    "requesters": (18, "30 Jul 2025, Commission daily news (MEX/25/1933): 18 member states"),
    "requested_at_least": (127, 'requested "at least €127 billion"'),
    "borrowers": (19, "all 150 bln euros of loans are subscribed by 19 EU Member States"),
    "eight": (8, "concluded Security and Defence Partnerships with eight partner countries"),
    "founders": (12, "**1949 (founders, treaty signed 4 Apr 1949):**"),
    # facts.md §7 and §8 (checked 2026-12-06): what settled Moldova/Norway, and what came after.
    "norway_sdp": (pd.Timestamp("2024-05-28"), "Norway signed on 28 May 2024 in Brussels"),
    "norway_dialogue": (pd.Timestamp("2021-03-25"), "predates its SDP (25 Mar 2021"),
    "india_sdp": (pd.Timestamp("2026-01-27"), "signed on 27 Jan 2026 (Kallas"),
    "sdp_announced": (pd.Timestamp("2026-03-09"), "On 9 Mar 2026 Kallas announced SDPs"),
    "ep_action": (pd.Timestamp("2025-08-20"), "on 20 Aug 2025 over its legal basis"),
    "uk_talks": (pd.Timestamp("2025-11-28"), "ended without agreement on 28 Nov 2025"),
    "fee_admin": (2.5, "a €2.5m upfront administrative fee"),
    "fee_participation": (7.5, "a €7.5m upfront annual participation fee"),
}
REQUESTERS = ("Belgium, Bulgaria, Czechia, Estonia, Greece, Spain, France, Croatia, Italy, Cyprus, "
              "Latvia, Lithuania, Hungary, Poland, Portugal, Romania, Slovakia, Finland")
NO_REQUEST = "Austria, Germany, Ireland, Luxembourg, Malta, the Netherlands, Slovenia and Sweden"
ALLOCATION = "largest: Poland 43.7bn, Romania 16.7bn, France and Hungary 16.2bn each, Italy 14.9bn"
ALLOCATION_VALUES = {"Poland": 43.7, "Romania": 16.7, "France": 16.2, "Hungary": 16.2, "Italy": 14.9}

# Every verbatim quote the lesson may use, exactly as facts.md gives it.
APPROVED_QUOTES: tuple[str, ...] = (
    "Canada was the first partner with whom the EU established an annual Security and Defence Dialogue",
    "Norway, Moldova",
    "more than five times",
    "non-binding political instruments that frame tailored dialogue and cooperation",
    "As of June 2025, the EU has concluded Security and Defence Partnerships with eight partner countries",
    "Countries with a SDP are granted access to common defence procurement under SAFE and their "
    "entities can benefit from EU funding after the adoption of additional agreements.",
    "a framework for dialogue and co-operation in security and defence priorities",
    "of which Canada is already a third-country participant",
    "annual security and defence dialogue",
    "is the victim of armed aggression on its territory, the other Member States shall have towards "
    "it an obligation of aid and assistance by all the means in their power",
    "competitively priced long-maturity loans",
    "in principle",
    "SAFE is the first pillar of the European Commission's ReArm Europe Plan/Readiness 2030",
    "all 150 bln euros of loans are subscribed by 19 EU Member States",
    "agreed to swiftly launch talks on a new bilateral agreement for Canada to access SAFE",
    "several times",
    "has been signed … and is being applied provisionally",
    "first non-European country taking part in SAFE",
    "This new partnership is the intentional first step toward Canada's participation in Security "
    "Action for Europe (SAFE), an instrument of the ReArm Europe Plan/Readiness 2030. Canada's "
    "participation in this initiative will create significant defence procurement and industrial "
    "opportunities for Canada.",
    "For Canada and the EU Member States who are NATO Allies, this will also help deliver on "
    "capability targets more quickly and economically.",
    "the only country outside of Europe with preferential access",
    "We should no longer send three quarters of our defence capital spending to America",
    "It will strengthen Canada's role in Europe's rapidly evolving defence architecture, and this is "
    "just the beginning. We will now swiftly launch talks on Canada's access to our joint military "
    "procurement instrument, SAFE. It is EUR 150 billion.",
    "It will be good for our industries; it will be good for our people; and it will be good for "
    "transatlantic security, too.",
    "In these geopolitically turbulent times, it is a means to increase cooperation, meet defence "
    "targets and spend better…",
    "SAFE will also provide vital support to Ukraine…",
    "While NATO remains the cornerstone of our collective defence, this Partnership will allow us to "
    "strengthen our preparedness faster and better \u2013 to invest more, and to invest smarter.",
    # The news report's own words, quoted (short phrases only; see lesson 01).
    "formalized a defense partnership",
    # Words the lesson puts in quotes as labels of its own, not as anybody's quote.
    "checkable now", "checkable later", "opinion", "did South Korea sign first?",
    "we cannot tell from these sources", "not a time", "next level", "May 2024", "2024",
    "Canada's road to SAFE",
    # EPRS briefing title (facts.md section 7)
    "The EU's new bilateral security and defence partnerships",
)
NOT_FROM_FACTS = {"formalized a defense partnership", "checkable now", "checkable later", "opinion",
                  "did South Korea sign first?", "we cannot tell from these sources", "not a time",
                  "next level", "May 2024", "2024", "Canada's road to SAFE"}

NON_REQUESTERS = frozenset(names(NO_REQUEST.replace("the Netherlands", "Netherlands")))


def _date(text: str) -> object:
    """'21 May 2024' as a date."""
    return datetime.strptime(text, "%d %B %Y").date()


def poland_share(d: Data) -> float:
    """Poland's tentative allocation as a % of the SAFE envelope, one decimal (as the lesson)."""
    return round(ALLOCATION_VALUES["Poland"] / d.amount("EU SAFE instrument") * 100, 1)


MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December")
FULL_DATE = re.compile(rf"\b(\d{{1,2}}) ({MONTHS})\s+(\d{{4}})\b")


@dataclass(frozen=True)
class Data:
    """The tables the lesson is checked against, with the lesson's own derivations."""

    partnerships: pd.DataFrame
    membership: pd.DataFrame
    timeline: pd.DataFrame
    key_amounts: pd.DataFrame

    def partner(self, name: str) -> pd.Series:
        return self.partnerships.set_index("partner").loc[name]

    @cached_property
    def merged(self) -> pd.DataFrame:
        return self.partnerships.merge(self.membership, left_on="partner", right_on="country",
                                       how="left", indicator=True)

    @cached_property
    def nato_partners(self) -> set[str]:
        m = self.merged
        return set(m.loc[m["nato_member"].fillna(False).astype(bool), "partner"])

    @cached_property
    def road(self) -> pd.Series:
        t = self.timeline
        on_road = t["event"].str.contains("SAFE|Security and Defence Partnership signed")
        rows = t[on_road & t["category"].isin(["Canada-EU", "EU"])
                 & (t["date"] >= "2025-05-27") & ~t["event"].str.contains("enters into force")]
        return rows["date"].sort_values().reset_index(drop=True)

    def step(self, day: str) -> int:
        """Days from the step before to the step on `day` ('18 September 2025')."""
        road = self.road
        when = pd.Timestamp(datetime.strptime(day, "%d %B %Y"))
        position = road[road == when].index[0]
        return int((road[position] - road[position - 1]).days)

    def amount(self, entity: str) -> float:
        return float(self.key_amounts.loc[self.key_amounts["entity"] == entity, "value"].iloc[0])

    def known_dates(self) -> set[pd.Timestamp]:
        days = set(self.timeline["date"]) | set(self.partnerships["signed_date"].dropna())
        return days | {v for v, _ in FACTS.values() if isinstance(v, pd.Timestamp)}


def _eight(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "partnerships", number(m[1]), len(d.partnerships)


def _eeas_order(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    parts = re.split(r",\s*|\s+and\s+", " ".join(m[1].split()))
    listed = [re.sub(r"^(and\s+)?the\s+", "", p.strip()) for p in parts]
    yield "partners in EEAS order", [p for p in listed if p], list(d.partnerships["partner"])
    yield "Canada is last", "Canada", d.partnerships["partner"].iloc[-1]
    yield "Canada's day", _date(m[2]), d.partner("Canada")["signed_date"].date()


def _precision(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    counts = d.partnerships["precision"].value_counts()
    for value, kind in zip(m.groups(), ("day", "month", "year"), strict=True):
        yield f"known by {kind}", number(value), int(counts.get(kind, 0))


def _day_known(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "rows with a day", number(m[1]), int(d.partnerships["signed_date"].notna().sum())
    yield "Moldova's day", _date(m[2]), d.partner("Moldova")["signed_date"].date()


def _moldova_in_norway(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    moldova, norway = d.partner("Moldova"), d.partner("Norway")
    yield "Moldova's day", datetime.strptime(m[1], "%d %B %Y").date(), moldova["signed_date"].date()
    yield "Norway's month", m[2], norway["signed_as_reported"]
    inside = norway["earliest"] <= moldova["earliest"] <= norway["latest"]
    yield "Moldova inside Norway's window", True, bool(inside)


def _left_only(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    unmatched = d.merged.loc[d.merged["_merge"] == "left_only", "partner"]
    yield "unmatched partners", number(m[1]), len(unmatched)
    yield "unmatched names", names(m[2]), set(unmatched)


def _nato_partners(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "partners in NATO", number(m[1]), len(d.nato_partners)
    yield "of how many", number(m[2]), len(d.partnerships)
    yield "their names", names(m[3]), d.nato_partners


def _founders(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    founders = set(d.membership.loc[d.membership["nato_join_year"].eq(1949).fillna(False), "country"])
    yield "three founders", {"Norway", "United Kingdom", "Canada"} <= founders, True
    yield "NATO founders", number(m[1]), len(founders)


def _years_2016(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    spa = d.timeline.loc[d.timeline["event"].str.contains("Strategic Partnership Agreement"), "date"].iloc[0]
    years = (spa - FACTS["fpa_signed"][0]).days / 365.25
    yield "SPA date", datetime.strptime(m[1], "%d %B %Y").date(), spa.date()
    yield "almost N years", int(m[2]), round(years)
    yield "almost, i.e. under", True, years < int(m[2])


def _step(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield f"days to {m[1]}", int(m[2]), d.step(m[1])


def _total(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    sdp = d.partner("Canada")["signed_date"]
    signature = d.road.iloc[-1]
    yield "partnership to signature", int(m[1]), int((signature - sdp).days)


def _total_key_point(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "partnership day", _date(m[1]), d.partner("Canada")["signed_date"].date()
    yield "signature day", datetime.strptime(m[2], "%d %B %Y").date(), d.road.iloc[-1].date()
    yield from _total(re.match(r"(\d+)", m[3]), d)  # type: ignore[arg-type]
    yield "fee", float(m[4]), d.amount("Canada SAFE participation fee")


def _amount(entity: str) -> Check:
    def check(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
        yield entity, float(m[1]), d.amount(entity)

    return check


def _fact(*keys: str) -> Check:
    def check(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
        del d
        for key, said in zip(keys, m.groups(), strict=True):
            yield key, float(said) if "." in said else number(said), FACTS[key][0]

    return check


def _poland_share(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Poland's share", float(m[1]), poland_share(d)


def _remainder(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    rest = d.amount("EU SAFE instrument") - sum(ALLOCATION_VALUES.values())
    yield "the rest", float(m[1]), round(rest, 1)


def _top_three(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    top = sorted(ALLOCATION_VALUES.values(), reverse=True)[:3]
    yield "three largest", float(m[1]), round(sum(top), 1)
    yield "their share", float(m[2]), round(sum(top) / d.amount("EU SAFE instrument") * 100, 1)
    yield "under the cap", True, sum(top) <= FACTS["cap_amount"][0]


def _bars(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    said = dict(zip(ALLOCATION_VALUES, map(float, m.groups()[:5]), strict=True))
    yield "bars", said, ALLOCATION_VALUES
    yield from _remainder(re.match(r"([\d.]+)", m[6]), d)  # type: ignore[arg-type]
    yield "other borrowers", number(m[7]), FACTS["borrowers"][0] - len(ALLOCATION_VALUES)


def _deduction(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    eu = set(d.membership.loc[d.membership["eu_member"], "country"])
    requesters, no_request = names(REQUESTERS), set(NON_REQUESTERS)
    yield "named requesters", number(m[1]), len(requesters)
    yield "non-requesters", number(m[2]), len(no_request)
    yield "EU size", number(m[3]), len(eu)
    yield "the one left", {m[4]}, eu - requesters - no_request
    yield "27 - 8", number(m[5]), len(eu) - len(no_request)
    yield "equals the borrowers", number(m[5]), FACTS["borrowers"][0]


def _outside_nato(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    nato = set(d.membership.loc[d.membership["nato_member"], "country"])
    yield "requesters outside NATO", {m[1]}, names(REQUESTERS) - nato
    yield "non-requesters outside NATO", names(m[2]), NON_REQUESTERS - nato


CLAIMS: dict[str, tuple[str, Check]] = {
    "eight": (r"Security and Defence Partnerships with\s+(eight) partner countries", _eight),
    "eeas-order": (r"in the EEAS's own order: ([^:]+?)\. Canada's is the eighth, signed on\s+(\d+ \w+ \d{4}),"
                   r" and was the most recent until India's", _eeas_order),
    "as-of": (r"(eight) partner countries\"\. That count was true as of June 2025", _eight),
    "precision": (r"(\w+) by the day, (\w+) by the month, (\w+) by the year", _precision),
    "day-known": (r"only (\w+) rows have a day\. Our sources give Moldova's day \((\d+ \w+ \d{4}),",
                  _day_known),
    "moldova-norway": (r"Moldova's day, (\d+ \w+ \d{4}), falls inside Norway's window, (\w+ \d{4})",
                       _moldova_in_norway),
    "left-only": (r"(\w+) partners are `left_only`: the membership table lists only countries in NATO"
                  r" or the EU, and ([\w, ]+?) are in neither", _left_only),
    "nato-partners": (r"(\w+) of the (\w+) partners are NATO Allies: ([^.]+)\.", _nato_partners),
    "founders": (r"three of NATO's (\d+) founders of 1949", _founders),
    # The first CETA links to the glossary (issue 21).
    "spa": (r"signed with (?:\[CETA\]\([^)]*\)|CETA) on (\d+ \w+ \d{4}), almost (\d+) years",
            _years_2016),
    "step-27": (r"- (23 June 2025), (\d+) days later", _step),
    "step-after": (r"- (\d+ \w+ \d{4}), after (\d+) days", _step),
    "total": (r"From partnership to signature took (\d+) days", _total),
    "total-key-point": (r"partnership \((\d+ \w+ \d{4})\) to signature \((\d+ \w+ \d{4})\) took"
                        r" (\d+ days), for a fee of\s+EUR (\d+) million", _total_key_point),
    "safe-envelope": (r"Up to EUR (\d+) billion \(Article 6\)", _amount("EU SAFE instrument")),
    "fee": (r"Canada pays EUR (\d+) million \(about 16 million Canadian dollars\) up front",
            _amount("Canada SAFE participation fee")),
    "fee-parts": (r"a\s+EUR ([\d.]+) million administrative fee and a EUR ([\d.]+) million participation fee,"
                  r" to be reassessed", _fact("fee_admin", "fee_participation")),
    "component-rule": (r"At least (\d+)% of the value of components.*?at most (\d+)% of the",
                       _fact("min_eu_share", "max_other_share")),
    "cap": (r"together at (\d+)% of the envelope, EUR (\d+) billion", _fact("cap_share", "cap_amount")),
    "poland-share": (r"Poland alone gets ([\d.]+)% of the envelope", _poland_share),
    "remainder": (r"about EUR ([\d.]+) billion \(the published", _remainder),
    "top-three": (r"come to EUR ([\d.]+) billion,\s+([\d.]+)% of the envelope", _top_three),
    "bars": (r"Poland ([\d.]+), Romania ([\d.]+), France ([\d.]+), Hungary ([\d.]+), Italy ([\d.]+), and a"
             r" hatched bar of ([\d.]+) for the (\d+)\s+other member states", _bars),
    "deduction": (r"(\d+) names plus (\d+) non-requesters leave exactly one of the (\d+) unaccounted for,"
                  r" (\w+), and\s+27 \u2212 8 = (\d+)", _deduction),
    "outside-nato": (r"(\w+), which is not in NATO, asked for SAFE loans; ([\w, ]+?), the other three EU"
                     r" states\s+outside NATO, did not ask", _outside_nato),
    "borrowers": (r"subscribed by (\d+) of them", _fact("borrowers")),
}

REQUIRED = ("[SECONDARY]", "unverified", "non-binding", "windows cannot settle the order",
            "the published list settles it", "28 May 2024", "nine as of December 2026",
            "it continues it", "to be reassessed", "not one voice",
            "computed, not quoted", "exercises/ex05-what-canada-joined.ipynb", "`06-canadas-side.ipynb`",
            "## Key points", "## Sources")
# Moldova's partnership came first (21 May 2024; Norway's 28 May 2024, facts.md §7 as corrected):
# never the other way round, never "we cannot tell" now that a primary source settles it. And the
# old errors of issue 19: the dialogue "added" by the SDP, a "defined" fee "several times" smaller.
FORBIDDEN = (re.compile(r"Norway('s)? (partnership )?(was|came|signed) (the )?first"),
             re.compile(r"first (country|partner) to sign"), re.compile(r"\b20th\b"),
             re.compile(r"we cannot tell|honest answer"),
             re.compile(r"adds a standing framework and a yearly"),
             re.compile(r"defined cost|several times"), re.compile(r"our deduction"))
# A sentence may name the question ("whether Moldova's or Norway's came first") without answering it.
OPEN_QUESTION = ("whether", "cannot settle", "disagree")


def date_problems(text: str, d: Data) -> list[str]:
    """Full dates in the prose that are neither a data date nor a facts.md constant."""
    known = d.known_dates()
    flat = " ".join(text.split())
    return [f"date: {day} {month} {year} is not in data/ or FACTS"
            for day, month, year in FULL_DATE.findall(flat)
            if pd.Timestamp(datetime.strptime(f"{day} {month} {year}", "%d %B %Y")) not in known]


def quotes(text: str) -> list[str]:
    """Straight-double-quoted text in the prose (code spans and links removed)."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<https?://[^>]+>", " ", text)
    return re.findall(r'"([^"]+)"', " ".join(text.split()))


def unsourced_quotes(text: str) -> list[str]:
    """Quotes that are not part of an approved quote (pieces around '…' may be cut)."""
    sources = [" ".join(q.split()).lower() for q in APPROVED_QUOTES]
    bad = []
    for quote in quotes(text):
        parts = [p.strip(" .,;:").lower() for p in quote.split("…")]
        if not all(any(p in s for s in sources) for p in parts if p):
            bad.append(quote)
    return bad


def claim_problems(cells: list[str], d: Data) -> list[str]:
    """Every number, date, quote or wording in the prose that disagrees with the sources."""
    text = "\n\n".join(cells)
    flat = " ".join(text.split())  # a sentence may break across lines anywhere
    problems = prose_claims.claim_problems(flat, CLAIMS, d, __name__, dotall={"component-rule"})
    problems += date_problems(text, d)
    problems += [f"quote: not sourced: {q!r}" for q in unsourced_quotes(text)]
    problems += [f"wording: {w!r} is missing" for w in REQUIRED if w not in flat]
    for sentence in re.split(r"(?<=[.!?])\s+", flat):
        if any(p.search(sentence) for p in FORBIDDEN) and not any(w in sentence for w in OPEN_QUESTION):
            problems.append(f"wording: an unsettled order or a weak fact is stated: {sentence!r}")
    return problems


@cache
def course_data() -> Data:
    return Data(load("partnerships"), load("membership"), load("timeline"), load("key_amounts"))


@cache
def lesson_markdown() -> tuple[str, ...]:
    return markdown_cells(NOTEBOOK)


@cache
def lesson_code() -> str:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_lesson_prose_agrees_with_the_data_and_the_notes() -> None:
    assert claim_problems(list(lesson_markdown()), course_data()) == []


@pytest.mark.parametrize(
    ("right", "wrong", "reported"),
    [
        ("with\neight partner countries", "with\nnine partner countries", "eight"),
        ("Moldova, Norway, South Korea, Japan, Albania,\nNorth Macedonia",
         "Norway, Moldova, South Korea, Japan, Albania,\nNorth Macedonia", "eeas-order"),
        ("signed on\n23 June 2025, and", "signed on\n24 June 2025, and", "eeas-order"),
        ("That count was true as of June 2025", "That count is true", "as-of"),
        ("Two by the day, two by the month, four by the year",
         "Two by the day, three by the month, three by the year", "precision"),
        ("Moldova's day (21 May 2024,", "Moldova's day (12 May 2024,", "day-known"),
        ("Moldova's day, 21 May 2024, falls", "Moldova's day, 21 June 2024, falls", "moldova-norway"),
        ("Three partners are `left_only`", "Two partners are `left_only`", "left-only"),
        ("Five of the eight partners are NATO Allies", "Six of the eight partners are NATO Allies",
         "nato-partners"),
        ("Norway, Albania, North Macedonia, the United Kingdom and\nCanada",
         "Norway, Albania, Moldova, the United Kingdom and\nCanada", "nato-partners"),
        ("three of NATO's 12 founders", "three of NATO's 10 founders", "founders"),
        ("almost 11 years", "almost 12 years", "spa"),
        ("23 June 2025, 27 days later", "23 June 2025, 26 days later", "step-27"),
        ("after 87 days", "after 78 days", "step-after"),
        ("19 December 2025, after 18 days", "19 December 2025, after 19 days", "step-after"),
        ("took 236 days:", "took 237 days:", "total"),
        ("took 236 days, for a", "took 235 days, for a", "total-key-point"),
        ("Up to EUR 150 billion (Article 6)", "Up to EUR 800 billion (Article 6)", "safe-envelope"),
        ("Canada pays EUR 10 million", "Canada pays EUR 16 million", "fee"),
        ("EUR 7.5 million participation fee", "EUR 8.5 million participation fee", "fee-parts"),
        ("At least 65% of the value", "At least 60% of the value", "component-rule"),
        ("at most 35% of the", "at most 40% of the", "component-rule"),
        ("together at 60% of the envelope, EUR 90 billion", "together at 50% of the envelope, EUR 75 billion",
         "cap"),
        ("Poland alone gets 29.1%", "Poland alone gets 43.7%", "poland-share"),
        ("about EUR 42.3 billion", "about EUR 40.3 billion", "remainder"),
        ("EUR 76.6 billion,\n51.1%", "EUR 76.6 billion,\n61.1%", "top-three"),
        ("a hatched bar of 42.3 for the 14", "a hatched bar of 42.3 for the 15", "bars"),
        ("Italy 14.9, and", "Italy 19.4, and", "bars"),
        ("unaccounted for, Denmark", "unaccounted for, Sweden", "deduction"),
        ("Cyprus, which is not in NATO", "Malta, which is not in NATO", "outside-nato"),
        ("subscribed by 19 of them", "subscribed by 18 of them", "borrowers"),
        ("on 17 November 2015", "on 13 November 2015", "date"),
        ("approved by\n  Council Decision 2005/851/CFSP of 21 November 2005",
         "approved by\n  Council Decision 2005/851/CFSP of 22 November 2005", "date"),
        ('"non-binding political instruments that frame tailored dialogue and\ncooperation"',
         '"non-binding legal instruments that frame tailored dialogue and\ncooperation"', "quote"),
        ('"the only\n  country outside of Europe with preferential access"',
         '"the only\n  country in the world with preferential access"', "quote"),
        # The old text (issue 19, items 1, 2, 8): each is caught.
        ("Moldova's partnership came first, a week", "Norway's partnership came first, a week", "wording"),
        ("Windows tell you *that* you need",
         "The honest answer is \"we cannot tell\". Windows tell you *that* you need", "wording"),
        ("adds a standing framework, around a yearly dialogue it continues,",
         "adds a standing framework and a yearly dialogue", "wording"),
        ("a known entry price", "a defined cost", "wording"),
        ("The Commission later published all 19 allocations", "So it is our deduction", "wording"),
    ],
)
def test_a_wrong_fact_in_the_prose_is_reported(right: str, wrong: str, reported: str) -> None:
    """Each check can fail: changing one quoted fact is caught, and named in the message."""
    assert_wrong_text_is_reported(
        lesson_markdown(), right, wrong, reported, lambda cells: claim_problems(cells, course_data())
    )


def _edit_partner(d: Data, partner: str, **values: object) -> Data:
    frame = d.partnerships.copy()
    for column, value in values.items():
        frame.loc[frame["partner"] == partner, column] = value
    return replace(d, partnerships=frame)


@pytest.mark.parametrize(
    ("edit", "reported"),
    [
        (lambda d: _edit_partner(d, "Norway", signed_as_reported="June 2024",
                                 earliest=pd.Timestamp("2024-06-01"), latest=pd.Timestamp("2024-06-30")),
         "moldova-norway"),
        (lambda d: _edit_partner(d, "Norway", precision="day", signed_date=pd.Timestamp("2024-05-28")),
         "precision"),
        (lambda d: replace(d, partnerships=d.partnerships.iloc[:-1]), "eight"),
        (lambda d: replace(d, timeline=d.timeline.assign(date=d.timeline["date"].where(
            d.timeline["date"] != "2025-12-19", pd.Timestamp("2025-12-18")))), "step-after"),
        (lambda d: replace(d, key_amounts=d.key_amounts.assign(value=d.key_amounts["value"].where(
            d.key_amounts["entity"] != "Canada SAFE participation fee", 12.0))), "fee"),
    ],
)
def test_a_change_in_the_data_is_reported(edit, reported: str) -> None:
    """The other direction: if data/ changes under the lesson, the prose is flagged as stale."""
    problems = claim_problems(list(lesson_markdown()), edit(course_data()))
    assert any(p.startswith(reported) for p in problems), problems


# ------------------------------------------------------------------- facts.md, the code's tables

needs_notes = pytest.mark.skipif(not FACTS_MD.exists(), reason="the research notes are not beside the repo")


@cache
def facts_text() -> str:
    return " ".join(FACTS_MD.read_text(encoding="utf-8").split())


@needs_notes
def test_facts_md_states_every_constant_and_quote() -> None:
    missing = [key for key, (_, text) in FACTS.items() if " ".join(text.split()) not in facts_text()]
    missing += [q for q in APPROVED_QUOTES
                if q not in NOT_FROM_FACTS and " ".join(q.split()) not in facts_text()]
    for listed in (REQUESTERS, NO_REQUEST, ALLOCATION):
        if listed not in facts_text():
            missing.append(listed)
    assert missing == []


def _code_set(name: str) -> set[str]:
    block = re.search(rf"{name} = \{{(.*?)\}}", lesson_code(), flags=re.DOTALL)
    assert block, f"{name} is no longer a set literal in the lesson"
    return set(re.findall(r'"([^"]+)"', block[1]))


def test_the_lessons_take_up_lists_are_the_sources_lists() -> None:
    assert _code_set("requested_by_30_july") == names(REQUESTERS)
    assert len(_code_set("requested_by_30_july")) == FACTS["requesters"][0]
    assert _code_set("no_request") == NON_REQUESTERS


def test_the_lessons_allocation_and_ties_tables_are_the_sources() -> None:
    block = re.search(r"largest = pd\.Series\(\s*\{(.*?)\}", lesson_code(), flags=re.DOTALL)
    assert block
    said = {k: float(v) for k, v in re.findall(r'"(\w+)": ([\d.]+)', block[1])}
    assert said == ALLOCATION_VALUES
    dates = re.search(r"pd\.to_datetime\(\[(.*?)\]\)", lesson_code())
    assert dates
    d = course_data()
    spa = d.timeline.loc[d.timeline["event"].str.contains("Strategic Partnership"), "date"].iloc[0]
    expected = [FACTS["fpa_signed"][0], spa, d.partner("Canada")["signed_date"], d.road.iloc[-1]]
    assert [pd.Timestamp(x) for x in re.findall(r'"([\d-]+)"', dates[1])] == expected


def test_a_wrong_code_set_is_noticed() -> None:
    """The set check can fail: a list with Denmark added is not the Commission's 18."""
    assert names(REQUESTERS) | {"Denmark"} != names(REQUESTERS)
    assert len(names(REQUESTERS)) == 18


# ------------------------------------------------------------------- quiz bank

@cache
def bank() -> Quiz:
    return load_quiz(BANK)


def test_every_quiz_question_is_shown_once_in_order_and_imports_show_quiz() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "show_quiz(" in c.source]
    shown = [re.search(rf'show_quiz\("{BANK}", "(\w+)"\)', c)[1] for c in cells]  # type: ignore[index]
    assert shown == [q.id for q in bank().questions]
    assert all("from defence_course.quiz import show_quiz" in c for c in cells)


def test_quiz_answers_are_the_data() -> None:
    d = course_data()
    assert bank().answer("q3", len(d.nato_partners)).correct
    assert bank().answer("q7", poland_share(d)).correct
    sdp, signature = d.partner("Canada")["signed_date"], d.road.iloc[-1]
    assert bank().answer("q8", (signature - sdp).days).correct
    assert not bank().answer("q8", (signature - sdp).days + 1).correct


def test_judging_evidence_questions_exist_and_the_moldova_one_is_settled_by_a_primary_source() -> None:
    judging = [q for q in bank().questions if q.skill == "judge"]
    assert len(judging) >= 4
    assert bank().answer("q2", "Norway's government, which dates its signing to 28 May 2024").correct
    for wrong in ("Nothing can, so the order stays unknown",
                  "The EPRS briefing, which lists Norway before Moldova"):
        assert not bank().answer("q2", wrong).correct
    assert bank().answer("q4", "The dialogue is older; its 8th round was held in March 2024").correct
    assert not bank().answer("q4", "The partnership of 23 June 2025 created the dialogue").correct


def _prompt(text: str) -> list[str]:
    """A prompt as its words, so two questions are compared word by word, not letter by letter."""
    return re.findall(r"[a-z0-9]+", text.lower())


def test_no_question_repeats_one_of_lessons_00_to_03() -> None:
    earlier = [q.prompt for name in ("00-start-here", "01-the-news", "02-two-clubs", "03-who-pays")
               for q in load_quiz(name).questions]
    for question in bank().questions:
        for other in earlier:
            ratio = difflib.SequenceMatcher(None, _prompt(question.prompt), _prompt(other)).ratio()
            assert ratio < 0.6, (question.id, other)


def test_the_repeat_check_can_fail() -> None:
    same = "How many of the 27 EU member states are also NATO Allies?"
    reworded = same.replace("27", "twenty-seven")
    assert difflib.SequenceMatcher(None, _prompt(same), _prompt(reworded)).ratio() >= 0.6


def test_every_plot_has_a_figure_description() -> None:
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    shows = [i for i, c in enumerate(cells)
             if "plt.show()" in c.source or "partnership_timeline()" in c.source]
    assert len(shows) == 2
    for i in shows:
        assert cells[i + 1].cell_type == "markdown"
        assert cells[i + 1].source.startswith("*Figure description:*")
