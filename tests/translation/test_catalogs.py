"""Catalogs follow the English: a changed paragraph's French becomes fuzzy and is named, not used."""

from pathlib import Path

import pytest

from defence_course.authoring.translation import catalogs


def _translated(path: Path, pairs: dict[str, str]) -> None:
    catalog = catalogs.update(path, pairs)
    for english, french in pairs.items():
        catalog[english].string = french
    catalogs.write(path, catalog)


def test_a_changed_english_paragraph_makes_its_french_fuzzy_and_named(tmp_path: Path) -> None:
    path = tmp_path / "lesson.po"
    _translated(path, {"NATO agreed on 5% of GDP by 2035.": "L'OTAN a convenu de 5 % du PIB d'ici 2035."})
    assert catalogs.problems(path, ["NATO agreed on 5% of GDP by 2035."]) == []
    changed = "NATO's Allies agreed on 5% of GDP by 2035."
    catalogs.update(path, [changed])
    found = catalogs.problems(path, [changed])
    assert len(found) == 1
    assert "fuzzy" in found[0]
    assert "NATO's Allies" in found[0]
    lookup = catalogs.Lookup(catalogs.read(path))
    assert lookup(changed) == changed
    assert lookup.missing == [changed]


def test_a_new_message_is_named_missing(tmp_path: Path) -> None:
    path = tmp_path / "lesson.po"
    catalogs.update(path, ["One."])
    assert "untranslated" in catalogs.problems(path, ["One."])[0]


def test_writing_an_unchanged_catalog_changes_no_byte(tmp_path: Path) -> None:
    path = tmp_path / "lesson.po"
    _translated(path, {"One.": "Un."})
    before = path.read_bytes()
    catalogs.update(path, ["One."])
    assert path.read_bytes() == before


def test_a_broken_catalog_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    with pytest.raises(catalogs.CatalogError, match=r"bad\.po"):
        catalogs.read(path)


def test_a_message_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', encoding="utf-8")
    with pytest.raises(catalogs.CatalogError, match=r"twice\.po:4"):
        catalogs.read(path)
