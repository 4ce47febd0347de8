"""A text source cut into messages and joined back: nothing lost, code never translated."""

from pathlib import Path

import pytest

from defence_course.authoring.translation import code, markdown

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "text").glob("[ls]*/*.md"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_segments_join_back_to_the_source(path: Path) -> None:
    _, body = markdown.split_front(path.read_text(encoding="utf-8"))
    assert "".join(s.text for s in markdown.segments(body)) == body


def test_blocks_are_the_text_between_blank_lines() -> None:
    body = "# Title\n\nOne line\nand its second.\n\n- a\n- b\n"
    blocks = [s.text for s in markdown.segments(body) if s.kind == "block"]
    assert blocks == ["# Title", "One line\nand its second.", "- a\n- b"]


def test_the_restart_note_and_markers_are_kept() -> None:
    body = '+++ {"defence_course_note": "restart"}\n\n> note\n\n+++\n\nText\n'
    kinds = [(s.kind, s.text) for s in markdown.segments(body)]
    assert ("block", "Text") in kinds
    assert all(k != "block" or t != "> note" for k, t in kinds)


def test_front_matter_questions_are_messages() -> None:
    text = "---\nteaching: 5\nexercises: 0\nquestions:\n- Why?\nobjectives:\n- '*Do* it.'\n---\n\n# T\n"
    assert markdown.messages(text) == ["Why?", "*Do* it.", "# T"]
    words = {"Why?": "Pourquoi ?", "*Do* it.": "*Faire*."}
    french = markdown.translate(text, lambda m: words.get(m, m))
    assert "Pourquoi ?" in french
    assert "teaching: 5" in french


CELL = 'x = load("timeline")  # the table\nplt.title("Defence spending, share of GDP")\n# BEGIN SOLUTION\n'


def test_code_messages_are_comments_and_prose_strings_only() -> None:
    assert list(code.messages(CELL)) == ["the table", '"Defence spending, share of GDP"']


def test_translating_code_changes_only_comments_and_prose() -> None:
    french = code.translate(CELL, {"the table": "la table", '"Defence spending, share of GDP"':
                                   '"Dépenses de défense, part du PIB"'}.get)
    assert french == ('x = load("timeline")  # la table\nplt.title("Dépenses de défense, part du PIB")\n'
                      "# BEGIN SOLUTION\n")


def test_a_cell_python_cannot_read_is_all_code() -> None:
    assert code.pieces("%matplotlib inline\n!ls '") is None
    assert code.translate("!ls 'a b'", lambda s: "X") == "!ls 'a b'"
