"""Quiz widgets in the kernel: set controls, click Check, read the feedback widget."""

from __future__ import annotations

import html
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from defence_course.data import list_datasets
from defence_course.quiz import load_quiz
from defence_course.quiz.model import Feedback, QuizResponseError, Source
from defence_course.quiz.progress import ProgressStore
from defence_course.quiz.widgets import build_progress, build_quiz, render_feedback, show_quiz
from defence_course.quiz.widgets.render import text_html
from defence_course.quiz.widgets.typed_number import parse_number

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
        assert "Why:" not in qv.feedback.value  # not after a first wrong try (issue 11)
        assert "Source:" not in qv.feedback.value
        qv.respond(RIGHT[qid])
        qv.click()
        assert "✔ Correct" in qv.feedback.value, qid
        assert "Why:" in qv.feedback.value  # the explanation comes with a right answer
        assert "Source:" in qv.feedback.value
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
    assert "<code>is_estimate</code> records" in single.feedback.value


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
    start = ordering.read()
    ordering.inputs.moves[0][0].click()  # position 1's "Move down"
    assert ordering.read() == [start[1], start[0], *start[2:]]


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
    # Issue 11: a comma before exactly three digits groups thousands (it was read as 2.035).
    ("2,035", 2035.0), ("2 035", 2035.0), ("2\u202f035", 2035.0), ("1,234,567", 1234567.0),
    ("0,035", 0.035), ("2,03", 2.03), ("1.234,5", 1234.5), ("\u22122", -2.0),
    ("1.5%", 1.5), ("1.5 % of GDP", 1.5),
])
def test_parse_number(typed: str, number: float) -> None:
    unit = "(year)" if "year" in typed else "% of GDP" if "%" in typed else ""
    assert parse_number(typed, unit) == number


@pytest.mark.parametrize(("typed", "unit"), [
    ("", ""), ("abc", ""), (".", ""), ("20 35", ""), ("1,2,3", ""), ("1.2.3", ""),
    ("2 bn", ""), ("1.5%", "(year)"), ("2035 euros", "(year)"),
])
def test_parse_number_rejects(typed: str, unit: str) -> None:
    """Strict: what could mean two numbers, or a unit the question does not use, is refused."""
    with pytest.raises(QuizResponseError):
        parse_number(typed, unit)


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
    assert any("1 of 6 correct (1 at the first try) · 1 attempted" in row.children[1].value
               for row in rows)


def test_show_quiz_displays(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr("defence_course.quiz.widgets.quiz_view.show_widget",
                        lambda widget, what, static=None: shown.append((widget, what)))
    assert show_quiz(START, "q1") is None
    assert len(shown) == 1
    assert isinstance(shown[0][0], widgets.VBox)
    assert shown[0][1] == "Quiz 00 · Start here, question 1"


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
    import defence_course.quiz.widgets.grading as quiz_module

    monkeypatch.setattr(quiz_module, "LATE_VALUE_WINDOW_S", 0.0)
    view = build_quiz(START, "q3", store=store).view("q3")
    view.controls[0].value = "1"
    view.click()
    view.controls[0].value = DATASETS
    # Not graded (it waits for its own Check), and the old verdict is gone: it was about "1"
    # (issue 21: a stale "Correct" stayed beside a new answer).
    assert view.feedback.value == ""
    assert store.results(START)["q3"].attempts == 1


def test_a_new_choice_clears_the_verdict_on_the_old_one(store: ProgressStore) -> None:
    view = build_quiz(START, "q4", store=store).view("q4")
    view.respond(False)
    view.click()
    assert "✔ Correct" in view.feedback.value
    view.respond(True)
    assert view.feedback.value == ""
    view.respond(False)  # back to the answer just graded: nothing to say until Check
    view.click()
    assert "✔ Correct" in view.feedback.value


def test_enter_on_a_word_says_type_a_number_after_a_right_answer(store: ProgressStore) -> None:
    """Issue 21: Enter on "ten" did nothing and the old "Correct" stayed beside it.

    ipywidgets sends Enter's submit before the box's new value: the kernel sees the submit with
    the old (graded) answer, then "ten"."""
    view = build_quiz(START, "q3", store=store).view("q3")
    view.controls[0].value = DATASETS
    view.click()
    assert "✔ Correct" in view.feedback.value
    handlers = view.controls[0]._msg_callbacks.callbacks
    for handler in handlers:
        handler(view.controls[0], {"event": "submit"}, [])
    view.controls[0].value = "ten"
    assert "Type a number first" in view.feedback.value
    assert "Correct" not in view.feedback.value
    assert store.results(START)["q3"].attempts == 1


def test_show_answer_asks_once_before_it_shows(store: ProgressStore) -> None:
    """Issue 21: one Tab too many and Space revealed an answer; the first press only asks."""
    view = build_quiz(START, "q1", store=store).view("q1")
    view.reveal.click()
    assert "The answer" not in view.feedback.value
    assert "Show the answer?" in view.feedback.value
    assert view.reveal.description == "Yes, show answer"
    assert "q1" not in store.results(START)
    view.respond(view.question.choices()[0])  # answering puts the button back
    assert view.reveal.description == "Show answer"
    view.reveal.click()
    view.reveal.click()
    assert "The answer" in view.feedback.value
    assert store.results(START)["q1"].revealed


# --------------------------------------------------------------------------- issue 11


def all_text(widget: widgets.Widget) -> str:
    """Every string a widget tree sends to the page (values, descriptions, options, tooltips)."""
    texts: list[str] = []
    for name in widget.keys:
        value = getattr(widget, name, None)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (list, tuple)):
            texts += [v for v in value if isinstance(v, str)]
            texts += [all_text(v) for v in value if isinstance(v, widgets.Widget)]
    return "\n".join(texts)


