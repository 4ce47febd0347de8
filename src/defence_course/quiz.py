"""Quiz widgets for lessons: `show_quiz()` for a bank or one question, `show_progress()` for all."""

from __future__ import annotations

import html
import re
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from defence_course.progress import ProgressStore, default_progress_path
from defence_course.quizbank import (
    Feedback,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    Quiz,
    QuizError,
    QuizResponseError,
    SingleChoice,
    TextAnswer,
    TrueFalse,
    bank_paths,
    load_quiz,
)

__all__ = ["build_progress", "build_quiz", "load_quiz", "show_progress", "show_quiz"]

# Colours mark the feedback border only; the verdict is always an icon plus words, and the text
# keeps the theme's own colour, so text contrast stays what JupyterLab's theme gives (WCAG AA).
# The border and the focus ring are non-text UI (WCAG 1.4.11 asks 3:1 against what is next to
# them), and a notebook may be light (#fff) or dark (#111): mid-tones are >= 3:1 against both.
# The dark shades used before were about 2.2-2.8:1 on the dark theme (tests/test_quiz_contrast.py).
_BORDER = {"correct": "#2e7d32", "partial": "#b26a00", "wrong": "#d32f2f", "info": "#1976d2"}
_FOCUS_RING = "#1976d2"
# What ipywidgets' own CSS gets wrong for keyboard, pointer and low-vision users, fixed by one
# scoped stylesheet (a <style> inside a hidden HTML widget still applies; its selectors reach only
# quiz and progress widgets). Each was measured in JupyterLab (tests/browser/test_quiz_a11y.py):
# - Focus: text boxes and lists show it only by a 1px border in --jp-brand-color2 (#64b5f6, 2.2:1
#   on white) under `outline: none !important`, and the Check button's 1px outline has the same
#   colour: too faint to see where the keyboard is (WCAG 2.4.7, 1.4.11). Every control gets a 2px
#   ring, offset so that it contrasts with the page itself; the quiz keeps 4px of room around its
#   controls, and its inner boxes do not clip, so no side of a ring is cut off.
# - Radio rows are 20px high (--jp-widgets-radio-item-height), so each 13x20px radio sits 16px from
#   the next: under the 24px target size of WCAG 2.5.8. Rows get the 28px every other control has,
#   and grow when a long option wraps (a fixed height made it overlap the next option).
# - Label widgets and checkbox texts never wrap (`nowrap`, cut with an ellipsis): the keyboard hints
#   of ordering and matching questions and the progress titles and counts lost their ends
#   (WCAG 1.4.10). They wrap, and their rows grow to fit.
# - Links look like the text around them in a widget: the source link is underlined (WCAG 1.4.1).
_QUIZ_CSS = string.Template(
    "<style>"
    ".dc-quiz, .dc-progress { --jp-widgets-radio-item-height: var(--jp-widgets-inline-height, 28px); } "
    ".dc-quiz { padding: 4px; } .dc-quiz .widget-box { overflow: visible; } "
    ".dc-quiz .widget-radio-box label, .dc-quiz .widget-checkbox "
    "{ height: auto; min-height: var(--jp-widgets-inline-height, 28px); } "
    ".dc-quiz .widget-label-basic, .dc-quiz .widget-label-basic span "
    "{ white-space: normal; overflow: visible; } "
    ".dc-quiz div.widget-label, .dc-progress .widget-label "
    "{ white-space: normal; overflow: visible; height: auto; line-height: 1.4; } "
    ".dc-quiz .dc-status, .dc-quiz .dc-unit { align-self: center; } "
    ".dc-quiz div.widget-label { text-align: left; } "
    ".dc-progress .widget-hprogress { height: auto; } .dc-progress-row { overflow: visible; } "
    ".dc-quiz a { text-decoration: underline; } "
    ".dc-quiz input:focus-visible, .dc-quiz select:focus-visible, "
    ".dc-quiz button:focus-visible, .dc-quiz a:focus-visible "
    "{ outline: 2px solid $ring !important; outline-offset: 2px !important; }"
    "</style>"
)

