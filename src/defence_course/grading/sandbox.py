"""Run learners' code isolated: a bubblewrap (or rlimits-only) zygote per job slot."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defence_course.errors import DefenceCourseError
from defence_course.grading import zygote
from defence_course.grading.bwrap import (
    ZYGOTE_MODULE,
    bwrap_args,
    probe_args,
    python_binds,
    python_paths,
    system_binds,
)
from defence_course.grading.framing import pack, read_frame_within
from defence_course.paths import DATA_ENV, GRADING_ENV, SANDBOX_DEBUG_ENV

__all__ = ["GIB", "SANDBOX_MODES", "Job", "Limits", "RunResult", "Sandbox", "SandboxConfig",
           "SandboxError", "choose_mode"]

GIB = 1024 ** 3
SANDBOX_MODES = ("auto", "bwrap", "rlimits")
"""What `choose_mode` accepts: auto picks bubblewrap when it works here."""
REPORT_GRACE = 3.0  # seconds after --timeout for calling function answers and reporting
CGROUP_PIDS = Path("/sys/fs/cgroup/pids")
#: A forged result frame of 64 MB of `[],[],...` would cost the trusted grader ~1.5 GB to parse;
#: honest answers (at most 200,000 items each, see checks.MAX_ITEMS) stay far below this count
#: of commas and brackets, which bounds the parse to a few hundred MB.
MAX_REPORT_VALUES = 4_000_000
LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # also matches valid pairs: harmless
WARN_NO_BWRAP = (
    "bubblewrap (bwrap) is not available: submissions run with resource limits only, WITHOUT "
    "network or filesystem isolation (a submission could read files this user can read and "
    "open network connections). Install it (Debian/Ubuntu: apt install bubblewrap) for full "
    "isolation."
)


WARN_ROOT = (
    " You are root: without bubblewrap every submission runs AS ROOT and could change or delete "
    "any file on this machine. Grade as an unprivileged user, or install bubblewrap."
)


class SandboxError(DefenceCourseError):
    """The sandbox could not be started on this machine; the message says what to install."""


#: The share of `timeout` one cell may use when no per-cell limit is given (the one default).
CELL_SHARE = 0.5


@dataclass(frozen=True)
class Limits:
    """Per-submission limits. Defaults fit a laptop; see docs/grading.md."""

    timeout: float = 60.0
    memory_bytes: int = 2 * GIB
    #: Each cell's own limit within `timeout`, so one looping cell cannot cost the answers
    #: defined after it (None: CELL_SHARE of `timeout`, for the library and the command line).
    cell_timeout: float | None = None
    processes: int = 64
    file_bytes: int = 64 * 1024 * 1024
    output_bytes: int = 64 * 1024
    scratch_bytes: int = 256 * 1024 * 1024  # size of the sandbox's /tmp and of its /dev/shm

    @property
    def per_cell_seconds(self) -> float:
        """Each cell's limit: `cell_timeout`, or CELL_SHARE of `timeout`; never above `timeout`."""
        chosen = self.timeout * CELL_SHARE if self.cell_timeout is None else self.cell_timeout
        return min(chosen, self.timeout)

    def for_request(self) -> dict[str, Any]:
        """The limits as the zygote applies them.

        Cells get `timeout` seconds; calling function answers and reporting get at most 2 s
        more, and the hard kill comes 3 s after `timeout`, so a notebook stopped by the cell
        alarm still reports the answers it defined.
        """
        return {
            "wall_seconds": self.timeout + REPORT_GRACE,
            "cell_seconds": self.timeout,
            "per_cell_seconds": self.per_cell_seconds,
            "cpu_seconds": self.timeout + REPORT_GRACE,
            "memory_bytes": self.memory_bytes,
            "processes": self.processes,
            "file_bytes": self.file_bytes,
            "output_bytes": self.output_bytes,
        }

    def resume_key(self) -> dict[str, float]:
        """Every limit that can change a result (a student stopped by one is regraded when it
        changes): what the zygote applies, and the scratch space bubblewrap mounts."""
        return {**self.for_request(), "scratch_bytes": self.scratch_bytes}


@dataclass(frozen=True)
class SandboxConfig:
    """Where things are and what each sandbox may see."""

    mode: str  # "bwrap" or "rlimits"
    limits: Limits
    data_dir: Path
    preload: tuple[str, ...] = ("pandas", "numpy")
    python: str = sys.executable


@dataclass(frozen=True)
class Job:
    """One submission to run: its code cells and the answers to report."""

    cells: list[str]
    answers: list[dict[str, Any]]
    #: The submission's language: the child's DEFENCE_COURSE_LANG, so the checker speaks it.
    language: str = "en"


@dataclass
class RunResult:
    """What came back: the plain answers (already JSON-parsed) or why there are none."""

    status: str  # ok | timeout | crashed | invalid
    answers: dict[str, Any] = field(default_factory=dict)
    cell_errors: list[tuple[int, str]] = field(default_factory=list)
    timed_out_cell: int | None = None
    output: str = ""
    message: str = ""
    seconds: float = 0.0