def test_a_first_wrong_try_shows_the_chosen_note_not_the_explanation(store: ProgressStore) -> None:
    """Reveal policy: note on the choice first; the explanation after a second try."""
    view = build_quiz(START, "q1", store=store).view("q1")
    explanation = view.question.explanation
    assert explanation
    assert explanation not in all_text(view.box)
    view.respond(WRONG["q1"])
    view.click()
    first = view.feedback.value
    assert "✘ Not quite" in first
    assert "Why:" not in first
    assert text_html(explanation) not in first
    assert "Source:" not in first  # no link between Check and the next question yet
    assert "Show answer" in first  # says how to get the explanation
    note = next(o.feedback for o in view.question.options if o.text == WRONG["q1"])
    assert text_html(note) in first
    view.click()  # a second wrong try
    assert "Why:" in view.feedback.value
    assert "Source:" in view.feedback.value


def test_show_answer_reveals_and_is_kept_as_shown_not_correct(store: ProgressStore) -> None:
    quiz = build_quiz(START, store=store)
    view = quiz.view("q6")
    view.show_answer()
    shown = view.feedback.value
    assert "The answer:" in shown
    assert "Why:" in shown
    assert "load(name) → A typed, checked table from data/" in html.unescape(shown)
    record = store.results(START)["q6"]
    assert (record.revealed, record.solved, record.attempts) == (True, False, 0)
    assert view.status.value == "Answer shown (not counted as correct)"
    view.respond(RIGHT["q6"])
    view.click()
    assert "✔ Correct" in view.feedback.value  # the answer is right...
    assert not store.results(START)["q6"].solved  # ...but copied, so not counted as found
    assert view.status.value == "1 attempt · answer shown (not counted as correct)"
    assert quiz.score.value.endswith("1 of 6 attempted · 0 correct · 1 answer shown")
    row = next(c for c in build_progress(store=store).children
               if "dc-progress-row" in getattr(c, "_dom_classes", ())
               and c.children[0].description == "00 · Start here")
    assert row.children[1].value == "0 of 6 correct (0 at the first try) · 1 attempted · 1 answer shown"


@pytest.mark.parametrize("qid", list(RIGHT))
def test_show_answer_names_the_right_answer_of_every_type(store: ProgressStore, qid: str) -> None:
    view = build_quiz(START, qid, store=store).view(qid)
    view.show_answer()
    right = RIGHT[qid]
    expected = right if isinstance(right, (str, int)) else (
        next(iter(right.values())) if isinstance(right, dict) else right[0])
    assert str(expected) in html.unescape(view.feedback.value)


def test_a_new_wrong_try_says_the_correct_answer_was_earlier(store: ProgressStore) -> None:
    """Issue 11: "✘ Not quite" beside "✔ answered correctly" must say which is which."""
    view = build_quiz(START, "q4", store=store).view("q4")
    view.respond("False")
    view.click()
    assert view.status.value == "1 attempt · ✔ answered correctly"
    view.respond("True")
    view.click()
    assert "✘ Not quite" in view.feedback.value
    assert view.status.value == ("2 attempts · latest try not right, ✔ answered correctly on an "
                                 "earlier try")