_PROMPT = string.Template('<div class="dc-prompt"><strong>$number</strong> $prompt</div>')
_BOX = string.Template(
    '<div class="dc-feedback-box dc-$state" '
    'style="border-left: 0.35em solid $colour; padding: 0.3em 0.7em; margin: 0.3em 0;">'
    "$body</div>"
)
# role="alert": the HTML widget replaces its content on each update, and screen readers announce
# an inserted alert reliably (a freshly inserted status region may be skipped). Kept short: the
# verdict line only; details, explanation and source follow as ordinary text.
_VERDICT = string.Template(
    '<p class="dc-verdict" role="alert"><strong>$verdict.</strong> $headline</p>'
)
_ITEM = string.Template("<li>$text</li>")
_LIST = string.Template('<ul class="dc-details">$items</ul>')
_EXPLANATION = string.Template('<p class="dc-explanation"><strong>Why:</strong> $text</p>')
_SOURCE = string.Template(
    '<p class="dc-source">Source: <a href="$url" target="_blank" rel="noopener noreferrer">'
    "$title</a></p>"
)
_INFO = string.Template('<p role="alert"><strong>\u2139 Note:</strong> $text</p>')


def _text_html(text: str) -> str:
    """Escape text for HTML and keep its line breaks."""
    return html.escape(text).replace("\n", "<br>")


def render_feedback(feedback: Feedback) -> str:
    """Feedback as escaped HTML: verdict (icon + words), details, explanation and source."""
    state = "correct" if feedback.correct else "partial" if feedback.score > 0 else "wrong"
    parts = [_VERDICT.substitute(verdict=html.escape(feedback.verdict),
                                 headline=_text_html(feedback.headline))]
    if feedback.details:
        items = "".join(_ITEM.substitute(text=_text_html(d)) for d in feedback.details)
        parts.append(_LIST.substitute(items=items))
    if feedback.explanation:
        parts.append(_EXPLANATION.substitute(text=_text_html(feedback.explanation)))
    if feedback.source is not None:
        parts.append(_SOURCE.substitute(url=html.escape(feedback.source.url, quote=True),
                                        title=html.escape(feedback.source.title)))
    return _BOX.substitute(state=state, colour=_BORDER[state], body="".join(parts))


def render_info(text: str) -> str:
    """A neutral note (e.g. 'choose an answer first'): not an attempt, not colour-coded."""
    return _BOX.substitute(state="info", colour=_BORDER["info"],
                           body=_INFO.substitute(text=_text_html(text)))


def _parse_number(text: str) -> float:
    """Read what a learner typed: '2.5', '2,5', '1 000', '-3e2' (a unit at the end is ignored)."""
    cleaned = text.strip().replace("\u00a0", " ")
    match = re.match(r"^([-+]?[\d\s.,]*\d(?:[eE][-+]?\d+)?)", cleaned)
    if not match:
        raise QuizResponseError("type a number first, for example 2.5")
    number = match.group(1).replace(" ", "")
    if "," in number and "." not in number and number.count(",") == 1:
        number = number.replace(",", ".")
    number = number.replace(",", "")
    try:
        return float(number)
    except ValueError:
        raise QuizResponseError(f"{text.strip()!r} is not a number; type digits, e.g. 2.5") \
            from None


# --------------------------------------------------------------------------- one question


@dataclass
class QuestionView:
    """The widgets of one question, and how to read a response from them."""

    question: Question
    number: int
    box: widgets.VBox
    check: widgets.Button
    feedback: widgets.HTML
    status: widgets.Label
    controls: list[widgets.Widget]
    read: Callable[[], Any]
    on_result: Callable[[QuestionView, Feedback], None] | None = None
    last: Feedback | None = field(default=None)

    def click(self) -> None:
        """Press 'Check answer' from Python (tests, benchmarks)."""
        self.check.click()

    def respond(self, response: Any) -> None:
        """Set the controls to an API-style response (the same shapes `Quiz.answer` takes)."""
        q = self.question
        if isinstance(q, MultipleSelect):
            for box in self.controls:
                box.value = box.description in response
        elif isinstance(q, (SingleChoice, TrueFalse, TextAnswer)):
            self.controls[0].value = response if not isinstance(response, bool) else str(response)
        elif isinstance(q, Numeric):
            self.controls[0].value = str(response)
        elif isinstance(q, Ordering):
            for dropdown, item in zip(self.controls, response, strict=True):
                dropdown.value = item
        elif isinstance(q, Matching):
            for dropdown in self.controls:
                dropdown.value = response.get(dropdown.description)


