"""The explorers in a French notebook: labels, plot titles and the words under a chart in French,
numbers written the French-Canadian way; the data (country names, dates as reported) unchanged."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from defence_course.data import load
from defence_course.explore.canada import build_path_explorer
from defence_course.explore.partnerships import describe_items, timeline_items
from defence_course.explore.pressure import _figure, build_gap_explorer
from defence_course.explore.spending import missing_note
from defence_course.i18n import LANG_ENV

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "fr")


def _texts(widget: object) -> str:
    from tests.quiz.test_widgets import all_text

    return all_text(widget)  # type: ignore[arg-type]


def test_the_gap_explorer_speaks_french_with_french_numbers() -> None:
    shown = _texts(build_gap_explorer())
    assert "Échéance" in shown
    assert "Hypothèses" in shown
    assert "\u00a0% du PIB en 2025" in shown  # '2,02 % du PIB en 2025' (a no-break space)
    assert "Gap to the target" not in shown
    title = _figure(load("nato_spending"), "Canada", 3.5, 2035).axes[0].get_title()
    assert title == "Canada\u00a0: du dernier chiffre à 3,5\u00a0% d’ici 2035"  # noqa: RUF001


def test_the_canada_explorer_says_its_money_in_french() -> None:
    shown = _texts(build_path_explorer())
    assert "défense de base" in shown
    assert "G$" in shown
    assert "C$" not in shown


def test_the_timeline_in_words_is_french_and_keeps_the_data() -> None:
    text = describe_items(timeline_items(), pd.Timestamp("2024-01-01"), pd.Timestamp("2026-02-28"))
    assert text.startswith("De janvier 2024 à février 2026\u00a0: 14 élément(s) affiché(s).")
    assert "jour exact\u00a0: Moldova (21 May 2024)" in text  # the data's own words stay
    assert "1er décembre 2025\u00a0: Conclusion des négociations (+74 jours)" in text
    assert "14 février 2026\u00a0: Le Canada signe l’accord SAFE (+57 jours)" in text  # noqa: RUF001


def test_a_missing_figure_is_said_in_french() -> None:
    long = pd.DataFrame({"country": ["Canada"], "year": [2020], "source": ["NATO"],
                         "pct_gdp": [1.4]})
    note = missing_note(long, ("Canada", "Iceland"), (2014, 2025), "NATO")
    assert note.startswith("Aucun chiffre NATO pour 2014-2025\u00a0:")


def test_the_argument_form_is_french_and_saves_the_same_verdicts(tmp_path: object) -> None:
    from defence_course.explore.argument import VERDICTS, build_argument

    view = build_argument(folder=tmp_path)  # type: ignore[arg-type]
    card = view.cards[0]
    assert card.claim.value.startswith("Le partenariat rompt")
    assert card.claim.description == "Affirmation"
    assert dict(card.verdict.options)["appuyée"] == "supported"  # the label French, the value not
    card.verdict.value = "supported"
    view.click_save()
    assert view.message.startswith("3 affirmations enregistrées le ")
    assert card.argument().verdict in VERDICTS
