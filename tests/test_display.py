"""Quizzes and explorers say what they are where widgets cannot render (slides, static copies).

ipywidgets' own text/plain is the widget's repr (`VBox(children=(HTML(value='<style>…`), which is what
jupyterlab-rise 0.43.1 shows on a slide; tests/browser/test_slides_browser.py checks the words there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from defence_course.display import plain_text, widget_bundle
from defence_course.explore.argument import argument_builder
from defence_course.explore.clubs import country_explorer, year_explorer
from defence_course.explore.news import claims_explorer, event_explorer
from defence_course.explore.partnerships import partnership_timeline
from defence_course.explore.pressure import gap_explorer
from defence_course.explore.spending import spending_explorer
from defence_course.paths import ARGUMENTS_ENV, PROGRESS_ENV
from defence_course.quiz import show_progress, show_quiz
from tests.explore.test_clubs import fake_clubs_in

VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_bundle_keeps_the_widget_view_and_replaces_its_repr() -> None:
    box = widgets.VBox([widgets.Label("x")])
    bundle = widget_bundle(box, "Quiz 03 · Who pays?, question 2")
    assert bundle[VIEW]["model_id"] == box.model_id  # JupyterLab still renders the widget itself
    assert bundle["text/plain"].startswith("[Quiz 03 · Who pays?, question 2. Interactive: run it")
    assert "VBox" not in bundle["text/plain"]
    assert box._repr_mimebundle_()["text/plain"].startswith("VBox(")  # what it replaces


@pytest.mark.parametrize(("what", "start"), [("Quiz 03 · Who pays?", "[Quiz 03 · Who pays? Interactive"),
                                             ("Your quiz progress", "[Your quiz progress. Interactive")])
def test_plain_text_ends_the_name_with_one_stop(what: str, start: str) -> None:
    assert plain_text(what).startswith(start)
    assert plain_text(what).endswith("in JupyterLab's notebook view.]")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """What show_widget displays, captured (and progress/arguments kept in tmp_path)."""
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))
    monkeypatch.setenv(ARGUMENTS_ENV, str(tmp_path))
    captured: list[dict[str, Any]] = []

    def display(obj: Any, raw: bool = False) -> None:
        assert raw, "a bundle displayed without raw=True would show as a dict"
        captured.append(obj)

    monkeypatch.setattr("IPython.display.display", display)
    return captured


@pytest.mark.parametrize(("show", "words"), [
    (lambda: show_quiz("04-did-the-pressure-work", "q1"), "[Quiz 04 · Did the pressure work?, question 1."),
    (lambda: show_quiz("00-start-here"), "[Quiz 00 · Start here. Interactive"),
    (show_progress, "[Your quiz progress."),
    (event_explorer, "[Explorer: events by date."),
    (claims_explorer, "[Explorer: the report's claims"),
    (lambda: year_explorer(fake_clubs_in), "[Explorer: the clubs in a chosen year."),
    (country_explorer, "[Explorer: one country's memberships."),
    (spending_explorer, "[Explorer: spending by country and year."),
    (gap_explorer, "[Explorer: an Ally's gap to a spending target."),
    (partnership_timeline, "[Explorer: the partnerships timeline."),
    (argument_builder, "[Form: your argument, claim by claim."),
])
def test_every_quiz_and_explorer_says_what_it_is_in_plain_text(
    shown: list[dict[str, Any]], show: Callable[[], None], words: str
) -> None:
    show()
    assert len(shown) == 1
    assert shown[0]["text/plain"].startswith(words)
    assert VIEW in shown[0]
