"""How a typed number is read: one documented reading per form, refused with a message otherwise."""

from __future__ import annotations

import re
from collections.abc import Callable

from defence_course.i18n import _, current_language
from defence_course.quiz.model import QuizResponseError

# How a typed number is read (issue 11: "2,035" was read as 2.035). Strict: a form that could
# mean two numbers is read one documented way and the feedback says what was understood.
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_TYPED = re.compile(r"^(?P<sign>[-+\u2212]?)(?P<body>[\d.,\s]*\d)(?P<exp>[eE][-+]?\d+)?\s*(?P<rest>.*)$")
_COMMA_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")  # English only: 2,035 is 2035
_NUMBER_FORMS: list[tuple[re.Pattern[str], Callable[[str], str]]] = [
    (re.compile(r"^\d+(\.\d+)?$|^\.\d+$"), lambda b: b),                   # 2035, 2.5, .5
    (_COMMA_THOUSANDS, lambda b: b.replace(",", "")),                       # 2,035
    (re.compile(r"^[1-9]\d{0,2}( \d{3})+(\.\d+)?$"), lambda b: b.replace(" ", "")),  # 2 035
    (re.compile(r"^[1-9]\d{0,2}( \d{3})+,\d+$"),                            # 1 234,5
     lambda b: b.replace(" ", "").replace(",", ".")),
    (re.compile(r"^[1-9]\d{0,2}(\.\d{3})+,\d+$"),                          # 1.234,5
     lambda b: b.replace(".", "").replace(",", ".")),
    (re.compile(r"^\d+,\d+$"), lambda b: b.replace(",", ".")),                # 2,5
]


def _unit_words(text: str) -> str:
    return re.sub(r"[()\s]+", " ", text).strip().lower()


def parse_number(text: str, unit: str = "") -> float:
    """Read a typed number: '2.5', '2,5', '2,035', '2 035', '1.5%' (when the unit is a percent).

    A comma followed by exactly three digits groups thousands ('2,035' is 2035); any other
    comma is a decimal comma ('2,5', '0,035'). In a French notebook every comma is a decimal
    comma ('2,035' is 2.035) and thousands are grouped with spaces ('2 035'). After the number
    only the question's own unit may follow ('%' when it is a percentage); anything else is
    refused with a message.
    """
    match = _TYPED.match(_SPACES.sub(" ", text.strip()))
    if not match:
        raise QuizResponseError(_("type a number first, for example 2.5"))
    body = match.group("body").strip()
    # In French a comma is the decimal mark ("2,035" is 2.035), as a French learner writes it.
    french = current_language() == "fr"
    number = next((read(body) for form, read in _NUMBER_FORMS
                   if form.match(body) and not (french and form is _COMMA_THOUSANDS)), None)
    if number is None:
        raise QuizResponseError(_("{text} cannot be read as one number: use digits with one decimal "
                                  "point (2035 or 2.5), and commas only between thousands (2,035)"
                                  ).format(text=repr(text.strip())))
    rest, wanted = _unit_words(match.group("rest")), _unit_words(unit)
    if rest and rest != wanted and not (rest == "%" and wanted.startswith("%")):
        given = _(" (the unit, {unit}, is given beside the box)").format(unit=unit) if unit else ""
        raise QuizResponseError(_("type only the number: {rest} is not understood").format(
            rest=repr(match.group("rest"))) + given)
    sign = "-" if match.group("sign") in ("-", "\u2212") else ""
    return float(sign + number + (match.group("exp") or ""))


def plain_number(value: float) -> str:
    """2035.0 as '2035', 2.5 as '2.5': how the feedback says what was understood."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.12g}"
