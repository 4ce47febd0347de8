"""The bubblewrap command line of the grading sandbox, as a pure function a test can read without bwrap."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

SYSTEM_DIRS = ("bin", "sbin", "lib", "lib32", "lib64")
SYSTEM_FILES = ("/etc/localtime", "/etc/ld.so.cache", "/etc/ld.so.conf")
ZYGOTE_MODULE = "defence_course.grading.zygote"


def system_binds(root: Path = Path("/")) -> list[str]:
    """Read-only system directories (merged-/usr layouts become symlinks). Never /etc or /home."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in SYSTEM_DIRS:
        path = root / name
        target = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(target)]
        elif path.is_dir():
            args += ["--ro-bind", str(target), str(target)]
    for name in SYSTEM_FILES:
        if (root / name.lstrip("/")).exists():
            args += ["--ro-bind", name, name]
    return args


def python_paths(python: str) -> list[Path]:
    """The interpreter's prefixes, the venv and this package's parent, outermost first."""
    import defence_course

    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(python).resolve().parent.parent,
             Path(defence_course.__file__).resolve().parent.parent}
    return sorted(paths, key=lambda p: len(p.parts))


def python_binds(paths: Iterable[Path]) -> list[str]:
    """Bind the interpreter, its standard library, the venv and this package read-only."""
    args: list[str] = []
    for path in paths:
        if str(path).startswith("/usr") or not path.exists():
            continue
        args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_args(*, bwrap: str, python: str, data_dir: Path, scratch_bytes: int,
               binds: list[str]) -> list[str]:
    """The whole command that starts the zygote inside bubblewrap (no I/O: reviewable in tests).

    `binds` are the read-only system and Python binds (`system_binds() + python_binds(...)`).
    """
    scratch = str(scratch_bytes)
    return [
        bwrap, "--unshare-all", "--die-with-parent", "--new-session",
        # Run by root, bwrap would otherwise keep every capability inside its user
        # namespace: enough to remount the read-only binds (the venv, this package,
        # data/, /usr) writable, or to ptrace the zygote.
        "--cap-drop", "ALL",
        # The zygote is PID 1 itself: bwrap's own init would hold the request pipe and
        # be open to the learner's code through /proc/1 (the zygote is non-dumpable).
        "--as-pid-1",
        # /tmp first: later binds may live under /tmp (a venv or a course copy there).
        # The writable tmpfs get a size: their pages are RAM that RLIMIT_AS does not
        # count (unsized, each could take half the machine's memory).
        "--proc", "/proc", "--dev", "/dev", "--size", scratch, "--tmpfs", "/dev/shm",
        "--size", scratch, "--tmpfs", "/tmp",
        *binds,
        "--ro-bind", str(data_dir), str(data_dir),
        # The sandbox's own root (a tmpfs holding the mount points) and /dev become
        # read-only, so only /tmp and /dev/shm are writable, and the zygote wipes them
        # per submission (a file left in /dev would reach the next student).
        "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp",
        python, "-m", ZYGOTE_MODULE,
    ]


def probe_args(bwrap: str, binds: list[str]) -> list[str]:
    """A minimal bubblewrap run with the same isolation flags, to test that bwrap works here."""
    return [bwrap, "--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "--as-pid-1",
            *binds, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "true"]
