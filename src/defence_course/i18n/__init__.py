"""The course's own words in the learner's language: one catalog, looked up when shown.

`language` says which language a notebook speaks (`current_language()`), `messages` looks a
message up in `locale/fr/LC_MESSAGES/defence_course.po` (`_`, `ngettext`), and `numbers`
writes a number as that language does (`2,0 %`, `1 404`).
"""

from __future__ import annotations

from defence_course.i18n.language import LANG_ENV, LANGUAGES, LanguageError, current_language, using
from defence_course.i18n.messages import N_, _, ngettext
from defence_course.i18n.numbers import format_month, format_number

__all__ = ["LANGUAGES", "LANG_ENV", "N_", "LanguageError", "_", "current_language", "format_month",
           "format_number", "ngettext", "using"]
