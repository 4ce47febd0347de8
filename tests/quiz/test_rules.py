"""Quiz rules the docs promise, each in a fast test (issue 18, item 10)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from defence_course.quiz.banks import encode_bank_text, load_quiz
from defence_course.quiz.model import QuizFormatError
from defence_course.quiz.progress import ProgressStore

MATCHING = textwrap.dedent("""\
    title: "Offices"
    questions:
      - id: match
        type: matching
        prompt: "Who holds which office?"
        pairs: {Kallas: "High Representative", Costa: "European Council"}
        distractors: ["NATO"]
        explanation: "EEAS."
        source: {title: 'EEAS, 23 June 2025', url: 'https://eeas.europa.eu/x'}
    """)


@pytest.fixture
def encoded(tmp_path: Path) -> Path:
    plain = tmp_path / "plain.yaml"
    plain.write_text(MATCHING, encoding="utf-8")
    path = tmp_path / "offices.yaml"
    path.write_text(encode_bank_text(plain), encoding="utf-8")
    assert load_quiz(path).question("match").lefts() == ["Kallas", "Costa"]
    return path


@pytest.mark.parametrize(("field", "was", "edited"), [("left", "  - Kallas\n", "  - Carney\n"),
                                                       ("right", "  - NATO\n", "  - G7\n")])
def test_a_matching_question_edited_by_hand_is_refused_at_load(
        encoded: Path, field: str, was: str, edited: str) -> None:
    """The readable left and right items must be the encoded key's, or learners see others."""
    text = encoded.read_text(encoding="utf-8")
    assert text.count(was) == 1
    encoded.write_text(text.replace(was, edited), encoding="utf-8")
    with pytest.raises(QuizFormatError, match=rf"{field}.*differs from the encoded key"):
        load_quiz(encoded)


def test_show_answer_is_saved_under_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    """"Show answer" is a read-modify-write of the progress file, like an attempt: both under
    the lock, or a second kernel's attempts are lost."""
    store = ProgressStore(tmp_path / "progress.json")
    held: list[bool] = []
    seen: list[tuple[str, bool]] = []
    real_locked, real_read, real_write = store._locked, store._read, store._write

    @contextmanager
    def tracked() -> Iterator[None]:
        with real_locked():
            held.append(True)
            try:
                yield
            finally:
                held.pop()

    def read() -> dict[str, Any]:
        seen.append(("read", bool(held)))
        return real_read()

    def write(data: dict[str, Any]) -> None:
        seen.append(("write", bool(held)))
        real_write(data)

    monkeypatch.setattr(store, "_locked", tracked)
    monkeypatch.setattr(store, "_read", read)
    monkeypatch.setattr(store, "_write", write)
    assert store.reveal("bank", "q1").revealed
    assert seen == [("read", True), ("write", True)]
    assert ProgressStore(tmp_path / "progress.json").results("bank")["q1"].revealed
