"""Group commits and the other fast paths keep the grader's guarantees (issue 14).

Speed itself is measured in benchmarks/grading.py, never here: these tests show that writing
many files with one flush still makes every file durable before it appears, that each
finished student is saved exactly once, and that IPython is imported only when needed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from defence_course import atomic, data
from defence_course.atomic import atomic_write_many
from defence_course.grading import grade, zygote
from defence_course.grading.grader import MAGIC_IN_JSON, _sandbox_config
from defence_course.grading.journal import Journal
from defence_course.grading.records import Record
from defence_course.grading.sandbox import GIB, Limits
from defence_course.grading.submissions import Submission

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
SOLUTION = REPO / "solutions" / f"{EXERCISE}.ipynb"


class _FakeLibc:
    """Stands in for the C library: records syncfs calls in the shared event list."""

    def __init__(self, events: list[str]) -> None:
        self.events = events

    def syncfs(self, fd: int) -> int:
        os.fsync(fd)
        self.events.append("syncfs")
        return 0


def _files(tmp_path: Path) -> dict[Path, str]:
    return {tmp_path / "a" / f"{name}.md": f"text {name}\r\n" for name in "xyz"} | {
        tmp_path / "b" / "grades.csv": "student,points\n"}


def test_group_write_flushes_every_file_before_any_appears(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(atomic, "_libc_with_syncfs", lambda: _FakeLibc(events))
    monkeypatch.setattr(atomic.os, "replace",
                        lambda a, b: (events.append("replace"), real_replace(a, b)))
    files = _files(tmp_path)
    atomic_write_many(files)
    assert {p: p.read_bytes().decode() for p in files} == files
    # One flush per file system for all the files, and only then the renames.
    assert events == ["syncfs"] + ["replace"] * len(files)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["x.md", "y.md", "z.md"]


def test_group_write_without_syncfs_fsyncs_each_file_and_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic, "_libc_with_syncfs", lambda: None)
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    files = _files(tmp_path)
    atomic_write_many(files)
    assert len(synced) == len(files) + 2  # every file, then its two folders once each


def test_a_failed_group_write_keeps_the_old_files_and_no_temp_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path)
    atomic_write_many({p: "old" for p in files})

    def disk_full(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic, "_make_durable", disk_full)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_many(files)
    monkeypatch.undo()
    assert all(p.read_text(encoding="utf-8") == "old" for p in files)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["x.md", "y.md", "z.md"]


def test_each_finished_student_is_saved_once_in_groups(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(5):
        (subs / f"s{i}.ipynb").write_bytes(SOLUTION.read_bytes())
    (subs / "broken.ipynb").write_text("not json", encoding="utf-8")
    groups: list[list[str]] = []
    real = Journal.save_many

    def record_groups(self: Journal, records: list[Record]) -> None:
        real(self, records)
        groups.append([r.student for r in records])

    monkeypatch.setattr(Journal, "save_many", record_groups)
    summary = grade(EXERCISE, subs, tmp_path / "g.csv", jobs=2,
                    limits=Limits(timeout=20, memory_bytes=1 * GIB), root=REPO,
                    progress=False, warn=lambda m: None)
    saved = [student for group in groups for student in group]
    assert sorted(saved) == sorted(["broken", *(f"s{i}" for i in range(5))])
    assert summary.graded_now == 6
    state = tmp_path / f".g.{EXERCISE}.state"
    records = [json.loads(p.read_text(encoding="utf-8")) for p in state.glob("*.json")]
    assert sorted(r["student"] for r in records) == sorted(saved)
    assert not list(state.glob(".*.tmp"))


@pytest.mark.parametrize(("source", "magic"), [
    ('"%matplotlib inline\\n"', True),
    ('"x = 1\\n", "  !ls\\n"', True),
    ('"x = 1\\n\\t%time f()"', True),
    ('"ratio = 5 % 2\\n"', False),
    ('"ok = a != b\\n"', False),
])
def test_magic_lines_are_found_in_the_notebook_json(source: str, magic: bool) -> None:
    raw = ('{"cells": [{"cell_type": "code", "source": [' + source + ']}]}').encode()
    assert json.loads(raw)  # the test inputs are real notebook JSON
    assert bool(MAGIC_IN_JSON.search(raw)) is magic


def test_ipython_is_imported_by_the_sandbox_only_for_magic_lines() -> None:
    plain = [(Submission("a", SOLUTION), SOLUTION.read_bytes())]
    magic = [*plain, (Submission("b", SOLUTION),
                      b'{"cells": [{"cell_type": "code", "source": ["%time 1\\n"]}]}')]
    ipython = "IPython.core.inputtransformer2"
    assert ipython not in _sandbox_config(REPO, EXERCISE, plain, "rlimits", Limits()).preload
    assert ipython in _sandbox_config(REPO, EXERCISE, magic, "rlimits", Limits()).preload


def test_the_zygote_warm_up_runs_on_every_course_dataset_and_changes_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The zygote runs it under `suppress(Exception)`: a warm-up broken by a new dataset would
    # only cost speed, silently. Called directly, it must run through on the course's data.
    monkeypatch.setenv("DEFENCE_COURSE_DATA", str(REPO / "data"))
    frames = [data.load(name) for name in data.list_datasets()]
    before = [frame.copy() for frame in frames]
    zygote._warm_up(frames)
    assert all(a.equals(b) for a, b in zip(frames, before, strict=True))
