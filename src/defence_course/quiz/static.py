"""A quiz as a web page shows it: its questions and options, and where to answer it; never a key.

The course website has no kernel to grade an answer, so a quiz there is its questions with their
options in the order the widget first shows them (`choices()`: seeded, an ordering never already
in order, matching options never in pair order), and a line saying to answer it in JupyterLab.
No answer, feedback, explanation or source link is read from the bank here, so none can reach a
page (tests/site/ also searches the built site for every bank's explanations and keys).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from defence_course.i18n import N_, _
from defence_course.markup import add_inline
from defence_course.quiz.model import Matching, Numeric, Ordering, Question, Quiz, TextAnswer
from defence_course.static import IN_LAB, serialize

__all__ = ["ANSWER_IN_LAB", "static_quiz_html"]

ANSWER_IN_LAB = N_("Answer this quiz in JupyterLab: it checks your answer and explains it.")


def _how(question: Question) -> str:
    """What the learner does, in words (the widget's controls, described)."""
    if isinstance(question, Ordering):
        return _("Put these in order, first to last:")
    if isinstance(question, Matching):
        return _("Match each item with one of the options below.")
    if isinstance(question, Numeric):
        return _("Type a number (in {unit}).").format(unit=question.unit) if question.unit \
            else _("Type a number.")
    if isinstance(question, TextAnswer):
        return _("Type your answer.")
    return _("Choose every right option:") if question.type == "multiple" else _("Choose one:")


def _options(parent: ET.Element, texts: list[str], codes: dict[str, str], ordered: bool = False) -> None:
    listing = ET.SubElement(parent, "ol" if ordered else "ul", {"class": "dc-static-options"})
    for text in texts:
        item = ET.SubElement(listing, "li")
        if codes.get(text) != text:
            item.text = text
        if codes.get(text):
            ET.SubElement(ET.SubElement(item, "pre"), "code").text = codes[text]


def _question(parent: ET.Element, question: Question, number: int) -> None:
    """One question: number, prompt, code, what to do, options (no answer, no feedback)."""
    box = ET.SubElement(parent, "div", {"class": "dc-static-question"})
    prompt = ET.SubElement(box, "p", {"class": "dc-prompt"})
    ET.SubElement(prompt, "strong").text = _("Q{number}.").format(number=number)
    add_inline(ET.SubElement(prompt, "span"), " " + question.prompt)
    if question.code:
        ET.SubElement(ET.SubElement(box, "pre"), "code").text = question.code
    ET.SubElement(box, "p", {"class": "dc-static-how"}).text = _how(question)
    if isinstance(question, Matching):
        _options(box, question.lefts(), {})
        ET.SubElement(box, "p").text = _("Options:")
        _options(box, question.choices(), {})
    elif hasattr(question, "choices"):
        codes = {o.text: o.code for o in getattr(question, "options", ())}
        _options(box, list(question.choices()), codes, ordered=isinstance(question, Ordering))


def static_quiz_html(quiz: Quiz, question_id: str | None = None) -> str:
    """The bank (or one question of it) as escaped HTML: questions, options, 'answer in JupyterLab'."""
    ids = [q.id for q in quiz.questions]
    chosen = [quiz.question(question_id)] if question_id is not None else list(quiz.questions)
    which = "" if question_id is None else \
        _(", question {number}").format(number=ids.index(question_id) + 1)
    title = _("Quiz {title}").format(title=quiz.title) + which
    section = ET.Element("section", {"class": "dc-static dc-static-quiz", "aria-label": title})
    head = ET.SubElement(section, "p", {"class": "dc-static-title"})
    ET.SubElement(head, "strong").text = title
    for question in chosen:
        _question(section, question, ids.index(question.id) + 1)
    lab = ET.SubElement(section, "p", {"class": "dc-static-lab"})
    ET.SubElement(lab, "strong").text = _(ANSWER_IN_LAB)
    ET.SubElement(lab, "span").text = " " + _(IN_LAB)
    return serialize(section)
