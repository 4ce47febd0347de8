"""A whole translated file aligns with its English only when its structure is the same."""

import pytest

from defence_course.authoring.translation.align import AlignmentError, markdown_pairs, structured_pairs

EN = "# Title\n\nFirst paragraph.\n\n```{code-cell} ipython3\nx = load(\"timeline\")  # load it\n```\n"
FR = "# Titre\n\nPremier paragraphe.\n\n```{code-cell} ipython3\nx = load(\"timeline\")  # la charger\n```\n"


def test_aligned_files_give_pairs() -> None:
    assert markdown_pairs(EN, FR) == [("# Title", "# Titre"), ("First paragraph.", "Premier paragraphe."),
                                      ("load it", "la charger")]


def test_an_added_blank_line_is_refused() -> None:
    with pytest.raises(AlignmentError, match="blank line"):
        markdown_pairs(EN, FR.replace("Premier paragraphe.", "Premier\n\nparagraphe."))


def test_changed_code_is_refused() -> None:
    with pytest.raises(AlignmentError, match="code differs"):
        markdown_pairs(EN, FR.replace('"timeline"', '"chronologie"'))


def test_a_changed_answer_in_a_bank_is_refused() -> None:
    en = {"questions": [{"id": "q1", "prompt": "Which?", "options": [{"text": "A", "correct": True}]}]}
    fr = {"questions": [{"id": "q1", "prompt": "Laquelle ?", "options": [{"text": "A", "correct": False}]}]}
    with pytest.raises(AlignmentError, match=r"questions\[0\].options\[0\].correct"):
        structured_pairs(en, fr)
    fr["questions"][0]["options"][0]["correct"] = True
    assert structured_pairs(en, fr) == [("Which?", "Laquelle ?"), ("A", "A")]