def test_wording_no_repeated_verdict_and_counts_agree() -> None:
    """Issue 11: "Correct. That is right." and "1 of 4 matches are right"."""
    quiz = load_quiz(START)
    assert quiz.answer("q1", RIGHT["q1"]).headline == ""
    assert "That is right" not in render_feedback(quiz.answer("q1", RIGHT["q1"]))
    almost = dict(RIGHT["q6"])
    almost["load(name)"], almost["source(name)"], almost["describe(name)"] = (
        RIGHT["q6"]["source(name)"], RIGHT["q6"]["describe(name)"], RIGHT["q6"]["load(name)"])
    assert quiz.answer("q6", almost).headline == "1 of 4 matches is right."


def test_typed_number_is_read_strictly_and_the_feedback_says_how(store: ProgressStore) -> None:
    view = build_quiz(START, "q3", store=store).view("q3")
    view.controls[0].value = "6,000"
    view.click()
    assert "You typed 6,000, read as 6000." in view.feedback.value
    view.controls[0].value = DATASETS
    view.click()
    assert "read as" not in view.feedback.value


def test_enter_in_the_answer_box_checks_it(store: ProgressStore) -> None:
    """Issue 11: Enter in a numeric or text box checks, as the Check button does."""
    view = build_quiz(START, "q3", store=store).view("q3")
    entry = view.controls[0]
    entry.value = DATASETS
    entry._handle_custom_msg({"event": "submit"}, [])  # what the page sends on Enter
    assert "✔ Correct" in view.feedback.value


def test_enter_after_an_edit_does_not_count_the_old_answer_again(store: ProgressStore) -> None:
    """The page sends Enter before the box's new value: the kernel first sees the old answer.
    Counted, it was a second wrong try (which also reveals the explanation)."""
    view = build_quiz(START, "q3", store=store).view("q3")
    entry = view.controls[0]
    entry.value = "1"
    view.click()
    entry._handle_custom_msg({"event": "submit"}, [])  # Enter after typing the count: the old "1" here
    assert store.results(START)["q3"].attempts == 1
    entry.value = DATASETS  # ...and then the new value
    assert "✔ Correct" in view.feedback.value
    assert store.results(START)["q3"].attempts == 2


def test_nothing_needs_an_arrow_key(store: ProgressStore) -> None:
    """Issue 11: dropdowns need arrow keys, which JupyterLab takes; ordering has Move buttons,
    matching has option groups (Tab to an option, Space to choose)."""
    view = build_quiz(START, store=store)
    found: list[widgets.Widget] = []

    def walk(widget: widgets.Widget) -> None:
        found.append(widget)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(view.widget)
    assert not [w for w in found if isinstance(w, (widgets.Dropdown, widgets.Select))]
    ordering = view.view("q5")
    assert {b.description for b in ordering.controls} == {"Move up", "Move down"}
    before = ordering.read()
    ordering.inputs.moves[-1][0].click()  # the last position's "Move up"
    assert ordering.read() == [*before[:-2], before[-1], before[-2]]
    matching = view.view("q6")
    assert all(isinstance(c, widgets.RadioButtons) for c in matching.controls)
    assert all(c.description.endswith("choose its match") for c in matching.controls)
    matching.respond(RIGHT["q6"])
    assert not any("choose" in c.description for c in matching.controls)
    matching.click()
    assert "✔ Correct" in matching.feedback.value


def test_progress_says_where_results_are_and_how_to_reset(store: ProgressStore) -> None:
    box = build_progress(store=store)
    hint = next(c for c in box.children if "dc-progress-reset" in c._dom_classes)
    assert str(store.path) in hint.value
    assert "delete that file" in hint.value
    assert "reset()" in hint.value


def test_export_button_writes_the_cli_format_beside_the_lesson(store: ProgressStore,
                                                              tmp_path: Path) -> None:
    """Issue 13 item 3: the button writes what `defence-course progress export` writes."""
    from defence_course.quiz.classprogress import read_export
    from defence_course.quiz.widgets.export import export_widget

    build_quiz(START, store=store).view("q4").respond("False")
    store.record(START, "q4", True, 1.0)
    lesson = tmp_path / "lessons"
    lesson.mkdir()
    box = export_widget(store, folder=lesson)
    name, button = box.children[0].children
    name.value = "ana b"
    button.click()
    written = lesson / "quiz-progress-ana-b.json"
    export = read_export(written)  # the instructor's reader accepts it
    assert export.learner == "ana b"
    assert export.banks[START]["q4"].solved
    message = box.children[1].value
    assert str(written) in message
    assert "nothing was sent" in message
    name.value = "  "
    button.click()
    assert "cannot name a learner" in box.children[1].value or "name" in box.children[1].value


