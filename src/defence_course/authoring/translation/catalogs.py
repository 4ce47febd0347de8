"""The French catalogs: where they live, how they are read, and how they follow the English.

`text/locale/fr/<kind>/<name>.po`, one per English source: kind is `lessons` or `solutions` (text
sources), `quizzes` (banks) or `checks` (exercise specs); `notes/course.po` holds the restart
note every notebook shows. `update()` is msgmerge: a message whose
English is gone becomes obsolete, and a new English message close to an obsolete one gets its old
French marked fuzzy, so the translator sees both; only a translated, non-fuzzy message is used.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from defence_course.atomic import atomic_write_bytes
from defence_course.errors import DefenceCourseError

LANGUAGES = ("fr",)
LOCALE_DIR = Path("text") / "locale"
KINDS = ("lessons", "solutions", "quizzes", "checks", "notes")
PROJECT = "canada-eu-defence-course"


class CatalogError(DefenceCourseError):
    """A catalog cannot be read; the message names the file and the line."""


def catalog_path(root: Path, kind: str, name: str, language: str = "fr") -> Path:
    """The catalog of one English source."""
    if kind not in KINDS:
        raise ValueError(f"unknown catalog kind {kind!r}; one of {', '.join(KINDS)}")
    return root / LOCALE_DIR / language / kind / f"{name}.po"


#: A PO line outside comments: a keyword and a quoted string, or a quoted continuation.
_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:\\.|[^"\\])*"\s*$')


def _check_lines(path: Path) -> None:
    """Refuse what Babel would read silently wrong: an unclosed quote, or a message given twice."""
    seen: dict[str, int] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.startswith("#") and not _PO_LINE.match(line):
            raise CatalogError(f"{path}:{number}: not a PO line (an unclosed quote?): {line[:60]!r}")
    for number, line in enumerate(lines, start=1):
        if line.startswith("msgid ") and line != 'msgid ""':
            key = line + "".join(next_line for next_line in lines[number:number + 50]
                                 if next_line.startswith('"'))
            if key in seen:
                raise CatalogError(f"{path}:{number}: this message is already on line {seen[key]}; "
                                   "keep one")
            seen[key] = number


def read(path: Path, language: str = "fr") -> Catalog:
    """A catalog from its .po file (an empty one when the file does not exist yet)."""
    if not path.is_file():
        return Catalog(locale=language, project=PROJECT, fuzzy=False)
    _check_lines(path)
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language, abort_invalid=True)
    except Exception as error:  # babel raises several kinds; all mean the same to the translator
        raise CatalogError(f"{path}: not a valid PO file ({error}); fix it in a PO editor") from error


#: The header is fixed, so writing an unchanged catalog changes no byte (git shows only real edits).
HEADER_COMMENT = ("# French edition of canada-eu-defence-course: one message per English block, code\n"
                  "# comment or prose string (docs/translating.md). Edit msgstr lines only.")
FIXED_DATE = datetime(2026, 12, 6, tzinfo=timezone.utc)


def _fix_header(catalog: Catalog) -> None:
    """Give the catalog the course's header: no dates or names that change from run to run."""
    catalog.header_comment = HEADER_COMMENT
    catalog.project, catalog.version = PROJECT, "2026.12"
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.last_translator = catalog.language_team = "canada-eu-defence-course"
    catalog.msgid_bugs_address = ""


def write(path: Path, catalog: Catalog) -> None:
    """Write the catalog atomically, wrapped as PO editors wrap it, obsolete messages kept at the end."""
    _fix_header(catalog)
    for message in catalog:  # Babel guesses `python-format` from a "%": prose, not a format string
        message.flags.discard("python-format")
        if not message.fuzzy:  # a confirmed translation needs no "previous English" any more
            message.previous_id = []
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False,
             include_previous=True, ignore_obsolete=False)
    data = buffer.getvalue()
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)


def template(messages: Iterable[str]) -> Catalog:
    """The English messages as a template (each once, in reading order)."""
    catalog = Catalog(project=PROJECT, fuzzy=False)
    for message in messages:
        if message.strip() and message not in catalog:
            catalog.add(message)
    return catalog


def update(path: Path, messages: Iterable[str], language: str = "fr") -> Catalog:
    """Bring a catalog in step with its English source (msgmerge's rules); write it; return it."""
    catalog = read(path, language)
    catalog.update(template(messages), update_header_comment=False)
    catalog.fuzzy = False
    write(path, catalog)
    return catalog


@dataclass
class Lookup:
    """Translations from one catalog; a message without a usable one is kept in English and noted."""

    catalog: Catalog
    missing: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> str:
        """The French of `message`, or the English when untranslated or fuzzy."""
        if not message.strip():
            return message
        entry = self.catalog.get(message)
        if entry is None or entry.fuzzy or not entry.string:
            self.missing.append(message)
            return message
        return str(entry.string)


def problems(path: Path, messages: Iterable[str], language: str = "fr") -> list[str]:
    """Each English message the catalog does not translate (missing, empty or fuzzy), named."""
    catalog = read(path, language)
    found = []
    for message in dict.fromkeys(m for m in messages if m.strip()):
        entry = catalog.get(message)
        state = ("missing" if entry is None else "fuzzy (the English changed)" if entry.fuzzy
                 else "untranslated" if not entry.string else None)
        if state:
            first = message.strip().splitlines()[0][:80]
            found.append(f"{path}: {state}: {first!r}")
    return found
