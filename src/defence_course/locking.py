"""The one cross-process lock: quiz progress and grading runs that share a file never interleave."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from defence_course.errors import DefenceCourseError


class LockBusyError(DefenceCourseError):
    """Another process holds the lock past the time allowed; the message says who to wait for."""


def lock_path(path: Path) -> Path:
    """The lock file that guards `path`: beside it, hidden, so it never looks like content."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def file_lock(path: Path, *, timeout: float = -1, busy: str = "") -> Iterator[None]:
    """Hold an exclusive lock on the lock file `path` (created if needed) for the `with` body.

    timeout: seconds to wait (-1 waits for ever, 0 fails at once); when it runs out,
    LockBusyError carries `busy` (or a generic message). The OS releases the lock if the
    process dies, so a crash never leaves the file locked.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusyError(busy or f"another process holds the lock {path}; try again when it "
                            "has finished") from None
    try:
        yield
    finally:
        lock.release()
