"""Which language the package speaks: the environment variable, then the notebook's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from defence_course.i18n import LANG_ENV, LanguageError, current_language, using
from defence_course.i18n.language import folder_language


@pytest.fixture(autouse=True)
def _no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LANG_ENV, raising=False)


def test_the_environment_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    french = tmp_path / "lessons" / "fr"
    french.mkdir(parents=True)
    monkeypatch.chdir(french)
    monkeypatch.setenv(LANG_ENV, "en")
    assert current_language() == "en"
    monkeypatch.setenv(LANG_ENV, "fr")
    monkeypatch.chdir(tmp_path)
    assert current_language() == "fr"


def test_an_unknown_language_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "de")
    with pytest.raises(LanguageError, match=r"DEFENCE_COURSE_LANG is 'de'.*en, fr"):
        current_language()


@pytest.mark.parametrize(("folder", "language"), [
    ("course/lessons/fr", "fr"),
    ("course/exercises/fr", "fr"),
    ("course/solutions/fr", "fr"),
    ("course/lessons/fr/quizzes", "fr"),
    ("course/lessons", "en"),
    ("course/exercises/checks", "en"),
    ("course/docs/fr", "en"),  # only the three edition folders
    ("course/fr/lessons", "en"),
    ("course/lessons/french", "en"),
])
def test_a_french_notebook_is_known_by_its_folder(folder: str, language: str) -> None:
    assert folder_language(Path("/home/ana") / folder) == language


def test_the_kernels_working_folder_decides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, language in (("lessons/fr", "fr"), ("lessons", "en")):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        monkeypatch.chdir(tmp_path / name)
        assert current_language() == language


def test_using_speaks_a_language_inside_the_block_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "en")
    with using("fr"):
        assert current_language() == "fr"
    assert current_language() == "en"
    with pytest.raises(LanguageError, match="en, fr"), using("xx"):
        pass
