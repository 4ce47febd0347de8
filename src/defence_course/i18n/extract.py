"""The messages the code uses, found in its source, and the French catalog brought in step.

`python -m defence_course.i18n.extract` adds each new `_()`, `N_()` or `ngettext()` message to
locale/fr/LC_MESSAGES/defence_course.po (empty, to translate) and drops the ones no code uses
any more; tests/i18n/test_catalog.py fails until every message has a French translation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from defence_course.i18n.messages import DOMAIN, catalog_path

PACKAGE = Path(__file__).resolve().parents[1]
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}
"""Each function that marks a message, and how many literal arguments make its id."""


@dataclass
class Found:
    """The messages in the code (id -> where) and the calls whose message is not a literal."""

    messages: dict[str | tuple[str, str], list[str]] = field(default_factory=dict)
    not_literal: list[str] = field(default_factory=list)


def _marker(node: ast.Call) -> int:
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    return MARKERS.get(name, 0)


def _built(node: ast.expr) -> bool:
    """An f-string, a concatenation or a `.format()` call: a message no catalog can hold."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format")


def scan(package: Path = PACKAGE) -> Found:
    """Every marked message in the package's modules, with `file:line` of each use."""
    found = Found()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not (count := _marker(node)):
                continue
            where = f"{path.relative_to(package.parent)}:{node.lineno}"
            args = node.args[:count]
            texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(texts) == count:
                key: str | tuple[str, str] = texts[0] if count == 1 else (texts[0], texts[1])
                found.messages.setdefault(key, []).append(where)
            elif any(_built(arg) for arg in args):
                found.not_literal.append(where)  # `_(CONSTANT)` is fine: N_ marked it
    return found


def read_catalog(language: str = "fr") -> Catalog:
    """The language's catalog as Babel reads it (fresh, not the cached one)."""
    with open(catalog_path(language), "rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update(language: str = "fr") -> tuple[int, int]:
    """Add the code's new messages (untranslated) and drop unused ones; (added, dropped)."""
    catalog = read_catalog(language)
    found = scan().messages
    wanted = {k if isinstance(k, str) else k[0]: k for k in found}
    # Unused, or used now with (or without) a plural: dropped, and added again below.
    dropped = [m.id for m in catalog if m.id and wanted.get(
        m.id if isinstance(m.id, str) else m.id[0]) != (m.id if isinstance(m.id, str) else tuple(m.id))]
    for msgid in dropped:
        del catalog[msgid]
    added = 0
    for key, where in found.items():
        single = key if isinstance(key, str) else key[0]
        if single not in catalog:
            catalog.add(key, "" if isinstance(key, str) else ("", ""),
                        locations=[(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where])
            added += 1
    catalog.obsolete.clear()
    with open(catalog_path(language), "wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True)
    return added, len(dropped)


if __name__ == "__main__":
    added, dropped = update()
    print(f"added {added}, dropped {dropped} messages")
