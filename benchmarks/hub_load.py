"""A class at once: N learners on one local JupyterHub, each running a lesson within the same minute.

Run: `.venv/bin/python benchmarks/hub_load.py [--learners 30] [--mem-limit 512M]` or `make bench-hub`.
Needs what the Hub test needs: the proxy from npm (`npm ci`, which `make test` runs) and the venv.

Each simulated learner (tests/hub/learners.py: HTTP and websocket, no browser) logs in with the
Hub's form, starts their server, pulls the course with nbgitpuller, opens the capstone (lesson 07), then, once
everyone is in, presses Run All at a random moment within `--spread` seconds (default 60),
answers the lesson's quiz through the kernel, saves an argument card, exports their progress and
saves their own note into the lesson. Reported: per learner the time to a finished Run All
(median, p95, max) against an anchor (one learner alone, measured first in the same run), each
kernel's CPU seconds for Run All, the peak memory (RSS) and CPU of the Hub, the proxy, the
servers and the kernels (psutil, every 0.5 s), the machine's load, and every failure. Afterwards
every learner's progress file, argument, export and lesson are read from disk: nothing lost,
nothing mixed.

`--mem-limit` runs the class under pressure: the Hub's `Spawner.mem_limit` is set, and, because
the local spawner cannot enforce it, each server is started inside its own cgroup (v1 memory
controller, as a container runtime does on Zero to JupyterHub) by benchmarks/cgroup_spawn.py.
Every learner then runs one cell that needs more memory than the limit: the kernel is killed,
the server restarts it, and the learner does what the lesson's restart note says (Restart Kernel
and Run All). Checked: the kill was reported to the learner's page (a `restarting` status, which
JupyterLab shows as "The kernel appears to have died"), no quiz attempt recorded before it is
lost, and the restarted lesson runs and shows the attempts.

A measurement, not a test: nothing asserts a time; servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402
import websocket  # noqa: E402

from tests.hub.hub import PROXY, Hub, start_hub  # noqa: E402
from tests.hub.learners import (  # noqa: E402
    KernelDied,
    Learner,
    LearnerError,
    check_learner,
    plan_for,
)
from tests.hub.repo import course_repo  # noqa: E402

MIB = 2**20
# What a learner's step can fail with (HTTP errors are OSErrors): reported, the class goes on.
FAILURES = (LearnerError, OSError, ValueError, websocket.WebSocketException)
SAMPLE_S = 0.5
CPU_WINDOW_S = 5.0
CLASS_TIMEOUT_S = 1800.0
KINDS = ("hub", "proxy", "culler", "server", "kernel", "other")
CGROUP_SPAWN = REPO / "benchmarks" / "cgroup_spawn.py"
# What a learner runs mid-lesson under pressure: a table one and a half times the memory limit.
HEAVY_CELL = "import numpy as _np\n_big = _np.ones(int({limit} * 1.5) // 8)\n_big.sum()"


def kind_of(process: psutil.Process, hub_pid: int) -> str:
    """Which part of the hub a process is, from its command line."""
    if process.pid == hub_pid:
        return "hub"
    line = " ".join(process.cmdline())
    for marker, kind in (("ipykernel", "kernel"), ("jupyterhub-singleuser", "server"),
                         ("configurable-http-proxy", "proxy"), ("jupyterhub_idle_culler", "culler")):
        if marker in line:
            return kind
    return "other"


@dataclass
class Sampler:
    """Samples RSS and CPU time of the hub's process tree every SAMPLE_S seconds, in a thread."""

    hub_pid: int
    peak_rss: dict[str, int] = field(default_factory=dict)  # per kind, summed over processes
    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid -> (kind, its peak RSS)
    others: dict[int, str] = field(default_factory=dict)  # pid -> command line, for the report
    cpu: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (kind, CPU s, last)
    peak_cpu_pct: dict[str, float] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    skip: set[int] = field(default_factory=set)

    def sample(self) -> None:
        try:
            root = psutil.Process(self.hub_pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        rss: dict[str, int] = {}
        for process in processes:
            try:
                if process.pid in self.skip or process.environ().get("JUPYTERHUB_USER") == "anchor":
                    self.skip.add(process.pid)  # the anchor's server and kernel are not the class's
                    continue
                kind = kind_of(process, self.hub_pid)
                with process.oneshot():
                    memory = process.memory_info().rss
                    times = process.cpu_times()
            except psutil.Error:
                continue
            rss[kind] = rss.get(kind, 0) + memory
            self.peaks[process.pid] = (kind, max(memory, self.peaks.get(process.pid, (kind, 0))[1]))
            if kind == "other" and process.pid not in self.others:
                with contextlib.suppress(psutil.Error):
                    self.others[process.pid] = " ".join(process.cmdline())[:100]
            self.cpu[process.pid] = (kind, times.user + times.system)
        for kind, total in rss.items():
            self.peak_rss[kind] = max(self.peak_rss.get(kind, 0), total)

    def track_cpu(self, history: list[tuple[float, dict[str, float]]]) -> None:
        """Peak CPU per kind over CPU_WINDOW_S (shorter windows mostly measure the sampler's lag)."""
        now, totals = time.monotonic(), self.cpu_by_kind()
        history.append((now, totals))
        while len(history) > 2 and now - history[1][0] >= CPU_WINDOW_S:
            history.pop(0)
        then, before = history[0]
        if now - then >= CPU_WINDOW_S:
            for kind, seconds in totals.items():
                pct = 100 * (seconds - before.get(kind, seconds)) / (now - then)
                self.peak_cpu_pct[kind] = max(self.peak_cpu_pct.get(kind, 0.0), pct)

    def per_process(self, kind: str) -> list[int]:
        """Each process's own peak RSS, for one kind (e.g. every kernel's)."""
        return [peak for k, peak in self.peaks.values() if k == kind]

    def cpu_by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind, seconds in self.cpu.values():
            out[kind] = out.get(kind, 0.0) + seconds
        return out

    def run(self) -> None:
        history: list[tuple[float, dict[str, float]]] = []
        for _ in range(int(CLASS_TIMEOUT_S * 4 / SAMPLE_S)):  # bounded: ends with stop() long before
            self.sample()
            self.track_cpu(history)
            if self.stop.wait(SAMPLE_S):
                return


@dataclass
class Outcome:
    """One learner's run: their timings, what failed, and (under pressure) what the kill showed."""

    learner: Learner
    errors: list[str] = field(default_factory=list)
    killed: bool = False
    status_before: str = ""
    status_after: str = ""


def join_class(learner: Learner, repo: Path) -> None:
    """Log in, start the server, pull the course, open the lesson (everything before Run All)."""
    learner.log_in()
    learner.start_server()
    learner.pull(repo)
    learner.open_lesson()


def lesson(learner: Learner, outcome: Outcome, mem_limit: int | None) -> None:
    """Run All, answer the quiz, save an argument and a note, export; under pressure, the kill."""
    errors = learner.run_all()
    if errors:
        outcome.errors += [f"{learner.name}: Run All stopped: {e}" for e in errors]
        return
    learner.answer(plan_for(learner.index))
    learner.save_argument()
    learner.export_progress()
    learner.save_note()
    if mem_limit is not None:
        under_pressure(learner, outcome, mem_limit)


def under_pressure(learner: Learner, outcome: Outcome, mem_limit: int) -> None:
    """A cell that needs more than the limit; then what the restart note says: Restart and Run All."""
    outcome.status_before = learner.quiz_status()
    try:
        learner.execute(HEAVY_CELL.format(limit=mem_limit))
    except KernelDied:
        outcome.killed = True
    else:
        outcome.errors.append(f"{learner.name}: the heavy cell ran: the limit was not enforced")
        return
    learner.close()
    learner.connect()  # the server restarted the kernel: the page reconnects to it
    errors = learner.run_all()
    outcome.errors += [f"{learner.name}: Run All after the restart stopped: {e}" for e in errors]
    outcome.status_after = learner.quiz_status()
    if outcome.status_after != outcome.status_before:
        outcome.errors.append(f"{learner.name}: quiz status {outcome.status_before!r} before the kill, "
                              f"{outcome.status_after!r} after")


def one_learner(learner: Learner, repo: Path, start: threading.Barrier, delay: float,
                mem_limit: int | None) -> Outcome:
    outcome = Outcome(learner)
    try:
        join_class(learner, repo)
    except FAILURES as error:
        outcome.errors.append(f"{learner.name}: joining the class failed: {error}")
    try:
        start.wait(timeout=CLASS_TIMEOUT_S)  # everyone is in: the minute starts
    except threading.BrokenBarrierError:
        outcome.errors.append(f"{learner.name}: the class never started together")
    if outcome.errors:
        return outcome
    time.sleep(delay)
    try:
        lesson(learner, outcome, mem_limit)
    except FAILURES as error:
        outcome.errors.append(str(error))
    finally:
        learner.close()
    return outcome


def parse_size(text: str) -> int:
    """'512M' or '1G' (the Hub's own mem_limit spelling) in bytes."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    text = text.strip().upper()
    try:
        return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)
    except (ValueError, IndexError) as error:
        raise argparse.ArgumentTypeError(f"{text!r}: give a size like 512M or 1G") from error


def hub_extra(learners: int, mem_limit: int | None) -> str:
    """Config on top of the test Hub's: room for a class, and the memory limit when asked."""
    lines = [
        "c.Spawner.start_timeout = 600",
        "c.Spawner.http_timeout = 600",
        f"c.JupyterHub.concurrent_spawn_limit = {max(100, learners)}",
    ]
    if mem_limit is not None:
        lines += [
            f"c.Spawner.mem_limit = {mem_limit}",
            # The local spawner only passes MEM_LIMIT on; the wrapper puts the server (and so its
            # kernels) into a cgroup with that limit, then starts jupyterhub-singleuser.
            f"c.Spawner.cmd = [{sys.executable!r}, {str(CGROUP_SPAWN)!r}, "
            f"{str(Path(sys.executable).with_name('jupyterhub-singleuser'))!r}]",
        ]
    return "\n" + "\n".join(lines) + "\n"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def machine() -> str:
    one, five, _ = os.getloadavg()
    memory = psutil.virtual_memory()
    return (f"{os.cpu_count()} cores, {memory.total / 2**30:.0f} GiB RAM "
            f"({memory.available / 2**30:.1f} GiB available), load average {one:.2f} / {five:.2f}")


def anchor_run(hub: Hub, repo: Path) -> float:
    """One learner alone, before the class: the Run All time the class's times are compared to."""
    alone = Learner(hub, "anchor", 0)
    try:
        join_class(alone, repo)
        errors = alone.run_all()
        if errors:
            raise LearnerError(f"the anchor's Run All failed: {errors}")
        return alone.timings.steps["run all"]
    finally:
        alone.close()
        if alone.token:  # its server stops, so the class's figures are the class's alone
            alone.stop_server()


def run_class(hub: Hub, repo: Path, count: int, spread: float, mem_limit: int | None,
              seed: int) -> list[Outcome]:
    names = [f"learner-{i:02d}" for i in range(1, count + 1)]
    learners = [Learner(hub, name, i) for i, name in enumerate(names, start=1)]
    delays = [random.Random(seed + i).uniform(0, spread) for i in range(count)]
    start = threading.Barrier(count)
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(one_learner, learner, repo, start, delay, mem_limit)
                   for learner, delay in zip(learners, delays, strict=True)]
        outcomes = [f.result(timeout=CLASS_TIMEOUT_S) for f in futures]
    for outcome in outcomes:
        outcome.errors += check_learner(hub, outcome.learner, names)
    return outcomes


