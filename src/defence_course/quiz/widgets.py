"""Quiz widgets for lessons: `show_quiz()` for a bank or one question, `show_progress()` for all."""

from __future__ import annotations

import html
import re
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from defence_course.display import show_widget
from defence_course.quiz.banks import bank_paths, load_quiz
from defence_course.quiz.classprogress import (
    ClassProgressError,
    default_learner_name,
    export_file_name,
    export_progress,
    export_summary,
)
from defence_course.quiz.model import (
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
    Source,
    TextAnswer,
    TrueFalse,
)
from defence_course.quiz.progress import ProgressStore, QuestionRecord, default_progress_path
from defence_course.quiz.static import static_quiz_html
from defence_course.static import outline

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
# The stylesheet is a package-data file (quiz/quiz.css), read once; `$ring` is the focus colour.
_QUIZ_CSS = string.Template(
    "<style>" + re.sub(r"/\*.*?\*/\n?", "", resources.files(__package__).joinpath("quiz.css")
                       .read_text(encoding="utf-8"), flags=re.S) + "</style>")

_PROMPT = string.Template('<div class="dc-prompt"><strong>$number</strong> $prompt</div>')
_CODE = string.Template('<pre class="dc-code"><code>$code</code></pre>')
_CHOICE = string.Template('<li>$text$code</li>')
_CHOICES = string.Template('<ul class="dc-choices">$items</ul>')
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
_ANSWER = string.Template(
    '<p class="dc-verdict" role="alert"><strong>\u2139 The answer:</strong> $text</p>')
_NEXT = string.Template('<p class="dc-next">$text</p>')
# After a wrong try the learner sees the note on what they chose, not the explanation, which
# usually names the answer (issue 11): it comes after a right answer, a second try, or this button.
TRY_AGAIN = "Try again; the explanation comes after a right answer or a second try, or press Show answer."


def _text_html(text: str) -> str:
    """Escape text for HTML and keep its line breaks."""
    return html.escape(text).replace("\n", "<br>")


def render_feedback(feedback: Feedback, *, reveal: bool = True, note: str = "") -> str:
    """Feedback as escaped HTML: verdict (icon + words), details, then (if `reveal`) the
    explanation and source, else a line saying how to get them; `note` says how input was read."""
    state = "correct" if feedback.correct else "partial" if feedback.score > 0 else "wrong"
    parts = [_VERDICT.substitute(verdict=html.escape(feedback.verdict),
                                 headline=_text_html(feedback.headline))]
    details = (note, *feedback.details) if note else feedback.details
    if details:
        items = "".join(_ITEM.substitute(text=_text_html(d)) for d in details)
        parts.append(_LIST.substitute(items=items))
    if reveal:
        parts.append(_explained(feedback.explanation, feedback.source))
    elif not feedback.correct:
        parts.append(_NEXT.substitute(text=html.escape(TRY_AGAIN)))
    return _BOX.substitute(state=state, colour=_BORDER[state], body="".join(parts))


def _explained(explanation: str, source: Source | None) -> str:
    """The explanation and its source link: last in the feedback, so the link comes after it."""
    parts = [_EXPLANATION.substitute(text=_text_html(explanation))] if explanation else []
    if source is not None:
        parts.append(_SOURCE.substitute(url=html.escape(source.url, quote=True),
                                        title=html.escape(source.title)))
    return "".join(parts)


def render_answer(question: Question) -> str:
    """What "Show answer" shows: the right answer in words, its explanation and source."""
    body = _ANSWER.substitute(text=_text_html(question.answer_text()))
    return _BOX.substitute(state="info", colour=_BORDER["info"],
                           body=body + _explained(question.explanation, question.source))