def test_questions_are_numbered_in_the_order_lessons_show_them() -> None:
    """Issue 11: each lesson shows its bank's questions in bank order, so Q1, Q2, ... run down
    the page (the number is the question's place in its bank)."""
    lessons = Path(__file__).resolve().parents[2] / "text" / "lessons"
    for text in sorted(lessons.glob("*.md")):
        calls = re.findall(r'show_quiz\("([^"]+)", "([^"]+)"\)', text.read_text(encoding="utf-8"))
        for bank in {b for b, _ in calls}:
            shown = [q for b, q in calls if b == bank]
            order = [q.id for q in load_quiz(bank).questions]
            assert shown == sorted(shown, key=order.index), (text.name, shown)


def _q1_options() -> tuple[str, str, str]:
    """Two wrong options and the right one of lesson 00's q1 (a single choice), from its bank."""
    question = load_quiz(START).question("q1")
    wrong = [o.text for o in question.options if not o.correct]
    return wrong[0], wrong[1], next(o.text for o in question.options if o.correct)


def test_a_choice_arriving_just_after_a_click_that_repeated_the_last_answer_is_graded(
    store: ProgressStore,
) -> None:
    """Regression (CI, keyboard test under load): 'pick the right option, Check' reached the kernel
    as the click first, graded with the wrong option picked before, then the new choice."""
    wrong, _, right = _q1_options()
    view = build_quiz(START, "q1", store=store).view("q1")
    radio = view.controls[0]
    radio.value = wrong
    view.click()
    view.click()  # the click for the right option overtakes it...
    radio.value = right  # ...and the choice arrives a moment later
    assert "✔ Correct" in view.feedback.value
    assert store.results(START)["q1"].solved


def test_a_new_choice_after_a_click_on_a_new_answer_waits_for_its_own_click(store: ProgressStore) -> None:
    """Picking again right after checking is the learner's next answer: not graded until Check."""
    wrong, other, _ = _q1_options()
    view = build_quiz(START, "q1", store=store).view("q1")
    radio = view.controls[0]
    radio.value = wrong
    view.click()
    radio.value = other
    assert store.results(START)["q1"].attempts == 1
    assert view.feedback.value == ""  # the verdict was on the old choice (issue 21)


def test_the_keyboard_focus_follows_the_moved_item(store: ProgressStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: after Move down on position 1 the focus is on position 2's Move down (the same
    item's next move), and at the last position on its Move up; it no longer stays in the slot."""
    focused: list[widgets.Button] = []
    monkeypatch.setattr(widgets.Button, "focus", lambda self: focused.append(self))
    view = build_quiz(START, "q5", store=store).view("q5")
    inputs = view.inputs
    rows = {(i, j): button for button, i, j in inputs.moves}
    item = inputs.order[0]
    rows[(0, 1)].click()
    assert inputs.order[1] == item
    assert focused[-1] is rows[(1, 2)]
    last = len(inputs.order) - 1
    rows[(last - 1, last)].click()
    assert focused[-1] is rows[(last, last - 1)]


def test_each_quiz_carries_its_keyboard_module_from_the_package() -> None:
    """Keys stay in the quiz and radio groups rove (issue 21): a package file, nothing fetched."""
    from defence_course.quiz.widgets.keyboard import QuizKeys

    view = build_quiz(START)
    keys = [w for w in view.widget.children if isinstance(w, QuizKeys)]
    assert len(keys) == 1
    module = keys[0]._esm
    for needed in ("stopPropagation", "tabIndex"):
        assert needed in module
    for fetched in ("http", "import("):
        assert fetched not in module


def test_code_in_backticks_is_set_as_code_and_escaped() -> None:
    """Issue 21: a bank writes code as `load("timeline")`; the quiz shows it as code, never as HTML."""
    assert text_html('Run `load("x")` <now>\nthen `y`') == (
        'Run <code>load(&quot;x&quot;)</code> &lt;now&gt;<br>then <code>y</code>')
    assert text_html("no code, one ` tick") == "no code, one ` tick"