def _status_text(attempts: int, solved: bool) -> str:
    if not attempts:
        return "Not tried yet."
    plural = "s" if attempts != 1 else ""
    return f"{attempts} attempt{plural} · " + ("✔ answered correctly" if solved
                                                else "not answered correctly yet")


_WIDE = widgets.Layout(width="auto")
# JupyterLab takes a bare arrow key on a closed list for its own shortcuts (ipywidgets #3912),
# so tell keyboard users the keys that work everywhere.
_LIST_KEYS = "Keyboard: Tab to a list, Alt+Down to open it, arrows and Enter to choose."


def _controls(question: Question) -> tuple[list[widgets.Widget], list[widgets.Widget],
                                           Callable[[], Any]]:
    """Build (controls, layout children, reader) for one question type."""
    label = f"Answer to question {question.id}"
    if isinstance(question, (SingleChoice, TrueFalse)) and not isinstance(question,
                                                                          MultipleSelect):
        radio = widgets.RadioButtons(options=question.choices(), value=None, layout=_WIDE,
                                     description="Answer", tooltip=label)
        radio.add_class("dc-input")

        def read_one() -> Any:
            if radio.value is None:
                raise QuizResponseError("choose an answer first")
            return radio.value

        return [radio], [radio], read_one
    if isinstance(question, MultipleSelect):
        boxes = [widgets.Checkbox(value=False, description=text, indent=False, layout=_WIDE)
                 for text in question.choices()]
        for box in boxes:
            box.add_class("dc-input")
        hint = widgets.Label("Choose every right option.")

        def read_many() -> Any:
            chosen = [box.description for box in boxes if box.value]
            if not chosen:
                raise QuizResponseError("choose at least one option first")
            return chosen

        return list(boxes), [hint, *boxes], read_many
    if isinstance(question, (Numeric, TextAnswer)):
        is_number = isinstance(question, Numeric)
        # continuous_update=False: the value is sent once, when the box loses focus (Tab to Check,
        # or a click on it), so it reaches the kernel before the click does. Sent on every key,
        # ipywidgets holds later keystrokes back while one is in flight, but not the click: a
        # fast "2035, Tab, Enter" was graded as "203" (seen in tests/browser/test_quiz_a11y.py).
        entry = widgets.Text(value="", placeholder="a number" if is_number else "your answer",
                             description="Answer", tooltip=label, continuous_update=False)
        entry.add_class("dc-input")
        unit = widgets.Label(question.unit if is_number else "")
        unit.add_class("dc-unit")

        def read_entry() -> Any:
            if not entry.value.strip():
                raise QuizResponseError("type an answer first")
            return _parse_number(entry.value) if is_number else entry.value

        return [entry], [widgets.HBox([entry, unit])], read_entry
    if isinstance(question, Ordering):
        start = question.choices()
        dropdowns = [widgets.Dropdown(options=start, value=item, description=f"Position {i}",
                                      style={"description_width": "initial"}, layout=_WIDE)
                     for i, item in enumerate(start, start=1)]
        busy = {"on": False}

        def swap(change: dict[str, Any]) -> None:
            """Keep a permutation: the item chosen moves here, the old one takes its place."""
            if busy["on"]:
                return
            busy["on"] = True
            try:
                for other in dropdowns:
                    if other is not change["owner"] and other.value == change["new"]:
                        other.value = change["old"]
            finally:
                busy["on"] = False

        for dropdown in dropdowns:
            dropdown.add_class("dc-input")
            dropdown.observe(swap, names="value")
        hint = widgets.Label("Set each position; the item you pick swaps places with the one "
                             f"it replaces. Position 1 comes first. {_LIST_KEYS}")
        return list(dropdowns), [hint, *dropdowns], lambda: [d.value for d in dropdowns]
    if isinstance(question, Matching):
        options: list[tuple[str, Any]] = [("— choose —", None)]
        options += [(text, text) for text in question.choices()]
        dropdowns = [widgets.Dropdown(options=options, value=None, description=left,
                                      style={"description_width": "initial"}, layout=_WIDE)
                     for left in question.lefts()]
        for dropdown in dropdowns:
            dropdown.add_class("dc-input")
        hint = widgets.Label(f"Choose the match for each item. {_LIST_KEYS}")

        def read_pairs() -> Any:
            if any(d.value is None for d in dropdowns):
                raise QuizResponseError("choose a match for every item first")
            return {d.description: d.value for d in dropdowns}

        return list(dropdowns), [hint, *dropdowns], read_pairs
    raise QuizError(f"no widget for question type {question.type!r}")  # pragma: no cover


