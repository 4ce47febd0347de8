"""Tests for the data package: dtypes, the schema, facts the reference states, and clear errors."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from defence_course import paths
from defence_course.cli import main as cli_main
from defence_course.cli.data import add_data_command
from defence_course.data import (
    DataNotFoundError,
    DataValidationError,
    UnknownDatasetError,
    describe,
    find_data_dir,
    list_datasets,
    load,
    source,
)
from defence_course.errors import DefenceCourseError
from defence_course.paths import DATA_ENV

REPO_DATA = Path(__file__).resolve().parents[2] / "data"

NAMES = ["nato_spending", "sipri_spending", "membership", "timeline", "key_amounts",
         "nato_revisions", "partnerships", "news_claims", "sdp_areas", "nato_vs_sdp",
         "canada_money", "canada_counting", "canada_us_timeline", "canada_trade", "alignment_claims"]

STR, BOOL, INT, NULLABLE_INT, FLOAT, DATE = "str", "bool", "int64", "Int64", "float64", "date"

EXPECTED_DTYPES: dict[str, dict[str, str]] = {
    "nato_spending": {
        "country": STR, "iso3": STR, "is_aggregate": BOOL, "year": INT, "pct_gdp": FLOAT,
        "is_estimate": BOOL, "edition": STR, "source": STR, "note": STR,
    },
    "sipri_spending": {
        "country": STR, "iso3": STR, "year": INT, "milex_pct_gdp": FLOAT, "region": STR,
        "source": STR,
    },
    "membership": {
        "country": STR, "iso3": STR, "nato_member": BOOL, "nato_join_year": NULLABLE_INT,
        "nato_join_date": DATE, "eu_member": BOOL, "eu_accession_year": NULLABLE_INT,
        "category": STR, "note": STR, "source_nato": STR, "source_eu": STR,
    },
    "timeline": {
        "date": DATE, "event": STR, "category": STR, "source": STR, "reliability": STR,
        "note": STR,
    },
    "key_amounts": {
        "entity": STR, "year": INT, "measure": STR, "value": FLOAT, "unit": STR,
        "price_basis": STR, "source": STR, "reliability": STR, "note": STR,
    },
    "nato_revisions": {
        "country": STR, "year": INT, "pct_gdp": FLOAT, "edition": STR, "published": DATE,
        "source": STR, "note": STR,
    },
    "partnerships": {
        "partner": STR, "iso3": STR, "signed_date": DATE, "signed_as_reported": STR,
        "earliest": DATE, "latest": DATE, "precision": STR, "source": STR, "reliability": STR,
        "note": STR,
    },
    "news_claims": {
        "claim": STR, "who_says_it": STR, "checkable": BOOL, "what_the_sources_say": STR,
        "verdict": STR, "source": STR,
    },
    "sdp_areas": {
        "area": STR, "named_by_eeas": BOOL, "named_by_norton_rose": BOOL, "source": STR,
    },
    "nato_vs_sdp": {"aspect": STR, "nato": STR, "sdp": STR, "source": STR},
    "canada_money": {
        "item": STR, "period": STR, "value": FLOAT, "unit": STR, "basis": STR, "published": DATE,
        "publisher": STR, "source": STR, "reliability": STR, "note": STR,
    },
    "canada_counting": {
        "item": STR, "counted_from": STR, "what_nato_allows": STR, "amount_known": BOOL,
        "source": STR, "reliability": STR, "note": STR,
    },
    "canada_us_timeline": {
        "date": DATE, "event": STR, "topic": STR, "rate_pct": FLOAT, "source": STR,
        "reliability": STR, "note": STR,
    },
    "canada_trade": {
        "year": INT, "partner": STR, "flow": STR, "share_pct": FLOAT, "source": STR,
        "reliability": STR, "note": STR,
    },
    "alignment_claims": {"who": STR, "claim": STR, "what_the_evidence_says": STR, "verdict": STR},
}


def _dtype_ok(series: pd.Series, expected: str) -> bool:
    """Compare a column's dtype with the contract's short name."""
    checks: dict[str, Callable[[pd.Series], bool]] = {
        STR: lambda s: pd.api.types.is_string_dtype(s.dtype),
        BOOL: lambda s: s.dtype == "bool",
        INT: lambda s: s.dtype == "int64",
        NULLABLE_INT: lambda s: s.dtype == "Int64",
        FLOAT: lambda s: s.dtype == "float64",
        DATE: lambda s: pd.api.types.is_datetime64_dtype(s.dtype),
    }
    return checks[expected](series)


@pytest.fixture(autouse=True)
def _repo_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the repository's data/ unless it points elsewhere itself."""
    monkeypatch.setenv(DATA_ENV, str(REPO_DATA))


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of data/ that the loader reads, so a test can break it."""
    copy = tmp_path / "data"
    shutil.copytree(REPO_DATA, copy)
    monkeypatch.setenv(DATA_ENV, str(copy))
    return copy


# ---------------------------------------------------------------------------------------------
# Loading and dtypes
# ---------------------------------------------------------------------------------------------


def test_list_datasets_names_every_contract_resource() -> None:
    assert list_datasets() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_dataset_loads_with_contract_columns_and_dtypes(name: str) -> None:
    frame = load(name)
    expected = EXPECTED_DTYPES[name]
    assert list(frame.columns) == list(expected)
    wrong = {c: str(frame[c].dtype) for c, kind in expected.items() if not _dtype_ok(frame[c], kind)}
    assert not wrong, f"{name}: unexpected dtypes {wrong}"
    assert len(frame) > 0


def test_dtype_check_itself_fails_on_wrong_dtypes() -> None:
    frame = pd.DataFrame({"a": ["1"], "b": [1.0], "c": [1]})
    assert not _dtype_ok(frame["a"], INT)
    assert not _dtype_ok(frame["b"], NULLABLE_INT)
    assert not _dtype_ok(frame["c"], BOOL)
    assert not _dtype_ok(frame["c"], DATE)


def test_missing_values_are_nan_not_guessed() -> None:
    nato = load("nato_spending")
    germany_2025 = nato[(nato.country == "Germany") & (nato.year == 2025)].iloc[0]
    assert pd.isna(germany_2025.pct_gdp)
    assert "DPA" in germany_2025.note
    assert "unresolved" in germany_2025.note
    members = load("membership")
    austria = members.set_index("country").loc["Austria"]
    assert pd.isna(austria.nato_join_year)
    assert pd.isna(austria.nato_join_date)


def test_load_returns_a_fresh_copy_each_time() -> None:
    first = load("nato_spending")
    first.loc[:, "pct_gdp"] = -1.0
    del first["note"]
    second = load("nato_spending")
    assert (second.pct_gdp.dropna() > 0).all()
    assert "note" in second.columns
    assert second is not first


def test_edited_file_is_reread(data_copy: Path) -> None:
    assert len(load("key_amounts")) == 22
    path = data_copy / "key_amounts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    assert len(load("key_amounts")) == 21


def test_importing_the_data_module_does_not_import_pandas() -> None:
    """`defence-course data list` and `import defence_course.data` stay fast."""
    code = (
        "import sys, defence_course; before = 'pandas' in sys.modules; "
        "import defence_course.data; print(before or 'pandas' not in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "True"


# ---------------------------------------------------------------------------------------------
# The schema: frictionless agrees
# ---------------------------------------------------------------------------------------------


def test_frictionless_validates_the_package() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(REPO_DATA / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(NAMES)


def test_frictionless_rejects_a_broken_copy(data_copy: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    _replace_cell(data_copy / "nato_defence_spending.csv", "Canada", "2014", "pct_gdp", "abc")
    report = frictionless.validate(data_copy / "datapackage.json")
    assert not report.valid
    assert ["pct_gdp", "type-error"] in report.flatten(["fieldName", "type"])


# ---------------------------------------------------------------------------------------------
# Facts the reference (facts.md) states
# ---------------------------------------------------------------------------------------------


def test_membership_overlap_matches_reference() -> None:
    members = load("membership")
    assert len(members) == 36
    assert members.nato_member.sum() == 32
    assert members.eu_member.sum() == 27
    assert (members.nato_member & members.eu_member).sum() == 23
    eu_only = set(members.loc[members.eu_member & ~members.nato_member, "country"])
    assert eu_only == {"Austria", "Cyprus", "Ireland", "Malta"}
    nato_only = set(members.loc[members.nato_member & ~members.eu_member, "country"])
    assert nato_only == {"Albania", "Canada", "Iceland", "Montenegro", "North Macedonia",
                         "Norway", "Türkiye", "United Kingdom", "United States"}


def test_membership_category_agrees_with_flags() -> None:
    members = load("membership")
    expected = members.apply(
        lambda r: "EU+NATO" if r.nato_member and r.eu_member
        else "NATO only" if r.nato_member else "EU only", axis=1)
    assert (members.category == expected).all()
    assert (members.nato_member == members.nato_join_year.notna()).all()
    assert (members.eu_member == members.eu_accession_year.notna()).all()


def test_accession_years_and_dates() -> None:
    members = load("membership").set_index("country")
    assert members.loc["Finland", "nato_join_year"] == 2023
    assert members.loc["Sweden", "nato_join_year"] == 2024
    assert members.loc["Finland", "nato_join_date"] == pd.Timestamp("2023-04-04")
    assert members.loc["Sweden", "nato_join_date"] == pd.Timestamp("2024-03-07")
    assert members.loc["Canada", "nato_join_year"] == 1949
    founders = members[members.nato_join_year == 1949]
    assert len(founders) == 12


def _allies(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[(frame.year == year) & ~frame.is_aggregate]


def test_nato_two_percent_counts_match_reference() -> None:
    nato = load("nato_spending")
    in_2014 = _allies(nato, 2014)
    assert set(in_2014.loc[in_2014.pct_gdp >= 2, "country"]) == {
        "Greece", "United Kingdom", "United States"}
    in_2024 = _allies(nato, 2024)
    assert (in_2024.pct_gdp >= 2).sum() == 18


def test_nato_canada_figures() -> None:
    canada = load("nato_spending").query("country == 'Canada'").set_index("year").pct_gdp
    assert round(canada[2014], 1) == 1.0
    assert round(canada[2024], 2) == 1.47
    assert canada[2025] == pytest.approx(2.01)


def test_nato_coverage_and_estimates() -> None:
    nato = load("nato_spending")
    per_year = nato[nato.year <= 2024].groupby("year").country.nunique()
    assert (per_year == 33).all()  # 31 Allies with armed forces + 2 aggregates
    assert set(nato.loc[nato.is_aggregate, "country"]) == {"NATO Europe and Canada", "NATO Total"}
    assert nato.loc[nato.is_aggregate, "iso3"].isna().all()
    assert nato.loc[~nato.is_aggregate, "iso3"].notna().all()
    assert (nato.is_estimate == (nato.year >= 2024)).all()
    assert nato.edition.str.startswith("NATO 2025 edition (Aug 2025)").all()
    iceland = nato[nato.country == "Iceland"]
    assert list(iceland.year) == [2025]
    assert iceland.pct_gdp.isna().all()
    allies = set(nato.loc[~nato.is_aggregate, "country"])
    members = load("membership")
    assert allies == set(members.loc[members.nato_member, "country"])


def test_nato_sources_name_nato_and_every_2025_value_is_sourced() -> None:
    nato = load("nato_spending")
    table = nato[nato.year <= 2024]
    assert table.source.str.contains("NATO, Defence Expenditure of NATO Countries").all()
    assert not nato.source.str.contains("namanjain92", na=False).any()
    reported = nato[(nato.year == 2025) & nato.pct_gdp.notna()]
    assert reported.source.notna().all()
    assert reported.edition.str.contains("as reported by").all()
    assert len(reported) == 20
    assert not nato.source.str.contains("find_string", na=False).any()


def test_sipri_uses_nato_spelling_and_merges() -> None:
    sipri = load("sipri_spending")
    assert "Türkiye" in set(sipri.country)
    assert "Turkey" not in set(sipri.country)
    canada = sipri.query("country == 'Canada' and year == 2024").milex_pct_gdp.iloc[0]
    assert round(canada, 2) == 1.31
    nato = load("nato_spending")
    merged = nato.merge(sipri, on=["country", "year"], validate="one_to_one")
    assert len(merged) == 31 * 11
    assert set(sipri.year) == set(range(2014, 2025))


def test_revisions_show_poland_and_canada() -> None:
    rev = load("nato_revisions")
    poland = rev.query("country == 'Poland' and year == 2024").set_index("edition").pct_gdp
    assert poland["NATO 2024 edition (June 2024)"] == pytest.approx(4.12)
    assert poland["NATO 2025 edition (Aug 2025)"] == pytest.approx(3.79)
    canada = rev.query("country == 'Canada' and year == 2024")
    assert list(canada.pct_gdp) == [1.37, 1.45, 1.47]
    published = rev.groupby("edition").published.first()
    assert published["NATO 2025 edition (Aug 2025)"] == pd.Timestamp("2025-08-28")
    assert published["NATO Secretary General Annual Report 2025 (Mar 2026)"] == pd.Timestamp(
        "2026-03-26")
    assert pd.isna(published["NATO 2024 edition (June 2024)"])
    assert pd.isna(published["NATO Secretary General Annual Report (April 2025)"])


def test_timeline_reliability_grades() -> None:
    timeline = load("timeline").set_index("date")
    assert timeline.loc["2025-05-29", "reliability"] == "unverified"  # SAFE entry into force
    assert timeline.loc["2025-06-20", "reliability"] == "unverified"  # inferred Trump date
    assert timeline.loc["2025-06-23", "reliability"] == "primary"  # EEAS: SDP signed
    assert "2025-08-28" in timeline.index  # NATO data release, not June
    hague = timeline.loc["2025-06-25"]
    assert hague.event.str.contains("2035").any()
    assert not hague.event.str.contains("2032").any()


def test_key_amounts_split_price_basis_and_flag_weak_sources() -> None:
    amounts = load("key_amounts")
    assert not amounts.unit.str.contains("price|likely|stated", regex=True).any()
    usd_2025 = amounts[(amounts.year == 2025) & (amounts.unit == "USD bn")]
    assert usd_2025.price_basis.str.contains("not stated").all()
    by_value = amounts.set_index("value")
    assert by_value.loc[1588, "reliability"] == "unverified"
    assert by_value.loc[1404, "reliability"] == "secondary"
    assert by_value.loc[150, "reliability"] == "primary"


def test_partnerships_are_the_eight_of_the_eeas_with_dates_never_guessed() -> None:
    """facts.md section 7: eight SDPs as of June 2025; a day only where a source gives it."""
    sdp = load("partnerships").set_index("partner")
    assert list(sdp.index) == ["Moldova", "Norway", "South Korea", "Japan", "Albania",
                               "North Macedonia", "United Kingdom", "Canada"]
    assert sdp.loc["Moldova", "signed_date"] == pd.Timestamp("2024-05-21")
    assert sdp.loc["Canada", "signed_date"] == pd.Timestamp("2025-06-23")
    assert set(sdp.index[sdp["signed_date"].notna()]) == {"Moldova", "Canada"}
    assert sdp.loc["Norway", "signed_as_reported"] == "May 2024"
    assert sdp.loc["United Kingdom", "signed_as_reported"] == "May 2025"
    assert (sdp["precision"] == "day").eq(sdp["signed_date"].notna()).all()
    assert (sdp["earliest"] <= sdp["latest"]).all()
    exact = sdp[sdp["precision"] == "day"]
    assert (exact["earliest"] == exact["signed_date"]).all()
    assert (exact["latest"] == exact["signed_date"]).all()
    assert (sdp.loc[sdp["precision"] == "year", "latest"] - sdp.loc[sdp["precision"] == "year",
            "earliest"]).dt.days.eq(365).all()
    # Sources disagree on Moldova vs Norway: the windows overlap, so the data cannot order them.
    moldova, norway = sdp.loc["Moldova"], sdp.loc["Norway"]
    assert norway["earliest"] <= moldova["latest"]
    assert moldova["earliest"] <= norway["latest"]
    assert "disagree" in moldova["note"]
    assert "disagree" in norway["note"]
    assert sdp["source"].str.contains("eeas.europa.eu").all()
    members = set(load("membership")["country"])
    assert set(sdp.index) - members == {"Moldova", "South Korea", "Japan"}


def test_partnerships_bad_partner_and_missing_bound(data_copy: Path) -> None:
    path = data_copy / "security_defence_partnerships.csv"
    line = _line_of(path, "Canada")
    _edit_line(path, line, lambda text: text.replace("Canada,CAN", "Kanada,CAN"))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'partner': 'Kanada' is "
                       r"not an allowed value; did you mean 'Canada'\?"):
        load("partnerships")
    _edit_line(path, line, lambda text: text.replace("Kanada,CAN", "Canada,CAN"))
    _edit_line(path, line, lambda text: text.replace(",2025-06-23,day,", ",,day,"))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'latest': a value is "
                       r"required"):
        load("partnerships")


def test_describe_and_source_give_provenance() -> None:
    text = describe("nato_spending")
    assert "Defence Expenditure of NATO Countries (2014-2025)" in text
    assert "c7de616633e6" in text
    assert "Licence" in text
    assert "estimates" in text
    assert "Our World in Data" in source("sipri_spending")
    assert load("sipri_spending").attrs["source"] == source("sipri_spending")


def test_describe_shows_as_a_readable_page_in_a_notebook() -> None:
    """Issue 21: printed, describe() wrapped mid-word into a 40-line wall; as a cell's value it
    is Markdown that wraps at words, a line per column (and plain text for print and terminals)."""
    text = describe("nato_spending")
    page = text._repr_markdown_()
    assert "\n- `pct_gdp` (number, percent of GDP): " in page
    assert page.count("\n- `") == len(load("nato_spending").columns)
    assert "<" not in page.replace("<NA>", "")  # Markdown only, no HTML
    assert "**Caveats**" in page
    assert str(text).startswith("nato_spending: ")


# ---------------------------------------------------------------------------------------------
# Finding the data folder and naming datasets
# ---------------------------------------------------------------------------------------------


def test_unknown_dataset_lists_valid_names() -> None:
    with pytest.raises(UnknownDatasetError) as caught:
        load("nato_spendng")
    message = str(caught.value)
    assert "'nato_spendng'" in message
    assert "Did you mean 'nato_spending'?" in message
    for name in NAMES:
        assert name in message
    assert isinstance(caught.value, DefenceCourseError)


def test_data_dir_found_without_env_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATA_ENV)
    monkeypatch.chdir(tmp_path)
    assert find_data_dir() == REPO_DATA


def test_data_dir_found_from_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release where the package is installed elsewhere: data/ is found from the cwd."""
    release = tmp_path / "release"
    shutil.copytree(REPO_DATA, release / "data")
    (release / "lessons").mkdir()
    monkeypatch.delenv(DATA_ENV)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "site-packages" / "defence_course")
    monkeypatch.chdir(release / "lessons")
    assert find_data_dir() == (release / "data").resolve()


