"""The structured-argument form of lesson 07: it saves atomically, reloads, and never loses text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from defence_course.explore import argument as arg
from defence_course.explore.argument import (
    DEFAULT_CLAIMS,
    UNDECIDED,
    VERDICTS,
    Argument,
    ArgumentFileError,
    ArgumentStore,
    build_argument,
    parse_saved,
)


def fill(view: arg.ArgumentView, index: int, **values: str) -> None:
    """Type into one card, as a learner would."""
    card = view.cards[index]
    for name, value in values.items():
        getattr(card, name).value = value


def test_the_form_starts_from_the_lessons_claims(tmp_path: Path) -> None:
    view = build_argument("demo", folder=tmp_path)
    assert [c.claim.value for c in view.cards] == list(DEFAULT_CLAIMS)
    assert all(c.verdict.value == UNDECIDED for c in view.cards)
    assert "Not saved yet" in view.message
    assert not (tmp_path / "demo.json").exists(), "showing the form must not write anything"


def test_save_then_show_again_reloads_every_field(tmp_path: Path) -> None:
    view = build_argument("demo", folder=tmp_path)
    fill(view, 0, evidence_for="Costa: NATO 'the cornerstone'", evidence_against="SAFE, €150bn",
         verdict="partly supported")
    fill(view, 3, claim="My own claim", evidence_for="ünïcödé and \"quotes\" <b>", verdict="supported")
    view.click_save()
    assert view.message.startswith("Saved 4 claims")

    again = build_argument("demo", folder=tmp_path)
    assert "Loaded your argument" in again.message
    assert again.arguments()[:4] == view.arguments()
    assert again.cards[3].evidence_for.value == "ünïcödé and \"quotes\" <b>"
    assert again.cards[-1].argument().is_empty(), "a blank card is offered for one more claim"


def test_blank_cards_are_not_saved(tmp_path: Path) -> None:
    view = build_argument("demo", claims=("one", "", ""), folder=tmp_path)
    view.click_save()
    saved = parse_saved((tmp_path / "demo.json").read_text(encoding="utf-8"))
    assert [a.claim for a in saved.arguments] == ["one"]


def test_the_status_line_escapes_what_it_shows(tmp_path: Path) -> None:
    folder = tmp_path / "<b>odd</b>"
    view = build_argument("demo", folder=folder)
    assert "<b>odd</b>" not in view.status.value
    assert "&lt;b&gt;odd&lt;/b&gt;" in view.status.value
    assert 'role="status"' in view.status.value


def test_the_file_is_written_atomically_with_no_temp_left(tmp_path: Path, monkeypatch) -> None:
    calls = []
    real = arg.atomic_write
    monkeypatch.setattr(arg, "atomic_write", lambda path, text: (calls.append(path), real(path, text)))
    build_argument("demo", folder=tmp_path).click_save()
    assert calls == [tmp_path / "demo.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"version": 99, "arguments": []}', "not a version-1 argument file"),
        (b'{"version": 1, "arguments": "oops"}', "'arguments' must be a list"),
        (b'{"version": 1, "arguments": [{"claim": 3}]}', "claim 1, field 'claim'"),
        (b'{"version": 1, "arguments": [{"claim": "x", "verdict": "true"}]}', "field 'verdict'"),
        (b"", "not valid JSON"),
    ],
)
def test_a_corrupt_file_gives_a_clear_message_and_is_kept(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    (tmp_path / "demo.json").write_bytes(content)
    view = build_argument("demo", folder=tmp_path)
    assert reason in view.message
    assert "Nothing is lost" in view.message
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("demo.json.unreadable-")]
    assert len(kept) == 1
    assert kept[0].read_bytes() == content, "the damaged file is kept byte for byte"
    assert [c.claim.value for c in view.cards] == list(DEFAULT_CLAIMS)
    view.click_save()
    assert view.message.startswith("Saved")
    assert kept[0].read_bytes() == content, "saving must not touch the kept copy"


def test_an_unreadable_file_that_cannot_be_moved_is_never_overwritten(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "demo.json").write_bytes(b"{broken")

    def refuse(*_args: object) -> None:
        raise PermissionError("read-only folder")

    monkeypatch.setattr(arg.os, "replace", refuse)
    view = build_argument("demo", folder=tmp_path)
    assert "saving is off" in view.message
    view.click_save()
    assert view.message.startswith("Not saved")
    assert (tmp_path / "demo.json").read_bytes() == b"{broken"


def test_a_failed_write_keeps_the_text_in_the_form(tmp_path: Path, monkeypatch) -> None:
    view = build_argument("demo", folder=tmp_path)
    fill(view, 0, evidence_for="my notes")

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(arg, "atomic_write", full_disk)
    view.click_save()
    assert view.message.startswith("Not saved")
    assert "No space left" in view.message
    assert view.cards[0].evidence_for.value == "my notes"


def test_a_save_from_another_notebook_is_kept_not_overwritten(tmp_path: Path) -> None:
    """Two notebooks open on the same file: the second save keeps the first one's version."""
    first = build_argument("demo", folder=tmp_path)
    second = build_argument("demo", folder=tmp_path)
    fill(first, 0, evidence_for="from the first notebook")
    first.click_save()
    fill(second, 0, evidence_for="from the second notebook")
    second.click_save()
    assert "Another notebook had saved a different version" in second.message
    others = [p for p in tmp_path.iterdir() if ".other-save-" in p.name]
    assert len(others) == 1
    assert "from the first notebook" in others[0].read_text(encoding="utf-8")
    assert "from the second notebook" in (tmp_path / "demo.json").read_text(encoding="utf-8")
    second.click_save()  # saving again from the same notebook is not a conflict
    assert "Another notebook" not in second.message


def test_the_default_folder_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(arg.ARGUMENTS_ENV, str(tmp_path / "mine"))
    assert arg.arguments_dir() == tmp_path / "mine"
    monkeypatch.delenv(arg.ARGUMENTS_ENV)
    monkeypatch.setenv("DEFENCE_COURSE_PROGRESS", str(tmp_path / "p" / "progress.json"))
    assert arg.arguments_dir() == tmp_path / "p" / "arguments"


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "nul\0"])
def test_a_name_that_is_not_a_plain_stem_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="plain file stem"):
        ArgumentStore(name, tmp_path)


def test_the_saved_file_is_readable_json(tmp_path: Path) -> None:
    view = build_argument("demo", claims=("a claim",), folder=tmp_path)
    fill(view, 0, verdict=VERDICTS[2])
    view.click_save()
    data = json.loads((tmp_path / "demo.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["arguments"] == [{"claim": "a claim", "evidence_for": "", "evidence_against": "",
                                  "verdict": VERDICTS[2]}]


def test_parse_saved_rejects_too_many_claims() -> None:
    text = json.dumps({"version": 1, "arguments": [{"claim": "x"}] * (arg.MAX_CLAIMS + 1)})
    with pytest.raises(ArgumentFileError, match="at most"):
        parse_saved(text)


def test_argument_builder_displays_one_form(tmp_path: Path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(arg, "show_widget", lambda widget, _what, static=None: shown.append(widget))
    monkeypatch.setenv(arg.ARGUMENTS_ENV, str(tmp_path))
    arg.argument_builder()
    assert len(shown) == 1
    assert len(shown[0].children) == len(DEFAULT_CLAIMS) + 1
    assert not os.listdir(tmp_path)


def test_is_empty() -> None:
    assert Argument().is_empty()
    assert Argument(verdict="supported").is_empty()
    assert not Argument(evidence_against="x").is_empty()
