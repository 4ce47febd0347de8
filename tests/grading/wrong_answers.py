"""Wrong answers learners plausibly hand in, one per rule an exercise prompt states.

Each entry is code appended after the worked solution (as a learner's last cell would be). Every
one must fail its question's public checks (`test_public_checks_catch_mistakes.py`), so that the
inline `check()` never shows a pass for it; those in `GRADER_ISOLATED` also go through the real
grader, which must fail exactly that question (`test_exercise_mistakes.py`).
"""

from __future__ import annotations

WRONG_ANSWERS: dict[tuple[str, str, str], str] = {
    # --- ex01 ---------------------------------------------------------------------------------
    # "in the order of the table"
    ("ex01-the-news", "q1", "sorted-by-category"): """
june_2025 = timeline[timeline["date"].between("2025-06-01", "2025-06-30")].sort_values("category")
""",
    # "with all the table's columns"
    ("ex01-the-news", "q1", "columns-dropped"): """
june_2025 = timeline.loc[timeline["date"].between("2025-06-01", "2025-06-30"),
                         ["date", "event", "category"]]
""",
    # "over the whole timeline"
    ("ex01-the-news", "q2", "recent-years-only"): """
events_per_category = timeline.loc[timeline["date"].dt.year >= 2025, "category"].value_counts()
""",
    # "a Series ... indexed by category"
    ("ex01-the-news", "q2", "a-dataframe"): """
events_per_category = timeline["category"].value_counts().reset_index()
""",
    # "Canada's signature of the SAFE agreement": the first 'SAFE agreement' row is the end of talks.
    ("ex01-the-news", "q3", "end-of-talks-row"): """
safe_row = timeline.loc[timeline["event"].str.contains("SAFE agreement"), "date"].iloc[0]
days_to_safe_signature = (safe_row - sdp_date).days
""",
    # "the number of days from ... to ...": counting both end days.
    ("ex01-the-news", "q3", "both-ends-counted"): """
days_to_safe_signature = (safe_signature_date - sdp_date).days + 1
""",
    # "both included": the end day left out.
    ("ex01-the-news", "q4", "end-excluded"): """
def events_between(start, end):
    return timeline[(timeline["date"] >= start) & (timeline["date"] < end)]
""",
    # "both included": the start day left out.
    ("ex01-the-news", "q4", "start-excluded"): """
def events_between(start, end):
    return timeline[(timeline["date"] > start) & (timeline["date"] <= end)]
""",
    # "sorted by date"
    ("ex01-the-news", "q4", "sorted-by-category"): """
def events_between(start, end):
    return timeline[timeline["date"].between(start, end)].sort_values("category", kind="stable")
""",
    # "the unit starts with EUR": only the billions.
    ("ex01-the-news", "q5", "billions-only"): """
eur_amounts = key_amounts.loc[key_amounts["unit"] == "EUR bn", ["entity", "value", "unit"]]
""",
    # "in the order of the table"
    ("ex01-the-news", "q5", "sorted-by-value"): """
eur_amounts = eur_amounts.sort_values("value", ascending=False)
""",
    # --- ex02 ---------------------------------------------------------------------------------
    # "the EU member states"
    ("ex02-two-clubs", "q1", "nato-members"): """
eu_members = sorted(membership.loc[membership["nato_member"], "country"])
""",
    # "a sorted list"
    ("ex02-two-clubs", "q1", "reverse-sorted"): """
eu_members = sorted(membership.loc[membership["eu_member"], "country"], reverse=True)
""",
    # "the number of countries in each category"
    ("ex02-two-clubs", "q2", "shares-not-counts"): """
category_counts = membership["category"].value_counts(normalize=True)
""",
    # "EU member states that are not NATO Allies"
    ("ex02-two-clubs", "q3", "reversed-difference"): """
eu_not_nato = sorted(nato_set - eu_set)
""",
    # "a sorted list"
    ("ex02-two-clubs", "q3", "reverse-sorted"): """
eu_not_nato = sorted(eu_set - nato_set, reverse=True)
""",
    # "NATO Allies that are not EU member states"
    ("ex02-two-clubs", "q4", "all-nato"): """
nato_not_eu = sorted(nato_set)
""",
    # "a sorted list"
    ("ex02-two-clubs", "q4", "reverse-sorted"): """
nato_not_eu = sorted(nato_set - eu_set, reverse=True)
""",
    # "sorted by decade"
    ("ex02-two-clubs", "q5", "largest-first"): """
joins_by_decade = decades.value_counts()
""",
    # "no rows with a count of 0"
    ("ex02-two-clubs", "q5", "empty-decades-kept"): """
joins_by_decade = decades.value_counts().reindex(range(1940, 2030, 10), fill_value=0)
""",
    # "by the end of year, the year itself included"
    ("ex02-two-clubs", "q6", "year-excluded"): """
def members_by(year):
    nato = membership[membership["nato_member"]]
    return sorted(nato.loc[nato["nato_join_year"] < year, "country"])
""",
    # "use the nato_join_year column: nato_join_date is filled only where a source gives the day"
    ("ex02-two-clubs", "q6", "join-date-instead-of-year"): """
def members_by(year):
    joined = membership["nato_join_date"].dt.year <= year
    return sorted(membership.loc[joined.fillna(False), "country"])
""",
    # --- ex03 ---------------------------------------------------------------------------------
    # "one row per Ally": pivot_table drops Iceland, whose figures are all missing.
    ("ex03-who-pays", "q1", "pivot-table-drops-iceland"): """
spending_wide = allies.pivot_table(index="country", columns="year", values="pct_gdp")
""",
    # "one row per Ally ..., one column per year"
    ("ex03-who-pays", "q1", "transposed"): """
spending_wide = allies.pivot(index="year", columns="country", values="pct_gdp")
""",
    # "at least 2%": > instead of >= (2025 has figures of exactly 2.00).
    ("ex03-who-pays", "q2", "strict-inequality"): """
allies_at_2pct = (spending_wide > 2).sum()
""",
    # "how many Allies": a share instead of a count.
    ("ex03-who-pays", "q2", "share-not-count"): """
allies_at_2pct = (spending_wide >= 2).mean()
""",
    # "Canada's pct_gdp"
    ("ex03-who-pays", "q3", "another-ally"): """
canada_path = spending_wide.loc["United States"]
""",
    # "2014 to 2025": the 2025 estimate dropped.
    ("ex03-who-pays", "q3", "estimate-dropped"): """
canada_path = spending_wide.loc["Canada", 2014:2024]
""",
    # "difference = pct_gdp - milex_pct_gdp"
    ("ex03-who-pays", "q4", "reversed-difference"): """
nato_vs_sipri = nato_vs_sipri.assign(difference=-nato_vs_sipri["difference"])
""",
    # "keep only country-years present in both"
    ("ex03-who-pays", "q4", "left-merge"): """
nato_vs_sipri = allies.merge(sipri[["iso3", "year", "country", "milex_pct_gdp"]],
                             on=["iso3", "year"], how="left", suffixes=("", "_sipri"))
nato_vs_sipri["difference"] = nato_vs_sipri["pct_gdp"] - nato_vs_sipri["milex_pct_gdp"]
""",
    # "NATO minus SIPRI"
    ("ex03-who-pays", "q5", "sipri-minus-nato"): """
canada_gap_2024 = -canada_gap_2024
""",
    # "Canada in 2024"
    ("ex03-who-pays", "q5", "another-year"): """
row = nato_vs_sipri[(nato_vs_sipri["country"] == "Canada") & (nato_vs_sipri["year"] == 2023)]
canada_gap_2024 = float(row["difference"].iloc[0])
""",
    # "at least threshold": > instead of >=.
    ("ex03-who-pays", "q6", "strict-inequality"): """
def allies_at_or_above(threshold, year):
    rows = spending_wide[year]
    return sorted(rows[rows > threshold].index)
""",
    # "for the Allies with a 2025e figure": a missing figure taken as a gap of 3.5.
    ("ex03-who-pays", "q8", "missing-as-full-gap"): """
core_gap_2025 = (3.5 - spending_wide[2025].fillna(0)).clip(lower=0)
""",
    # "0 for an Ally at or above it": negative gaps kept.
    ("ex03-who-pays", "q8", "negative-gaps"): """
core_gap_2025 = 3.5 - spending_wide[2025].dropna()
""",
    # "below the 3.5% floor": measured against 5%.
    ("ex03-who-pays", "q8", "against-five"): """
core_gap_2025 = (5 - spending_wide[2025].dropna()).clip(lower=0)
""",
    # --- ex04 (the four of issue 21 first) ----------------------------------------------------
    # "0 if there; None if no figure": no floor at 0, no None.
    ("ex04-did-the-pressure-work", "q2", "no-floor-no-none"): """
def gap_to_core(latest_pct):
    return 3.5 - latest_pct
""",
    # "the rise per year ... from latest_pct in year": the year ignored.
    ("ex04-did-the-pressure-work", "q3", "year-ignored"): """
def rise_per_year(latest_pct, year, by_year=2035):
    gap = gap_to_core(latest_pct)
    return None if gap is None else gap / 10
""",
    # "paths": built from the two wrong functions above.
    ("ex04-did-the-pressure-work", "q4", "from-wrong-functions"): """
def gap_to_core(latest_pct):
    return 3.5 - latest_pct

def rise_per_year(latest_pct, year, by_year=2035):
    return gap_to_core(latest_pct) / 10

paths = latest.assign(
    gap=[gap_to_core(p) for p in latest["pct_gdp"]],
    rise_per_year=[rise_per_year(p, y) for p, y in zip(latest["pct_gdp"], latest["year"])],
)
""",
    # "Growth compounds": simple instead of compound growth.
    ("ex04-did-the-pressure-work", "q5", "simple-growth"): """
def money_index(share_now, share_then, growth_pct, years):
    return 100 * share_then / share_now * (1 + growth_pct / 100 * years)
""",
    # "most recent year that has a figure": groupby().last() pairs columns from different rows.
    ("ex04-did-the-pressure-work", "q1", "groupby-last"): """
latest = allies.groupby("country")[["year", "pct_gdp"]].last()
""",
    # "most recent year that has a figure": the empty 2025 cells kept.
    ("ex04-did-the-pressure-work", "q1", "empty-cells-kept"): """
latest = (allies[allies["country"] != "Iceland"].sort_values("year").groupby("country").tail(1)
          .set_index("country")[["year", "pct_gdp"]])
""",
    # "None if no figure": NaN let through as a zero gap (max(0, nan) is 0).
    ("ex04-did-the-pressure-work", "q2", "nan-as-zero-gap"): """
def gap_to_core(latest_pct):
    return None if latest_pct is None else max(0.0, 3.5 - latest_pct)
""",
    # "at or above 3.5% has a gap of 0": a negative gap.
    ("ex04-did-the-pressure-work", "q2", "negative-gap"): """
def gap_to_core(latest_pct):
    if latest_pct is None or math.isnan(latest_pct):
        return None
    return 3.5 - latest_pct
""",
    # "ten years always": wrong for a 2024e start.
    ("ex04-did-the-pressure-work", "q3", "ten-years-always"): """
def rise_per_year(latest_pct, year, by_year=2035):
    gap = gap_to_core(latest_pct)
    return None if gap is None else gap / (2035 - 2025)
""",
    # "to 3.5% in by_year": a fixed 2035.
    ("ex04-did-the-pressure-work", "q3", "by-year-ignored"): """
def rise_per_year(latest_pct, year, by_year=2035):
    gap = gap_to_core(latest_pct)
    return None if gap is None else gap / (2035 - year)
""",
    # "an Ally with no figure gives None"
    ("ex04-did-the-pressure-work", "q3", "no-figure-raises"): """
def rise_per_year(latest_pct, year, by_year=2035):
    return gap_to_core(latest_pct) / (by_year - year)
""",
    # "one row per Ally" with each Ally's own year: every path from 2025.
    ("ex04-did-the-pressure-work", "q4", "all-from-2025"): """
paths = latest.assign(
    gap=[gap_to_core(p) for p in latest["pct_gdp"]],
    rise_per_year=[rise_per_year(p, 2025) for p in latest["pct_gdp"]],
)
""",
    # "the money behind share_then ... today's money = 100": the ratio upside down.
    ("ex04-did-the-pressure-work", "q5", "ratio-inverted"): """
def money_index(share_now, share_then, growth_pct, years):
    return 100 * share_now / share_then * (1 + growth_pct / 100) ** years
""",
    # --- ex05 ---------------------------------------------------------------------------------
    # "four whole numbers": diff()'s first NaN kept.
    ("ex05-what-canada-joined", "q1", "first-nan-kept"): """
step_days = steps["date"].diff().dt.days.tolist()
""",
    # "in date order"
    ("ex05-what-canada-joined", "q1", "sorted-by-size"): """
step_days = sorted(int(days) for days in steps["date"].diff().dt.days.dropna())
""",
    # "the number of days from ... to ...": counting both end days.
    ("ex05-what-canada-joined", "q2", "both-ends-counted"): """
total_days = int((steps["date"].max() - steps["date"].min()).days) + 1
""",
    # "only if its window ends before b's begins": the starts compared.
    ("ex05-what-canada-joined", "q3", "earliest-only"): """
def surely_before(a, b):
    windows = partnerships.set_index("partner")
    return bool(windows.loc[a, "earliest"] < windows.loc[b, "earliest"])
""",
    # "False ... when they were signed on the same day": <= instead of <.
    ("ex05-what-canada-joined", "q3", "same-day-counts"): """
def surely_before(a, b):
    windows = partnerships.set_index("partner")
    return bool(windows.loc[a, "latest"] <= windows.loc[b, "earliest"])
""",
    # "dated to the day": every partner has an earliest date.
    ("ex05-what-canada-joined", "q4", "earliest-not-day"): """
known_to_the_day = sorted(partnerships.loc[partnerships["earliest"].notna(), "partner"])
""",
    # "one row per partner (all eight)": an inner merge.
    ("ex05-what-canada-joined", "q5", "inner-merge"): """
partner_clubs = partnerships.merge(
    membership[["country", "nato_member", "eu_member"]], left_on="partner", right_on="country",
)[["partner", "nato_member", "eu_member"]]
""",
    # "True or False": unmatched rows keep NaN.
    ("ex05-what-canada-joined", "q5", "nan-kept"): """
partner_clubs = partnerships.merge(
    membership[["country", "nato_member", "eu_member"]], left_on="partner", right_on="country",
    how="left",
)[["partner", "nato_member", "eu_member"]]
""",
    # "in the order of partnerships"
    ("ex05-what-canada-joined", "q5", "sorted-by-name"): """
partner_clubs = partner_clubs.sort_values("partner").reset_index(drop=True)
""",
    # "the partners that are NATO Allies"
    ("ex05-what-canada-joined", "q6", "every-partner"): """
nato_partners = sorted(partner_clubs["partner"])
""",
    # "a sorted list"
    ("ex05-what-canada-joined", "q6", "table-order"): """
nato_partners = partner_clubs.loc[partner_clubs["nato_member"], "partner"].tolist()
""",
    # --- ex06 (Canada's side) ------------------------------------------------------------------
    # q2 summing every basis: the 6.6 bn inside the 81.8 bn is counted twice.
    ("ex06-canadas-side", "q2", "part-added-to-whole"): """
sums = budget.groupby("basis")["value"].sum()
budget_by_basis = {"cash": float(sums["cash"] + sums["not stated"]), "accrual": float(sums["accrual"])}
""",
    # q4 filtering on "tariffs" in the topic: Canada's counter-tariffs come too.
    ("ex06-canadas-side", "q4", "counter-tariffs-kept"): """
tariff_rows = timeline["topic"].str.contains("tariffs")
us_tariff_steps = timeline.loc[tariff_rows, ["date", "rate_pct"]].sort_values("date")
""",
    # --- ex07 ---------------------------------------------------------------------------------
    # "do not round"
    ("ex07-a-new-alignment", "q1", "rounded-gap"): """
gap_by_year = gap_by_year.round(1)
""",
    # "the United States' pct_gdp minus the aggregate's"
    ("ex07-a-new-alignment", "q1", "reversed"): """
gap_by_year = -gap_by_year
""",
    # "only the years in which both have a figure"
    ("ex07-a-new-alignment", "q1", "nan-year-kept"): """
gap_by_year = pair["United States"] - pair["NATO Europe and Canada"]
""",
    # "higher than": the United States itself counted.
    ("ex07-a-new-alignment", "q2", "at-or-above"): """
above_us_2024 = sorted(in_2024[in_2024 >= in_2024["United States"]].index)
""",
    # "a sorted list"
    ("ex07-a-new-alignment", "q2", "largest-first"): """
above_us_2024 = in_2024[in_2024 > in_2024["United States"]].sort_values(ascending=False).index.tolist()
""",
    # "using only the secondary rows": two price bases mixed.
    ("ex07-a-new-alignment", "q3", "mixed-price-bases"): """
usd = amounts[amounts["measure"] == "defence expenditure (USD)"].groupby("entity")["value"].sum()
us_share_usd_2025 = usd["United States"] / usd["NATO total"] * 100
""",
    # "using only the secondary rows": the unverified ones instead.
    ("ex07-a-new-alignment", "q3", "unverified-rows"): """
usd = amounts[(amounts["measure"] == "defence expenditure (USD)")
              & (amounts["reliability"] == "unverified")].set_index("entity")["value"]
us_share_usd_2025 = usd["United States"] / usd["NATO total"] * 100
""",
    # "an empty cell ... is not a zero": Germany's empty 2025 cell read as below.
    ("ex07-a-new-alignment", "q4", "missing-is-below"): """
def share_verdict(country, year, threshold):
    rows = allies.loc[(allies["country"] == country) & (allies["year"] == year), "pct_gdp"]
    if rows.empty:
        return "no figure"
    return "at or above" if rows.iloc[0] >= threshold else "below"
""",
    # "at least threshold": a fixed 2%.
    ("ex07-a-new-alignment", "q4", "threshold-ignored"): """
def share_verdict(country, year, threshold):
    rows = allies.loc[(allies["country"] == country) & (allies["year"] == year), "pct_gdp"].dropna()
    if rows.empty:
        return "no figure"
    return "at or above" if rows.iloc[0] >= 2 else "below"
""",
    # "a name that is not in the table": an unknown name raises.
    ("ex07-a-new-alignment", "q4", "unknown-name-raises"): """
def share_verdict(country, year, threshold):
    value = allies.set_index(["country", "year"]).loc[(country, year), "pct_gdp"]
    if value != value:
        return "no figure"
    return "at or above" if value >= threshold else "below"
""",
    # "unverified ones left out"
    ("ex07-a-new-alignment", "q5", "unverified-kept"): """
tally = evidence["direction"].value_counts()
""",
}