def report(outcomes: list[Outcome], anchor: float, sampler: Sampler, wall: float,
           mem_limit: int | None, others_cpu: float) -> int:
    done = [o.learner.timings for o in outcomes if "run all" in o.learner.timings.steps]
    runs = [t.steps["run all"] for t in done]
    cpu = [t.run_all_cpu_s for t in done]
    print(f"learners: {len(outcomes)}; Run All finished by {len(runs)}; class took {wall:.0f} s")
    if runs:
        median = statistics.median(runs)
        print(f"Run All (lesson 07), s: median {median:.1f}, p95 {percentile(runs, 0.95):.1f}, "
              f"max {max(runs):.1f}; one learner alone (anchor) {anchor:.1f}: "
              f"median/anchor {median / anchor:.1f}x")
        print(f"kernel CPU per Run All, s: median {statistics.median(cpu):.2f}, max {max(cpu):.2f}")
    for step in ("log in", "start server", "pull the course", "open the lesson", "answer the quiz",
                 "save the argument", "export progress", "save the lesson"):
        values = [t.steps[step] for t in (o.learner.timings for o in outcomes) if step in t.steps]
        if values:
            print(f"  {step:18s} s: median {statistics.median(values):6.1f}  max {max(values):6.1f}")
    cpu_by_kind = sampler.cpu_by_kind()
    for kind in KINDS:
        if kind in sampler.peak_rss:
            each = sampler.per_process(kind)
            print(f"{kind:7s} x{len(each):3d}: peak RSS {sampler.peak_rss[kind] / MIB:6.0f} MiB in all, "
                  f"each median {statistics.median(each) / MIB:4.0f} max {max(each) / MIB:4.0f} MiB; "
                  f"CPU {cpu_by_kind[kind]:6.1f} s in all, peak {sampler.peak_cpu_pct.get(kind, 0):4.0f}% "
                  f"of one core over {CPU_WINDOW_S:.0f} s")
    for line in sorted(set(sampler.others.values())):
        print(f"  other: {line}")
    print(f"CPU used by other processes on the machine meanwhile: {others_cpu:.0f} s")
    if mem_limit is not None:
        killed = sum(o.killed for o in outcomes)
        print(f"under a {mem_limit / MIB:.0f} MiB limit per learner: {killed} of {len(outcomes)} kernels "
              "killed by the heavy cell; each learner reran the lesson and kept their quiz attempts"
              if killed == len(outcomes) else f"only {killed} kernels were killed")
    failures = [e for o in outcomes for e in o.errors]
    print(f"failures: {len(failures)}")
    for failure in failures[:50]:
        print(f"  {failure}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30, help="simulated learners (default 30)")
    parser.add_argument("--spread", type=float, default=60.0,
                        help="seconds over which they press Run All (default 60)")
    parser.add_argument("--mem-limit", type=parse_size, default=None,
                        help="per-learner memory limit, e.g. 512M: run the class under pressure")
    parser.add_argument("--seed", type=int, default=25)
    args = parser.parse_args()
    if not 1 <= args.learners <= 300:
        parser.error("--learners: 1 to 300")
    if not PROXY.exists():
        print(f"JupyterHub's proxy is missing at {PROXY}: run `npm ci` (needs Node.js)", file=sys.stderr)
        return 2
    print(f"machine: {machine()}")
    # Stopped from outside (Ctrl+C, kill): still stop the hub and every learner's server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="hub-load-") as tmp:
        repo = course_repo(Path(tmp) / "upstream")
        hub = start_hub(Path(tmp) / "hub", hub_extra(args.learners, args.mem_limit))
        sampler = Sampler(hub.process.pid)
        watcher = threading.Thread(target=sampler.run, daemon=True)
        try:
            anchor = anchor_run(hub, repo)
            watcher.start()
            busy_before, ours_before = _machine_busy(), sum(sampler.cpu_by_kind().values())
            started = time.monotonic()
            outcomes = run_class(hub, repo, args.learners, args.spread, args.mem_limit, args.seed)
            wall = time.monotonic() - started
            sampler.stop.set()
            watcher.join(timeout=10)
            ours = sum(sampler.cpu_by_kind().values()) - ours_before
            others = max(0.0, _machine_busy() - busy_before - ours)
        finally:
            sampler.stop.set()
            leftovers = hub.stop()
            if args.mem_limit is not None:
                remove_cgroups()
        print(f"machine after: {machine()}")
        status = report(outcomes, anchor, sampler, wall, args.mem_limit, others)
        if leftovers:
            print(f"the hub left processes running (killed by PID): {leftovers}")
    return status


def remove_cgroups() -> None:
    """Remove the (now empty) memory cgroups benchmarks/cgroup_spawn.py made for the servers."""
    from benchmarks.cgroup_spawn import PREFIX, own_group

    for group in own_group().glob(f"{PREFIX}*"):
        with contextlib.suppress(OSError):  # a process still inside: left for the next run's owner
            group.rmdir()


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat via psutil."""
    times = psutil.cpu_times()
    return times.user + times.system + getattr(times, "nice", 0.0) + getattr(times, "irq", 0.0) \
        + getattr(times, "softirq", 0.0)


if __name__ == "__main__":
    sys.exit(main())
