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


def test_lesson_headers_speak_each_editions_language_whatever_the_authors_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The header's labels are the package's words: French in lessons/fr/, English in lessons/, even
    when the author's shell says DEFENCE_COURSE_LANG=fr."""
    from defence_course.authoring import notebooks
    from defence_course.i18n import LANG_ENV

    monkeypatch.setenv(LANG_ENV, "fr")
    pair = notebooks.Pair(ROOT / "text" / "lessons" / "01-the-news.md",
                          ROOT / "lessons" / "01-the-news.ipynb")
    assert notebooks.generate(pair, ROOT) == pair.notebook.read_text(encoding="utf-8")
    french = (ROOT / "lessons" / "fr" / "01-the-news.ipynb").read_text(encoding="utf-8")
    assert "**Enseignement\u00a0:** 65 min · **Exercices\u00a0:** 35 min" in french


def test_an_unchanged_answer_cell_is_no_answer_in_either_language() -> None:
    from defence_course.exercise_format import answer_prompt, unanswered_prompts

    assert unanswered_prompts("q6") == {answer_prompt("q6").strip(), answer_prompt("q6", "fr").strip()}
    assert answer_prompt("q6", "fr").startswith("*Écrivez votre réponse à q6")
