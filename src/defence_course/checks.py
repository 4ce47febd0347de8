"""The inline `check()` of exercise notebooks: a question's public checks, run on the learner's answer."""

from __future__ import annotations

import html
import os
import string
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defence_course.grading.compare import QuestionOutcome, describe_kind, grade_question
from defence_course.grading.plain import MISSING, call_function, to_plain
from defence_course.grading.spec import Check, ExerciseQuestion, ExerciseSpec, SpecError, load_spec
from defence_course.i18n import N_, _, ngettext
from defence_course.i18n.numbers import plain_number
from defence_course.markup import inline_html
from defence_course.paths import GRADING_ENV, public_checks_candidates

__all__ = ["Checker", "Report", "checker", "find_public_spec"]

#: What a learner sees for an untouched `name = ...` cell (instead of Python's `Ellipsis`).
NOT_ANSWERED = N_("not answered yet: replace the ... with your code, then run the check below it")
#: The prefix an unanswered message's HTML view leaves out (its verdict words say it).
NOT_YET_PREFIX = N_("not answered yet: ")

# As the quiz feedback: the verdict is an icon plus words, colour marks only the border, and the
# text keeps the theme's colour (mid-tone borders are >= 3:1 on light and dark notebooks).
_STYLE = {  # state: (icon, words, border colour)
    "passed": ("\u2714", N_("Passed"), "#2e7d32"),
    # Every check run here holds but more run at grading: no verdict they could overturn.
    "checked": ("\u2713", N_("Checked here"), "#1976d2"),
    "failed": ("\u2718", N_("Not yet"), "#d32f2f"),
    "unanswered": ("\u2026", N_("Not answered yet"), "#1976d2"),
    "note": ("\u2139", N_("Note"), "#1976d2"),
}
_BOX = string.Template(
    '<div class="dc-check dc-check-$state" '
    'style="border-left: 0.35em solid $colour; padding: 0.2em 0.7em; margin: 0.2em 0;">'
    '<span aria-hidden="true">$icon</span> <strong>$label$words</strong> $text</div>'
)


def render_check(state: str, text: str, question: str = "") -> str:
    """One check result as escaped HTML: a coloured border, an icon and words (never colour alone)."""
    icon, words, colour = _STYLE[state]
    text = text.removeprefix(_(NOT_YET_PREFIX)) if state == "unanswered" else text
    verdict = _("{verdict}:").format(verdict=_(words))
    return _BOX.substitute(state=state, colour=colour, icon=icon, words=html.escape(verdict),
                           label=html.escape(f"{question} · ") if question else "",
                           text=inline_html(text))


def find_public_spec(exercise: str, start: Path | None = None) -> Path | None:
    """Find exercises/checks/EXERCISE.yaml from `start` (default: cwd) upward, or the env root."""
    for folder in public_checks_candidates(start):
        path = folder / f"{exercise}.yaml"
        if path.is_file():
            return path
    return None


