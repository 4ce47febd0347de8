"""The progress file: default location, env override, atomic writes, corrupt files moved aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from defence_course.paths import PROGRESS_ENV, progress_path
from defence_course.quiz import progress
from defence_course.quiz.progress import ProgressStore


def test_env_var_overrides_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "mine.json"))
    assert progress_path() == tmp_path / "mine.json"
    monkeypatch.delenv(PROGRESS_ENV)
    default = progress_path()
    assert default.name == "progress.json"
    assert "defence-course" in str(default)


def test_record_and_summary_survive_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "progress.json"
    store = ProgressStore(path)
    store.record("00-start-here", "q1", correct=False, score=0.0)
    store.record("00-start-here", "q1", correct=True, score=1.0)
    store.record("00-start-here", "q2", correct=False, score=0.5)
    again = ProgressStore(path)  # a kernel restart: a fresh object reads the file
    records = again.results("00-start-here")
    assert records["q1"].attempts == 2
    assert records["q1"].solved
    assert records["q2"].best_score == 0.5
    summary = again.summary("00-start-here", ["q1", "q2", "q3"])
    assert (summary.attempted, summary.correct, summary.total) == (2, 1, 3)
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    assert again.take_notices() == []


def test_corrupt_file_is_moved_aside_with_one_notice(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text('{"version": 1, "banks": {', encoding="utf-8")  # a crash mid-write
    store = ProgressStore(path)
    assert store.results("x") == {}
    notices = store.take_notices()
    assert len(notices) == 1
    assert "could not be read" in notices[0]
    aside = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_text(encoding="utf-8") == '{"version": 1, "banks": {'
    store.record("x", "q1", correct=True, score=1.0)
    assert store.take_notices() == []  # shown once only
    assert ProgressStore(path).results("x")["q1"].solved


def test_wrong_shape_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    store = ProgressStore(path)
    assert store.summary("x", ["q1"]).attempted == 0
    assert store.take_notices()
    assert list(tmp_path.glob("progress.json.corrupt-*"))


def test_bad_entries_are_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "banks": {
        "x": {"questions": {"q1": {"attempts": "many"}, "q2": {"attempts": 1, "solved": True}}},
        "y": "nonsense"}}), encoding="utf-8")
    store = ProgressStore(path)
    assert list(store.results("x")) == ["q2"]
    assert store.record("x", "q1", correct=True, score=1.0).attempts == 1
    assert store.record("y", "q1", correct=True, score=1.0).attempts == 1


def test_write_is_atomic_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between writing the temp file and renaming it leaves the old file intact."""
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.record("x", "q1", correct=True, score=1.0)
    before = path.read_text(encoding="utf-8")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(progress.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.record("x", "q2", correct=True, score=1.0)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == before
    # No temp file left; the lock file stays (removing it while another kernel waits would race).
    assert sorted(p.name for p in tmp_path.iterdir()) == [".progress.json.lock", "progress.json"]


def test_unwritable_path_gives_a_notice_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    store = ProgressStore(blocker / "progress.json")  # parent is a file: mkdir fails, even as root
    rec = store.record("x", "q1", correct=True, score=1.0)
    assert rec.solved
    notices = store.take_notices()
    assert len(notices) == 1
    assert PROGRESS_ENV in notices[0]


def test_reset(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "p.json")
    store.record("x", "q1", correct=True, score=1.0)
    store.record("y", "q1", correct=True, score=1.0)
    store.reset("x")
    assert store.results("x") == {}
    assert store.results("y")
    store.reset()
    assert store.results("y") == {}


def test_right_at_the_first_try_is_counted_beside_right_in_the_end(tmp_path: Path) -> None:
    """Issue 21: a lesson whose every first try was wrong showed 10/10 like a flawless one."""
    store = ProgressStore(tmp_path / "progress.json")
    store.record("b", "q1", False, 0.0)
    store.record("b", "q1", True, 1.0)    # right in the end, not at first
    store.record("b", "q2", True, 1.0)    # right at once
    store.record("b", "q2", False, 0.0)   # a later wrong try does not undo the first
    store.reveal("b", "q3")
    store.record("b", "q3", True, 1.0)    # copied after Show answer: neither
    summary = store.summary("b", ["q1", "q2", "q3"])
    assert (summary.correct, summary.first_try) == (2, 1)
    assert [r.first_try for r in store.results("b").values()] == [False, True, False]


def test_a_file_from_before_first_try_reads_one_right_attempt_as_first_try(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.record("b", "q1", True, 1.0)
    store.record("b", "q2", False, 0.0)
    store.record("b", "q2", True, 1.0)
    data = json.loads(path.read_text(encoding="utf-8"))
    for record in data["banks"]["b"]["questions"].values():
        del record["first_try"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ProgressStore(path).summary("b", ["q1", "q2"]).first_try == 1
