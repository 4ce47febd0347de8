"""The grading zygote: runs inside the sandbox, forks one limited child per submission."""

# This module runs as `python -m defence_course.grading.zygote` INSIDE the sandbox (bubblewrap or
# rlimits only). It imports pandas and the course data once, then for each request from the
# grader forks a child that applies fresh resource limits, executes the learner's code cells,
# and reports the named answers as plain JSON. Nothing here decides a grade: the grader
# (outside the sandbox) parses the JSON strictly and compares it with the expected values,
# which never enter the sandbox.

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import resource
import select
import shutil
import signal
import stat
import sys
import time
from typing import Any

from defence_course.grading.framing import MAX_FRAME, read_frame, unpack_frame, write_frame
from defence_course.grading.plain import call_key, to_plain
from defence_course.grading.sweep import load_libc, sweep, wipe
from defence_course.i18n.language import LANG_ENV, LANGUAGES

OUTPUT_FILE = "output.txt"
ENV_RESULT_FD = "DC_RESULT_FD"
ENV_WORKDIR = "DC_WORKDIR"
ENV_PIDNS = "DC_PIDNS"
ENV_PRELOAD = "DC_PRELOAD"
MAGIC_LINE = re.compile(r"^\s*[%!]", re.MULTILINE)


class CellTimeout(BaseException):
    """Raised in the child by SIGALRM so a cell that runs too long stops and the rest is kept."""


def set_pdeathsig() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only; best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        load_libc().prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def _set_dumpable(dumpable: bool) -> None:
    """Set PR_SET_DUMPABLE: a non-dumpable process cannot be ptraced, nor its /proc/PID/fd,
    /proc/PID/mem or /proc/PID/environ opened, by the learner's code running as the same user.

    The zygote is made non-dumpable so a child cannot open the zygote's reply pipe through
    /proc/PPID/fd and slip a stale frame in front of the next student's reply (that student
    would get `error`), nor patch the zygote's memory. The child is made dumpable again, so
    it runs as before (its own /proc entries stay readable to itself). Linux only, like
    PR_SET_PDEATHSIG (elsewhere there is no prctl and nothing to do).
    """
    with contextlib.suppress(OSError, AttributeError):
        load_libc().prctl(4, int(dumpable), 0, 0, 0)  # PR_SET_DUMPABLE


def python_source(cell: str) -> str:
    """Turn IPython syntax (%magic, !shell) into plain Python, as the notebook kernel would.

    This runs in the child, under the cell's time limit, never in the grader: IPython's
    transformer re-tokenises the whole cell once per magic line, so a crafted cell of a few
    hundred magic lines and many thousands of code lines costs minutes of CPU.
    """
    if not MAGIC_LINE.search(cell):
        return cell
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # no IPython: comment the magic lines out
        return MAGIC_LINE.sub(lambda m: m.group(0)[:-1] + "#" + m.group(0)[-1], cell)
    try:
        # IPython's transformer has no type annotations (pyproject's untyped_calls_exclude); it returns str.
        return str(TransformerManager().transform_cell(cell))
    except Exception:  # IPython could not parse it: compile() reports the error
        return cell


