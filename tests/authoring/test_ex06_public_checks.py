"""ex06's public checks: each rule a prompt states has a public check that a wrong answer fails.

A learner's inline check() must not pass an answer that breaks a stated rule (a rounded GDP, the
6.6 billion added twice, the counter-tariff rows kept, an unsorted table, imports for exports).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from defence_course.checks import Checker
from defence_course.data import load

REPO = Path(__file__).resolve().parents[2]
CHECK = Checker("ex06-canadas-side", REPO / "exercises" / "checks" / "ex06-canadas-side.yaml")


def _tariffs(topics: tuple[str, ...] = ("US tariffs",), columns: tuple[str, ...] = ("date", "rate_pct"),
             ascending: bool = True) -> pd.DataFrame:
    timeline = load("canada_us_timeline")
    rows = timeline.loc[timeline["topic"].isin(topics), list(columns)]
    return rows.sort_values("date", ascending=ascending).reset_index(drop=True)


RIGHT = {
    "q1": 159 / 3.5 * 100,
    "q2": {"cash": 81.8, "accrual": 170.0},
    "q3": 0.19,
    "q4": _tariffs(),
    "q5": 24.1,
}

# (question, the rule broken, a wrong answer that breaks only that rule)
WRONG = [
    ("q1", "a number", "4543"),
    ("q1", "billions, share as a fraction", 159 / 0.35),
    ("q1", "not rounded", 4543.0),
    ("q2", "a dict", [81.8, 170.0]),
    ("q2", "exactly two keys", {"cash": 81.8, "accrual": 170.0, "not stated": 6.6}),
    ("q2", "keys named cash and accrual", {"Cash": 81.8, "Accrual": 170.0}),
    ("q2", "the 6.6 billion not added", {"cash": 88.4, "accrual": 170.0}),
    ("q2", "accrual sums every accrual row", {"cash": 81.8, "accrual": 30.0}),
    ("q3", "a number", "0.19"),
    ("q3", "points of GDP, not billions", 3.8),
    ("q3", "divided by the 2015-16 total", round(3.8 / 20.1 * 1.2007246, 2)),
    ("q3", "rounded to two decimals", 3.8 / 23.9 * 1.2007246),
    ("q4", "a DataFrame", [25.0, 0.0, 50.0, 35.0]),
    ("q4", "not the counter-tariff rows", _tariffs(("US tariffs", "Canadian counter-tariffs"))),
    ("q4", "only date and rate_pct", _tariffs(columns=("date", "rate_pct", "event"))),
    ("q4", "sorted by date, earliest first", _tariffs(ascending=False)),
    ("q5", "a number", "24.1"),
    ("q5", "a share in percent", 0.241),
    ("q5", "exports, not imports", 37.8),
    ("q5", "rounded to one decimal", 24.099999),
]


@pytest.mark.parametrize("question", sorted(RIGHT))
def test_the_right_answer_passes_the_public_checks(question: str) -> None:
    report = CHECK.run(question, RIGHT[question])
    assert report.passed, report.text


@pytest.mark.parametrize(("question", "rule", "wrong"), WRONG, ids=[f"{q}-{r}" for q, r, _ in WRONG])
def test_an_answer_that_breaks_a_stated_rule_fails_a_public_check(
    question: str, rule: str, wrong: object
) -> None:
    report = CHECK.run(question, wrong)
    assert not report.passed, f"{question}: breaking '{rule}' passed the public checks"
