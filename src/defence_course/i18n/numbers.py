"""Numbers written as the language shown writes them: `2.0%`, `1,404` or `2,0 %`, `1 404`."""

from __future__ import annotations

from defence_course.i18n.language import current_language

#: Babel locales: Canadian English and French, with U+00A0 no-break spaces in French.
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
NBSP = "\u00a0"


def format_number(value: float, decimals: int = 0, *, percent: bool = False) -> str:
    """`value` with `decimals` decimals (and a percent sign when `percent`: 2.0 -> '2,0 %').

    `percent` takes the number as already in percent (2.0 means 2 %, as the course's data are).
    Spaces are no-break spaces, so `1 404` and `2,0 %` never break across lines.
    """
    from babel.numbers import format_decimal, format_percent  # only where a number is written

    locale = LOCALES[current_language()]
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if percent:
        text = format_percent(value / 100, format=pattern + "\u00a0%" if locale == "fr_CA"
                              else pattern + "%", locale=locale, decimal_quantization=True)
    else:
        text = format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)
    return text.replace("\u202f", NBSP).replace(" ", NBSP)


def plain_number(value: float) -> str:
    """A number as typed, shortest form (`{:g}`): '2.5' in English, '2,5' in French."""
    text = f"{value:g}"
    return text.replace(".", ",") if current_language() == "fr" else text