def render_prompt(question: Question, number: int) -> str:
    """The prompt as escaped HTML, with its code block, and the options' code when they have some.

    Radio and checkbox labels are plain text, so options that carry code (jupyterquiz answers)
    are also listed here, each code in a monospace block.
    """
    body = _PROMPT.substitute(number=html.escape(f"Q{number}."),
                              prompt=_text_html(question.prompt))
    if question.code:
        body += _CODE.substitute(code=html.escape(question.code))
    options = getattr(question, "options", ())
    if any(o.code for o in options):
        items = "".join(_CHOICE.substitute(
            text=_text_html(o.text) if o.text != o.code else "",
            code=_CODE.substitute(code=html.escape(o.code)) if o.code else "") for o in options)
        body += _CHOICES.substitute(items=items)
    return body


def _html_widget(quiz: Quiz, value: str = "") -> widgets.HTML | widgets.HTMLMath:
    """An HTML widget; HTMLMath (LaTeX typeset as in JupyterLab's Markdown) for `math` banks."""
    return widgets.HTMLMath(value) if quiz.math else widgets.HTML(value)


def render_info(text: str) -> str:
    """A neutral note (e.g. 'choose an answer first'): not an attempt, not colour-coded."""
    return _BOX.substitute(state="info", colour=_BORDER["info"],
                           body=_INFO.substitute(text=_text_html(text)))


