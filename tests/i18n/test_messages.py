"""`_()`, `ngettext()` and the number format: French from the catalog, English as written."""

from __future__ import annotations

import pytest

from defence_course.i18n import LANG_ENV, _, format_number, ngettext, using
from defence_course.i18n.numbers import plain_number


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "en")


def test_french_comes_from_the_catalog_at_call_time() -> None:
    assert _("Check answer") == "Check answer"
    with using("fr"):
        assert _("Check answer") == "Vérifier"
        assert _("Show answer") == "Afficher la réponse"
        assert _("a message no catalog has") == "a message no catalog has"


@pytest.mark.parametrize(("n", "english", "french"), [
    (0, "0 attempts", "0 essai"), (1, "1 attempt", "1 essai"), (2, "2 attempts", "2 essais")])
def test_plurals_follow_each_languages_rule(n: int, english: str, french: str) -> None:
    assert ngettext("{n} attempt", "{n} attempts", n).format(n=n) == english
    with using("fr"):
        assert ngettext("{n} attempt", "{n} attempts", n).format(n=n) == french


def test_numbers_are_written_the_french_canadian_way() -> None:
    assert format_number(2.0, 1, percent=True) == "2.0%"
    assert format_number(1404) == "1,404"
    with using("fr"):
        assert format_number(2.0, 1, percent=True) == "2,0\u00a0%"
        assert format_number(1404) == "1\u00a0404"
        assert format_number(1234.5, 1) == "1\u00a0234,5"
        assert plain_number(2.5) == "2,5"
    assert plain_number(2.5) == "2.5"


def test_an_untranslated_or_fuzzy_message_shows_its_english(monkeypatch: pytest.MonkeyPatch) -> None:
    from babel.messages.catalog import Catalog

    from defence_course.i18n import messages

    catalog = Catalog(locale="fr")
    catalog.add("Check answer", "Vérifier", flags=["fuzzy"])
    catalog.add("Show answer", "")
    catalog.add(("{n} attempt", "{n} attempts"), ("{n} essai", ""))
    catalog.add("Answer", "Réponse")
    monkeypatch.setattr(messages, "load_catalog", lambda language: catalog)
    with using("fr"):
        assert _("Check answer") == "Check answer"
        assert _("Show answer") == "Show answer"
        assert ngettext("{n} attempt", "{n} attempts", 2) == "{n} attempts"
        assert _("Answer") == "Réponse"
