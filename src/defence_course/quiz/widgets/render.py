"""The quiz's HTML: prompts, feedback, answers and notes as escaped templates, and its stylesheet.

Nothing here is built by string concatenation of learner or bank text: every value goes through
`html.escape` into a `string.Template`.
"""

from __future__ import annotations

import html
import re
import string
from importlib import resources

import ipywidgets as widgets

from defence_course.i18n import N_, _
from defence_course.markup import inline_html
from defence_course.quiz.model import Feedback, Question, Quiz, Source

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
    "<style>" + re.sub(r"/\*.*?\*/\n?", "", resources.files("defence_course.quiz").joinpath("quiz.css")
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
_EXPLANATION = string.Template('<p class="dc-explanation"><strong>$why</strong> $text</p>')
_SOURCE = string.Template(
    '<p class="dc-source">$source <a href="$url" target="_blank" rel="noopener noreferrer">'
    "$title</a></p>"
)
_INFO = string.Template('<p role="alert"><strong>\u2139 $note</strong> $text</p>')
_ANSWER = string.Template(
    '<p class="dc-verdict" role="alert"><strong>\u2139 $answer</strong> $text</p>')
_NEXT = string.Template('<p class="dc-next">$text</p>')
# After a wrong try the learner sees the note on what they chose, not the explanation, which
# usually names the answer (issue 11): it comes after a right answer, a second try, or this button.
TRY_AGAIN = N_("Try again; the explanation comes after a right answer or a second try, or press Show "
              "answer.")


def text_html(text: str) -> str:
    """Escape text for HTML, keep its line breaks, and set `code` in backticks as code (issue 21)."""
    return inline_html(text).replace("\n", "<br>")


def render_feedback(feedback: Feedback, *, reveal: bool = True, note: str = "") -> str:
    """Feedback as escaped HTML: verdict (icon + words), details, then (if `reveal`) the
    explanation and source, else a line saying how to get them; `note` says how input was read."""
    state = "correct" if feedback.correct else "partial" if feedback.score > 0 else "wrong"
    parts = [_VERDICT.substitute(verdict=html.escape(feedback.verdict),
                                 headline=text_html(feedback.headline))]
    details = (note, *feedback.details) if note else feedback.details
    if details:
        items = "".join(_ITEM.substitute(text=text_html(d)) for d in details)
        parts.append(_LIST.substitute(items=items))
    if reveal:
        parts.append(_explained(feedback.explanation, feedback.source))
    elif not feedback.correct:
        parts.append(_NEXT.substitute(text=html.escape(_(TRY_AGAIN))))
    return _BOX.substitute(state=state, colour=_BORDER[state], body="".join(parts))


def _explained(explanation: str, source: Source | None) -> str:
    """The explanation and its source link: last in the feedback, so the link comes after it."""
    parts = [_EXPLANATION.substitute(why=html.escape(_("Why:")), text=text_html(explanation))] \
        if explanation else []
    if source is not None:
        parts.append(_SOURCE.substitute(source=html.escape(_("Source:")),
                                        url=html.escape(source.url, quote=True),
                                        title=html.escape(source.title)))
    return "".join(parts)


def render_answer(question: Question) -> str:
    """What "Show answer" shows: the right answer in words, its explanation and source."""
    body = _ANSWER.substitute(answer=html.escape(_("The answer:")),
                              text=text_html(question.answer_text()))
    return _BOX.substitute(state="info", colour=_BORDER["info"],
                           body=body + _explained(question.explanation, question.source))


def render_prompt(question: Question, number: int) -> str:
    """The prompt as escaped HTML, with its code block, and the options' code when they have some.

    Radio and checkbox labels are plain text, so options that carry code (jupyterquiz answers)
    are also listed here, each code in a monospace block.
    """
    body = _PROMPT.substitute(number=html.escape(_("Q{number}.").format(number=number)),
                              prompt=text_html(question.prompt))
    if question.code:
        body += _CODE.substitute(code=html.escape(question.code))
    options = getattr(question, "options", ())
    if any(o.code for o in options):
        items = "".join(_CHOICE.substitute(
            text=text_html(o.text) if o.text != o.code else "",
            code=_CODE.substitute(code=html.escape(o.code)) if o.code else "") for o in options)
        body += _CHOICES.substitute(items=items)
    return body


def html_widget(quiz: Quiz, value: str = "") -> widgets.HTML | widgets.HTMLMath:
    """An HTML widget; HTMLMath (LaTeX typeset as in JupyterLab's Markdown) for `math` banks."""
    return widgets.HTMLMath(value) if quiz.math else widgets.HTML(value)


def render_info(text: str) -> str:
    """A neutral note (e.g. 'choose an answer first'): not an attempt, not colour-coded."""
    return _BOX.substitute(state="info", colour=_BORDER["info"],
                           body=_INFO.substitute(note=html.escape(_("Note:")), text=text_html(text)))


def quiz_style() -> widgets.HTML:
    """A hidden widget whose stylesheet fixes focus, target size, clipped labels and links (above)."""
    style = widgets.HTML(_QUIZ_CSS.substitute(ring=_FOCUS_RING),
                         layout=widgets.Layout(display="none"))
    style.add_class("dc-style")
    return style