@dataclass
class Report:
    """What one inline check found: the printed line and the outcome behind it."""

    text: str
    outcome: QuestionOutcome | None
    #: The question id and the message without the text mark, for the HTML view.
    question: str = ""
    message: str = ""
    #: Checks the grader runs that were not run here (a pass is then no verdict).
    hidden: int = 0

    @property
    def passed(self) -> bool:
        """True when every public check passed."""
        return self.outcome is not None and self.outcome.status == "passed"

    @property
    def state(self) -> str:
        """How the result is drawn: passed, failed, unanswered (placeholder left) or a note."""
        if self.outcome is None:
            return "note"
        if self.outcome.status == "passed" and self.hidden:
            return "checked"
        return {"passed": "passed", "failed": "failed"}.get(self.outcome.status, "unanswered")

    def _repr_html_(self) -> str:
        """JupyterLab shows the result with colour and an icon, as quiz feedback."""
        if not self.question:
            return render_check(self.state, self.text)
        return render_check(self.state, self.message, self.question)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Plain-text front ends (and nbval) show the same line `print` would."""
        printer.text(self.text)


class Checker:
    """The notebook's `check`: runs a question's public checks on the learner's answer."""

    def __init__(self, exercise: str, spec_path: Path | str | None = None) -> None:
        self.exercise = exercise
        self._spec_path = Path(spec_path) if spec_path else None
        self._spec: ExerciseSpec | None = None

    def _load(self) -> ExerciseSpec | None:
        if self._spec is None:
            path = self._spec_path or find_public_spec(self.exercise)
            if path is None:
                return None
            self._spec = load_spec(path)
        return self._spec

    def __call__(self, question_id: str, value: Any = MISSING, *,
                 namespace: Mapping[str, Any] | None = None) -> None:
        """Print the result of the public checks for one question (never raises)."""
        if os.environ.get(GRADING_ENV):
            return
        report = self.run(question_id, value, namespace=namespace)
        if _ipython_namespace() is None:
            print(report.text)
            return
        from IPython.display import display

        display(report)

    def run(self, question_id: str, value: Any = MISSING, *,
            namespace: Mapping[str, Any] | None = None) -> Report:
        """Run the public checks and return the report (used by `check()` and by tests)."""
        try:
            spec = self._load()
        except SpecError as error:
            return _report(question_id, "?", _("the public checks could not be read: {error}")
                           .format(error=error))
        if spec is None:
            return _report(question_id, "?", _("no public checks found for {exercise}: open the "
                                               "notebook from the course's exercises/ folder.")
                           .format(exercise=self.exercise))
        try:
            question = spec.question(question_id)
        except SpecError as error:
            return _report(question_id, "?", str(error))
        if question.kind == "manual":
            written = _("written answer, graded by your instructor ({points} points).").format(
                points=plain_number(question.points))
            return Report(f"{question_id}: {written}", None, question_id, written)
        if value is MISSING:
            if namespace is None:
                namespace = _ipython_namespace()
            if namespace is None:
                return _report(question_id, "?", _("outside Jupyter, call {call}.").format(
                    call=f"check({question_id!r}, {question.answer})"))
            value = namespace.get(question.answer, MISSING)
        absent = ""
        if question.kind == "function" and _is_placeholder(value):
            value = Ellipsis  # `def f(...): ...` left as given: not answered, not "got None"
            absent = _("not answered yet: write the body of `{name}` in place of its ...").format(
                name=question.answer)
        try:
            plain = MISSING if value is MISSING else to_plain(value)
            if question.kind == "function" and callable(value):
                plain = {"__type__": "function", "name": question.answer,
                         "calls": call_function(value, question.calls)}
        except Exception as error:  # a learner's odd object: report, never raise
            plain = {"__type__": "unsupported", "class": type(error).__name__}
        outcome = grade_question(question, plain, spec.exercise, only_public=True,
                                 absent_message=absent)
        return _inline_report(outcome, question)


def _report(question_id: str, mark: str, message: str,
            outcome: QuestionOutcome | None = None) -> Report:
    """A report whose printed line is `q1 ✓ message` and whose HTML view is `q1: message`."""
    return Report(f"{question_id} {mark} {message}", outcome, question_id, message)


def _inline_report(outcome: QuestionOutcome, question: ExerciseQuestion) -> Report:
    """The line a learner reads: what was checked here and what is left for grading, or what to fix."""
    if outcome.status != "passed":
        return _report(question.id, "✗" if outcome.status == "failed" else "…", outcome.message,
                       outcome)
    report = _report(question.id, "✓", passed_message(question), outcome)
    report.hidden = question.hidden_checks
    return report


