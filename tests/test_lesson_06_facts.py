"""Lesson 06 (Canada's side): every figure, date and quote in the prose and the quiz against data/
and the research notes (facts.md), and each check shown to fail on a wrong value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from defence_course.data import load
from defence_course.explore.canada import pbo_anchor, spending_path
from defence_course.quiz import Quiz, load_quiz
from tests import prose_claims
from tests.prose_claims import (
    Check,
    assert_wrong_text_is_reported,
    markdown_cells,
    quiz_ids_shown,
    repeated_prompts,
)
from tests.test_lesson_05_facts import FULL_DATE, facts_text, needs_notes, quotes

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "lessons" / "06-canadas-side.ipynb"
BANK = "06-canadas-side"
EARLIER_BANKS = ("00-start-here", "01-the-news", "02-two-clubs", "03-who-pays", "04-did-the-pressure-work",
                 "05-what-canada-joined")

# Facts the lesson takes from facts.md rather than data/: the value, and the facts.md text that states it.
FACTS: dict[str, tuple[object, str]] = {
    "rutte_day": (pd.Timestamp("2026-01-26"), "security-and-defence committees (AFET/SEDE), 26 Jan 2026"),
    "canadian_share_goal": (70, '"Build-Partner-Buy", 70% of acquisitions to Canadian firms'),
    "dis_day": (pd.Timestamp("2026-02-17"), "Defence Industrial Strategy, 17 Feb 2026"),
    "arctic_day": (pd.Timestamp("2025-06-25"), "Carney, 25 Jun 2025 closing remarks at the NATO summit"),
    "norad_since": (1958, "NORAD (binational with the US since 1958)"),
}

# Every quotation the lesson makes, and where its words are checked: facts.md ("facts") or the text
# columns of the lesson's data files ("data"). Labels of the lesson's own are "ours".
QUOTES: dict[str, str] = {
    "this year": "data",
    "over $9 billion": "data",
    "Do you really think that Spain and Italy and Belgium and Canada would have decided to move from "
    "1.5 to 2%?": "facts",
    "Budget 2025 proposes $81.8 billion in cash over five years": "data",
    "This also includes an initial investment of $6.6 billion": "data",
    "over $280 billion": "data",
    "generational investments": "data",
    "has not provided detailed projections showing how the target will be achieved": "data",
    "due to a confluence of factors, but not a change in definition": "data",
    "the additional amounts are not material": "data",
    "Personnel expenditure includes pensions paid to retirees": "data",
    "into our NATO defence capabilities": "facts",
    "We should no longer send three quarters of our defence capital spending to America": "facts",
    "Build-Partner-Buy": "facts",
    "partner": "ours",
    "Carney's government is reviewing the purchase of U.S. F-35 fighter jets to see if there are other "
    "options": "data",
    "deterioration": "ours",
    "85 per cent": "data",
    "pivot to Europe": "ours",
    "increasingly open Arctic waters … we can no longer rely on our geography to protect us": "facts",
    "a break": "ours",
    "what would the sum mean?": "ours",
}

REQUIRED = ("[SECONDARY]", "[UNVERIFIED]", "upper bound", "exercises/ex06-canadas-side.ipynb",
            "`07-a-new-alignment.ipynb`", "## Key points", "## Sources",
            "the data show *when* the share rose, not *why*")
# Things the sources do not support, which the lesson must never state as results.
FORBIDDEN = (
    re.compile(r"F-35 (purchase )?(was |has been |is )?(cancell?ed|dropped|scrapped)", re.I),
    re.compile(r"(Canada )?(will buy|chose|has chosen|is buying) (Saab's )?Gripen", re.I),
    re.compile(r"whole 2015 (jump|rise) (was|is) counting", re.I),
    re.compile(r"EU('s)? share (of Canada's exports )?(was|is) \d", re.I),
)
NEGATIONS = ("not", "never", "unverified", "Unverified", "neither")


@dataclass(frozen=True)
class Data:
    """The tables the lesson is checked against."""

    nato: pd.DataFrame
    money: pd.DataFrame
    counting: pd.DataFrame
    timeline: pd.DataFrame
    trade: pd.DataFrame

    def canada(self, year: int) -> float:
        rows = self.nato[(self.nato["country"] == "Canada") & (self.nato["year"] == year)]
        return round(float(rows["pct_gdp"].iloc[0]), 2)

    def amount(self, item: str, unit: str = "C$ bn", period: str | None = None) -> float:
        rows = self.money[(self.money["item"] == item) & (self.money["unit"] == unit)]
        if period is not None:
            rows = rows[rows["period"] == period]
        return float(rows["value"].iloc[0])

    def event_day(self, words: str) -> pd.Timestamp:
        rows = self.timeline[self.timeline["event"].str.contains(words, regex=False)]
        return pd.Timestamp(rows["date"].iloc[0])

    def rate_on(self, day: pd.Timestamp) -> float:
        rows = self.timeline[(self.timeline["date"] == day) & (self.timeline["topic"] == "US tariffs")]
        return float(rows["rate_pct"].iloc[0])

    def trade_share(self, partner: str, flow: str) -> float:
        t = self.trade
        return float(t.loc[(t["partner"] == partner) & (t["flow"] == flow), "share_pct"].iloc[0])

    def known_dates(self) -> set[pd.Timestamp]:
        days = set(self.timeline["date"]) | set(self.money["published"].dropna())
        notes = " ".join(self.trade["note"].dropna())  # the day of Statistics Canada's release
        days |= {_day(" ".join(found)) for found in FULL_DATE.findall(notes)}
        return days | {v for v, _ in FACTS.values() if isinstance(v, pd.Timestamp)}

    def text(self) -> str:
        """The words of the lesson's data files (events, notes, definitions), where quotes are checked."""
        parts = [self.money["item"], self.money["note"], self.counting["note"],
                 self.counting["what_nato_allows"],
                 self.timeline["event"], self.timeline["note"], self.trade["note"]]
        return " ".join(" ".join(p.dropna().astype(str)) for p in parts)


