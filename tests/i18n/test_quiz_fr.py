"""A quiz in a French notebook: the widgets' own words are French, none of the English is left,
and progress is the same whichever language a question is answered in (bank name + id)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from defence_course.i18n import LANG_ENV
from defence_course.i18n.extract import PACKAGE, read_catalog, scan
from defence_course.paths import QUIZZES_ENV, quiz_dir
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.static import static_quiz_html
from defence_course.quiz.widgets import build_quiz
from tests.quiz.test_widgets import RIGHT, START, WRONG, all_text

ENGLISH_BANKS = PACKAGE.parents[1] / "lessons" / "quizzes"
UI_MODULES = ("defence_course/quiz/", "defence_course/static.py", "defence_course/display.py")


def english_ui_words() -> list[str]:
    """The quiz's own English words (the catalog's ids), minus placeholders: none may show in French."""
    words: set[str] = set()
    for key, where in scan().messages.items():
        if not any(w.startswith(UI_MODULES) for w in where):
            continue
        for text in [key] if isinstance(key, str) else key:
            words.update(part.strip(" .:,·") for part in re.split(r"\{[^}]*\}", text))
    # Words the bank's own (English) text or the French also has say nothing about the UI.
    also = (ENGLISH_BANKS / f"{START}.yaml").read_text(encoding="utf-8") + "\n".join(
        str(m.string) for m in read_catalog())
    return sorted(w for w in words if len(w) > 4 and w not in also)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "fr")


def test_a_quiz_in_french_says_its_own_words_in_french(french: None, store: ProgressStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The widgets' own words, around the English bank (whose answers WRONG and RIGHT name):
    # the French banks' text is the catalogs' business (tests/translation/).
    monkeypatch.setenv(QUIZZES_ENV, str(ENGLISH_BANKS))
    view = build_quiz(START, store=store)
    for question in view.questions:  # a wrong try, a second press of Show answer, a right try
        question.respond(WRONG[question.question.id])
        question.click()
    view.questions[0].reveal.click()
    confirm = view.questions[0].reveal.description
    shown = all_text(view.widget)
    # The buttons by themselves: the bank of lesson 00 names "Check answer" in its own text.
    assert {q.check.description for q in view.questions} == {"Vérifier"}
    assert {q.reveal.description for q in view.questions[1:]} == {"Afficher la réponse"}
    assert confirm == "Oui, afficher la réponse"
    assert "✘ Pas tout à fait" in shown
    assert "1 essai · pas encore de réponse juste" in shown
    assert "Monter" in shown
    assert "Vrai" in shown
    left = [word for word in english_ui_words() if word in shown]
    assert left == [], f"English UI words in a French quiz: {left}"


def test_the_english_quiz_is_unchanged(monkeypatch: pytest.MonkeyPatch, store: ProgressStore) -> None:
    monkeypatch.setenv(LANG_ENV, "en")
    shown = all_text(build_quiz(START, store=store).widget)
    assert "Check answer" in shown
    assert "Vérifier" not in shown


def test_the_website_quiz_is_french_in_french(french: None) -> None:
    from defence_course.quiz import load_quiz

    page = static_quiz_html(load_quiz(START))
    assert "Répondez à ce questionnaire dans JupyterLab" in page
    assert "Questionnaire " in page
    assert "Answer this quiz" not in page


def test_a_question_answered_in_french_is_the_same_question(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store: ProgressStore) -> None:
    """The French bank (lessons/fr/quizzes, same file name and ids) records into the same
    progress entry: answered in English then in French, it counts once, with both attempts."""
    monkeypatch.delenv(QUIZZES_ENV, raising=False)
    (tmp_path / "lessons" / "fr" / "quizzes").mkdir(parents=True)
    shutil.copytree(ENGLISH_BANKS, tmp_path / "lessons" / "quizzes")
    english = ENGLISH_BANKS / f"{START}.yaml"
    french_bank = tmp_path / "lessons" / "fr" / "quizzes" / f"{START}.yaml"
    french_bank.write_text(english.read_text(encoding="utf-8").replace(
        "title: 00 · Start here", "title: 00 · Commencer ici"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "lessons")
    monkeypatch.setenv(LANG_ENV, "en")
    first = build_quiz(START, "q1", store=store).view("q1")
    first.respond(RIGHT["q1"])
    first.click()
    monkeypatch.delenv(LANG_ENV)
    monkeypatch.chdir(tmp_path / "lessons" / "fr")  # where a French notebook's kernel starts
    assert quiz_dir() == tmp_path / "lessons" / "fr" / "quizzes"
    view = build_quiz(START, "q1", store=store)
    assert view.quiz.title == "00 · Commencer ici"
    again = view.view("q1")
    assert again.status.value == "1 essai · ✔ réponse juste"
    again.respond(RIGHT["q1"])
    again.click()
    summary = store.summary(START, [q.id for q in view.quiz.questions])
    assert (summary.attempted, summary.correct) == (1, 1)
    assert store.results(START)["q1"].attempts == 2


@pytest.mark.parametrize(("typed", "english", "french"), [
    ("2,035", 2035.0, 2.035), ("2,5", 2.5, 2.5), ("2 035", 2035.0, 2035.0),
    ("1 234,5", 1234.5, 1234.5), ("2.5", 2.5, 2.5)])
def test_a_comma_is_a_decimal_comma_in_a_french_notebook(
        monkeypatch: pytest.MonkeyPatch, typed: str, english: float, french: float) -> None:
    from defence_course.quiz.widgets.typed_number import parse_number

    monkeypatch.setenv(LANG_ENV, "en")
    assert parse_number(typed) == english
    monkeypatch.setenv(LANG_ENV, "fr")
    assert parse_number(typed) == french