# How long after a Check click a typed value that arrives is taken as the one the learner
# clicked for (see on_late_value in build_question).
LATE_VALUE_WINDOW_S = 5.0


def build_question(quiz: Quiz, question: Question, number: int, store: ProgressStore,
                   on_result: Callable[[QuestionView, Feedback], None] | None = None
                   ) -> QuestionView:
    """Widgets for one question; the Check button grades kernel-side and saves the attempt."""
    prompt = widgets.HTML(_PROMPT.substitute(number=html.escape(f"Q{number}."),
                                             prompt=_text_html(question.prompt)))
    controls, children, read = _controls(question)
    # No `icon`: ipywidgets draws it as a Font Awesome glyph from the Private Use Area, which
    # browsers put into the button's accessible name (" Check answer").
    check = widgets.Button(description="Check answer", button_style="primary",
                           tooltip=f"Check your answer to question {number}")
    check.add_class("dc-check")
    rec = store.results(quiz.name).get(question.id)
    status = widgets.Label(_status_text(rec.attempts, rec.solved) if rec else _status_text(0, False))
    status.add_class("dc-status")
    feedback = widgets.HTML("")
    feedback.add_class("dc-feedback")
    box = widgets.VBox([prompt, *children, widgets.HBox([check, status]), feedback])
    box.add_class("dc-question")
    box.add_class(f"dc-type-{question.type}")
    box.add_class(f"dc-q-{question.id}")
    view = QuestionView(question, number, box, check, feedback, status, controls, read,
                        on_result)

    graded: dict[str, Any] = {"response": None, "at": float("-inf"), "late": False}

    def grade(*, late: bool) -> None:
        try:
            response = view.read()
            result = question.grade(response)
        except QuizResponseError as error:
            if not late:  # e.g. "type an answer first": a value may still be on its way
                graded.update(response=None, at=time.monotonic(), late=False)
                feedback.value = render_info(str(error)[:1].upper() + str(error)[1:] + ".")
            return
        recent = time.monotonic() - graded["at"] < LATE_VALUE_WINDOW_S
        if not late and graded["late"] and recent and response == graded["response"]:
            return  # the late value was graded a moment ago: do not count the same answer twice
        graded.update(response=response, at=time.monotonic(), late=late)
        view.last = result
        saved = store.record(quiz.name, question.id, result.correct, result.score)
        status.value = _status_text(saved.attempts, saved.solved)
        feedback.value = render_feedback(result)
        if view.on_result is not None:
            view.on_result(view, result)

    def on_check(_button: widgets.Button | None = None) -> None:
        grade(late=False)

    def on_late_value(_change: dict[str, Any]) -> None:
        """Grade a typed answer that reached the kernel just after its Check click.

        Why: ipywidgets holds a model's update back while an earlier one is in flight, but sends
        a button click at once, so under load "type 2035, click Check" can reach the kernel as
        the click first (graded with the old value), then 2035. The feedback must match what the
        learner sees in the box when they clicked.
        """
        if time.monotonic() - graded["at"] < LATE_VALUE_WINDOW_S:
            try:
                changed = view.read() != graded["response"]
            except QuizResponseError:
                return
            if changed:
                grade(late=True)

    check.on_click(on_check)
    if isinstance(question, (Numeric, TextAnswer)):
        for control in controls:
            control.observe(on_late_value, names="value")
    return view


# --------------------------------------------------------------------------- a whole quiz


def quiz_style() -> widgets.HTML:
    """A hidden widget whose stylesheet fixes focus, target size, clipped labels and links (above)."""
    style = widgets.HTML(_QUIZ_CSS.substitute(ring=_FOCUS_RING),
                         layout=widgets.Layout(display="none"))
    style.add_class("dc-style")
    return style


