"""The one way the course writes a file: a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries, so a rename survives a power cut (best effort: not on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename over `path`, fsync the folder.

    Why: os.replace is atomic on POSIX and Windows, so a reader (or a crash) sees either the
    old file or the new one. The temp file is removed when anything fails.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Short temp name: `path.name` may already be close to the 255-byte file-name limit.
    tag = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    fd, tmp = tempfile.mkstemp(prefix=f".{tag}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (line endings kept exactly as given)."""
    atomic_write_bytes(path, text.encode("utf-8"))
