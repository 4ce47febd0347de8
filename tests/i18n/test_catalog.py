"""The French catalog is complete and in step with the code: every `_()`, `N_()` and
`ngettext()` message has a French translation that is not fuzzy and keeps its placeholders, and
the catalog holds no message the code no longer uses. A failure names the message.

`python -m defence_course.i18n.extract` brings the catalog in step (new messages empty, unused
ones dropped); then translate the empty ones in any PO editor.
"""

from __future__ import annotations

import string
from typing import Any

from babel.messages.catalog import Catalog

from defence_course.i18n.extract import Found, read_catalog, scan


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _problem(message: Any, key: str | tuple[str, str]) -> str:
    """What is wrong with one message's translation, or ''."""
    if message is None:
        return f"not in the catalog: {key!r}"
    forms = [message.string] if isinstance(message.string, str) else list(message.string)
    if message.fuzzy or not all(forms):
        return f"{'fuzzy' if message.fuzzy else 'untranslated'}: {key!r}"
    # A translation keeps the placeholders; a plural form may leave out the count ("l'autre").
    allowed = set(_fields(key)) if isinstance(key, str) else set(_fields(key[0]) + _fields(key[1]))
    for form in forms:
        fields = set(_fields(form))
        if fields != allowed if isinstance(key, str) else not fields <= allowed:
            return f"placeholders differ in {form!r} (from {key!r})"
    return ""


def catalog_problems(found: Found, catalog: Catalog) -> list[str]:
    """Every message the code uses that French lacks, every unused one, every built message."""
    problems = [f"not a literal message at {where}" for where in found.not_literal]
    for key, where in found.messages.items():
        problem = _problem(catalog.get(key if isinstance(key, str) else key[0]), key)
        if problem:
            problems.append(f"{problem} (used at {where[0]})")
    used = {k if isinstance(k, str) else k[0] for k in found.messages}
    problems += [f"unused by the code: {m.id!r}" for m in catalog
                 if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in used]
    problems += [f"obsolete entry: {msgid!r}" for msgid in catalog.obsolete]
    return problems


def test_every_message_has_a_french_translation_and_none_is_unused() -> None:
    found = scan()
    assert len(found.messages) > 200  # the scan sees the package's messages
    assert catalog_problems(found, read_catalog()) == []


def test_the_check_names_a_missing_fuzzy_unused_or_built_message() -> None:
    catalog = Catalog(locale="fr")
    catalog.add("Check answer", "Vérifier", flags=["fuzzy"])
    catalog.add("Gone", "Parti")
    catalog.add("{n} attempt", "{m} essai")
    found = Found({"Check answer": ["a.py:1"], "Show answer": ["a.py:2"],
                   "{n} attempt": ["a.py:3"]}, ["b.py:4"])
    assert catalog_problems(found, catalog) == [
        "not a literal message at b.py:4",
        "fuzzy: 'Check answer' (used at a.py:1)",
        "not in the catalog: 'Show answer' (used at a.py:2)",
        "placeholders differ in '{m} essai' (from '{n} attempt') (used at a.py:3)",
        "unused by the code: 'Gone'",
    ]


def test_the_scan_finds_literals_and_flags_messages_built_in_code(tmp_path: Any) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        'HELLO = N_("Hello")\n'
        'a = _("Check answer")\n'
        'b = ngettext("{n} try", "{n} tries", 2)\n'
        'c = _(HELLO)\n'  # looked up as N_ marked it: fine
        'd = _(f"Hi {a}")\n'
        'e = _("Hi " + a)\n'
        'f = _("Hi {a}".format(a=a))\n', encoding="utf-8")
    found = scan(package)
    assert set(found.messages) == {"Hello", "Check answer", ("{n} try", "{n} tries")}
    assert found.not_literal == ["pkg/m.py:5", "pkg/m.py:6", "pkg/m.py:7"]
