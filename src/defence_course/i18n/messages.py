"""`_()` and `ngettext()`: the package's words, looked up in the catalog of the language shown.

English is the source language (the message ids); French comes from
`locale/fr/LC_MESSAGES/defence_course.po`, read with Babel on first use and cached (no compiled
.mo to keep in step). The language is looked up at each call, not at import, so one kernel
follows the notebook it runs. An untranslated or fuzzy message shows its English
(tests/i18n/test_catalog.py fails on it).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

from defence_course.i18n.language import current_language

if TYPE_CHECKING:  # Babel is imported when a catalog is first read: English never needs it
    from babel.messages.catalog import Catalog

DOMAIN = "defence_course"


def catalog_path(language: str) -> str:
    """Where a language's catalog is (a package file)."""
    return str(resources.files("defence_course.i18n").joinpath(
        "locale", language, "LC_MESSAGES", f"{DOMAIN}.po"))


@functools.cache
def load_catalog(language: str) -> Catalog | None:
    """The language's catalog, read once per process (None for English, the source language)."""
    if language == "en":
        return None
    from babel.messages.pofile import read_po

    with open(catalog_path(language), "rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _plural_index(language: str, n: int) -> int:
    """0 for the singular form, 1 for the plural (French: 0 and 1 are singular)."""
    return int(n > 1) if language == "fr" else int(n != 1)


def _lookup(msgid: str | tuple[str, str]) -> str | tuple[str, ...] | None:
    catalog = load_catalog(current_language())
    if catalog is None or not msgid:  # "" is the catalog's header, never a message
        return None
    message = catalog.get(msgid[0] if isinstance(msgid, tuple) else msgid)
    if message is None or message.fuzzy or not message.string:
        return None
    text = message.string
    if isinstance(text, str):
        return text
    forms = tuple(text)
    return forms if all(forms) else None


def N_(message: str) -> str:
    """Mark a constant as a message without translating it yet (it is passed to `_` when shown)."""
    return message


def _(message: str) -> str:
    """The message in the language shown (English when it has no translation)."""
    found = _lookup(message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the language shown."""
    found = _lookup((singular, plural))
    index = _plural_index(current_language(), n)
    if isinstance(found, tuple) and len(found) == 2:
        return found[index]
    return plural if index else singular
