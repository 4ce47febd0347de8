"""The exercise checker in a French notebook: its verdicts and messages are French."""

from __future__ import annotations

from pathlib import Path

import pytest

from defence_course.checks import Checker
from defence_course.i18n import LANG_ENV

REPO = Path(__file__).resolve().parents[2]
EX02 = REPO / "exercises" / "checks" / "ex02-two-clubs.yaml"
RIGHT = ["Austria", "Cyprus", "Ireland", "Malta"]
SPEC = """exercise: ex00-demo
title: Demo
questions:
  - id: q1
    points: 2
    answer: members
    checks:
      - public: true
        type: int
      - equals: 27
        hint: count the rows
"""


@pytest.mark.parametrize(("language", "line"), [
    ("fr", "q3 ✓ les 3 vérifications sont satisfaites (une liste; 4 éléments; la valeur); il n\u2019en "
           "reste aucune pour la correction."),
    ("en", "q3 ✓ all 3 checks hold (a list; 4 items; the value); none are left for grading."),
])
def test_the_pass_message_speaks_the_notebooks_language(
        monkeypatch: pytest.MonkeyPatch, language: str, line: str) -> None:
    monkeypatch.setenv(LANG_ENV, language)
    report = Checker("ex02-two-clubs", EX02).run("q3", RIGHT)
    assert report.text == line
    assert ("Réussi\u00a0:" if language == "fr" else "Passed:") in report._repr_html_()


def test_a_pass_with_checks_left_for_grading_and_a_failure_in_french(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(LANG_ENV, "fr")
    spec = tmp_path / "ex00-demo.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    check = Checker("ex00-demo", spec)
    assert check.run("q1", 26).text == (
        "q1 ✓ 1 vérification sur 2 s\u2019exécute ici, et elle est satisfaite (un nombre entier); "
        "l\u2019autre s\u2019exécute à la correction.")
    assert check.run("q1", "x").text == (
        "q1 ✗ vérification 1 sur 1\u00a0: attendu\u00a0: un nombre entier, obtenu\u00a0: une chaîne "
        "de caractères")
    assert "réponse écrite" in Checker("ex02-two-clubs", EX02).run("q7").text