@dataclass
class QuizView:
    """A bank (or one question of it) on screen, with its attempted/correct line."""

    quiz: Quiz
    widget: widgets.VBox
    score: widgets.Label
    notice: widgets.HTML
    questions: list[QuestionView]
    store: ProgressStore

    def view(self, question_id: str) -> QuestionView:
        """The view of one question, by id."""
        for view in self.questions:
            if view.question.id == question_id:
                return view
        raise QuizError(f"question {question_id!r} is not shown in this quiz view")

    def refresh(self) -> None:
        """Recount attempted/correct from the progress file and show any pending notice."""
        summary = self.store.summary(self.quiz.name, [q.id for q in self.quiz.questions])
        self.score.value = (f"{self.quiz.title}: {summary.attempted} of {summary.total} "
                            f"attempted · {summary.correct} correct")
        notices = self.store.take_notices()
        if notices:
            self.notice.value = render_info(" ".join(notices))


_STORES: dict[str, ProgressStore] = {}


def progress_store() -> ProgressStore:
    """One store per progress path, so notices are shown once per kernel, not once per widget."""
    path = str(default_progress_path())
    if path not in _STORES:
        _STORES[path] = ProgressStore(path)
    return _STORES[path]


def build_quiz(bank: str, question_id: str | None = None, *,
               store: ProgressStore | None = None) -> QuizView:
    """Build (without displaying) the widgets for a bank or one of its questions."""
    quiz = load_quiz(bank)
    store = store or progress_store()
    chosen = [quiz.question(question_id)] if question_id is not None else list(quiz.questions)
    score = widgets.Label("")
    score.add_class("dc-score")
    notice = widgets.HTML("")
    notice.add_class("dc-notice")
    views: list[QuestionView] = []
    quiz_view = QuizView(quiz, widgets.VBox(), score, notice, views, store)
    numbers = {q.id: i for i, q in enumerate(quiz.questions, start=1)}
    for question in chosen:
        views.append(build_question(quiz, question, numbers[question.id], store,
                                    on_result=lambda _v, _f: quiz_view.refresh()))
    # One question sits inside a lesson: its own status line says attempts and correctness, and
    # a bank total repeated after every such question would be clutter (show_progress has it).
    header = [score] if question_id is None else []
    quiz_view.widget.children = [quiz_style(), *header, notice, *(v.box for v in views)]
    quiz_view.widget.add_class("dc-quiz")
    quiz_view.refresh()
    return quiz_view


def show_quiz(bank: str, question_id: str | None = None) -> None:
    """Show a whole bank, or one question of it, right here in the notebook.

    `show_quiz("03-who-pays")` shows lessons/quizzes/03-who-pays.yaml; `show_quiz("03-who-pays",
    "q2")` shows only q2, so a question can sit right after the cell it is about.
    """
    from IPython.display import display

    display(build_quiz(bank, question_id).widget)


# --------------------------------------------------------------------------- progress overview


def build_progress(*, store: ProgressStore | None = None) -> widgets.VBox:
    """One row per lesson bank: a bar of questions answered correctly, and the counts in words."""
    store = store or progress_store()
    rows: list[widgets.Widget] = [widgets.HTML("<h3>Your quiz progress</h3>")]
    for path in bank_paths():
        try:
            quiz = load_quiz(path)
        except QuizError as error:
            problem = widgets.Label(f"{path.stem}: this quiz cannot be read ({error})")
            problem.add_class("dc-progress-error")
            rows.append(problem)
            continue
        summary = store.summary(quiz.name, [q.id for q in quiz.questions])
        bar = widgets.IntProgress(value=summary.correct, min=0, max=summary.total,
                                  description=quiz.title, bar_style="success",
                                  style={"description_width": "20em"},
                                  layout=widgets.Layout(width="36em"))
        words = widgets.Label(f"{summary.correct} of {summary.total} correct · "
                              f"{summary.attempted} attempted")
        row = widgets.HBox([bar, words])
        row.add_class("dc-progress-row")
        rows.append(row)
    if len(rows) == 1:
        rows.append(widgets.Label("No quizzes found."))
    notices = store.take_notices()
    if notices:
        notice = widgets.HTML(render_info(" ".join(notices)))
        notice.add_class("dc-notice")
        rows.insert(1, notice)
    box = widgets.VBox([*rows, quiz_style()])
    box.add_class("dc-progress")
    return box


def show_progress() -> None:
    """Show every lesson's quiz results in one widget (a bar per lesson)."""
    from IPython.display import display

    display(build_progress())