# How a typed number is read (issue 11: "2,035" was read as 2.035). Strict: a form that could
# mean two numbers is read one documented way and the feedback says what was understood.
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_TYPED = re.compile(r"^(?P<sign>[-+\u2212]?)(?P<body>[\d.,\s]*\d)(?P<exp>[eE][-+]?\d+)?\s*(?P<rest>.*)$")
_NUMBER_FORMS: list[tuple[re.Pattern[str], Callable[[str], str]]] = [
    (re.compile(r"^\d+(\.\d+)?$|^\.\d+$"), lambda b: b),                   # 2035, 2.5, .5
    (re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$"), lambda b: b.replace(",", "")),  # 2,035
    (re.compile(r"^[1-9]\d{0,2}( \d{3})+(\.\d+)?$"), lambda b: b.replace(" ", "")),  # 2 035
    (re.compile(r"^[1-9]\d{0,2}( \d{3})+,\d+$"),                            # 1 234,5
     lambda b: b.replace(" ", "").replace(",", ".")),
    (re.compile(r"^[1-9]\d{0,2}(\.\d{3})+,\d+$"),                          # 1.234,5
     lambda b: b.replace(".", "").replace(",", ".")),
    (re.compile(r"^\d+,\d+$"), lambda b: b.replace(",", ".")),                # 2,5
]


def _unit_words(text: str) -> str:
    return re.sub(r"[()\s]+", " ", text).strip().lower()


def _parse_number(text: str, unit: str = "") -> float:
    """Read a typed number: '2.5', '2,5', '2,035', '2 035', '1.5%' (when the unit is a percent).

    A comma followed by exactly three digits groups thousands ('2,035' is 2035); any other
    comma is a decimal comma ('2,5', '0,035'). After the number only the question's own unit
    may follow ('%' when it is a percentage); anything else is refused with a message.
    """
    match = _TYPED.match(_SPACES.sub(" ", text.strip()))
    if not match:
        raise QuizResponseError("type a number first, for example 2.5")
    body = match.group("body").strip()
    number = next((read(body) for form, read in _NUMBER_FORMS if form.match(body)), None)
    if number is None:
        raise QuizResponseError(f"{text.strip()!r} cannot be read as one number: use digits with "
                                "one decimal point (2035 or 2.5), and commas only between "
                                "thousands (2,035)")
    rest, wanted = _unit_words(match.group("rest")), _unit_words(unit)
    if rest and rest != wanted and not (rest == "%" and wanted.startswith("%")):
        given = f" (the unit, {unit}, is given beside the box)" if unit else ""
        raise QuizResponseError(f"type only the number: {match.group('rest')!r} is not "
                                f"understood{given}")
    sign = "-" if match.group("sign") in ("-", "\u2212") else ""
    return float(sign + number + (match.group("exp") or ""))


def _plain_number(value: float) -> str:
    """2035.0 as '2035', 2.5 as '2.5': how the feedback says what was understood."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.12g}"


# --------------------------------------------------------------------------- one question


@dataclass
class QuestionView:
    """The widgets of one question, and how to read a response from them."""

    question: Question
    number: int
    box: widgets.VBox
    check: widgets.Button
    feedback: widgets.HTML | widgets.HTMLMath
    status: widgets.Label
    controls: list[widgets.Widget]
    read: Callable[[], Any]
    inputs: AnswerControls
    reveal: widgets.Button
    on_result: Callable[[QuestionView, Feedback | None], None] | None = None
    last: Feedback | None = field(default=None)

    def click(self) -> None:
        """Press 'Check answer' from Python (tests, benchmarks)."""
        self.check.click()

    def show_answer(self) -> None:
        """Press 'Show answer' from Python (tests)."""
        self.reveal.click()

    def respond(self, response: Any) -> None:
        """Set the controls to an API-style response (the same shapes `Quiz.answer` takes)."""
        self.inputs.set(response)


def _status_text(rec: QuestionRecord | None) -> str:
    """Attempts and standing; when the latest try was wrong after an earlier right one, says so,
    so a new "Not quite" never sits beside an unexplained "answered correctly" (issue 11)."""
    if rec is None or not (rec.attempts or rec.revealed):
        return "Not tried yet."
    parts = [f"{rec.attempts} attempt{'s' if rec.attempts != 1 else ''}"] if rec.attempts else []
    if rec.solved and rec.last_score < 1.0:
        parts.append("latest try not right, ✔ answered correctly on an earlier try")
    elif rec.solved:
        parts.append("✔ answered correctly")
    elif rec.revealed:
        parts.append("answer shown (not counted as correct)")
    else:
        parts.append("not answered correctly yet")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


_WIDE = widgets.Layout(width="auto")


class AnswerControls:
    """The answer widgets of one question type: built once, read into a response, set from one.

    One subclass per question type, as ipywidgets' own templates have one class per layout;
    `CONTROLS` maps each question type to its class.
    """

    #: Typed answers are observed for a value that reaches the kernel after the Check click.
    typed = False

    def __init__(self, question: Question) -> None:
        self.question = question
        self.label = f"Answer to question {question.id}"
        self.controls: list[widgets.Widget] = []
        self.children: list[widgets.Widget] = []
        self.build()
        for control in self.controls:
            control.add_class("dc-input")

    def build(self) -> None:  # pragma: no cover - abstract
        """Create `controls` (the inputs) and `children` (what the layout shows)."""
        raise NotImplementedError

    def read(self) -> Any:  # pragma: no cover - abstract
        """The response in the shape `Quiz.answer` takes; QuizResponseError when incomplete."""
        raise NotImplementedError

    def set(self, response: Any) -> None:  # pragma: no cover - abstract
        """Set the inputs to a response of the shape `Quiz.answer` takes."""
        raise NotImplementedError

    def understood(self, _response: Any) -> str:
        """How typed input was read, when that is not plain to see (empty for clicked answers)."""
        return ""

    def on_submit(self, _callback: Callable[[], None]) -> None:
        """Call `callback` when the learner presses Enter in an answer box (boxes only)."""


class ChoiceControls(AnswerControls):
    """Single choice and true/false: one radio list."""

    def build(self) -> None:
        question: Any = self.question
        self.radio = widgets.RadioButtons(options=question.choices(), value=None, layout=_WIDE,
                                          description="Answer", tooltip=self.label)
        self.controls = [self.radio]
        self.children = [self.radio]

    def read(self) -> Any:
        if self.radio.value is None:
            raise QuizResponseError("choose an answer first")
        return self.radio.value

    def set(self, response: Any) -> None:
        self.radio.value = response if not isinstance(response, bool) else str(response)


class MultipleControls(AnswerControls):
    """Multiple select: one checkbox per option."""

    def build(self) -> None:
        question: Any = self.question
        self.controls = [widgets.Checkbox(value=False, description=text, indent=False,
                                          layout=_WIDE) for text in question.choices()]
        self.children = [widgets.Label("Choose every right option."), *self.controls]

    def read(self) -> Any:
        chosen = [box.description for box in self.controls if box.value]
        if not chosen:
            raise QuizResponseError("choose at least one option first")
        return chosen

    def set(self, response: Any) -> None:
        for box in self.controls:
            box.value = box.description in response


class EntryControls(AnswerControls):
    """Numeric and text answers: one text box (with the unit after a number)."""

    typed = True

    def build(self) -> None:
        self.is_number = isinstance(self.question, Numeric)
        # continuous_update=False: the value is sent once, when the box loses focus (Tab to Check,
        # or a click on it), so it reaches the kernel before the click does. Sent on every key,
        # ipywidgets holds later keystrokes back while one is in flight, but not the click: a
        # fast "2035, Tab, Enter" was graded as "203" (seen in tests/browser/test_quiz_a11y.py).
        self.entry = widgets.Text(value="", description="Answer", tooltip=self.label,
                                  placeholder="a number" if self.is_number else "your answer",
                                  continuous_update=False)
        unit = widgets.Label(self.question.unit if isinstance(self.question, Numeric) else "")
        unit.add_class("dc-unit")
        self.controls = [self.entry]
        self.children = [widgets.HBox([self.entry, unit])]

    def read(self) -> Any:
        if not self.entry.value.strip():
            raise QuizResponseError("type an answer first")
        if not self.is_number:
            return self.entry.value
        return _parse_number(self.entry.value, self.question.unit)  # type: ignore[attr-defined]

    def set(self, response: Any) -> None:
        self.entry.value = str(response)

    def understood(self, response: Any) -> str:
        typed = self.entry.value.strip()
        if not self.is_number or typed == _plain_number(response):
            return ""
        return f"You typed {typed}, read as {_plain_number(response)}."

    def on_submit(self, callback: Callable[[], None]) -> None:
        """Enter in the box checks the answer (issue 11), as the Check button does.

        ipywidgets' text view sends {"event": "submit"} on Enter; `Text.on_submit` is deprecated,
        so the message is taken directly. The value may arrive just after it (as after a click):
        build_question's late-value grading covers that.
        """
        def handle(_widget: widgets.Widget, content: dict[str, Any], _buffers: Any) -> None:
            if content.get("event") == "submit":
                callback()

        self.entry.on_msg(handle)


class OrderingControls(AnswerControls):
    """Ordering: one row per position, the item then Move up / Move down (Tab, Space, Enter).

    Dropdowns needed arrow keys, and a bare arrow on a closed list moves JupyterLab to the next
    cell (ipywidgets #3912). The buttons belong to positions: "Move up" on position 3 swaps
    items 3 and 2, and the keyboard focus stays where it was.
    """

    def build(self) -> None:
        self.order = list(self.question.choices())  # type: ignore[attr-defined]
        n = len(self.order)
        self.labels = [widgets.Label() for _ in self.order]
        rows: list[widgets.Widget] = []
        self.moves: list[tuple[widgets.Button, int, int]] = []
        for i, label in enumerate(self.labels):
            cells: list[widgets.Widget] = []
            for word, j in (("up", i - 1), ("down", i + 1)):
                if not 0 <= j < n:  # nothing to move past: a gap keeps the columns aligned
                    gap = widgets.Box()
                    gap.add_class("dc-move-gap")
                    cells.append(gap)
                    continue
                button = widgets.Button(description=f"Move {word}")
                button.on_click(lambda _b, i=i, j=j: self.swap(i, j))
                self.moves.append((button, i, j))
                cells.append(button)
            buttons = widgets.HBox(cells)  # the two move together when a narrow row wraps
            buttons.add_class("dc-move-buttons")
            row = widgets.HBox([label, buttons])  # narrow: the item, its buttons under it
            row.add_class("dc-order-row")
            rows.append(row)
        self.controls = [button for button, _, _ in self.moves]
        hint = widgets.Label("Put the items in order, position 1 first: Tab to a Move up or "
                             "Move down button and press Space or Enter.")
        self.children = [hint, *rows]
        self._show()

    def swap(self, i: int, j: int) -> None:
        """Swap the items at positions i and j (what one Move button does)."""
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self._show()

    def _show(self) -> None:
        for i, (label, item) in enumerate(zip(self.labels, self.order, strict=True), start=1):
            label.value = f"{i}. {item}"
        for button, i, j in self.moves:
            button.tooltip = f"Move “{self.order[i]}” {'up' if j < i else 'down'}"

    def read(self) -> Any:
        return list(self.order)

    def set(self, response: Any) -> None:
        if sorted(response) != sorted(self.order):
            raise QuizResponseError("put every item exactly once")
        self.order = list(response)
        self._show()


class MatchingControls(AnswerControls):
    """Matching: one group of options per left item, each option a Tab stop chosen with Space.

    A dropdown needed arrow keys (see OrderingControls). Each group's title says "choose"
    until one of its options is chosen.
    """

    def build(self) -> None:
        question: Any = self.question
        self.lefts = question.lefts()
        self.controls = []
        for index, left in enumerate(self.lefts):
            group = widgets.RadioButtons(options=question.choices(), value=None, layout=_WIDE,
                                         description=self._title(left, None),
                                         tooltip=f"The match for {left}",
                                         style={"description_width": "initial"})
            group.add_class("dc-match")
            group.add_class(f"dc-match-{index}")
            group.observe(lambda change, left=left: self._retitle(change, left), names="value")
            self.controls.append(group)
        hint = widgets.Label("Choose the match for each item: Tab to an option, Space to choose.")
        self.children = [hint, *self.controls]

    @staticmethod
    def _title(left: str, chosen: str | None) -> str:
        return f"{left}: choose its match" if chosen is None else f"{left}:"

    def _retitle(self, change: dict[str, Any], left: str) -> None:
        change["owner"].description = self._title(left, change["new"])

    def read(self) -> Any:
        if any(group.value is None for group in self.controls):
            raise QuizResponseError("choose a match for every item first")
        return {left: group.value for left, group in zip(self.lefts, self.controls, strict=True)}

    def set(self, response: Any) -> None:
        for left, group in zip(self.lefts, self.controls, strict=True):
            group.value = response.get(left)


CONTROLS: dict[type[Question], type[AnswerControls]] = {
    SingleChoice: ChoiceControls, TrueFalse: ChoiceControls, MultipleSelect: MultipleControls,
    Numeric: EntryControls, TextAnswer: EntryControls, Ordering: OrderingControls,
    Matching: MatchingControls,
}
"""The answer widgets for each question type (issue 11 adds types here)."""


def answer_controls(question: Question) -> AnswerControls:
    """The answer widgets for one question, by its exact type."""
    cls = CONTROLS.get(type(question))
    if cls is None:  # pragma: no cover - every model type is in CONTROLS
        raise QuizError(f"no widget for question type {question.type!r}")
    return cls(question)


# How long after a Check click an answer that arrives is taken as the one the learner clicked
# for (see _Grading.on_late_value).
LATE_VALUE_WINDOW_S = 5.0


def _question_view(quiz: Quiz, question: Question, number: int, store: ProgressStore,
                   on_result: Callable[[QuestionView, Feedback | None], None] | None
                   ) -> QuestionView:
    """Lay out one question: prompt, answer controls, Check / Show answer, status, feedback."""
    prompt = _html_widget(quiz, render_prompt(question, number))
    inputs = answer_controls(question)
    # No `icon`: ipywidgets draws it as a Font Awesome glyph from the Private Use Area, which
    # browsers put into the button's accessible name (" Check answer").
    check = widgets.Button(description="Check answer", button_style="primary",
                           tooltip=f"Check your answer to question {number}")
    check.add_class("dc-check")
    reveal = widgets.Button(description="Show answer",
                            tooltip=f"Show the answer to question {number} and why "
                                    "(kept in your progress as shown, not as correct)")
    reveal.add_class("dc-reveal")
    status = widgets.Label(_status_text(store.results(quiz.name).get(question.id)))
    status.add_class("dc-status")
    feedback = _html_widget(quiz)
    feedback.add_class("dc-feedback")
    actions = widgets.HBox([check, reveal, status])
    actions.add_class("dc-actions")
    box = widgets.VBox([prompt, *inputs.children, actions, feedback])
    for name in ("dc-question", f"dc-type-{question.type}", f"dc-q-{question.id}"):
        box.add_class(name)
    return QuestionView(question, number, box, check, feedback, status, inputs.controls,
                        inputs.read, inputs, reveal, on_result)


class _Grading:
    """What the buttons and the answer box of one question do: grade, reveal, save, redraw."""

    def __init__(self, quiz: Quiz, view: QuestionView, store: ProgressStore) -> None:
        self.bank, self.view, self.store = quiz.name, view, store
        self.question = view.question
        # The last graded response, when, and whether it came late (see on_late_value).
        self.response: Any = None
        self.at = float("-inf")
        self.late = False
        self.repeated = False  # the last click graded the answer graded before it

    def grade(self, *, late: bool) -> None:
        view = self.view
        try:
            response = view.read()
            result = self.question.grade(response)
        except QuizResponseError as error:
            if not late:  # e.g. "type an answer first": a value may still be on its way
                self.response, self.at, self.late = None, time.monotonic(), False
                view.feedback.value = render_info(str(error)[:1].upper() + str(error)[1:] + ".")
            return
        recent = time.monotonic() - self.at < LATE_VALUE_WINDOW_S
        if not late and self.late and recent and response == self.response:
            return  # the late value was graded a moment ago: do not count the same answer twice
        self.repeated = not late and response == self.response
        self.response, self.at, self.late = response, time.monotonic(), late
        view.last = result
        saved = self.store.record(self.bank, self.question.id, result.correct, result.score)
        view.status.value = _status_text(saved)
        # The reveal policy (docs/quiz-format.md): the explanation after a right answer, after a
        # second try, or once the answer was shown or found before; else only the chosen note.
        explain = result.correct or saved.solved or saved.revealed or saved.attempts >= 2
        view.feedback.value = render_feedback(result, reveal=explain,
                                              note=view.inputs.understood(response))
        if view.on_result is not None:
            view.on_result(view, result)

    def on_check(self, _button: widgets.Button | None = None) -> None:
        self.grade(late=False)

    def on_reveal(self, _button: widgets.Button | None = None) -> None:
        saved = self.store.reveal(self.bank, self.question.id)
        self.view.status.value = _status_text(saved)
        self.view.feedback.value = render_answer(self.question)
        if self.view.on_result is not None:
            self.view.on_result(self.view, None)

    def on_enter(self) -> None:
        """Enter in the answer box: ipywidgets sends it before the box's new value, always.

        So an unchanged answer here is the old value, with the new one on its way: wait for it
        (on_late_value grades it) instead of counting the old answer a second time.
        """
        try:
            stale = self.view.read() == self.response
        except QuizResponseError:
            stale = False
        if stale:
            self.at, self.late = time.monotonic(), False
        else:
            self.grade(late=False)

    def on_late_value(self, _change: dict[str, Any]) -> None:
        """Grade an answer that reached the kernel just after its Check click.

        Why: ipywidgets holds a model's update back while an earlier one is in flight, but sends
        a button click at once, so under load "type 2035, click Check" can reach the kernel as
        the click first (graded with the old value), then 2035. The feedback must match what the
        learner sees when they clicked. Choices too (CI saw "pick the right option, Check" graded
        as the wrong option picked before): for them only after a click that graded the same
        answer again, which is what a click that overtook its choice looks like.
        """
        # A clicked choice (radio, box, list) changed after a click that graded a new answer is
        # the learner's next answer, not a late one: it waits for its own click.
        expected = self.view.inputs.typed or self.repeated
        if expected and time.monotonic() - self.at < LATE_VALUE_WINDOW_S:
            try:
                changed = self.view.read() != self.response
            except QuizResponseError:
                return
            if changed:
                self.grade(late=True)


def build_question(quiz: Quiz, question: Question, number: int, store: ProgressStore,
                   on_result: Callable[[QuestionView, Feedback | None], None] | None = None
                   ) -> QuestionView:
    """Widgets for one question; the Check button grades kernel-side and saves the attempt."""
    view = _question_view(quiz, question, number, store, on_result)
    grading = _Grading(quiz, view, store)
    view.check.on_click(grading.on_check)
    view.reveal.on_click(grading.on_reveal)
    view.inputs.on_submit(grading.on_enter)
    for control in view.controls:
        control.observe(grading.on_late_value, names="value")
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
        shown = f" · {summary.shown} answer{'s' if summary.shown != 1 else ''} shown" \
            if summary.shown else ""
        self.score.value = (f"{self.quiz.title}: {summary.attempted} of {summary.total} "
                            f"attempted · {summary.correct} correct{shown}")
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
    for question in chosen:
        views.append(build_question(quiz, question, _number(quiz, question.id), store,
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
    view = build_quiz(bank, question_id)
    which = "" if question_id is None else f", question {_number(view.quiz, question_id)}"
    show_widget(view.widget, f"Quiz {view.quiz.title}{which}",
                static=lambda: static_quiz_html(view.quiz, question_id))


def _number(quiz: Quiz, question_id: str) -> int:
    """A question's number as the learner sees it (its place in the bank)."""
    return [q.id for q in quiz.questions].index(question_id) + 1


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
        shown = f" · {summary.shown} answer{'s' if summary.shown != 1 else ''} shown" \
            if summary.shown else ""
        words = widgets.Label(f"{summary.correct} of {summary.total} correct · "
                              f"{summary.attempted} attempted{shown}")
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
    # "Answer shown" counts apart from correct: see the reveal policy in docs/quiz-format.md.
    where = widgets.Label(f"Your results are kept in {store.path}, on this computer only. To "
                          "start over from no results, delete that file (or run "
                          "defence_course.quiz.progress.ProgressStore().reset()).")
    where.add_class("dc-progress-reset")
    box = widgets.VBox([*rows, where, export_widget(store), quiz_style()])
    box.add_class("dc-progress")
    return box


def export_widget(store: ProgressStore, folder: Path | None = None) -> widgets.VBox:
    """A name box and a button that write the progress export (as `defence-course progress
    export`, through the same code) beside the lesson, and say where; nothing is sent."""
    name = widgets.Text(value=default_learner_name(), description="Your name",
                        placeholder="as your instructor knows you",
                        tooltip="The name written into the export, for your instructor")
    button = widgets.Button(description="Export my progress",
                            tooltip="Write your quiz counts to a file beside this notebook")
    button.add_class("dc-export")
    message = widgets.HTML("")
    message.add_class("dc-export-message")

    def on_export(_button: widgets.Button | None = None) -> None:
        target = (folder or Path.cwd()) / export_file_name(name.value)
        try:
            export = export_progress(target, name.value, store=store)
        except ClassProgressError as error:
            message.value = render_info(str(error))
            return
        message.value = render_info(f"Saved {target.resolve()} (beside this notebook): "
                                    f"{export_summary(export)}")

    button.on_click(on_export)
    box = widgets.VBox([widgets.HBox([name, button]), message])
    box.add_class("dc-export-box")
    return box


def show_progress() -> None:
    """Show every lesson's quiz results in one widget (a bar per lesson)."""
    how = "In JupyterLab, a bar per lesson: the questions you answered and got right."
    show_widget(build_progress(), "Your quiz progress", static=lambda: outline("Your quiz progress", (), how))
