"""Widgets as static HTML on pages without a kernel (the website): only when asked, and escaped."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest

from defence_course.display import widget_bundle
from defence_course.paths import ARGUMENTS_ENV, PROGRESS_ENV, STATIC_ENV
from defence_course.static import fragment, serialize, widget_snapshot


@pytest.fixture
def static_pages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(STATIC_ENV, "1")
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))
    monkeypatch.setenv(ARGUMENTS_ENV, str(tmp_path))


def test_jupyterlab_gets_no_html_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    assert "text/html" not in widget_bundle(widgets.Label("x"), "Explorer: x")
    monkeypatch.setenv(STATIC_ENV, "0")
    assert "text/html" not in widget_bundle(widgets.Label("x"), "Explorer: x")


@pytest.mark.usefixtures("static_pages")
def test_a_page_gets_the_static_form_given_or_the_snapshot() -> None:
    given = widget_bundle(widgets.Label("x"), "X", static=lambda: "<p>given</p>")
    assert given["text/html"] == "<p>given</p>"
    assert "<p>x</p>" in widget_bundle(widgets.Label("x"), "Explorer: x")["text/html"]


@pytest.mark.usefixtures("static_pages")
def test_the_quiz_cell_shows_its_questions_on_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from defence_course.quiz import show_quiz

    shown: list[dict] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    show_quiz("03-who-pays", "q2")
    assert "dc-static-quiz" in shown[0]["text/html"]
    assert "question 2" in shown[0]["text/html"]


def test_fragment_drops_scripts_and_handlers_and_keeps_text_escaped() -> None:
    element = fragment('<p onclick="x()">a &lt; b<br>c</p><script>alert(1)</script><style>p{}</style>')
    html_text = serialize(element)
    assert "onclick" not in html_text
    assert "alert" not in html_text
    assert "a &lt; b<br>c" in html_text
    assert "<style>p{}</style>" in html_text


def test_snapshot_lists_settings_shows_image_and_skips_hidden_widgets() -> None:
    box = widgets.VBox([
        widgets.Dropdown(options=[("Canada", "CAN"), ("Poland", "POL")], value="POL", description="Ally"),
        widgets.IntRangeSlider(value=(2014, 2025), min=2000, max=2030, description="Years"),
        widgets.Button(description="Reset"),
        widgets.Image(value=b"\x89PNG-bytes", format="png"),
        widgets.HTML("<style>.x{}</style><b>hidden</b>", layout=widgets.Layout(display="none")),
        widgets.HTML("<p>Gap: <b>1.49</b></p>"),
    ])
    html_text = widget_snapshot(box, "Explorer: <gap>")
    assert "Explorer: &lt;gap&gt;" in html_text
    assert "<li>Ally: Poland</li>" in html_text
    assert "<li>Years: 2014 to 2025</li>" in html_text
    assert "Reset" not in html_text
    assert "hidden" not in html_text
    assert 'src="data:image/png;base64,iVBORy1ieXRlcw=="' in html_text
    assert "<p>Gap: <b>1.49</b></p>" in html_text


@pytest.mark.usefixtures("static_pages")
def test_the_gap_explorer_shows_its_chart_drawn_by_the_front_end(monkeypatch: pytest.MonkeyPatch) -> None:
    from defence_course.explore.pressure import gap_explorer

    shown: list[dict] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    gap_explorer()
    assert shown[0]["text/html"].count('src="data:image/png;base64,') == 1
    assert "Ally: Canada" in shown[0]["text/html"]


def test_code_in_backticks_is_code_in_every_html_view() -> None:
    """One rule (markup.py) for the quiz, the checker and the feedback pages; text stays escaped."""
    from xml.etree import ElementTree as ET

    from defence_course.checks import render_check
    from defence_course.markup import add_inline, inline_html

    assert inline_html("replace the ... in `x = <...>`") == (
        "replace the ... in <code>x = &lt;...&gt;</code>")
    assert "<code>june_2025 = ...</code>" in render_check("failed", "replace `june_2025 = ...`", "q1")
    page = ET.Element("div")
    add_inline(page, "a `b`\nc")
    assert ET.tostring(page, encoding="unicode") == "<div>a <code>b</code><br />c</div>"