class _Shell:
    """A stand-in for IPython's shell so notebook code that calls get_ipython() keeps running."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.user_ns = namespace

    def run_line_magic(self, *args: Any, **kwargs: Any) -> None:
        """Magics have no effect during grading."""

    def run_cell_magic(self, *args: Any, **kwargs: Any) -> None:
        """Cell magics have no effect during grading."""

    def system(self, *args: Any, **kwargs: Any) -> None:
        """Shell escapes (!cmd) have no effect during grading."""

    def getoutput(self, *args: Any, **kwargs: Any) -> list[str]:
        """Shell escapes (!cmd) have no effect during grading."""
        return []


def _limit(kind: int, value: int) -> None:
    with contextlib.suppress(ValueError, OSError):
        hard = resource.getrlimit(kind)[1]
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))


def _confine(request: dict[str, Any], result_fd: int, workdir: str) -> None:
    """Detach, redirect stdio to the output file, close other descriptors, set the rlimits."""
    limits = request["limits"]
    try:
        os.setsid()
        set_pdeathsig()
        _set_dumpable(True)
        os.chdir(workdir)
        out = os.open(os.path.join(workdir, OUTPUT_FILE), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                      0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        # Close every descriptor but stdio and the result pipe (the zygote's request pipe too).
        os.closerange(3, result_fd)
        os.closerange(result_fd + 1, 65536)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversized writes fail, not kill
        _limit(resource.RLIMIT_AS, int(limits["memory_bytes"]))
        _limit(resource.RLIMIT_CPU, max(1, int(limits["cpu_seconds"])))
        _limit(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
        _limit(resource.RLIMIT_NPROC, int(limits["processes"]))
        _limit(resource.RLIMIT_NOFILE, 256)
        _limit(resource.RLIMIT_CORE, 0)
    except Exception as error:  # the sandbox could not be prepared: report and stop
        nonce = request["nonce"].encode()
        write_frame(result_fd, nonce + json.dumps({"setup_error": repr(error)}).encode())
        os._exit(3)


def _learner_namespace() -> dict[str, Any]:
    """A fresh `__main__` namespace with the IPython names notebook code may call."""
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    shell = _Shell(namespace)
    namespace["get_ipython"] = lambda: shell
    namespace["display"] = lambda *args, **kwargs: None
    return namespace


def _run_cells(cells: list[str], namespace: dict[str, Any], per_cell: float,
               deadline: float) -> tuple[list[list[Any]], int | None]:
    """Run the cells in order like a notebook; (cell errors, index of the cell that used up
    the overall time). Each cell has its own limit within the overall one: a cell stopped by
    it is recorded (`CellTimeout: ...`) and the next cell runs, as nbgrader's per-cell timeout."""
    cell_errors: list[list[Any]] = []
    for index, source in enumerate(cells):
        allowed = min(per_cell, deadline - time.monotonic())
        if allowed <= 0:
            return cell_errors, index
        signal.setitimer(signal.ITIMER_REAL, allowed)
        try:
            code = compile(python_source(source), f"<cell {index + 1}>", "exec")
            exec(code, namespace)
        except CellTimeout:
            if deadline - time.monotonic() <= 0.01:
                return cell_errors, index
            cell_errors.append([index, f"CellTimeout: stopped after its {allowed:g} s limit"])
        except SystemExit as stop:
            cell_errors.append([index, f"SystemExit: {stop.code!r} (sys.exit is ignored)"])
        except BaseException as error:  # a learner's error: record it and go on, like a notebook
            cell_errors.append([index, f"{type(error).__name__}: {error}"[:500]])
    return cell_errors, None


def _call_each(value: Any, calls_wanted: list[Any], calls: dict[str, Any]) -> None:
    """Fill `calls` with the function's result (or error text) for each argument set.

    Filled in place, so when a call times out the results before it are still reported.
    """
    for args, kwargs in calls_wanted:
        key = call_key(args, kwargs)
        try:
            calls[key] = {"ok": to_plain(value(*args, **kwargs))}
        except CellTimeout:
            calls[key] = {"error": "timed out"}
            raise
        except BaseException as error:
            calls[key] = {"error": f"{type(error).__name__}: {error}"[:300]}


def _collect_answers(specs: list[dict[str, Any]], namespace: dict[str, Any],
                     answers: dict[str, Any]) -> None:
    """Fill `answers` with each named answer as plain data (CellTimeout propagates)."""
    # Plain values first: a function answer that runs out of time must not cost the
    # learner the values listed after it.
    for spec in sorted(specs, key=lambda a: a["kind"] == "function"):
        name = spec["name"]
        if name not in namespace:
            answers[name] = {"__type__": "missing"}
            continue
        value = namespace[name]
        try:
            if spec["kind"] == "function" and callable(value):
                calls: dict[str, Any] = {}
                # Reported before the calls, so a call that times out shows as "timed out".
                answers[name] = {"__type__": "function", "name": name, "calls": calls}
                _call_each(value, spec["calls"], calls)
            else:
                answers[name] = to_plain(value)
        except CellTimeout:
            raise
        except BaseException as error:
            answers[name] = {"__type__": "unsupported", "class": type(error).__name__}


