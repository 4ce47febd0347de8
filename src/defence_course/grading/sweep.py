"""After each submission, inside the sandbox: nothing it started or left survives for the next one.

The zygote (grading/zygote.py) calls these between submissions. `private` is true inside
bubblewrap, where the PID and IPC namespaces are the sandbox's own, so every other process and
every System V object there is the submission's; in rlimits-only mode they would be the host's.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import time
from collections.abc import Callable

__all__ = ["SWEEP_SECONDS", "load_libc", "reap", "sweep", "wipe"]

SWEEP_SECONDS = 2.0  # at most this long killing what a submission left in its PID namespace


@functools.cache
def load_libc() -> ctypes.CDLL:
    """The C library, looked up once in the zygote rather than again in every child."""
    return ctypes.CDLL(None, use_errno=True)


def sweep(pid: int, private: bool) -> None:
    """Kill the child's process group and, in a private PID namespace, every other process."""
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    if private:
        _kill_the_rest()
    reap()
    if private:
        _remove_sysv_ipc()


def reap() -> None:
    """Collect every exited child (as PID 1, the zygote also inherits the sandbox's orphans)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _kill_the_rest() -> None:
    """kill(-1) until nothing is left in this PID namespace but the zygote.

    kill(-1) reaches every process here except PID 1 (ourselves) and fails with ESRCH only
    when there is none, zombies included: so each round reaps first, and a process forked
    during a round is caught by the next. Usually the first round finds nobody: a system
    call per submission instead of three fixed 5 ms sleeps (15 ms idle in each ~50 ms).
    """
    deadline = time.monotonic() + SWEEP_SECONDS
    while True:
        reap()
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:  # ESRCH: nobody left
            return
        if time.monotonic() > deadline:
            return
        time.sleep(0.0005)


def _remove_sysv_ipc() -> None:
    """Delete every System V shared memory segment, message queue and semaphore set.

    They outlive the child that made them (the IPC namespace is the sandbox's, not the
    submission's): a segment would keep its RAM, uncounted by RLIMIT_AS, for the rest of the
    run, and the next student could read it. Only called inside bubblewrap, where the IPC
    namespace is private: in rlimits mode these would be the host's objects.
    """
    libc = load_libc()
    removers: tuple[tuple[str, Callable[[int], object]], ...] = (
        ("shm", lambda i: libc.shmctl(i, 0, None)),  # IPC_RMID = 0
        ("msg", lambda i: libc.msgctl(i, 0, None)),
        ("sem", lambda i: libc.semctl(i, 0, 0)))
    for kind, remove in removers:
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as listing:
                lines = listing.read().splitlines()[1:]
            for line in lines:
                remove(int(line.split()[1]))  # columns: key, id, ...


def wipe(workroot: str, private: bool) -> None:
    """Remove everything a submission could leave for the next one in the writable places."""
    places = [workroot]
    if private:
        places.append("/dev/shm")
    for place in places:
        with contextlib.suppress(OSError):
            for entry in os.scandir(place):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
