"""The hidden checks catch the mistakes learners really make, not only untouched placeholders.

Each case is the worked solution with one plausible mistake appended as a final cell; grading it
must fail exactly the question the mistake belongs to, and keep the others' points.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from defence_course.grading import grade
from defence_course.grading.sandbox import GIB, Limits

REPO = Path(__file__).resolve().parents[2]
LIMITS = Limits(timeout=20, memory_bytes=2 * GIB)

MISTAKES = {
    # ex03 q6 with > instead of >=: only the 2025 figures of exactly 2.00 tell them apart.
    ("ex03-who-pays", "q6", "strict-inequality"): """
def allies_at_or_above(threshold, year):
    rows = spending_wide[year]
    return sorted(rows[rows > threshold].index)
""",
    # ex03 q4 with SIPRI minus NATO instead of NATO minus SIPRI.
    ("ex03-who-pays", "q4", "reversed-difference"): """
nato_vs_sipri = nato_vs_sipri.assign(difference=-nato_vs_sipri["difference"])
""",
    # ex04 q1 with groupby().last(): it takes each column's last non-missing value separately, so
    # Germany gets the year 2025 with its 2024 figure, and Iceland (no figure) stays in.
    ("ex04-did-the-pressure-work", "q1", "groupby-last"): """
latest = allies.groupby("country")[["year", "pct_gdp"]].last()
""",
    # ex04 q2 that lets a missing figure through as NaN: max(0, nan) is 0, a zero gap.
    ("ex04-did-the-pressure-work", "q2", "nan-as-zero-gap"): """
def gap_to_core(latest_pct):
    return None if latest_pct is None else max(0.0, 3.5 - latest_pct)
""",
    # ex04 q3 with ten years for everyone: wrong for the Allies whose latest figure is 2024e.
    ("ex04-did-the-pressure-work", "q3", "ten-years-always"): """
def rise_per_year(latest_pct, year, by_year=2035):
    gap = gap_to_core(latest_pct)
    return None if gap is None else gap / 10
""",
    # ex04 q5 with simple instead of compound growth.
    ("ex04-did-the-pressure-work", "q5", "simple-growth"): """
def money_index(share_now, share_then, growth_pct, years):
    return 100 * share_then / share_now * (1 + growth_pct / 100 * years)
""",
    # ex05 q3 compares the windows' starts: Norway's "May 2024" would come before Moldova's 21 May.
    ("ex05-what-canada-joined", "q3", "earliest-only"): """
def surely_before(a, b):
    windows = partnerships.set_index("partner")
    return bool(windows.loc[a, "earliest"] < windows.loc[b, "earliest"])
""",
    # ex05 q5 with an inner merge: Moldova, South Korea and Japan silently disappear.
    ("ex05-what-canada-joined", "q5", "inner-merge"): """
partner_clubs = partnerships.merge(
    membership[["country", "nato_member", "eu_member"]], left_on="partner", right_on="country",
)[["partner", "nato_member", "eu_member"]]
""",
    # ex05 q5 with a left merge whose unmatched rows keep NaN instead of False.
    ("ex05-what-canada-joined", "q5", "nan-kept"): """
partner_clubs = partnerships.merge(
    membership[["country", "nato_member", "eu_member"]], left_on="partner", right_on="country",
    how="left",
)[["partner", "nato_member", "eu_member"]]
""",
    # ex05 q1 keeps diff()'s NaN for the first step (five values, the first missing).
    ("ex05-what-canada-joined", "q1", "first-nan-kept"): """
step_days = steps["date"].diff().dt.days.tolist()
""",
    # ex06 (Canada's side) q2 summing every basis: the 6.6 bn inside the 81.8 bn is counted twice.
    ("ex06-canadas-side", "q2", "part-added-to-whole"): """
sums = budget.groupby("basis")["value"].sum()
budget_by_basis = {"cash": float(sums["cash"] + sums["not stated"]), "accrual": float(sums["accrual"])}
""",
    # ex06 (Canada's side) q4 filtering on "tariffs" in the topic: Canada's counter-tariffs come too.
    ("ex06-canadas-side", "q4", "counter-tariffs-kept"): """
tariff_rows = timeline["topic"].str.contains("tariffs")
us_tariff_steps = timeline.loc[tariff_rows, ["date", "rate_pct"]].sort_values("date")
""",
    # ex07 q4 treating an empty cell (Germany 2025) as a figure below the threshold.
    ("ex07-a-new-alignment", "q4", "missing-is-below"): """
def share_verdict(country, year, threshold):
    rows = allies.loc[(allies["country"] == country) & (allies["year"] == year), "pct_gdp"]
    if rows.empty:
        return "no figure"
    return "at or above" if rows.iloc[0] >= threshold else "below"
""",
    # ex07 q3 mixing the secondary and the unverified dollar totals (two price bases).
    ("ex07-a-new-alignment", "q3", "mixed-price-bases"): """
usd = amounts[amounts["measure"] == "defence expenditure (USD)"].groupby("entity")["value"].sum()
us_share_usd_2025 = usd["United States"] / usd["NATO total"] * 100
""",
    # ex07 q1 with the gap rounded before it is reported.
    ("ex07-a-new-alignment", "q1", "rounded-gap"): """
gap_by_year = gap_by_year.round(1)
""",
    # ex02 q6 read from nato_join_date, which is empty for most Allies.
    ("ex02-two-clubs", "q6", "join-date-instead-of-year"): """
def members_by(year):
    joined = membership["nato_join_date"].dt.year <= year
    return sorted(membership.loc[joined.fillna(False), "country"])
""",
}


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "question", "mistake"), list(MISTAKES), ids=lambda v: str(v))
def test_a_plausible_mistake_fails_its_question_only(
    tmp_path: Path, exercise: str, question: str, mistake: str
) -> None:
    solution = nbformat.read(REPO / "solutions" / f"{exercise}.ipynb", as_version=4)
    solution.cells.append(nbformat.v4.new_code_cell(MISTAKES[(exercise, question, mistake)].strip()))
    submissions = tmp_path / "class"
    submissions.mkdir()
    nbformat.write(solution, submissions / f"{mistake}.ipynb")
    out = tmp_path / "grades.csv"
    grade(exercise, submissions, out, jobs=1, limits=LIMITS, root=REPO, progress=False, warn=lambda m: None)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["question"]: row for row in csv.DictReader(handle)}
    assert rows[question]["status"] == "failed", rows[question]
    assert "raised" not in rows[question]["message"], rows[question]["message"]
    others = {q: r["status"] for q, r in rows.items() if q != question and r["status"] != "manual"}
    assert set(others.values()) == {"passed"}, others
