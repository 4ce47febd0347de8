"""The answer widgets of each question type: built once, read into a response, set from one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from defence_course.i18n import _, current_language
from defence_course.quiz.model import (
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    QuizError,
    QuizResponseError,
    SingleChoice,
    TextAnswer,
    TrueFalse,
)
from defence_course.quiz.widgets.typed_number import parse_number, plain_number

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
        self.label = _("Answer to question {id}").format(id=question.id)
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
        choices = question.choices()
        labels = question.labels() if isinstance(question, TrueFalse) else choices
        # A label that differs from its value (French "Vrai" for True) is a (label, value) pair.
        options = choices if labels == choices else list(zip(labels, choices, strict=True))
        self.radio = widgets.RadioButtons(options=options, value=None, layout=_WIDE,
                                          description=_("Answer"), tooltip=self.label)
        self.controls = [self.radio]
        self.children = [self.radio]

    def read(self) -> Any:
        if self.radio.value is None:
            raise QuizResponseError(_("choose an answer first"))
        return self.radio.value

    def set(self, response: Any) -> None:
        self.radio.value = response if not isinstance(response, bool) else str(response)


class MultipleControls(AnswerControls):
    """Multiple select: one checkbox per option."""

    def build(self) -> None:
        question: Any = self.question
        self.controls = [widgets.Checkbox(value=False, description=text, indent=False,
                                          layout=_WIDE) for text in question.choices()]
        self.children = [widgets.Label(_("Choose every right option.")), *self.controls]

    def read(self) -> Any:
        chosen = [box.description for box in self.controls if box.value]
        if not chosen:
            raise QuizResponseError(_("choose at least one option first"))
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
        self.entry = widgets.Text(value="", description=_("Answer"), tooltip=self.label,
                                  placeholder=_("a number") if self.is_number else _("your answer"),
                                  continuous_update=False)
        unit = widgets.Label(self.question.unit if isinstance(self.question, Numeric) else "")
        unit.add_class("dc-unit")
        self.controls = [self.entry]
        self.children = [widgets.HBox([self.entry, unit])]

    def read(self) -> Any:
        if not self.entry.value.strip():
            raise QuizResponseError(_("type an answer first"))
        if not self.is_number:
            return self.entry.value
        return parse_number(self.entry.value, self.question.unit)  # type: ignore[attr-defined]

    def set(self, response: Any) -> None:
        self.entry.value = str(response)

    def understood(self, response: Any) -> str:
        typed = self.entry.value.strip()
        read = plain_number(response)
        shown = read.replace(".", ",") if current_language() == "fr" else read
        if not self.is_number or typed in (read, shown):
            return ""
        return _("You typed {typed}, read as {number}.").format(typed=typed, number=shown)

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
    items 3 and 2, and the keyboard focus follows the moved item (issue 21: it stayed in the
    slot, on the item that was swapped in).
    """

    def build(self) -> None:
        self.order = list(self.question.choices())  # type: ignore[attr-defined]
        n = len(self.order)
        self.labels = [widgets.Label() for _ in self.order]
        rows: list[widgets.Widget] = []
        self.moves: list[tuple[widgets.Button, int, int]] = []
        self.on_change: Callable[[], None] | None = None
        for i, label in enumerate(self.labels):
            cells: list[widgets.Widget] = []
            for word, j in ((_("Move up"), i - 1), (_("Move down"), i + 1)):
                if not 0 <= j < n:  # nothing to move past: a gap keeps the columns aligned
                    gap = widgets.Box()
                    gap.add_class("dc-move-gap")
                    cells.append(gap)
                    continue
                button = widgets.Button(description=word)
                button.on_click(lambda _b, i=i, j=j: self.swap(i, j))
                self.moves.append((button, i, j))
                cells.append(button)
            buttons = widgets.HBox(cells)  # the two move together when a narrow row wraps
            buttons.add_class("dc-move-buttons")
            row = widgets.HBox([label, buttons])  # narrow: the item, its buttons under it
            row.add_class("dc-order-row")
            rows.append(row)
        self.controls = [button for button, _, _ in self.moves]
        hint = widgets.Label(_("Put the items in order, position 1 first: Tab to a Move up or "
                               "Move down button and press Space or Enter."))
        self.children = [hint, *rows]
        self._show()

    def swap(self, i: int, j: int) -> None:
        """Swap the items at positions i and j (what one Move button does); focus follows the item."""
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self._show()
        self.follow(i, j)
        if self.on_change is not None:
            self.on_change()

    def follow(self, i: int, j: int) -> None:
        """Focus the moved item's button for the same move in its new row, else its other one.

        ipywidgets' own `Widget.focus()`: the front end moves the keyboard focus.
        """
        rows = {(a, b): button for button, a, b in self.moves}
        ahead = rows.get((j, j + (j - i))) or rows.get((j, j - (j - i)))
        if ahead is not None:
            ahead.focus()

    def _show(self) -> None:
        for i, (label, item) in enumerate(zip(self.labels, self.order, strict=True), start=1):
            label.value = f"{i}. {item}"
        for button, i, j in self.moves:
            move = _("Move “{item}” up") if j < i else _("Move “{item}” down")
            button.tooltip = move.format(item=self.order[i])

    def read(self) -> Any:
        return list(self.order)

    def set(self, response: Any) -> None:
        if sorted(response) != sorted(self.order):
            raise QuizResponseError(_("put every item exactly once"))
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
                                         tooltip=_("The match for {item}").format(item=left),
                                         style={"description_width": "initial"})
            group.add_class("dc-match")
            group.add_class(f"dc-match-{index}")
            group.observe(lambda change, left=left: self._retitle(change, left), names="value")
            self.controls.append(group)
        hint = widgets.Label(_("Choose the match for each item: Tab to an option, Space to choose."))
        self.children = [hint, *self.controls]

    @staticmethod
    def _title(left: str, chosen: str | None) -> str:
        return _("{item}: choose its match").format(item=left) if chosen is None else f"{left}:"

    def _retitle(self, change: dict[str, Any], left: str) -> None:
        change["owner"].description = self._title(left, change["new"])

    def read(self) -> Any:
        if any(group.value is None for group in self.controls):
            raise QuizResponseError(_("choose a match for every item first"))
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