def passed_message(question: ExerciseQuestion) -> str:
    """What a pass says: how many of the checks ran here and on what; no verdict on the rest."""
    ran = [c for c in question.checks if c.public]
    hidden, total = question.hidden_checks, len(ran) + question.hidden_checks
    what = f" ({checked_cases(ran)})" if ran else ""
    if not hidden:
        return ngettext("all {n} check hold{what}; none are left for grading.",
                        "all {n} checks hold{what}; none are left for grading.", total).format(
            n=total, what=what)
    rest = ngettext("the other one runs at grading.", "the other {n} run at grading.",
                    hidden).format(n=hidden)
    ran_here = ngettext("{ran} of {total} checks run here, and it holds{what}; {rest}",
                        "{ran} of {total} checks run here, and all hold{what}; {rest}",
                        max(len(ran), 1))
    return ran_here.format(ran=len(ran), total=total, what=what, rest=rest)


def checked_cases(checks: list[Check]) -> str:
    """The cases the public checks tried, in a few words: `a list; 27 items; the value`."""
    parts: list[str] = []
    calls: list[str] = []
    for chk in checks:
        if chk.call is not None:
            shown = ", ".join([*map(_arg, chk.call[0]), *(f"{k}={_arg(v)}" for k, v in
                                                            chk.call[1].items())])
            if f"({shown})" not in calls:
                calls.append(f"({shown})")
        elif (part := _case(chk)) not in parts:
            parts.append(part)
    if calls:
        parts.append(_("called with {calls}").format(calls=", ".join(calls)))
    return "; ".join(parts)


def _arg(value: Any) -> str:
    """An argument as the learner would type it (NaN from YAML's .nan reads `nan`)."""
    return "nan" if isinstance(value, float) and value != value else repr(value)


_SELECTED = {"column": N_("column {}"), "at": N_("the cell {}"), "key": N_("the value for {}"),
             "index": N_("the index"), "values": N_("the values")}


def _case(chk: Check) -> str:
    """One non-call check in a few words."""
    if chk.assertion == "type":
        return describe_kind(str(chk.expected))
    if chk.selector is not None:
        name, arg = chk.selector
        where = _(_SELECTED[name]).format(tuple(arg) if isinstance(arg, list) else repr(arg))
        return where if chk.assertion in ("equals", "sha256") else \
            _("{what} of {where}").format(what=_(_WHAT[chk.assertion]), where=where)
    return (_("{n} items").format(n=chk.expected) if chk.assertion == "length"
            else _(_WHAT.get(chk.assertion, N_("the value"))))


_WHAT = {"columns": N_("the columns"), "shape": N_("the shape"), "range": N_("a plausible size"),
         "contains": N_("some expected items"), "length": N_("the length"), "type": N_("the kind")}


def _untouched() -> None:
    """A function as an exercise hands it out: a docstring, then only `...`."""
    ...


def _is_placeholder(value: Any) -> bool:
    """True for a function whose body still does nothing (`...` or `pass`): not answered yet.

    Compared by bytecode, which needs no source file (a kernel's cells and exec'd code have none).
    """
    code = getattr(value, "__code__", None)
    return code is not None and code.co_code == _untouched.__code__.co_code


def _show_placeholder_kindly() -> None:
    """In a kernel, show an untouched `...` answer as 'not answered yet', not as `Ellipsis`."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    # `...` is one of IPython's singletons, printed before any per-type printer is looked up.
    formatters["text/plain"].singleton_printers[id(Ellipsis)] = (
        lambda _v, printer, _c: printer.text(_(NOT_ANSWERED)))
    formatters["text/html"].for_type(type(Ellipsis),
                                     lambda _v: render_check("unanswered", _(NOT_ANSWERED)))


def _ipython_namespace() -> Mapping[str, Any] | None:
    """The running IPython kernel's user namespace (no stack walking), or None."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return getattr(shell, "user_ns", None) if shell is not None else None


def checker(exercise: str, spec_path: Path | str | None = None) -> Checker:
    """Create the notebook's `check` function for one exercise (and show `...` as not answered)."""
    if "IPython" in sys.modules:
        _show_placeholder_kindly()
    return Checker(exercise, spec_path)
