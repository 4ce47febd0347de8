"""Grading in the submission's language: a French exercise notebook is graded with the same
checks; its feedback (file and page) is French, hints from instructor/checks/fr/ when that spec
grades the same; grades.csv and the instructor's files stay English; the sandbox's code sees
DEFENCE_COURSE_LANG."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from defence_course.classroom.feedback import class_feedback
from defence_course.classroom.gradebook import class_totals
from defence_course.grading import grade
from defence_course.grading.journal import journal_for
from defence_course.grading.rows import build_job
from defence_course.grading.sandbox import GIB, Limits
from defence_course.grading.spec import load_spec
from defence_course.grading.submissions import ParsedNotebook, notebook_language
from defence_course.grading.translated import Translations
from defence_course.i18n import LANG_ENV
from defence_course.paths import DATA_ENV

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex00-demo"
SPEC = """exercise: ex00-demo
title: Demo
questions:
  - id: q1
    points: 2
    answer: members
    checks:
      - public: true
        equals: 27
        hint: {hint}
  - id: q2
    points: 1
    answer: seen
    checks:
      - equals: fr
        hint: {hint2}
"""
ENGLISH = SPEC.format(hint="count the rows", hint2="the sandbox's language")
FRENCH = SPEC.format(hint="comptez les lignes", hint2="la langue du bac à sable").replace(
    "title: Demo", "title: Démo")


@pytest.mark.parametrize(("metadata", "language"), [
    ({"defence_course": {"language": "fr"}}, "fr"),
    ({"defence_course": {"language": "en"}}, "en"),
    ({"defence_course": {"language": "de"}}, "en"),  # not a language the course speaks
    ({"defence_course": {"language": ["fr"]}}, "en"),
    ({"defence_course": "fr"}, "en"),
    ({}, "en"),
])
def test_the_submissions_language_comes_from_its_metadata(metadata: dict, language: str) -> None:
    assert notebook_language({"metadata": metadata}) == language
    assert build_job(ParsedNotebook([], {}, language=language),
                     load_spec_text(ENGLISH)).language == language


def load_spec_text(text: str, folder: Path | None = None) -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(folder or tmp) / "spec.yaml"
        path.write_text(text, encoding="utf-8")
        return load_spec(path)


def _course(root: Path, french: str | None) -> None:
    (root / "instructor" / "checks" / "fr").mkdir(parents=True)
    (root / "instructor" / "checks" / f"{EXERCISE}.yaml").write_text(ENGLISH, encoding="utf-8")
    if french is not None:
        (root / "instructor" / "checks" / "fr" / f"{EXERCISE}.yaml").write_text(french, "utf-8")


def test_a_french_spec_that_grades_differently_is_left_out_with_a_warning(tmp_path: Path) -> None:
    _course(tmp_path, FRENCH.replace("equals: 27", "equals: 28"))
    english = load_spec(tmp_path / "instructor" / "checks" / f"{EXERCISE}.yaml")
    said: list[str] = []
    translations = Translations.load(tmp_path, english, said.append)
    assert translations.spec("fr") is english
    assert said
    assert "question q1 differs" in said[0]
    (tmp_path / "instructor" / "checks" / "fr" / f"{EXERCISE}.yaml").write_text(FRENCH, "utf-8")
    good = Translations.load(tmp_path, english, said.append)
    assert good.spec("fr").questions[0].checks[0].hint == "comptez les lignes"
    assert good.fingerprint() != english.fingerprint()  # a changed French hint regrades


def _submission(folder: Path, student: str, language: str | None) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("members = 26"),
                nbformat.v4.new_code_cell("import os\nseen = os.environ.get('DEFENCE_COURSE_LANG')")]
    if language:
        nb.metadata["defence_course"] = {"language": language}
    (folder / student).mkdir(parents=True)
    (folder / student / f"{EXERCISE}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")


def test_a_french_submission_gets_french_feedback_and_the_instructor_english(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "en")  # the instructor's own language
    monkeypatch.setenv(DATA_ENV, str(REPO / "data"))
    root, subs, out = tmp_path / "course", tmp_path / "subs", tmp_path / "out"
    _course(root, FRENCH)
    _submission(subs, "ana", None)
    _submission(subs, "zoé", "fr")
    grade(EXERCISE, subs, out / "grades.csv", jobs=1, limits=Limits(timeout=10, memory_bytes=GIB),
          root=root, progress=False, warn=lambda _m: None)
    grades = (out / "grades.csv").read_text(encoding="utf-8")
    assert "zoé,ex00-demo,q1,0,2,failed,check 1 of 1: not the expected value" in grades
    assert "zoé,ex00-demo,q2,1,1,passed,all 1 checks passed" in grades  # the sandbox spoke French
    assert "ana,ex00-demo,q2,0,1,failed,hidden check 1 of 1: failed" in grades  # and English here
    french = (out / f"feedback-{EXERCISE}" / "zoé.md").read_text(encoding="utf-8")
    assert french.startswith("# Rétroaction\u00a0: Démo\n")
    assert "| q1 | échoué | 0 / 2 | vérification 1 sur 1\u00a0: pas la valeur attendue" in french
    assert "- vérification 1\u00a0: échouée\u00a0: pas la valeur attendue (obtenu\u00a0: un nombre " \
           "entier\u00a0: 26). Indice\u00a0: comptez les lignes" in french
    assert "Hint" not in french
    english = (out / f"feedback-{EXERCISE}" / "ana.md").read_text(encoding="utf-8")
    assert english.startswith("# Feedback: Demo\n")
    assert "Hint: count the rows" in english
    record = journal_for(out / "grades.csv", EXERCISE).load("zoé")
    assert record is not None
    assert record.language == "fr"
    assert record.rows[0].message.startswith("check 1 of 1")  # the instructor's record: English
    spec = load_spec(root / "instructor" / "checks" / f"{EXERCISE}.yaml")
    pages = class_feedback(spec, out / "grades.csv", class_totals(out / "grades.csv", None, None),
                           None)
    assert '<html lang="fr">' in pages["zoé"]
    assert "Indice\u00a0: comptez les lignes" in pages["zoé"]
    assert "Total\u00a0: 1 / 3 points" in pages["zoé"]
    assert '<html lang="en">' in pages["ana"]
    assert "Hint: count the rows" in pages["ana"]
