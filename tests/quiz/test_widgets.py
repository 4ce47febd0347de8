"""Quiz widgets in the kernel: set controls, click Check, read the feedback widget."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pytest

from defence_course.data import list_datasets
from defence_course.quiz.model import Feedback, QuizResponseError, Source
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.widgets import (
    _parse_number,
    build_progress,
    build_quiz,
    render_feedback,
    show_quiz,
)

START = "00-start-here"
DATASETS = str(len(list_datasets()))  # q3's right answer, as a learner types it
RIGHT = {
    "q1": "NATO published the figure before the year's accounts were final, so a later edition may revise it",
    "q2": ['source("nato_spending")', 'describe("nato_spending")', "The edition column of each row",
           "data/datapackage.json"],
    "q3": len(list_datasets()),  # what lesson 00 asks to count (DATASETS as typed)
    "q4": "False",
    "q5": [
        "Read the question and the name of the result it asks you to define",
        "Replace the ... placeholder with your code and run the cell",
        "Run the check cell below it and read what it says",
        "Save the notebook and hand in the .ipynb file",
    ],
    "q6": {
        "load(name)": "A typed, checked table from data/",
        "source(name)": "A short citation for a table or a plot",
        "describe(name)": "Every source, licence, caveat and column explained",
        "show_progress()": "A bar per lesson with your quiz results",
    },
}
WRONG = {
    "q1": "The figure comes from SIPRI's database rather than from NATO's own defence expenditure report",
    "q2": ['source("nato_spending")', "show_progress()"],
    "q3": 1,
    "q4": "True",
    "q5": list(reversed(RIGHT["q5"])),
    "q6": {**RIGHT["q6"], "load(name)": "A short citation for a table or a plot",
           "source(name)": "A typed, checked table from data/"},
}


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def test_each_type_wrong_then_right(store: ProgressStore) -> None:
    view = build_quiz(START, store=store)
    assert "dc-quiz" in view.widget._dom_classes
    assert [v.question.type for v in view.questions] == [
        "single", "multiple", "numeric", "truefalse", "ordering", "matching"]
    for qv in view.questions:
        qid = qv.question.id
        assert "dc-question" in qv.box._dom_classes
        assert qv.feedback.value == ""
        qv.respond(WRONG[qid])
        qv.click()
        assert "Not quite" in qv.feedback.value or "Partly right" in qv.feedback.value, qid
        assert "✘" in qv.feedback.value or "◑" in qv.feedback.value
        assert "Why:" in qv.feedback.value  # the explanation is shown after an attempt
        assert "Source:" in qv.feedback.value
        qv.respond(RIGHT[qid])
        qv.click()
        assert "✔ Correct" in qv.feedback.value, qid
        assert qv.status.value.startswith("2 attempts")
        assert "answered correctly" in qv.status.value
    assert view.score.value.endswith("6 of 6 attempted · 6 correct")
    assert store.summary(START, list(RIGHT)).correct == 6


def test_specific_feedback_is_shown(store: ProgressStore) -> None:
    view = build_quiz(START, store=store)
    numeric = view.view("q3")
    numeric.respond(1)
    numeric.click()
    assert "nato_spending" in numeric.feedback.value  # the feedback for this common mistake
    single = view.view("q1")
    single.respond("The course's authors estimated the figure themselves because NATO did not publish"
                   " one for Canada")
    single.click()
    assert "is_estimate records" in single.feedback.value


def test_driving_the_controls_directly(store: ProgressStore) -> None:
    """What a learner does: tick boxes, type text, pick from lists (no respond() helper)."""
    view = build_quiz(START, store=store)
    multi = view.view("q2")
    for box in multi.controls:
        box.value = box.description in ('source("nato_spending")', 'data/datapackage.json')
    multi.click()
    assert "◑ Partly right" in multi.feedback.value
    numeric = view.view("q3")
    numeric.controls[0].value = f" {DATASETS} "
    numeric.click()
    assert "✔ Correct" in numeric.feedback.value
    ordering = view.view("q5")
    start = [d.value for d in ordering.controls]
    ordering.controls[0].value = start[1]  # picking an item swaps it with the one it replaces
    assert [d.value for d in ordering.controls] == [start[1], start[0], *start[2:]]


def test_no_answer_is_a_note_not_an_attempt(store: ProgressStore) -> None:
    view = build_quiz(START, store=store)
    for qv in view.questions:
        if qv.question.type == "ordering":
            continue  # always holds a full order
        qv.click()
        assert "Note:" in qv.feedback.value, qv.question.id
        assert "first" in qv.feedback.value
    numeric = view.view("q3")
    numeric.controls[0].value = "soon"
    numeric.click()
    assert "type a number" in numeric.feedback.value.lower()
    assert store.results(START) == {}
    assert view.score.value.endswith("0 of 6 attempted · 0 correct")


def test_one_question_and_status_after_restart(store: ProgressStore) -> None:
    view = build_quiz(START, "q4", store=store)
    assert [v.question.id for v in view.questions] == ["q4"]
    assert "dc-type-truefalse" in view.questions[0].box._dom_classes
    view.questions[0].respond("False")
    view.questions[0].click()
    again = build_quiz(START, "q4", store=ProgressStore(store.path))  # a new kernel
    assert again.questions[0].status.value == "1 attempt · ✔ answered correctly"
    assert again.score.value.endswith("1 of 6 attempted · 1 correct")
    assert again.score not in again.widget.children  # no bank total after a lone question
    assert view.score not in view.widget.children
    full = build_quiz(START, store=store)
    assert full.score in full.widget.children


def test_every_control_has_a_label(store: ProgressStore) -> None:
    view = build_quiz(START, store=store)
    for qv in view.questions:
        assert qv.check.description == "Check answer"
        assert "dc-check" in qv.check._dom_classes
        for control in qv.controls:
            assert control.description, (qv.question.id, control)


def test_corrupt_progress_notice_shown_once(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("{not json", encoding="utf-8")
    store = ProgressStore(path)
    first = build_quiz(START, store=store)
    assert "could not be read" in first.notice.value
    second = build_quiz(START, store=store)
    assert second.notice.value == ""


def test_feedback_html_is_escaped_and_not_colour_only() -> None:
    feedback = Feedback(False, 0.0, "<b>bad</b>", ("a & b",), "x < y",
                        Source("T<i>", 'https://e.x/?a="1"'))
    text = render_feedback(feedback)
    assert "<b>bad</b>" not in text
    assert html.escape("<b>bad</b>") in text
    assert "a &amp; b" in text
    assert "&quot;1&quot;" in text
    assert "✘ Not quite" in text  # an icon and words, whatever the colour
    assert 'role="alert"' in text  # announced by screen readers when it appears


@pytest.mark.parametrize(("typed", "number"), [
    ("2.5", 2.5), ("2,5", 2.5), ("1 000", 1000.0), ("-3e2", -300.0), ("2035 (year)", 2035.0),
    ("1,234.5", 1234.5),
])
def test_parse_number(typed: str, number: float) -> None:
    assert _parse_number(typed) == number


@pytest.mark.parametrize("typed", ["", "abc", "."])
def test_parse_number_rejects(typed: str) -> None:
    with pytest.raises(QuizResponseError):
        _parse_number(typed)


def test_show_progress_has_a_bar_per_bank(store: ProgressStore) -> None:
    view = build_quiz(START, store=store)
    view.view("q1").respond(RIGHT["q1"])
    view.view("q1").click()
    box = build_progress(store=store)
    rows = [c for c in box.children if "dc-progress-row" in getattr(c, "_dom_classes", ())]
    assert rows
    bars = {row.children[0].description: row.children[0] for row in rows}
    start = bars["00 · Start here"]
    assert isinstance(start, widgets.IntProgress)
    assert (start.value, start.max) == (1, 6)
    assert any("1 of 6 correct · 1 attempted" in row.children[1].value for row in rows)


def test_show_quiz_displays(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert show_quiz(START, "q1") is None
    assert len(shown) == 1
    assert isinstance(shown[0], widgets.VBox)


def test_typed_answer_is_sent_once_before_the_click(store: ProgressStore) -> None:
    """Sent per key, a fast 'type, Tab, Enter' was graded on a stale value (ipywidgets holds back
    a model's later updates while one is in flight, but not the button's click)."""
    entry = build_quiz(START, "q3", store=store).view("q3").controls[0]
    assert isinstance(entry, widgets.Text)
    assert entry.continuous_update is False


def test_quiz_and_progress_carry_the_accessibility_stylesheet(store: ProgressStore) -> None:
    """Focus ring, 24px+ targets, wrapping labels: CSS ipywidgets lacks (browser-tested in
    tests/browser/test_quiz_a11y.py); hidden, so it adds nothing on screen."""
    for box in (build_quiz(START, "q1", store=store).widget, build_progress(store=store)):
        styles = [c for c in box.children if "dc-style" in c._dom_classes]
        assert len(styles) == 1
        assert styles[0].layout.display == "none"
        css = styles[0].value
        assert ":focus-visible" in css
        assert "--jp-widgets-radio-item-height" in css
        assert "white-space: normal" in css


def test_check_button_name_is_words_only(store: ProgressStore) -> None:
    """An icon would put a Font Awesome Private Use Area glyph into the accessible name."""
    for qv in build_quiz(START, store=store).questions:
        assert qv.check.icon == ""
        assert qv.check.description == "Check answer"


def test_a_typed_value_arriving_just_after_its_click_is_graded(store: ProgressStore) -> None:
    """Regression (seen in the browser under load): 'type 2035, click Check' reached the kernel
    as the click first, graded with the old 2032, then the 2035. The late value is graded, and
    the learner's next click on the same answer is not counted twice."""
    view = build_quiz(START, "q3", store=store).view("q3")
    entry = view.controls[0]
    entry.value = "1"
    view.click()
    assert "✘" in view.feedback.value
    view.click()  # the click for "2035" overtakes the value...
    entry.value = DATASETS  # ...which arrives a moment later
    assert "✔ Correct" in view.feedback.value
    assert store.results(START)["q3"].attempts == 3
    view.click()  # the learner presses Check again on the same answer: shown, not counted
    assert store.results(START)["q3"].attempts == 3


def test_a_click_before_any_value_arrived_is_graded_when_it_does(store: ProgressStore) -> None:
    view = build_quiz(START, "q3", store=store).view("q3")
    view.click()
    assert "Note:" in view.feedback.value
    view.controls[0].value = DATASETS
    assert "✔ Correct" in view.feedback.value


def test_a_value_changed_long_after_a_check_waits_for_the_next_click(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import defence_course.quiz.widgets as quiz_module

    monkeypatch.setattr(quiz_module, "LATE_VALUE_WINDOW_S", 0.0)
    view = build_quiz(START, "q3", store=store).view("q3")
    view.controls[0].value = "1"
    view.click()
    view.controls[0].value = DATASETS
    assert "✘" in view.feedback.value
    assert store.results(START)["q3"].attempts == 1