PBO = "PBO scenario: "
SPENDING_2035 = PBO + "core defence spending needed in 2035-36"
DEFICIT = PBO + "higher federal deficit in 2035-36"
REPORTED = "Military expenditure reported to NATO"


def _day(text: str) -> pd.Timestamp:
    return pd.Timestamp(datetime.strptime(" ".join(text.split()), "%d %B %Y"))


def _rises(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    years = (2014, 2015, 2016, 2017, 2024, 2025)
    for year, said in zip(years, m.groups(), strict=True):
        yield f"Canada {year}", float(said), d.canada(year)


def _key_rise(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "Canada 2024", float(m[1]), d.canada(2024)
    yield "Canada 2025", float(m[2]), d.canada(2025)
    yield "the plan's amount", float(m[3]), d.amount("9 June 2025 plan: added defence investment")


def _amount(item: str, unit: str = "C$ bn") -> Check:
    def check(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
        yield item, float(m[1].replace(",", "")), d.amount(item, unit)

    return check


def _budget(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "cash total", float(m[1]), d.amount("Budget 2025: defence over five years")
    row = d.money[d.money["item"] == "Budget 2025 generational investments: defence and security"].iloc[0]
    yield "accrual defence", float(m[2]), float(row["value"])
    yield "its basis", "accrual", row["basis"]


def _accrual_sum(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    accrual = d.money[d.money["item"].str.startswith("Budget 2025") & (d.money["basis"] == "accrual")]
    yield "accrual sum", float(m[1]), float(accrual["value"].sum())


def _scenario(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "start share", float(m[1]), d.amount(PBO + "core defence spending share at the start", "% of GDP")
    yield "start year", int(m[2]), 2025
    yield "end share", float(m[3]), d.amount(PBO + "core defence spending share at the end", "% of GDP")
    yield "2035-36 spending", float(m[5]), d.amount(SPENDING_2035)


def _two_gdps(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    from_spending = d.amount(SPENDING_2035) / 3.5 * 100
    from_deficit = d.amount(DEFICIT) / d.amount(DEFICIT, "% of GDP") * 100
    yield "GDP from spending", int(m[1].replace(",", "")), round(from_spending)
    yield "GDP from deficit", int(m[2].replace(",", "")), round(from_deficit)
    yield "within 1%", True, abs(from_spending / from_deficit - 1) < 0.01


def _pbo_results(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "average extra", float(m[1]), d.amount(PBO + "additional core spending a year on average")
    yield "deficit", float(m[2]), d.amount(DEFICIT)
    yield "deficit share", float(m[3]), d.amount(DEFICIT, "% of GDP")
    yield "debt ratio", float(m[4]), d.amount(PBO + "higher federal debt-to-GDP ratio", "percentage points")


def _almost_twice(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    ratio = d.amount(SPENDING_2035) / d.amount("Budget 2025: defence over five years")
    yield "159 over 81.8 is almost 2", True, 1.8 <= ratio < 2


def _explorer_average(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    table = spending_path(pbo_anchor(d.money), float(m[1]))
    average = float(table["extra_over_start_share_bn"].iloc[1:].mean())
    pbo = d.amount(PBO + "additional core spending a year on average")
    yield "close to the PBO's average", True, abs(average - pbo) <= 1.0
    yield "the PBO's average", float(m[2]), pbo


def _counting(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    reported = d.money[d.money["item"] == REPORTED].set_index("period")["value"]
    rise = float(reported["2015-16"] - reported["2014-15"])
    as_share = rise / float(reported["2015-16"]) * d.canada(2015)
    yield "rise", float(m[1]), round(rise, 1)
    yield "as points", float(m[2]), round(as_share, 2)
    yield "jump from", float(m[3]), d.canada(2014)
    yield "jump to", float(m[4]), d.canada(2015)
    yield "about the whole jump", True, abs(as_share - (d.canada(2015) - d.canada(2014))) < 0.01
    yield "no split in the data", False, bool(d.counting.loc[0, "amount_known"])


def _key_counting(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    reported = d.money[d.money["item"] == REPORTED].set_index("period")["value"]
    yield "points", float(m[1]), round(d.canada(2015) - d.canada(2014), 2)
    yield "rise", float(m[2]), round(float(reported["2015-16"] - reported["2014-15"]), 1)


def _tariff_steps(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    pairs = ((m[1], m[2] + " 2025"), (None, m[3] + " 2025"), (m[4], m[5] + " 2025"), (m[6], m[7] + " 2025"))
    for rate, day in pairs:
        when = _day(day)
        yield f"a US tariff row on {day}", True, bool((d.timeline["date"] == when).any())
        if rate is not None:
            yield f"rate on {day}", float(rate), d.rate_on(when)


def _counter_tariffs(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "announcement", _day(m[1] + " 2025"), d.event_day("Carney announces that Canada will remove")
    yield "order-in-council", _day(m[2] + " 2025"), d.event_day("Order-in-council repeals")
    yield "removal", _day(m[3] + " 2025"), d.event_day("removal of counter-tariffs takes effect")


def _days_25_35(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    us = d.timeline[d.timeline["topic"] == "US tariffs"].set_index("date")["rate_pct"]
    yield "the code's days", True, (us[us == 35].index[0] - us[us == 25].index[0]).days == 150


def _trade(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "US exports", float(m[1]), d.trade_share("United States", "exports")
    yield "US imports", float(m[2]), d.trade_share("United States", "imports")


def _rest(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    us = d.trade_share("United States", "exports")
    yield "US share", float(m[1]), us
    yield "the rest", float(m[2]), round(100 - us, 1)
    yield "EU blank", True, pd.isna(d.trade_share("European Union", "exports"))


def _per_dollar(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    us = d.trade_share("United States", "exports")
    yield "dollars per dollar", float(m[1]), round(us / (100 - us), 1)


def _key_trade(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    us = d.trade_share("United States", "exports")
    yield "US share", float(m[1]), us
    yield "the rest", float(m[2]), round(100 - us, 1)
    yield "NORAD's year", int(m[3]), d.event_day("NORAD agreement between").year


def _norad(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "NORAD agreement", _day(m[1]), d.event_day("NORAD agreement between")
    renewal = d.timeline[d.timeline["event"].str.contains("renewed in May 2006")]
    yield "renewal month", m[2], renewal["date"].iloc[0].strftime("%B %Y")


def _modernisation(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
    yield "first funding", float(m[1]), d.amount("NORAD modernisation: first funding")
    yield "estimated total", float(m[2]), d.amount("NORAD modernisation: estimated total")


def _fact(*keys: str) -> Check:
    def check(m: re.Match[str], d: Data) -> Iterator[tuple[str, object, object]]:
        del d
        for key, said in zip(keys, m.groups(), strict=True):
            value = FACTS[key][0]
            yield key, _day(said) if isinstance(value, pd.Timestamp) else int(said), value

    return check


def rx(pattern: str) -> str:
    """A claim's pattern with NUM for a number (a trailing full stop is not part of it)."""
    return pattern.replace("NUM", r"(\d+(?:\.\d+)?)")


CLAIMS: dict[str, tuple[str, Check]] = {
    "rises": (rx(r"2014 to 2015 \(NUM to NUM\), 2016 to 2017 \(NUM to NUM\) and 2024 to"
                 r" 2025 \(NUM to NUM\)"), _rises),
    "key-rise": (rx(r"rose from NUM% \(2024\) to NUM% of GDP \(2025\).*?\"over \$NUM billion\""),
                 _key_rise),
    "plan": (rx(r"with \"over \$NUM billion\" more for 2025-26 \(the PMO release\)"),
             _amount("9 June 2025 plan: added defence investment")),
    "rutte": (r"\(Rutte, (\d+ \w+ \d{4}), as NATO's", _fact("rutte_day")),
    "budget": (rx(r"proposes \$NUM billion in cash over five years\" \(National Defence\), and, in"
                  r" the same budget's table of \"generational investments\", NUM billion for defence"
                  r" and security"), _budget),
    "dis-part": (rx(r"an initial investment of \$NUM billion\"\), so a sum"),
                 _amount("Budget 2025: initial Defence Industrial Strategy investment")),
    "accrual-sum": (rx(r"infrastructure and defence and security, NUM billion"), _accrual_sum),
    "scenario": (rx(r"core defence rises from NUM% of GDP in (\d{4}) to NUM% in (\d{4}), and"
                    r" reaches NUM billion dollars in 2035-36"), _scenario),
    "two-gdps": (r"About ([\d,]+) and ([\d,]+) billion: the two agree to within 1%", _two_gdps),
    "pbo-results": (rx(r"core spending on average NUM billion a year above current plans over the"
                       r" decade, a federal deficit higher by NUM billion \(NUM% of GDP\) in 2035-36,"
                       r" and a debt-to-GDP ratio NUM points higher"), _pbo_results),
    "almost-twice": (r"159 billion of 2035-36 alone is (almost twice) Budget 2025's 81.8 billion",
                     _almost_twice),
    "explorer-average": (rx(r"At NUM% nominal growth a year, the average a year above keeping 2.0% is"
                            r" close to the PBO's NUM"), _explorer_average),
    "counting": (rx(r"The rise of NUM billion, taken as a share of GDP, is NUM points: about the"
                    r" whole jump from NUM to NUM"), _counting),
    "key-counting": (rx(r"Up to the whole 2015 jump \(NUM points, NUM billion\)"), _key_counting),
    "goal": (r"awarded to Canadian\s+firms to (\d+)%", _fact("canadian_share_goal")),
    "dis-day": (r"On (\d+ \w+ \d{4}) the government published its Defence Industrial Strategy",
                _fact("dis_day")),
    "tariff-steps": (rx(r"US tariffs of NUM% from (\d+ \w+) 2025; goods that qualify under CUSMA \(the"
                        r" Canada\u2013United States\u2013Mexico Agreement\) exempt from (\d+ \w+);"
                        r" steel and aluminium at NUM% from (\d+ \w+); NUM% on goods outside CUSMA"
                        r" from (\d+ \w+)"), _tariff_steps),
    "counter-tariffs": (r"On (\d+ \w+) Carney announced .*? the order-in-council of (\d+ \w+) went"
                        r" further than the announcement, and the removal took effect on (\d+ \w+)",
                        _counter_tariffs),
    "days-25-35": (r"(How long) did the top rate on goods outside CUSMA take to go from 25% to 35%",
                   _days_25_35),
    "trade": (rx(r"The United States took NUM% of Canada's goods exports and supplied NUM% of its"
                 r" imports"), _trade),
    "rest": (rx(r"took 100 \u2212 NUM = NUM% of exports"), _rest),
    "per-dollar": (rx(r"it sold about NUM dollars to the United States"), _per_dollar),
    "key-trade": (rx(r"The United States took NUM% of Canada's goods exports in 2024; all other"
                     r" destinations together NUM%\. NORAD \(since (\d{4})\)"), _key_trade),
    "norad": (r"the agreement that established it to (\d+ \w+ \d{4}); the (\w+ \d{4}) renewal", _norad),
    "modernisation": (rx(r"announced NUM billion dollars over six years, reported as the first part of"
                         r" an estimated NUM billion over 20 years"), _modernisation),
    "arctic-day": (r"\(closing remarks, (\d+ \w+ \d{4})\)", _fact("arctic_day")),
}


# Numbers in the prose that are not a value of the lesson's data, each with why it may stand.
EXPLAINED_NUMBERS: dict[str, str] = {
    "1.5": "NATO's ancillary target (Hague Declaration), as in lessons 03-04",
    "70": "the industrial strategy's goal (FACTS, claim 'goal')",
    "100": "a share's whole, in '100 \u2212 75.9' and 'x 100'",
    "4,543": "computed, claims 'two-gdps'", "4,500": "computed, claims 'two-gdps'",
    "3.8": "computed, claims 'counting'", "0.19": "computed, claims 'counting'",
    "24.1": "computed, claims 'rest'", "3.1": "computed, claims 'per-dollar'",
    "170": "computed, claims 'accrual-sum'",
    "280": "inside a quote checked against data/", "85": "inside a quote checked against data/",
    "60": "minutes (header)", "45": "minutes (header)", "15": "minutes (header)",
    "1": "the two GDPs agree 'to within 1%' (claims 'two-gdps')",
    "20": "'over 20 years' (claims 'modernisation')",
}
# Parts of the prose whose digits are not figures: fiscal years, dates, lesson numbers, references.
NOT_FIGURES = re.compile(
    r"\d{4}-\d{2}\b|\b\d{1,2}\s+(?:" + "|".join(
        ("January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December")) + r")\b|\b(?:lesson|Lesson|ex)\s?0\d\b|\b0\d ·"
    r"|DND-2026-QP-\d+|section \d+\.\d+|\b(?:19|20)\d\d\b|30\u201340")


def number_problems(text: str, d: Data) -> list[str]:
    """Numbers in the prose that are neither a value of the data nor explained in EXPLAINED_NUMBERS."""
    text = re.sub(r"<https?://[^>]+>|`[^`]*`|\]\([^)]*\)", " ", text)
    text = NOT_FIGURES.sub(" ", text)
    allowed = set(EXPLAINED_NUMBERS)
    for v in d.money["value"]:
        allowed |= {f"{v:g}", f"{v:.1f}"}
    allowed |= {f"{v:g}" for v in d.trade["share_pct"].dropna()}
    allowed |= {f"{v:g}" for v in d.timeline["rate_pct"].dropna()}
    allowed |= {f"{v:.2f}" for v in d.nato.loc[d.nato["country"] == "Canada", "pct_gdp"]}
    found = re.findall(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\d])", text)
    return sorted({f"number: {n} is not a data value nor explained"
                   for n in (f.rstrip(",") for f in found) if n not in allowed})


def date_problems(text: str, d: Data) -> list[str]:
    """Full dates in the prose that are neither a data date nor a facts.md constant."""
    known = d.known_dates()
    flat = " ".join(text.split())
    return [f"date: {day} {month} {year} is not in data/ or FACTS"
            for day, month, year in FULL_DATE.findall(flat)
            if _day(f"{day} {month} {year}") not in known]


def quote_problems(text: str) -> list[str]:
    """Quotes the lesson makes that are not in QUOTES (pieces around '…' may be cut)."""
    approved = [" ".join(q.split()).lower() for q in QUOTES]
    bad = []
    for quote in quotes(text.replace("\\$", "$")):
        parts = [p.strip(" .,;:").lower() for p in quote.split("…")]
        if not all(any(p in a for a in approved) for p in parts if p):
            bad.append(f"quote: not sourced: {quote!r}")
    return bad


def claim_problems(cells: list[str], d: Data) -> list[str]:
    """Every number, date, quote or wording in the prose that disagrees with the sources."""
    text = "\n\n".join(cells)
    flat = " ".join(text.split())
    problems = prose_claims.claim_problems(flat, CLAIMS, d, __name__)
    problems += date_problems(text, d)
    problems += number_problems(text, d)
    problems += quote_problems(text)
    problems += [f"wording: {w!r} is missing" for w in REQUIRED if w not in flat]
    for sentence in re.split(r"(?<=[.!?])\s+", flat):
        if any(p.search(sentence) for p in FORBIDDEN) and not any(w in sentence for w in NEGATIONS):
            problems.append(f"wording: an unsupported claim is stated as a result: {sentence!r}")
    return problems


@cache
def course_data() -> Data:
    return Data(load("nato_spending"), load("canada_money"), load("canada_counting"),
                load("canada_us_timeline"), load("canada_trade"))


@cache
def lesson_markdown() -> tuple[str, ...]:
    return markdown_cells(NOTEBOOK)


def test_lesson_prose_agrees_with_the_data_and_the_notes() -> None:
    assert claim_problems(list(lesson_markdown()), course_data()) == []


@pytest.mark.parametrize(
    ("right", "wrong", "reported"),
    [
        ("2014 to 2015 (1.01 to 1.20)", "2014 to 2015 (1.01 to 1.30)", "rises"),
        ("(1.47 to 2.01)", "(1.45 to 2.01)", "rises"),
        ("from 1.47% (2024) to 2.01%", "from 1.47% (2024) to 2.1%", "key-rise"),
        ('"over $9 billion" more for 2025-26', '"over $8 billion" more for 2025-26', "plan"),
        ("(Rutte, 26 January 2026", "(Rutte, 25 January 2026", "rutte"),
        ("and, in the\nsame budget's table", "and, in the\nsame budget's list", "budget"),
        ("30 billion for defence and security", "35 billion for defence and security", "budget"),
        ("$6.6 billion\"), so", "$6.5 billion\"), so", "dis-part"),
        ("defence and security, 170 billion", "defence and security, 175 billion", "accrual-sum"),
        ("and reaches 159 billion", "and reaches 169 billion", "scenario"),
        ("About 4,543 and 4,500 billion", "About 4,543 and 4,600 billion", "two-gdps"),
        ("higher by 63 billion (1.4% of GDP) in 2035-36, and\na", "higher by 63 billion (1.5% of GDP) in"
         " 2035-36, and\na", "pbo-results"),
        ("ratio 6.3 points higher", "ratio 3.6 points higher", "pbo-results"),
        ("At 3.5% nominal growth", "At 6.0% nominal growth", "explorer-average"),
        ("is 0.19 points: about the whole", "is 0.29 points: about the whole", "counting"),
        ("(0.19 points, 3.8 billion)", "(0.19 points, 4.8 billion)", "key-counting"),
        ("firms to 70%", "firms to 75%", "goal"),
        ("On 17 February 2026 the government", "On 18 February 2026 the government", "dis-day"),
        ("US tariffs of 25% from 4 March 2025", "US tariffs of 25% from 5 March 2025", "tariff-steps"),
        ("at 50% from 4 June", "at 50% from 4 July", "tariff-steps"),
        ("35% on goods outside CUSMA from 1", "30% on goods outside CUSMA from 1", "tariff-steps"),
        ("order-in-council of 29 August", "order-in-council of 28 August", "counter-tariffs"),
        ("supplied 62.2% of its", "supplied 26.2% of its", "trade"),
        ("100 \u2212 75.9 = 24.1%", "100 \u2212 75.9 = 25.1%", "rest"),
        ("about 3.1 dollars", "about 4.1 dollars", "per-dollar"),
        ("NORAD (since 1958)", "NORAD (since 1957)", "key-trade"),
        ("to 12 May 1958;", "to 12 May 1957;", "norad"),
        ("the May 2006\nrenewal", "the June 2006\nrenewal", "norad"),
        ("estimated 40 billion over 20 years", "estimated 38 billion over 20 years", "modernisation"),
        ("On 22 August Carney", "On 21 August 2025 Carney", "date"),
        ('"the additional amounts are not material"', '"the additional amounts are material"', "quote"),
        ('"increasingly open Arctic waters', '"increasingly open northern waters', "quote"),
        ("The course does not teach either as a result.", "Canada will buy Gripen.", "wording"),
        ("1.01 in 2014, 1.20 in 2015, between 1.16 and 1.47", "about 1.0 in 2014, 1.2 in 2015, between 1.2"
         " and 1.45", "number"),
        ("on top.", "on top (about 12 billion more).", "number"),
        ("conclusion is an upper bound: *up to* the whole 2015\njump may be counting, and the data cannot"
         " say how much less.", "conclusion: the whole 2015 jump was counting.", "wording"),
    ],
)
def test_a_wrong_fact_in_the_prose_is_reported(right: str, wrong: str, reported: str) -> None:
    """Each check can fail: changing one quoted fact is caught, and named in the message."""
    assert_wrong_text_is_reported(
        lesson_markdown(), right, wrong, reported, lambda cells: claim_problems(cells, course_data()))


def _set_value(d: Data, item: str, value: float, unit: str = "C$ bn") -> Data:
    money = d.money.copy()
    money.loc[(money["item"] == item) & (money["unit"] == unit), "value"] = value
    return replace(d, money=money)


@pytest.mark.parametrize(
    ("edit", "reported"),
    [
        (lambda d: _set_value(d, SPENDING_2035, 169.0), "scenario"),
        (lambda d: _set_value(d, "Budget 2025: defence over five years", 80.0), "budget"),
        (lambda d: replace(d, trade=d.trade.assign(share_pct=d.trade["share_pct"].replace(75.9, 76.9))),
         "rest"),
        (lambda d: replace(d, timeline=d.timeline.assign(
            rate_pct=d.timeline["rate_pct"].replace(35.0, 30.0))), "tariff-steps"),
        (lambda d: replace(d, counting=d.counting.assign(amount_known=True)), "counting"),
    ],
)
def test_a_change_in_the_data_is_reported(edit, reported: str) -> None:
    """The other direction: if data/ changes under the lesson, the prose is flagged as stale."""
    problems = claim_problems(list(lesson_markdown()), edit(course_data()))
    assert any(p.startswith(reported) for p in problems), problems


# ------------------------------------------------------------------- facts.md and the data's own words

def quote_origin_problems(data_text: str, notes: str) -> list[str]:
    """Quotes whose words are not where QUOTES says they are (facts.md or the data files)."""
    flat_data = " ".join(data_text.split())
    missing = []
    for quote, origin in QUOTES.items():
        where = {"facts": notes, "data": flat_data}.get(origin)
        pieces = [p.strip(" .,;:") for p in quote.split("…")]
        if where is not None and not all(p in where for p in pieces):
            missing.append(f"{origin}: {quote!r}")
    return missing


@needs_notes
def test_every_constant_and_quote_is_where_it_says() -> None:
    missing = [key for key, (_, text) in FACTS.items() if " ".join(text.split()) not in facts_text()]
    assert missing == []
    assert quote_origin_problems(course_data().text(), facts_text()) == []


@needs_notes
def test_a_quote_that_no_source_holds_is_reported() -> None:
    QUOTES["the additional amounts are material"] = "data"
    try:
        assert quote_origin_problems(course_data().text(), facts_text()) == [
            "data: 'the additional amounts are material'"]
    finally:
        del QUOTES["the additional amounts are material"]


# ------------------------------------------------------------------- quiz bank

@cache
def bank() -> Quiz:
    return load_quiz(BANK)


def test_every_quiz_question_is_shown_once_in_order() -> None:
    assert quiz_ids_shown(NOTEBOOK, BANK) == [q.id for q in bank().questions]


def test_quiz_answers_are_the_data() -> None:
    d = course_data()
    assert bank().answer("q1", round(d.canada(2025) - d.canada(2024), 2)).correct
    assert not bank().answer("q1", d.canada(2025)).correct
    assert bank().answer("q3", d.amount(SPENDING_2035) / 3.5 * 100).correct
    assert not bank().answer("q3", d.amount(SPENDING_2035) / 0.35).correct
    rest = 100 - d.trade_share("United States", "exports")
    assert bank().answer("q6", rest).correct
    assert not bank().answer("q6", d.trade_share("United States", "imports")).correct


def test_at_least_40_percent_of_questions_judge_evidence() -> None:
    questions = bank().questions
    judging = [q for q in questions if q.skill == "judge"]
    assert len(judging) / len(questions) >= 0.4


def test_the_evidence_questions_refuse_the_tempting_answers() -> None:
    assert bank().answer("q4", "Up to the whole rise may be counting; the PBO gives no separate amount, so"
                               " the split is unknown").correct
    assert not bank().answer("q4", "The whole rise was counting").correct
    decided = ['A Defence Industrial Strategy built on "Build-Partner-Buy"',
               "A goal of awarding 70% of defence acquisitions to Canadian firms",
               "An agency named the Defence Investment Agency"]
    assert bank().answer("q5", decided).correct
    assert not bank().answer("q5", [*decided, "Canada has cancelled its F-35 purchase"]).correct
    assert not bank().answer(
        "q2", "Together they make 111.8 billion for defence over the five years of the budget").correct


def test_no_question_repeats_an_earlier_lessons() -> None:
    earlier = [q.prompt for name in EARLIER_BANKS for q in load_quiz(name).questions]
    assert repeated_prompts([q.prompt for q in bank().questions], earlier) == []


def test_the_repeat_check_can_fail() -> None:
    earlier = load_quiz("05-what-canada-joined").questions[0].prompt
    assert repeated_prompts([earlier.replace("EEAS", "European External Action Service")], [earlier])


def test_every_plot_has_a_figure_description() -> None:
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    shows = [i for i, c in enumerate(cells) if "plt.show()" in c.source or "path_explorer()" in c.source]
    assert len(shows) == 2
    for i in shows:
        assert cells[i + 1].cell_type == "markdown"
        assert cells[i + 1].source.startswith("*Figure description:*")