#: The wrong answers that break only their own question (a wrong function used by a later answer
#: breaks that one too): the grader test checks each fails exactly its question.
GRADER_ISOLATED: tuple[tuple[str, str, str], ...] = (
    ("ex02-two-clubs", "q6", "join-date-instead-of-year"),
    ("ex03-who-pays", "q4", "reversed-difference"),
    ("ex03-who-pays", "q6", "strict-inequality"),
    ("ex04-did-the-pressure-work", "q1", "groupby-last"),
    ("ex04-did-the-pressure-work", "q2", "nan-as-zero-gap"),
    ("ex04-did-the-pressure-work", "q3", "ten-years-always"),
    ("ex04-did-the-pressure-work", "q5", "simple-growth"),
    ("ex05-what-canada-joined", "q1", "first-nan-kept"),
    ("ex05-what-canada-joined", "q3", "earliest-only"),
    ("ex05-what-canada-joined", "q5", "inner-merge"),
    ("ex05-what-canada-joined", "q5", "nan-kept"),
    ("ex06-canadas-side", "q2", "part-added-to-whole"),
    ("ex06-canadas-side", "q4", "counter-tariffs-kept"),
    ("ex07-a-new-alignment", "q1", "rounded-gap"),
    ("ex07-a-new-alignment", "q3", "mixed-price-bases"),
    ("ex07-a-new-alignment", "q4", "missing-is-below"),
)
