"""Numbers written as the language shown writes them: `2.0%`, `1,404` or `2,0 %`, `1 404`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from defence_course.i18n.language import current_language

#: Babel locales: Canadian English and French, with U+00A0 no-break spaces in French.
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
NBSP = "\u00a0"


def format_number(value: float, decimals: int = 0, *, percent: bool = False, group: bool = True) -> str:
    """`value` with `decimals` decimals (and a percent sign when `percent`: 2.0 -> '2,0 %').

    `percent` takes the number as already in percent (2.0 means 2 %, as the course's data are);
    `group=False` leaves thousands ungrouped (a year-like count). Rounded as Python's own
    `f"{value:.2f}"` rounds, so English reads exactly as an f-string wrote it. French spaces are
    no-break spaces, so `1 404` and `2,0 %` never break across lines.
    """
    from babel.numbers import format_decimal  # only where a number is written

    locale = LOCALES[current_language()]
    pattern = ("#,##0" if group else "0") + ("." + "0" * decimals if decimals else "")
    text = format_decimal(Decimal(f"{value:.{decimals}f}"), format=pattern, locale=locale)
    text = text.replace("\u202f", NBSP).replace(" ", NBSP)
    if percent:
        text += NBSP + "%" if locale.startswith("fr") else "%"
    return text


def plain_number(value: float) -> str:
    """A number as typed, shortest form (`{:g}`): '2.5' in English, '2,5' in French."""
    text = f"{value:g}"
    return text.replace(".", ",") if current_language() == "fr" else text


def format_month(when: datetime.date, *, day: bool = False, short: bool = False) -> str:
    """'May 2024', '21 May 2024', 'Jan 2025' (short), or in French 'mai 2024', '21 mai 2024',
    'janv. 2025': English as strftime writes it, French from Babel's fr_CA names."""
    if current_language() != "fr":
        text = when.strftime("%b %Y" if short else "%B %Y")
        return f"{when.day} {text}" if day else text
    from babel.dates import format_date

    text = format_date(when, "MMM y" if short else "MMMM y", locale=LOCALES["fr"])
    return f"{'1er' if when.day == 1 else when.day} {text}" if day else text  # le 1er décembre
