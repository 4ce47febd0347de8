"""The French edition of the real course: complete, in step with the English, same keys, same facts."""

from pathlib import Path

import pytest

from defence_course.authoring.exercises import make_exercises
from defence_course.authoring.translation import audit, build

ROOT = Path(__file__).resolve().parents[2]


def _say(problems: list[str]) -> str:
    return "\n".join(problems[:40]) + (f"\n... and {len(problems) - 40} more" if len(problems) > 40 else "")


def test_every_english_message_has_a_current_translation() -> None:
    problems = audit.untranslated(ROOT)
    assert not problems, "translate these in text/locale/fr/ (a PO editor):\n" + _say(problems)


def test_french_banks_and_specs_differ_from_the_english_only_in_text() -> None:
    problems = audit.parity_problems(ROOT)
    assert not problems, _say(problems)


def test_french_numbers_and_dates_are_the_englishs() -> None:
    problems = audit.number_problems(ROOT)
    assert not problems, _say(problems)


def test_glossary_terms_are_translated_one_way() -> None:
    problems = audit.glossary_problems(ROOT)
    assert not problems, _say(problems)


def test_french_files_are_built_from_the_current_sources() -> None:
    problems = build.out_of_sync(ROOT) + make_exercises(ROOT, check=True, language="fr")
    assert not problems, "run `make notebooks`:\n" + _say(problems)


def test_a_french_lesson_reads_the_french_banks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel started in lessons/fr/ (as JupyterLab and nbval start it) finds lessons/fr/quizzes."""
    from defence_course.paths import QUIZZES_ENV, quiz_dir

    monkeypatch.delenv(QUIZZES_ENV, raising=False)
    monkeypatch.chdir(ROOT / "lessons" / "fr")
    assert quiz_dir().resolve() == ROOT / "lessons" / "fr" / "quizzes"
    monkeypatch.chdir(ROOT / "lessons")
    assert quiz_dir().resolve() == ROOT / "lessons" / "quizzes"


def test_french_exercises_say_where_the_code_goes_in_french() -> None:
    text = (ROOT / "exercises" / "fr" / "ex01-the-news.ipynb").read_text(encoding="utf-8")
    assert "# VOTRE CODE ICI" in text
    assert "YOUR CODE HERE" not in text
    assert '"language": "fr"' in text


def test_the_french_note_points_below_in_lesson_00_and_to_lesson_00_elsewhere() -> None:
    import nbformat

    def note(name: str) -> str:
        cells = nbformat.read(ROOT / "lessons" / "fr" / f"{name}.ipynb", as_version=4).cells
        return next(c.source for c in cells if c.metadata.get("defence_course_note") == "restart")

    assert note("00-start-here").endswith("(*Rouvrir un carnet*, ci-dessous, en dit plus.)")
    assert note("01-the-news").endswith("(La leçon 00, *Rouvrir un carnet*, en dit plus.)")
