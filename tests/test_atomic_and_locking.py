"""The one atomic writer and the one lock (defence_course.atomic, defence_course.locking)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from defence_course import atomic
from defence_course.atomic import atomic_write, atomic_write_bytes
from defence_course.locking import LockBusyError, file_lock, lock_path


def test_atomic_write_creates_folders_and_keeps_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.csv"
    atomic_write(path, "x,y\r\n1,2\n")
    assert path.read_bytes() == b"x,y\r\n1,2\n"
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in path.parent.iterdir()] == ["b.csv"]


def test_atomic_write_fsyncs_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    atomic_write(tmp_path / "f.txt", "data")
    assert len(synced) == 2  # the file, then its folder


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.txt"
    atomic_write(path, "old")

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, "new")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_a_very_long_name_still_gets_a_short_temp_name(tmp_path: Path) -> None:
    path = tmp_path / ("n" * 250)
    atomic_write(path, "ok")
    assert path.read_text(encoding="utf-8") == "ok"


def test_lock_file_sits_beside_the_file_hidden(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "progress.json") == tmp_path / ".progress.json.lock"


def test_a_held_lock_times_out_with_the_callers_message(tmp_path: Path) -> None:
    lock = tmp_path / "sub" / ".x.lock"
    # flock locks belong to an open file: a second open in this process conflicts too.
    with (file_lock(lock), pytest.raises(LockBusyError, match="wait for the other run"),
          file_lock(lock, timeout=0, busy="wait for the other run")):
        pass  # pragma: no cover - never reached
    with file_lock(lock, timeout=0):  # released: free again
        pass


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path: Path, mask: int) -> None:
    """Bug (issue 18): mkstemp's 0600 made grades.csv and the bundle unreadable to others."""
    old = os.umask(mask)
    try:
        atomic_write(tmp_path / "one.csv", "x")
        atomic.atomic_write_many({tmp_path / "two.md": "y", tmp_path / "sub" / "three.md": "z"})
    finally:
        os.umask(old)
    for name in ("one.csv", "two.md", "sub/three.md"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~mask, name


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    for mode, write in ((0o640, atomic_write), (0o604, lambda p, t: atomic.atomic_write_many({p: t}))):
        path = tmp_path / f"{mode:o}.txt"
        path.write_text("old")
        path.chmod(mode)
        write(path, "new")
        assert (path.stat().st_mode & 0o777, path.read_text()) == (mode, "new")


def test_a_secret_is_never_readable_by_others_not_even_before_the_rename(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The anonymous-code key is written 0600 from its first byte (no chmod after the rename)."""
    from defence_course.classroom.anonymize import Key

    seen: list[int] = []
    real = os.replace

    def replace(src: str, dst: Path) -> None:
        seen.append(os.stat(src).st_mode & 0o777)
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    old = os.umask(0o022)
    try:
        Key(tmp_path / "key.json").save()
    finally:
        os.umask(old)
    assert seen == [0o600]
    assert (tmp_path / "key.json").stat().st_mode & 0o777 == 0o600


def test_writing_to_dev_stdout_writes_into_it_and_keeps_the_link(tmp_path: Path) -> None:
    """`defence-course quiz decode BANK -o /dev/stdout` as root renamed a file over /dev/stdout.
    A link to a stream (here a FIFO, as a shell pipe) is written into; the link stays a link."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write(link, "hello\n")
    reader.join(timeout=10)
    assert received == [b"hello\n"]
    assert link.is_symlink()


def test_a_symlinked_file_is_replaced_behind_its_link(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new"
