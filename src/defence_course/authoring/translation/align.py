"""A whole translated file, aligned with its English source, gives catalog entries.

A translator may translate a copy of a text source, quiz bank or exercise spec in place instead of
editing a catalog: the copy must keep the English's structure (the same blocks, the same code token
for token, the same keys and values outside text). `align()` pairs each English message with its
French, or names the first place where the structures part.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from defence_course.authoring.translation import build, catalogs, code, markdown, structured
from defence_course.errors import DefenceCourseError
from defence_course.quiz.banks import decode_bank_text


class AlignmentError(DefenceCourseError):
    """A translated file's structure differs from its English source's; the message says where."""


def _short(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "(blank)"
    return first[:70] + ("…" if len(first) > 70 else "")


def _front_pairs(en: str, fr: str) -> Iterator[tuple[str, str]]:
    en_data, fr_data = markdown.front_values(en), markdown.front_values(fr)
    for key in sorted(set(en_data) | set(fr_data)):
        a, b = en_data.get(key), fr_data.get(key)
        if key not in markdown.FRONT_TEXT:
            if a != b:
                raise AlignmentError(f"front matter `{key}:` must stay as in the English")
        elif isinstance(a, str) and isinstance(b, str):
            yield a, b
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            yield from zip(a, b, strict=True)
        else:
            raise AlignmentError(f"front matter `{key}:` needs one French line per English line")


def _code_pairs(en: str, fr: str, where: str) -> Iterator[tuple[str, str]]:
    a, b = code.pieces(en), code.pieces(fr)
    if a is None or b is None:
        if en != fr:
            raise AlignmentError(f"{where}: this cell is not plain Python; keep it exactly as in English")
        return
    for x, y in zip(a, b, strict=False):
        if x.kind == "code" and (y.kind != "code" or x.text != y.text):
            raise AlignmentError(f"{where}: code differs at `{x.text}` (French has `{y.text}`); "
                                 "only comments and prose strings with a space are translated")
        if x.kind != "code":
            # A prose string may become one word in French ("Year" stays code, "Année" is prose).
            if y.kind == "code" and not (x.kind == "prose" and code.is_string(y.text)):
                raise AlignmentError(f"{where}: `{x.text}` became code-like `{y.text}`")
            yield (code.comment_text(x.text), code.comment_text(y.text)) if x.kind == "comment" \
                else (x.text, y.text)
    if len(a) != len(b):
        raise AlignmentError(f"{where}: the French cell has {len(b)} tokens, the English {len(a)}; "
                             "keep the same code, comments and strings")


def _line_of(body: str, segs: list[markdown.Segment], index: int) -> int:
    return "".join(s.text for s in segs[:index]).count("\n") + 1


def markdown_pairs(en: str, fr: str) -> list[tuple[str, str]]:
    """(English, French) for every message of two aligned text sources."""
    en_front, en_body = markdown.split_front(en)
    fr_front, fr_body = markdown.split_front(fr)
    pairs = list(_front_pairs(en_front, fr_front))
    a, b = markdown.segments(en_body), markdown.segments(fr_body)
    offset = fr.count("\n") - fr_body.count("\n")
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        where = f"French line {offset + _line_of(fr_body, b, index)} (English: {_short(x.text)!r})"
        if x.kind != y.kind:
            raise AlignmentError(f"{where}: expected a {x.kind} here, found a {y.kind} "
                                 "(a blank line added or removed, or a block split or merged?)")
        if x.kind == "block":
            pairs.append((x.text, y.text))
        elif x.kind == "code":
            pairs.extend(_code_pairs(x.text, y.text, where))
        elif x.text.strip() and x.text != y.text and not x.text.startswith("> "):
            raise AlignmentError(f"{where}: keep this line as it is: {_short(x.text)!r}")
    if len(a) != len(b):
        raise AlignmentError(f"the French has {len(b)} segments, the English {len(a)}: a blank line "
                             "added or removed near the end")
    return pairs


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two skeletons first differ, as a path like `questions[3].options[1].correct`."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{path}.{key}".lstrip(".")
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (English has {len(a)} items, French {len(b)})"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    same = a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)  # NaN
    return None if same else f"{path} (English {a!r}, French {b!r})"


def structured_pairs(en: Any, fr: Any) -> list[tuple[str, str]]:
    """(English, French) for every text of two aligned YAML documents."""
    where = first_difference(structured.skeleton(en), structured.skeleton(fr))
    if where:
        raise AlignmentError(f"outside text fields the French must equal the English; first difference: "
                             f"{where}")
    return list(zip(structured.messages(en), structured.messages(fr), strict=True))


def align(en_path: Path, fr_path: Path) -> list[tuple[str, str]]:
    """The (English, French) pairs of two files of the same kind (.md text source or .yaml)."""
    en, fr = en_path.read_text(encoding="utf-8"), fr_path.read_text(encoding="utf-8")
    if en_path.suffix == ".md":
        return markdown_pairs(en, fr)
    try:
        return structured_pairs(yaml.safe_load(en), yaml.safe_load(fr))
    except yaml.YAMLError as error:
        raise AlignmentError(f"{fr_path} is not valid YAML: {error}") from error


def _reads_as_prose(message: str) -> bool:
    """A Markdown block or comment of several words (a quoted code string may well stay English)."""
    words = [w for w in message.split() if re.fullmatch(r"[^\W\d_]{3,}[,.;:]?", w)]
    return not message.startswith(("'", '"', "f'", 'f"')) and len(words) >= 4


def import_file(root: Path, source_kind: str, name: str, translated: Path, language: str = "fr") -> int:
    """Put a whole translated file's messages in its catalog (current, not fuzzy); return how many."""
    source = next((s for s in build.sources(root) if s.kind == source_kind and s.name == name), None)
    if source is None:
        raise AlignmentError(f"no English {source_kind} source named {name!r}")
    english = source.path
    if source_kind == "quizzes":  # a bank is encoded: align with its plain text
        with tempfile.TemporaryDirectory() as folder:
            english = Path(folder) / f"{name}.yaml"
            english.write_text(decode_bank_text(source.path), encoding="utf-8")
            pairs = align(english, translated)
    else:
        pairs = align(english, translated)
    path = catalogs.catalog_path(root, source_kind, name, language)
    catalog = catalogs.read(path, language)
    catalog.update(catalogs.template(build.messages(source)), update_header_comment=False)
    for message, french in pairs:
        if message.strip():
            entry = catalog.get(message) or catalog.add(message)
            entry.string = french
            # Prose left in English is more likely forgotten than meant: a reviewer confirms it.
            if french == message and _reads_as_prose(message):
                entry.flags.add("fuzzy")
            else:
                entry.flags.discard("fuzzy")
    catalogs.write(path, catalog)
    return len(pairs)
