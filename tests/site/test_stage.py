"""website/stage.py: every page found by its rule, notebook links turned into page links."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from tests.site.conftest import REPO, website_module

stage = website_module("stage")


def fake_course(root: Path) -> Path:
    """A course with one lesson, one exercise, one docs page and the real datapackage.json."""
    (root / "text" / "lessons").mkdir(parents=True)
    (root / "text" / "lessons" / "01-a.md").write_text(
        "# 01 · A\n\nNext: [02 · B](02-b.ipynb) and [ex](../exercises/ex01-a.ipynb#q1).\n", encoding="utf-8")
    (root / "exercises").mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Exercise 1"),
        nbformat.v4.new_markdown_cell("Reopened?", metadata={"defence_course_note": "restart"}),
        nbformat.v4.new_code_cell("x = ...  # YOUR CODE HERE"),
        nbformat.v4.new_markdown_cell("*Write your answer here.*", metadata={"tags": ["solution"]}),
    ]
    nbformat.write(notebook, root / "exercises" / "ex01-a.ipynb")
    (root / "docs").mkdir()
    (root / "docs" / "glossary.md").write_text(
        "# Glossary\n\nSee [lesson 1](../lessons/01-a.ipynb), [the data notes](../data/README.md#a),\n"
        "[the site](https://example.org/x.md), [above](#glossary).\n\n```\n[kept](../x.md)\n```\n",
        encoding="utf-8")
    (root / "data").mkdir()
    shutil.copy(REPO / "data" / "datapackage.json", root / "data" / "datapackage.json")
    return root


def test_pages_are_found_by_rule_and_links_point_at_pages(tmp_path: Path) -> None:
    root, out = fake_course(tmp_path / "course"), tmp_path / "src"
    pages = stage.stage(out, root=root)
    assert pages == ["data", "exercises/ex01-a", "guide/glossary", "index", "lessons/01-a"]
    assert "(../exercises/ex01-a.md#q1)" in (out / "lessons" / "01-a.md").read_text(encoding="utf-8")
    assert "(../lessons/01-a.md)" in (out / "guide" / "glossary.md").read_text(encoding="utf-8")
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "lessons/01-a" in index
    assert "guide/glossary" in index


def test_a_new_lesson_is_added_and_a_renamed_one_leaves_no_stale_page(tmp_path: Path) -> None:
    root, out = fake_course(tmp_path / "course"), tmp_path / "src"
    stage.stage(out, root=root)
    (root / "text" / "lessons" / "01-a.md").rename(root / "text" / "lessons" / "07-a.md")
    assert "lessons/07-a" in stage.stage(out, root=root)
    assert not (out / "lessons" / "01-a.md").exists()


def test_an_exercise_page_has_its_questions_and_code_not_its_answer_cell_or_note(tmp_path: Path) -> None:
    root, out = fake_course(tmp_path / "course"), tmp_path / "src"
    stage.stage(out, root=root)
    page = (out / "exercises" / "ex01-a.md").read_text(encoding="utf-8")
    assert "```python\nx = ...  # YOUR CODE HERE\n```" in page
    assert "Write your answer" not in page
    assert "Reopened" not in page


def test_a_link_to_a_course_file_with_no_page_says_where_the_file_is(tmp_path: Path) -> None:
    root, out = fake_course(tmp_path / "course"), tmp_path / "src"
    stage.stage(out, root=root)
    page = (out / "guide" / "glossary.md").read_text(encoding="utf-8")
    assert "the data notes (`data/README.md` in the course)" in page
    assert "[lesson 1](../lessons/01-a.md)" in page
    assert "[the site](https://example.org/x.md)" in page
    assert "[above](#glossary)" in page
    assert "[kept](../x.md)" in page  # inside a code block: text, not a link
    lesson = (out / "lessons" / "01-a.md").read_text(encoding="utf-8")
    assert "02 · B (`lessons/02-b.ipynb` in the course)" in lesson  # no such lesson in this course


def test_an_unchanged_page_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    assert stage.write_if_changed(path, "x")
    assert not stage.write_if_changed(path, "x")


def test_data_texts_are_shown_literally(tmp_path: Path) -> None:
    root = fake_course(tmp_path / "course")
    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"][0]["description"] = "Costs *\\$5* [link](x) <b>"
    (root / "data" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    stage.data_page(root, tmp_path)
    text = (tmp_path / "data.md").read_text(encoding="utf-8")
    assert r"Costs \*\\\$5\* \[link\]\(x\) \<b\>" in text


def test_the_french_edition_stages_french_lessons_and_exercises(tmp_path: Path) -> None:
    """SITE_LANGUAGES="en fr": the French pages come from the catalogs and exercises/fr (issue 24)."""
    out = tmp_path / "fr"
    pages = stage.stage(out, "fr")
    assert "lessons/01-the-news" in pages
    assert "exercises/ex01-the-news" in pages
    lesson = (out / "lessons" / "01-the-news.md").read_text(encoding="utf-8")
    assert "# 01 · Les nouvelles" in lesson
    assert "Noyau → Redémarrer le noyau" in lesson
    exercise = (out / "exercises" / "ex01-the-news.md").read_text(encoding="utf-8")
    assert "VOTRE CODE ICI" in exercise
    index = (out / "index.md").read_text(encoding="utf-8")
    assert ":caption: Leçons" in index
    assert ":caption: Lessons" not in index


def test_the_french_launch_line_opens_the_french_notebook() -> None:
    from xml.etree import ElementTree as ET

    launch = website_module("launch")
    box = ET.tostring(launch.launch_line("lessons/03-who-pays", launch.Addresses(), "fr"), encoding="unicode")
    assert "lessons/fr/03-who-pays.ipynb" in box
    assert "Ouvrir cette leçon" in box
    english = ET.tostring(launch.launch_line("lessons/03-who-pays", launch.Addresses()), encoding="unicode")
    assert "lessons/03-who-pays.ipynb" in english
    assert "Open this lesson" in english
