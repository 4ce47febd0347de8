"""Which language the course speaks here: "en" or "fr".

In order: a `using()` block (the grader, for one French submission); the environment variable
DEFENCE_COURSE_LANG; a working directory inside `lessons/fr`, `exercises/fr` or `solutions/fr`
(JupyterLab and nbval start a notebook's kernel in the notebook's folder, so a French notebook
gets French words with no extra code in it); else English.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from defence_course.errors import DefenceCourseError

LANG_ENV = "DEFENCE_COURSE_LANG"
LANGUAGES = ("en", "fr")
#: Folders whose `fr/` subfolder holds the French edition.
FRENCH_PARENTS = ("lessons", "exercises", "solutions")

_OVERRIDE: ContextVar[str | None] = ContextVar("defence_course_language", default=None)


class LanguageError(DefenceCourseError, ValueError):
    """A language the course does not speak was asked for (the command line prints it in one line)."""


def checked(language: str, where: str = LANG_ENV) -> str:
    """The language if the course speaks it, else a LanguageError naming the allowed ones."""
    if language not in LANGUAGES:
        raise LanguageError(f"{where} is {language!r}; the course speaks {', '.join(LANGUAGES)}: "
                            f"set it to one of them or unset it")
    return language


def folder_language(folder: Path) -> str:
    """"fr" inside a `fr` folder directly under lessons/, exercises/ or solutions/, else "en"."""
    parts = folder.parts
    for i in range(1, len(parts)):
        if parts[i] == "fr" and parts[i - 1] in FRENCH_PARENTS:
            return "fr"
    return "en"


def current_language() -> str:
    """The language of the words the package shows now (see the module's docstring)."""
    override = _OVERRIDE.get()
    if override is not None:
        return override
    env = os.environ.get(LANG_ENV, "").strip()
    if env:
        return checked(env)
    try:
        return folder_language(Path.cwd().resolve())
    except OSError:  # the working directory was deleted
        return "en"


@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """Speak `language` inside the block (this thread only): e.g. one submission's feedback."""
    token = _OVERRIDE.set(checked(language, "the language"))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)
