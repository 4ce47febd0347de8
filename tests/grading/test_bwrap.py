"""The sandbox's bubblewrap command line, checked without bubblewrap: these tests always run."""

from __future__ import annotations

import os
from pathlib import Path

from defence_course.grading.bwrap import (
    ZYGOTE_MODULE,
    bwrap_args,
    probe_args,
    python_binds,
    system_binds,
)

DATA = Path("/course/data")
BINDS = ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
         "--ro-bind", "/opt/venv", "/opt/venv"]


def command(**changes: object) -> list[str]:
    kwargs: dict = {"bwrap": "/usr/bin/bwrap", "python": "/opt/venv/bin/python",
                    "data_dir": DATA, "scratch_bytes": 32 * 1024 * 1024, "binds": BINDS}
    kwargs.update(changes)
    return bwrap_args(**kwargs)


def pairs(args: list[str], flag: str) -> list[str]:
    """The values that follow each occurrence of `flag`."""
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]


def test_every_namespace_is_unshared_network_included() -> None:
    args = command()
    assert "--unshare-all" in args  # user, ipc, pid, net, uts, cgroup: no network at all
    assert "--share-net" not in args


def test_all_capabilities_are_dropped_and_the_zygote_is_pid_1() -> None:
    args = command()
    assert pairs(args, "--cap-drop") == ["ALL"]
    assert "--cap-add" not in args
    assert "--as-pid-1" in args
    assert "--die-with-parent" in args
    assert "--new-session" in args


def test_host_folders_are_bound_read_only_and_never_etc_or_home() -> None:
    args = command()
    assert "--bind" not in args
    assert "--dev-bind" not in args
    sources = pairs(args, "--ro-bind")
    assert str(DATA) in sources
    assert not any(s == "/etc" or s.startswith(("/home", "/root")) for s in sources)


def test_only_sized_scratch_space_is_writable() -> None:
    args = command(scratch_bytes=12345)
    assert pairs(args, "--tmpfs") == ["/dev/shm", "/tmp"]
    assert pairs(args, "--size") == ["12345", "12345"]
    assert pairs(args, "--remount-ro") == ["/dev", "/"]
    # /tmp is mounted before the binds, so a venv under /tmp is not hidden by it.
    assert args.index("/tmp") < args.index("/opt/venv")


def test_the_command_ends_by_running_the_zygote() -> None:
    args = command()
    assert args[0] == "/usr/bin/bwrap"
    assert args[-3:] == ["/opt/venv/bin/python", "-m", ZYGOTE_MODULE]
    assert pairs(args, "--chdir") == ["/tmp"]


def test_the_probe_isolates_like_the_real_run() -> None:
    args = probe_args("bwrap", BINDS)
    for flag in ("--unshare-all", "--as-pid-1", "--die-with-parent"):
        assert flag in args
    assert pairs(args, "--cap-drop") == ["ALL"]


def test_system_binds_follow_the_layout(tmp_path: Path) -> None:
    (tmp_path / "usr" / "lib").mkdir(parents=True)
    os.symlink("usr/lib", tmp_path / "lib")
    (tmp_path / "sbin").mkdir()
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "ld.so.cache").write_text("", encoding="utf-8")
    (tmp_path / "etc" / "passwd").write_text("", encoding="utf-8")
    args = system_binds(tmp_path)
    assert args[:3] == ["--ro-bind", "/usr", "/usr"]
    triples = [args[i:i + 3] for i in range(len(args) - 2)]
    assert ["--symlink", "usr/lib", "/lib"] in triples  # merged /usr: a link, not a bind
    assert "/lib" not in pairs(args, "--ro-bind")
    assert "/sbin" in pairs(args, "--ro-bind")
    assert "/etc/ld.so.cache" in pairs(args, "--ro-bind")
    assert "/etc/passwd" not in args
    assert "/bin" not in args


def test_python_binds_skip_usr_and_missing_paths(tmp_path: Path) -> None:
    assert python_binds([Path("/usr"), tmp_path / "missing", tmp_path]) == [
        "--ro-bind", str(tmp_path), str(tmp_path)]