def test_env_var_may_name_the_descriptor(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(data_copy / "datapackage.json"))
    assert find_data_dir() == data_copy


def test_env_var_pointing_nowhere_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(DataNotFoundError, match=DATA_ENV):
        load("nato_spending")


def test_missing_csv_is_a_clear_error(data_copy: Path) -> None:
    (data_copy / "timeline.csv").unlink()
    with pytest.raises(DataNotFoundError, match=r"timeline\.csv does not exist.*'timeline'"):
        load("timeline")


# ---------------------------------------------------------------------------------------------
# Broken CSV files: one error naming file, line and column
# ---------------------------------------------------------------------------------------------


def _line_of(path: Path, *starts: str) -> int:
    """1-based line number (as an editor shows it) of the first line starting with the cells."""
    prefix = ",".join(starts) + ","
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise LookupError(prefix)


def _replace_cell(path: Path, country: str, year: str, column: str, value: str) -> int:
    """Set one cell of a country/year row (first two key cells found in the row); return its line."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = (frame.iloc[:, 0] == country) & (frame["year"] == year)
    assert mask.sum() == 1
    frame.loc[mask, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")
    return int(mask.to_numpy().nonzero()[0][0]) + 2


def _edit_line(path: Path, line: int, edit: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = edit(lines[line - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


CellCase = tuple[str, str, str, str, str, str, str]
CELL_CASES: list[CellCase] = [
    # (dataset, file, country, year, column, bad value, expected problem)
    ("nato_spending", "nato_defence_spending.csv", "Canada", "2014", "pct_gdp", "abc",
     "'abc' is not a number"),
    ("nato_spending", "nato_defence_spending.csv", "Canada", "2024", "is_estimate", "yes",
     "'yes' is not True or False"),
    ("nato_spending", "nato_defence_spending.csv", "Poland", "2020", "year", "2031",
     "above the maximum 2025"),
    ("nato_spending", "nato_defence_spending.csv", "Poland", "2020", "pct_gdp", "-1",
     "below the minimum 0"),
    ("nato_spending", "nato_defence_spending.csv", "Poland", "2020", "pct_gdp", " 2.2",
     "spaces around it"),
    ("nato_spending", "nato_defence_spending.csv", "Türkiye", "2020", "country", "Turkey",
     "did you mean 'Türkiye'?"),
    ("nato_spending", "nato_defence_spending.csv", "Canada", "2020", "iso3", "ca",
     "does not have the expected form"),
    ("nato_spending", "nato_defence_spending.csv", "Canada", "2020", "edition", "",
     "a value is required"),
    ("sipri_spending", "sipri_milex_pct_gdp.csv", "Canada", "2020", "milex_pct_gdp", "",
     "a value is required"),
    ("sipri_spending", "sipri_milex_pct_gdp.csv", "Canada", "2020", "year", "2020.5",
     "is not a whole number"),
    ("key_amounts", "key_amounts.csv", "World", "2024", "reliability", "solid",
     "'solid' is not an allowed value ('primary', 'secondary', 'unverified')"),
    ("nato_revisions", "nato_revisions.csv", "Netherlands", "2025", "published", "26/03/2026",
     "'26/03/2026' is not a date written YYYY-MM-DD"),
]


@pytest.mark.parametrize("case", CELL_CASES, ids=[f"{c[0]}-{c[4]}-{c[5]!r}" for c in CELL_CASES])
def test_broken_cell_names_file_line_and_column(data_copy: Path, case: CellCase) -> None:
    name, filename, country, year, column, bad, problem = case
    line = _replace_cell(data_copy / filename, country, year, column, bad)
    with pytest.raises(DataValidationError) as caught:
        load(name)
    message = str(caught.value)
    assert f"{filename}, line {line}, column '{column}': " in message
    assert problem in message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_bad_membership_category_and_date(data_copy: Path) -> None:
    path = data_copy / "nato_eu_membership.csv"
    line = _line_of(path, "Canada")
    _edit_line(path, line, lambda text: text.replace(",NATO only,", ",NATO+EU,"))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'category': 'NATO\+EU'"):
        load("membership")
    _edit_line(path, line, lambda text: text.replace(",NATO+EU,", ",NATO only,"))
    _edit_line(path, line, lambda text: text.replace("1949-04-04", "1949-02-30"))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'nato_join_date': "
                       r"'1949-02-30' is not a real date"):
        load("membership")


def test_timeline_bad_date(data_copy: Path) -> None:
    path = data_copy / "timeline.csv"
    line = _line_of(path, "2025-06-23")
    _edit_line(path, line, lambda text: text.replace("2025-06-23", "23 June 2025", 1))
    with pytest.raises(DataValidationError,
                       match=rf"timeline\.csv, line {line}, column 'date': '23 June 2025'"):
        load("timeline")


def test_extra_column_in_header(data_copy: Path) -> None:
    path = data_copy / "key_amounts.csv"
    _edit_line(path, 1, lambda text: text + ",comment")
    with pytest.raises(DataValidationError,
                       match=r"key_amounts\.csv, line 1, column 'comment': unexpected column"):
        load("key_amounts")


def test_missing_column_everywhere(data_copy: Path) -> None:
    path = data_copy / "key_amounts.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="price_basis")
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError,
                       match=r"key_amounts\.csv, line 1, column 'price_basis': column missing"):
        load("key_amounts")


def test_columns_out_of_order(data_copy: Path) -> None:
    path = data_copy / "sipri_milex_pct_gdp.csv"
    _edit_line(path, 1, lambda text: text.replace("country,iso3", "iso3,country"))
    with pytest.raises(DataValidationError, match=r"line 1, column 'iso3': columns are out of"):
        load("sipri_spending")


def test_extra_cell_in_a_row(data_copy: Path) -> None:
    path = data_copy / "nato_defence_spending.csv"
    line = _line_of(path, "Canada", "CAN", "False", "2016")
    _edit_line(path, line, lambda text: text + ",oops")
    with pytest.raises(DataValidationError) as caught:
        load("nato_spending")
    assert f"nato_defence_spending.csv, line {line}, column 'note': 10 cells" in str(caught.value)


def test_missing_cells_in_a_row(data_copy: Path) -> None:
    path = data_copy / "nato_defence_spending.csv"
    line = _line_of(path, "Canada", "CAN", "False", "2016")
    _edit_line(path, line, lambda text: ",".join(text.split(",")[:5]))
    with pytest.raises(DataValidationError,
                       match=rf"line {line}, column 'is_estimate': only 5 cells"):
        load("nato_spending")


def test_unclosed_quote_is_unparseable(data_copy: Path) -> None:
    path = data_copy / "nato_defence_spending.csv"
    line = _line_of(path, "Canada", "CAN", "False", "2016")
    _edit_line(path, line, lambda text: text.replace(",1.15891838,", ',"1.15891838,'))
    with pytest.raises(DataValidationError) as caught:
        load("nato_spending")
    message = str(caught.value)
    assert f"nato_defence_spending.csv, line {line}, column 'pct_gdp': cannot read" in message
    assert "double quotes" in message


def test_stray_text_after_closing_quote(data_copy: Path) -> None:
    path = data_copy / "timeline.csv"
    line = _line_of(path, "2025-06-09")
    _edit_line(path, line, lambda text: text.replace('~C$9bn additional"', '~C$9bn additional"x'))
    with pytest.raises(DataValidationError,
                       match=rf"timeline\.csv, line {line}, column 'event': cannot read"):
        load("timeline")


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "timeline.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"timeline\.csv: the file is empty.*date,event"):
        load("timeline")


def test_blank_line(data_copy: Path) -> None:
    path = data_copy / "timeline.csv"
    _edit_line(path, 4, lambda text: "\n" + text)
    with pytest.raises(DataValidationError, match=r"timeline\.csv, line 4: blank line"):
        load("timeline")


def test_duplicate_row(data_copy: Path) -> None:
    path = data_copy / "sipri_milex_pct_gdp.csv"
    first = _line_of(path, "Canada", "CAN", "2020")
    _edit_line(path, 2, lambda text: path.read_text(encoding="utf-8").split("\n")[first - 1]
               + "\n" + text)
    with pytest.raises(DataValidationError,
                       match=rf"line {first + 1}, column 'country': duplicate row.*line 2"):
        load("sipri_spending")


def test_not_utf8(data_copy: Path) -> None:
    path = data_copy / "nato_eu_membership.csv"
    text = path.read_text(encoding="utf-8")
    line = _line_of(path, "Türkiye")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(DataValidationError, match=rf"line {line}: the file is not UTF-8"):
        load("membership")


def test_excel_byte_order_mark_is_accepted(data_copy: Path) -> None:
    path = data_copy / "timeline.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load("timeline")) == 26


def _run_data_command(argv: list[str]) -> int:
    """Run `defence-course data ...` through a parser holding only the data section."""
    parser = argparse.ArgumentParser(prog="defence-course")
    add_data_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_cli_validate_reports_each_broken_file(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace_cell(data_copy / "nato_defence_spending.csv", "Canada", "2014", "pct_gdp", "abc")
    (data_copy / "timeline.csv").write_text("", encoding="utf-8")
    assert _run_data_command(["data", "validate"]) == 1
    out = capsys.readouterr().out
    assert "FAIL nato_spending: " in out
    assert "column 'pct_gdp': 'abc' is not a number" in out
    assert "FAIL timeline: " in out
    assert "ok   key_amounts (22 rows)" in out


def test_cli_validate_and_list_pass_on_repo_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_data_command(["data", "validate"]) == 0
    assert "FAIL" not in capsys.readouterr().out
    assert _run_data_command(["data", "list"]) == 0
    assert "nato_revisions" in capsys.readouterr().out
    assert _run_data_command(["data", "describe", "timeline"]) == 0
    assert "Caveats:" in capsys.readouterr().out


def test_cli_entry_point_turns_errors_into_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["data", "describe", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("defence-course: error: No dataset called 'nope'.")
    assert "Available: nato_spending" in err


def test_news_claims_bad_verdict_and_a_source_that_is_not_a_url(data_copy: Path) -> None:
    """The claims moved out of lesson 01 are validated like every other dataset."""
    path = data_copy / "news_claims.csv"
    line = _line_of(path, "The partnership is a 'military pact'")
    _edit_line(path, line, lambda text: text.replace(",misleading,", ",wrong,"))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'verdict': 'wrong' is "
                       r"not an allowed value"):
        load("news_claims")
    _edit_line(path, line, lambda text: text.replace(",wrong,", ",misleading,"))
    _edit_line(path, line, lambda text: text.replace(",misleading,https://", ",misleading,see EEAS "))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'source'"):
        load("news_claims")


def test_alignment_claims_bad_verdict_side_and_a_repeated_claim(data_copy: Path) -> None:
    """Lesson 07's claims table, moved out of its code (issue 21), is validated like every dataset."""
    path = data_copy / "alignment_claims.csv"
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), start=1)
                if "'since 2014'" in text)
    _edit_line(path, line, lambda text: text.replace(",not supported", ",false"))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'verdict': 'false' is "
                       r"not an allowed value"):
        load("alignment_claims")
    _edit_line(path, line, lambda text: text.replace(",false", ",not supported"))
    _edit_line(path, line, lambda text: text.replace("EU,", "European Union,", 1))
    with pytest.raises(DataValidationError, match=rf"line {line}, column 'who'"):
        load("alignment_claims")
    _edit_line(path, line, lambda text: text.replace("European Union,", "EU,", 1))
    load("alignment_claims")
    with path.open("a", encoding="utf-8") as f:
        f.write(path.read_text(encoding="utf-8").splitlines()[line - 1] + "\n")
    with pytest.raises(DataValidationError, match="alignment_claims"):
        load("alignment_claims")