def _child(request: dict[str, Any], result_fd: int, workdir: str) -> None:
    """Run one submission; never returns (os._exit)."""
    nonce = request["nonce"].encode()
    limits = request["limits"]
    _confine(request, result_fd, workdir)
    if request.get("language") in LANGUAGES:  # the checker and plots speak the submission's language
        os.environ[LANG_ENV] = request["language"]

    def on_alarm(signum: int, frame: Any) -> None:
        raise CellTimeout

    signal.signal(signal.SIGALRM, on_alarm)
    deadline = time.monotonic() + float(limits["cell_seconds"])
    namespace = _learner_namespace()
    per_cell = float(limits.get("per_cell_seconds") or limits["cell_seconds"])
    cell_errors, timed_out_cell = _run_cells(request["cells"], namespace, per_cell, deadline)
    # Answers are read after the cells; function answers get a fresh, short time budget.
    answers: dict[str, Any] = {}
    remaining = min(2.0, max(0.5, deadline - time.monotonic())) if timed_out_cell is not None \
        else max(2.0, deadline - time.monotonic())
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        _collect_answers(request["answers"], namespace, answers)
    except CellTimeout:
        timed_out_cell = -1 if timed_out_cell is None else timed_out_cell
    signal.setitimer(signal.ITIMER_REAL, 0)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    report = {"answers": answers, "cell_errors": cell_errors, "timed_out_cell": timed_out_cell}
    try:
        payload = json.dumps(report, allow_nan=True).encode()
    except (TypeError, ValueError) as error:
        payload = json.dumps({"setup_error": f"could not encode answers: {error}"}).encode()
    write_frame(result_fd, nonce + payload)
    os._exit(0)


def _fork_child(request: dict[str, Any], workdir: str) -> tuple[int, int]:
    """Fork the child that runs the submission; returns (its pid, the read end of its pipe)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(read_fd)
        try:
            _child(request, write_fd, workdir)
        finally:
            os._exit(4)
    os.close(write_fd)
    return pid, read_fd


def _keep(buffer: bytearray, chunk: bytes) -> None:
    """Append what the child wrote, up to one frame's worth (more is the child's flood)."""
    if len(buffer) < MAX_FRAME + 64:
        buffer += chunk


def _wait(pid: int, read_fd: int, deadline: float, buffer: bytearray) -> tuple[int | None, bool]:
    """Collect the child's frame until it exits and its pipe closes, or the deadline passes.

    Returns (wait status or None when still running, timed out). The child's exit wakes the
    zygote through a pidfd, not a poll: a poll interval is idle time added to every student.
    """
    exit_fd = _pidfd(pid)
    try:
        return _wait_for(pid, read_fd, exit_fd, deadline, buffer)
    finally:
        if exit_fd is not None:
            os.close(exit_fd)


def _pidfd(pid: int) -> int | None:
    """A descriptor that turns readable when `pid` exits (Linux 5.3+), or None (then polled)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _wait_for(pid: int, read_fd: int, exit_fd: int | None, deadline: float,
              buffer: bytearray) -> tuple[int | None, bool]:
    """The loop of `_wait`: read the pipe, notice the exit, stop at the deadline."""
    status: int | None = None
    open_pipe = True
    while status is None or open_pipe:
        if status is None:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            status = wait_status if done else None
        if status is not None and not open_pipe:
            break
        now = time.monotonic()
        if now >= deadline:
            return status, status is None
        watch = [read_fd] if open_pipe else []
        if status is None and exit_fd is not None:
            watch.append(exit_fd)
        if not watch:
            time.sleep(0.002)  # no pidfd: poll for the exit
            continue
        ready, _, _ = select.select(watch, [], [], min(0.05, deadline - now))
        if read_fd in ready:
            chunk = os.read(read_fd, 1 << 16)
            open_pipe = bool(chunk)
            _keep(buffer, chunk)
        if status is not None and open_pipe and not select.select([read_fd], [], [], 0)[0]:
            # The child is gone; a grandchild may hold the pipe open: stop reading soon.
            break
    return status, False


def _drain(read_fd: int, buffer: bytearray) -> None:
    """Read what is left in the pipe after every writer is dead, then close it."""
    with contextlib.suppress(OSError):
        while select.select([read_fd], [], [], 0)[0]:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            _keep(buffer, chunk)
    os.close(read_fd)


def _exit_of(status: int | None) -> tuple[int | None, int | None]:
    """(exit code, signal number) from a wait status; both None when it is unknown."""
    if status is not None and os.WIFEXITED(status):
        return os.WEXITSTATUS(status), None
    if status is not None and os.WIFSIGNALED(status):
        return None, os.WTERMSIG(status)
    return None, None