def bwrap_path() -> str | None:
    """The bubblewrap executable, if installed."""
    return shutil.which("bwrap")


def choose_mode(requested: str) -> tuple[str, str | None]:
    """Pick `bwrap` or `rlimits` for `auto`; returns (mode, warning or None)."""
    if requested not in SANDBOX_MODES:
        raise SandboxError(f"unknown sandbox {requested!r}: use auto, bwrap or rlimits")
    if requested == "rlimits":
        return "rlimits", _no_bwrap_warning().replace("is not available", "is switched off")
    path = bwrap_path()
    if path and _bwrap_works(path):
        return "bwrap", None
    if requested == "bwrap":
        raise SandboxError("bubblewrap is not usable here (missing, or user namespaces are "
                           "disabled); install it (apt install bubblewrap) or use --sandbox auto")
    return "rlimits", _no_bwrap_warning()


def _no_bwrap_warning() -> str:
    """The fallback warning; louder for root, whose submissions would then run as root."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return WARN_NO_BWRAP + WARN_ROOT
    return WARN_NO_BWRAP


def _bwrap_works(path: str) -> bool:
    try:
        done = subprocess.run(probe_args(path, system_binds()), capture_output=True, timeout=20,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


class _Cgroup:
    """A pids cgroup (v1, when root can write it) that caps processes per slot, root or not."""

    def __init__(self, slot: int, limit: int) -> None:
        self.path: Path | None = None
        base = CGROUP_PIDS / "defence-course"
        try:
            base.mkdir(exist_ok=True)
            _remove_stale_cgroups(base)
            path = base / f"{os.getpid()}-{slot}-{secrets.token_hex(3)}"
            path.mkdir()
            (path / "pids.max").write_text(str(limit))
            self.path = path
        except OSError:
            self.path = None

    def join(self) -> None:
        """Move the calling process (between fork and exec) into the cgroup."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def remove(self) -> None:
        """Kill what is left in the cgroup and remove it."""
        if self.path is None:
            return
        for _ in range(50):
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def _remove_stale_cgroups(base: Path) -> None:
    """Remove empty cgroups left by a grader that was killed (kill -9 leaves empty dirs)."""
    for child in base.iterdir():
        with contextlib.suppress(OSError, ValueError):
            owner = int(child.name.split("-")[0])
            if owner != os.getpid() and not Path(f"/proc/{owner}").exists():
                child.rmdir()


class Sandbox:
    """One job slot: a zygote process (inside bubblewrap when available) serving submissions."""

    def __init__(self, config: SandboxConfig, slot: int = 0) -> None:
        self.config = config
        self.slot = slot
        self._process: subprocess.Popen[bytes] | None = None
        self._result_fd: int | None = None
        self._cgroup: _Cgroup | None = None
        self._tempdir: str | None = None
        self._lock = threading.Lock()
        self._counter = 0

    # -- lifecycle -----------------------------------------------------------------------------

    def _environment(self, write_fd: int) -> dict[str, str]:
        """The zygote's whole environment: nothing of the grader's own leaks in."""
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            GRADING_ENV: "1",
            DATA_ENV: str(self.config.data_dir),
            zygote.ENV_RESULT_FD: str(write_fd),
            zygote.ENV_PRELOAD: ",".join(self.config.preload),
            "PYTHONPATH": str(Path(zygote.__file__).resolve().parents[2]),
        }
        if self.config.mode == "bwrap":
            env[zygote.ENV_PIDNS] = "1"
            env[zygote.ENV_WORKDIR] = "/tmp"
        else:
            self._tempdir = tempfile.mkdtemp(prefix="defence-course-sandbox-")
            env[zygote.ENV_WORKDIR] = self._tempdir
        return env

    def _command(self) -> list[str]:
        """The zygote's command line: inside bubblewrap, or plain Python under rlimits."""
        python = self.config.python
        if self.config.mode != "bwrap":
            return [python, "-m", ZYGOTE_MODULE]
        return bwrap_args(bwrap=bwrap_path() or "bwrap", python=python,
                          data_dir=self.config.data_dir,
                          scratch_bytes=self.config.limits.scratch_bytes,
                          binds=system_binds() + python_binds(python_paths(python)))

    def start(self) -> None:
        """Start the zygote and wait until it has imported pandas and the data."""
        self._cgroup = _Cgroup(self.slot, self.config.limits.processes + 8)
        read_fd, write_fd = os.pipe()
        env = self._environment(write_fd)
        command = self._command()
        cgroup = self._cgroup

        def before_exec() -> None:
            cgroup.join()
            if self.config.mode == "rlimits":
                zygote.set_pdeathsig()

        debug = os.environ.get(SANDBOX_DEBUG_ENV)
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=None if debug else subprocess.DEVNULL, env=env, pass_fds=(write_fd,),
                start_new_session=True, preexec_fn=before_exec, cwd=self._tempdir or "/")
        except OSError as error:
            os.close(read_fd)
            os.close(write_fd)
            raise SandboxError(f"could not start the grading sandbox: {error}") from error
        os.close(write_fd)
        self._result_fd = read_fd
        ready = self._read_reply(timeout=120)
        if ready is None or not ready.get("ready"):
            self.close()
            raise SandboxError(
                "the grading sandbox did not start (run with DEFENCE_COURSE_SANDBOX_DEBUG=1 to "
                "see its errors; try --sandbox rlimits to rule bubblewrap out)")

    def close(self) -> None:
        """Stop the zygote and everything it started."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.stdin:
                with contextlib.suppress(OSError):
                    process.stdin.close()
        if self._result_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._result_fd)
            self._result_fd = None
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None
        if self._tempdir:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running -------------------------------------------------------------------------------

    def _read_reply(self, timeout: float) -> dict[str, Any] | None:
        """Read one frame from the zygote within `timeout` seconds, or None."""
        if self._result_fd is None:
            return None
        raw = read_frame_within(self._result_fd, timeout)
        if raw is None:
            return None
        try:
            reply = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        return reply if isinstance(reply, dict) else None

    def run(self, job: Job) -> RunResult:
        """Run one submission; restarts the zygote if the submission broke it."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self.close()
                self.start()
            self._counter += 1
            nonce = secrets.token_hex(16)
            request = {"id": self._counter, "nonce": nonce, "cells": job.cells,
                       "answers": job.answers, "limits": self.config.limits.for_request(),
                       "language": job.language}
            try:
                payload = json.dumps(request).encode()
                stdin = self._process.stdin if self._process is not None else None
                if stdin is None:
                    raise OSError("no zygote")
                stdin.write(pack(payload))
                stdin.flush()
            except (OSError, ValueError):
                self.close()
                return RunResult("crashed", message="the grading sandbox stopped unexpectedly")
            reply = self._read_reply(self.config.limits.timeout + 15)
            if reply is None or reply.get("id") != self._counter:
                # The submission killed its zygote (or it hung): restart for the next one.
                self.close()
                return RunResult("crashed", message=(
                    "the submission stopped the grading sandbox (it killed or blocked its "
                    "parent process)"))
            return _decode(reply, nonce)