def _run(request: dict[str, Any], workroot: str) -> dict[str, Any]:
    """Fork a child for one submission, wait for it with the wall-clock limit, collect its frame."""
    workdir = os.path.join(workroot, "work")
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir, mode=0o700)
    started = time.monotonic()
    pid, read_fd = _fork_child(request, workdir)
    deadline = started + float(request["limits"]["wall_seconds"])
    buffer = bytearray()
    status, timed_out = _wait(pid, read_fd, deadline, buffer)
    private = os.environ.get(ENV_PIDNS) == "1"
    sweep(pid, private)
    if status is None:
        with contextlib.suppress(ChildProcessError):
            _, status = os.waitpid(pid, 0)
    _drain(read_fd, buffer)
    output = _read_output(os.path.join(workdir, OUTPUT_FILE), int(request["limits"]["output_bytes"]))
    wipe(workroot, private)
    body = unpack_frame(bytes(buffer))
    exit_code, signal_number = _exit_of(status)
    return {
        "frame": body.decode("utf-8", "replace") if body is not None else None,
        "timed_out": timed_out,
        "exit_code": exit_code,
        "signal": signal_number,
        "output": output.decode("utf-8", "replace"),
        "seconds": time.monotonic() - started,
    }


def _read_output(path: str, limit: int) -> bytes:
    """The start of the child's captured output, if it is still a regular file.

    The child could have replaced it with a FIFO (a plain open would block the zygote until
    the parent gives up) or a symbolic link: neither is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as handle, contextlib.suppress(OSError):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return handle.read(limit)
    return b""


def _preload() -> None:
    """Import pandas, the exercise's modules and the course data once, before any fork."""
    for name in filter(None, os.environ.get(ENV_PRELOAD, "").split(",")):
        with contextlib.suppress(Exception):  # one the sandbox lacks: the learner's import says so
            __import__(name)
    try:
        from defence_course import data

        frames = [data.load(dataset) for dataset in data.list_datasets()]
    except Exception:
        frames = []
    with contextlib.suppress(Exception):
        import defence_course.grading.compare  # noqa: F401
    with contextlib.suppress(Exception):
        _warm_up(frames)


def _warm_up(frames: list[Any]) -> None:
    """Run pandas' everyday operations once on the course data, before the zygote forks.

    The first call of a pandas operation in a process fills caches (dtype lookups, method
    dispatch, specialised bytecode) that every child would otherwise fill again: measured on
    ex02 (issue 14), -2.5 ms of CPU and -300 page faults per submission, for ~10 ms once per
    zygote. Each kind of column is exercised once: the caches are per dtype, not per dataset.
    Only public course data and generic operations run here: no learner code, no solution.
    """
    seen: set[str] = set()
    for frame in frames:
        for column in frame.columns:
            series = frame[column]
            kind = str(series.dtype)
            if kind in seen:
                continue
            seen.add(kind)
            to_plain(series.value_counts().sort_index())
            to_plain(sorted(series.dropna().tolist()))
            frame.loc[series.notna(), column]
            frame[[column]][series.notna()]
            if kind == "bool":
                frame.loc[series, frame.columns[0]]
            elif series.dtype.kind in "iuf" or kind in ("Int64", "Float64"):
                values = series.dropna()
                to_plain((values // 10 * 10).astype(int).value_counts().sort_index())
                frame[series <= values.median()]


def main() -> int:
    """Serve requests from the grader until its pipe closes."""
    result_fd = int(os.environ[ENV_RESULT_FD])
    workroot = os.environ.get(ENV_WORKDIR) or "/tmp"
    set_pdeathsig()
    _set_dumpable(False)  # before any learner code runs: see _set_dumpable
    # `python -m` puts the working folder (the writable /tmp) first on sys.path: drop it, so a
    # file planted there can never shadow a module another submission imports.
    here = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", here, workroot)]
    _preload()
    # Everything so far is shared with every child. Frozen, it is never walked by a child's
    # garbage collector, which would write to each object and so copy the zygote's pages into
    # the child: -25% CPU and 4,400 fewer page faults for a child that allocates 300,000 rows.
    gc.collect()
    gc.freeze()
    write_frame(result_fd, json.dumps({"ready": True}).encode())
    while True:
        raw = read_frame(0)
        if raw is None:
            return 0
        request = json.loads(raw)
        reply = _run(request, workroot)
        reply["id"] = request["id"]
        write_frame(result_fd, json.dumps(reply).encode())


if __name__ == "__main__":
    sys.exit(main())