def _loads_valid(text: str) -> Any:
    """Parse the child's JSON with lone surrogates (a JSON escape such as `\\ud800`) made "?".

    A learner's exception text or answer may hold a lone surrogate; once in a message, it
    would make writing the UTF-8 journal and grades.csv fail for the whole class.
    """
    value = json.loads(text)
    if LONE_SURROGATE_ESCAPE.search(text):
        value = json.loads(json.dumps(value, ensure_ascii=False).encode("utf-8", "replace"))
    return value


def _decode(reply: dict[str, Any], nonce: str) -> RunResult:
    """Turn the zygote's reply into a RunResult, trusting only strictly-typed plain JSON."""
    raw_output = reply.get("output")
    output = raw_output if isinstance(raw_output, str) else ""
    seconds = float(reply.get("seconds") or 0.0)
    frame = reply.get("frame")
    report: Any = None
    if isinstance(frame, str) and frame.startswith(nonce):
        body = frame[len(nonce):]
        if sum(body.count(c) for c in ",[{") > MAX_REPORT_VALUES:
            return RunResult("invalid", output=output, seconds=seconds, message=(
                "the notebook's answers are too large to check (millions of values)"))
        try:
            report = _loads_valid(body)
        except (ValueError, RecursionError):
            report = None
    if reply.get("timed_out") and not isinstance(report, dict):
        return RunResult("timeout", output=output, seconds=seconds,
                         message="the notebook ran past the time limit and was stopped")
    if not isinstance(report, dict):
        how = (f"was killed by signal {reply['signal']}" if reply.get("signal")
               else f"exited with code {reply.get('exit_code')}")
        hint = ""
        if reply.get("signal") in (signal.SIGXCPU, signal.SIGKILL):
            hint = " (CPU time or memory limit?)"
        return RunResult("crashed", output=output, seconds=seconds,
                         message=f"the notebook's process {how}{hint} before reporting answers")
    if "setup_error" in report:
        return RunResult("crashed", output=output, seconds=seconds,
                         message=f"the sandbox failed: {str(report['setup_error'])[:200]}")
    answers = report.get("answers")
    errors = report.get("cell_errors")
    timed_out_cell = report.get("timed_out_cell")
    if not isinstance(answers, dict) or not isinstance(errors, list) or not (
            timed_out_cell is None or isinstance(timed_out_cell, int)):
        return RunResult("invalid", output=output, seconds=seconds,
                         message="the sandbox returned malformed results")
    cell_errors = [(int(e[0]), str(e[1])[:500]) for e in errors
                   if isinstance(e, list) and len(e) == 2 and isinstance(e[0], int)]
    status = "timeout" if timed_out_cell is not None else "ok"
    return RunResult(status, answers, cell_errors, timed_out_cell, output, "", seconds)

