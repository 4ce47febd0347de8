"""Benchmark: `defence-course grade` against the floor and against nbgrader's `autograde`.

Run from the course folder:

    .venv/bin/python benchmarks/grading.py [--sizes 30,100,1000] [--exercise ex02-two-clubs]
        [--jobs N] [--nbgrader-copies 20] [--skip-nbgrader]

It grades classes of N copies of a real submission (the solution notebook) and prints, for each
class size, three times measured in the same run:

- **defence-course**: `defence-course grade` as an instructor runs it (a fresh process: start-up,
  sandboxes, journal, grades.csv and feedback files included);
- **the floor**: the learners' own code, which no grader can beat: the notebook's code cells,
  compiled and `exec`'d in warm interpreters that already imported pandas and loaded the
  course data (`--jobs` processes, the class split between them, no isolation, no checks, no
  files written), then each function answer called with the arguments its checks call it
  with (that is the learner's code running too: any grader must call it; issue 14 counted the
  cells only, which left ~2.4 ms of ex02's learner code per submission on the grader's side).
  `check("qN")` returns at once, as when graded: the ~13 ms first estimated in issue 14 was
  the notebook as a student runs it, public checks included (12 ms warm, measured). Measured
  just before and just after the grader, averaged;
- **the fork floor**: the same work, but each submission in its own fresh `fork()` of the warm
  interpreter (garbage collector frozen first, as the grader's zygote does), waited for by
  the parent: what "one process per submission" costs before any sandbox, check or file.
  The grader cannot beat it without giving up that isolation;
- **nbgrader**: `nbgrader autograde` on `--nbgrader-copies` submissions (it grades one at a time,
  so its time grows linearly: the per-submission time is scaled to each class size).

and the ratios: defence-course / floor (the overhead of isolation and bookkeeping; 1.0 would be
free), defence-course / fork floor in CPU seconds (the overhead of the sandbox, checks and
files on top of a process per submission) and nbgrader / defence-course. The smallest class
also gives the start-up: the fixed cost of a run, estimated as T(small) - small x marginal
cost per submission from the largest class (in wall and in CPU seconds).
nbgrader is installed from PyPI into a throwaway venv under .benchmarks/ (git-ignored; reused
next time); its kernel is this course's venv, so every tool runs the same Python, pandas and
course package. This is a measurement, not a test: nothing here asserts a time. The machine's
load average is printed with the results: on a shared machine, compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from defence_course.grading.spec import load_spec  # noqa: E402 - after the path tweak above

VENV = ROOT / ".benchmarks" / "nbgrader-venv"
BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION.*$", re.MULTILINE)
END = re.compile(r"^(\s*)#\s*END SOLUTION\s*$", re.MULTILINE)
CHECK_CELL = re.compile(r'^check\("(q\d+)"\)\s*$')

# The autograder test cell: every check of the question (public and hidden), evaluated in the
# student's kernel, as nbgrader does it. It reads the instructor spec, like nbgrader's hidden
# tests live in the notebook the grader runs.
TEST_CELL = """\
from defence_course.grading.compare import grade_question
from defence_course.grading.plain import MISSING, call_function, to_plain
from defence_course.grading.spec import load_spec
_spec = load_spec({spec!r})
_q = _spec.question({qid!r})
_value = globals().get(_q.answer, MISSING)
_plain = MISSING if _value is MISSING else to_plain(_value)
if _q.kind == "function" and callable(_value):
    _plain = {{"__type__": "function", "calls": call_function(_value, _q.calls)}}
assert grade_question(_q, _plain, _spec.exercise).status == "passed"
"""


def nbgrader_python() -> Path | None:
    """The nbgrader venv's python, creating the venv (pip install nbgrader) on first use."""
    python = VENV / "bin" / "python"
    if (VENV / "bin" / "nbgrader").exists():
        return python
    print(f"installing nbgrader into {VENV} (first run only) ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "nbgrader"], check=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"nbgrader could not be installed ({error}); reporting defence-course only.")
        return None
    return python


def to_nbgrader(solution: Path, spec_path: Path) -> nbformat.NotebookNode:
    """The exercise in nbgrader's format: solution regions and autograder test cells."""
    spec = load_spec(spec_path)
    nb = nbformat.read(solution, as_version=4)
    for index, cell in enumerate(nb.cells):
        meta = {"schema_version": 3, "grade_id": f"cell-{index}", "locked": False,
                "solution": False, "grade": False}
        match = CHECK_CELL.match(cell.source) if cell.cell_type == "code" else None
        if match:
            qid = match.group(1)
            cell.source = TEST_CELL.format(spec=str(spec_path), qid=qid)
            meta.update(grade=True, locked=True, points=spec.question(qid).points,
                        grade_id=qid)
        elif cell.cell_type == "code" and BEGIN.search(cell.source):
            cell.source = END.sub(r"\1### END SOLUTION", BEGIN.sub(r"\1### BEGIN SOLUTION",
                                                                    cell.source))
            meta.update(solution=True)
        elif "solution" in cell.metadata.get("tags", []):
            qid = cell.metadata["defence_course"]["question"]
            meta.update(solution=True, grade=True, points=spec.question(qid).points,
                        grade_id=qid, task=False)
        else:
            continue
        cell.metadata["nbgrader"] = meta
    return nb


def bench_nbgrader(python: Path, exercise: str, copies: int, work: Path) -> float | None:
    """Seconds per submission for `nbgrader autograde` (one submission at a time, as it runs)."""
    course = work / "nbgrader-course"
    source = course / "source" / exercise
    source.mkdir(parents=True)
    nbformat.write(to_nbgrader(ROOT / "solutions" / f"{exercise}.ipynb",
                               ROOT / "instructor" / "checks" / f"{exercise}.yaml"),
                   source / f"{exercise}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        "c.ExecutePreprocessor.timeout = 120\n")
    kernels = work / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(ROOT / ".venv" / "bin" / "python"), "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"],
        "display_name": "Python 3 (course venv)", "language": "python"}))
    env = {**os.environ, "PATH": f"{python.parent}:{os.environ.get('PATH', '')}",
           "JUPYTER_PATH": str(work / "jupyter"), "JUPYTER_CONFIG_DIR": str(course / ".jupyter"),
           "PYTHONWARNINGS": "ignore"}
    nbgrader = [str(python.parent / "nbgrader")]
    done = subprocess.run([*nbgrader, "generate_assignment", exercise, "--force"], cwd=course,
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print("nbgrader generate_assignment failed:\n" + done.stderr[-2000:])
        return None
    for i in range(copies):
        target = course / "submitted" / f"student{i:03d}" / exercise
        target.mkdir(parents=True)
        shutil.copy(source / f"{exercise}.ipynb", target / f"{exercise}.ipynb")
    started = time.perf_counter()
    done = subprocess.run([*nbgrader, "autograde", exercise, "--create", "--force"], cwd=course,
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print("nbgrader autograde failed:\n" + done.stderr[-2000:])
        return None
    graded = list((course / "autograded").glob(f"*/{exercise}/{exercise}.ipynb"))
    scores = [_nbgrader_score(p) for p in graded[:3]]
    print(f"nbgrader autograded {len(graded)} submissions (first scores: {scores})")
    return seconds / copies


def _nbgrader_score(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    failed = sum(1 for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and c.cell_type == "code" and any(o.get("output_type") == "error"
                                                   for o in c.get("outputs", [])))
    return f"{failed} failed test cells"


class CpuMeter:
    """CPU seconds used by a command and every process it starts (a cgroup v1 cpuacct group).

    Wall time on a shared machine depends on what else runs; CPU time much less, so it gives
    a second, steadier ratio. It needs a writable cpuacct hierarchy (root); otherwise None.
    """

    BASE = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self) -> None:
        self.path: Path | None = self.BASE / f"defence-course-bench-{os.getpid()}"
        try:
            self.path.mkdir(exist_ok=True)
        except OSError:
            self.path = None

    def join(self) -> None:
        """Move the calling process (between fork and exec) into the group."""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float | None:
        """CPU seconds used so far by everything that ran in the group."""
        if self.path is None:
            return None
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def close(self) -> None:
        """Remove the group (it is empty once the command and its sandboxes ended)."""
        if self.path is not None:
            for _ in range(100):
                try:
                    self.path.rmdir()
                    return
                except OSError:
                    time.sleep(0.05)


def bench_ours(exercise: str, copies: int, jobs: int, work: Path) -> tuple[float, float | None]:
    """Wall and CPU seconds for `defence-course grade` on `copies` submissions, start-up included."""
    subs = work / f"submissions-{copies}"
    subs.mkdir()
    text = (ROOT / "solutions" / f"{exercise}.ipynb").read_text(encoding="utf-8")
    for i in range(copies):
        (subs / f"student{i:04d}.ipynb").write_text(text, encoding="utf-8")
    out = work / f"grades-{copies}.csv"
    command = [str(ROOT / ".venv" / "bin" / "defence-course"), "grade", exercise, str(subs),
               "--out", str(out), "--jobs", str(jobs), "--course", str(ROOT)]
    meter = CpuMeter()
    try:
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              preexec_fn=meter.join, env=_installed_env())
        seconds = time.perf_counter() - started
        cpu = meter.seconds()
    finally:
        meter.close()
    if done.returncode != 0:
        sys.exit(f"defence-course grade failed:\n{done.stderr}")
    summary = done.stdout.strip().splitlines()
    if not summary or f"Graded {copies} student(s) ({copies} now" not in summary[0]:
        sys.exit(f"defence-course grade did not grade every copy:\n{done.stdout}")
    used = f", {cpu:.2f} s CPU" if cpu is not None else ""
    print(f"  defence-course, {copies} submissions: {seconds:.2f} s{used} ({summary[1]})",
          flush=True)
    return seconds, cpu


def _installed_env() -> dict[str, str]:
    """The environment of an installed course: its bytecode compiled, as `pip install` leaves it.

    Shells on a shared build machine may set PYTHONDONTWRITEBYTECODE, and an editable install
    has no bytecode until a first import writes it: then every run, and every sandbox (which
    cannot write it), compiles the package again (~0.1 s of CPU per run with two sandboxes).
    """
    import compileall

    compileall.compile_dir(ROOT / "src" / "defence_course", quiet=1)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# -- the floor: the learners' own code in warm interpreters ------------------------------------


def _floor_worker(work: tuple[list[str], list[tuple[str, list[Any]]]], count: int, fork: bool,
                  barrier: Any, results: Any) -> None:
    """One core's share of the floor: warm up like a grading zygote, then run `count` copies.

    With `fork`, each copy runs in a fresh child of this warm process (the fork floor); its CPU
    is counted through the children's resource usage once it has been waited for.
    """
    os.environ["DEFENCE_COURSE_GRADING"] = "1"  # check("qN") returns at once, as when graded
    os.environ["DEFENCE_COURSE_DATA"] = str(ROOT / "data")
    import gc
    import resource

    import pandas  # noqa: F401 - the warm interpreter the floor is defined by

    from defence_course import data

    for name in data.list_datasets():
        data.load(name)
    _exec_notebook(*work)  # one warm-up run: lazy imports and caches are not the learner's code
    gc.collect()
    gc.freeze()
    barrier.wait()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        if not fork:
            _exec_notebook(*work)
            continue
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _exec_notebook(*work)
            os._exit(0)
        os.waitpid(pid, 0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (time.process_time() - cpu + after.ru_utime - children.ru_utime
             + after.ru_stime - children.ru_stime)
    results.put((started, time.perf_counter(), spent))


def _exec_notebook(cells: list[str], calls: list[tuple[str, list[Any]]]) -> None:
    """Run a notebook's code cells like a notebook does (an error stops only its cell), then
    call each function answer as its checks do: all of it the learner's own code."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for index, source in enumerate(cells):
        try:
            exec(compile(source, f"<cell {index + 1}>", "exec"), namespace)
        except Exception:  # a notebook goes on after a failing cell
            continue
    for name, arguments in calls:
        for args, kwargs in arguments:
            try:
                namespace[name](*args, **kwargs)
            except Exception:  # a failing call is the learner's result, not the floor's
                continue


def _learner_work(exercise: str) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """The solution's code cells, and each function answer with the calls its checks make."""
    nb = json.loads((ROOT / "solutions" / f"{exercise}.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
             for c in nb["cells"] if c["cell_type"] == "code"]
    spec = load_spec(ROOT / "instructor" / "checks" / f"{exercise}.yaml")
    calls = [(q.answer, [(list(a), dict(k)) for a, k in q.calls])
             for q in spec.questions if q.kind == "function"]
    return cells, calls


def bench_floor(exercise: str, copies: int, jobs: int, fork: bool = False
                ) -> tuple[float, float]:
    """Wall and CPU seconds for `jobs` warm processes to run the learners' code `copies` times."""
    work = _learner_work(exercise)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(jobs), context.Queue()
    shares = [copies // jobs + (1 if i < copies % jobs else 0) for i in range(jobs)]
    workers = [context.Process(target=_floor_worker, args=(work, n, fork, barrier, results))
               for n in shares]
    for worker in workers:
        worker.start()
    spans = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    wall = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    return wall, sum(cpu for _, _, cpu in spans)


def _load() -> str:
    """The machine's load average (this machine is shared: the ratios matter, not seconds)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    """Grade classes of each size, measure the floor around each run, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,100,1000",
                        help="class sizes, comma-separated (the smallest gives the start-up)")
    parser.add_argument("--exercise", default="ex02-two-clubs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--nbgrader-copies", type=int, default=20,
                        help="submissions nbgrader grades (its time per submission is scaled)")
    parser.add_argument("--skip-nbgrader", action="store_true")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.sizes.split(",")})
    work = Path(tempfile.mkdtemp(prefix="defence-course-bench-"))
    print(f"{args.exercise}, --jobs {args.jobs}, bubblewrap when available; {_load()}")
    rows = []
    try:
        for size in sizes:
            before, before_cpu = bench_floor(args.exercise, size, args.jobs)
            ours, ours_cpu = bench_ours(args.exercise, size, args.jobs, work)
            after, after_cpu = bench_floor(args.exercise, size, args.jobs)
            _, fork_cpu = bench_floor(args.exercise, size, args.jobs, fork=True)
            floor, floor_cpu = (before + after) / 2, (before_cpu + after_cpu) / 2
            print(f"  floor, {size} submissions: {before:.2f} s before, {after:.2f} s after "
                  f"({1000 * floor * args.jobs / size:.1f} ms per submission per core; "
                  f"{1000 * floor_cpu / size:.1f} ms CPU); fork floor "
                  f"{1000 * fork_cpu / size:.1f} ms CPU per submission", flush=True)
            rows.append((size, ours, floor, ours_cpu, floor_cpu, fork_cpu))
        theirs = None
        if not args.skip_nbgrader:
            python = nbgrader_python()
            if python is not None:
                theirs = bench_nbgrader(python, args.exercise, args.nbgrader_copies, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(rows, theirs)
    print(_load())
    return 0


def _report(rows: list[tuple[int, float, float, float | None, float, float]],
            theirs: float | None) -> None:
    """The table of times and ratios, and the start-up estimate."""
    print()
    print(f"{'class':>6}  {'defence-course':>14}  {'floor':>7}  {'ratio to floor':>14}  "
          f"{'CPU ratio':>9}  {'CPU / fork floor':>16}  {'nbgrader':>9}  {'nbgrader / ours':>15}")
    for size, ours, floor, ours_cpu, floor_cpu, fork_cpu in rows:
        cpu = f"{ours_cpu / floor_cpu:8.2f}x" if ours_cpu else f"{'-':>9}"
        forked = f"{ours_cpu / fork_cpu:15.2f}x" if ours_cpu else f"{'-':>16}"
        nbgrader = f"{theirs * size:8.1f}s" if theirs else f"{'-':>9}"
        versus = f"{theirs * size / ours:14.1f}x" if theirs else f"{'-':>15}"
        print(f"{size:>6}  {ours:13.2f}s  {floor:6.2f}s  {ours / floor:13.2f}x  {cpu}  {forked}  "
              f"{nbgrader}  {versus}")
    print("(ratio to floor: wall time, both on --jobs cores; CPU ratio: CPU seconds of the "
          "grader and all its processes / CPU seconds of the floor; CPU / fork floor: the same "
          "against a fresh fork of the warm interpreter per submission, no sandbox)")
    if len(rows) >= 2:
        (small, small_s, *_), (large, large_s, *_) = rows[0], rows[-1]
        marginal = (large_s - small_s) / (large - small)
        startup = small_s - small * marginal
        print(f"start-up (fixed cost of a run): {startup:.2f} s; then {1000 * marginal:.1f} ms "
              f"per submission (from the {small} and {large} classes)")
        small_cpu, large_cpu = rows[0][3], rows[-1][3]
        if small_cpu and large_cpu:
            marginal_cpu = (large_cpu - small_cpu) / (large - small)
            print(f"CPU: start-up {small_cpu - small * marginal_cpu:.2f} s; then "
                  f"{1000 * marginal_cpu:.1f} ms per submission (floor "
                  f"{1000 * rows[-1][4] / large:.1f} ms, fork floor "
                  f"{1000 * rows[-1][5] / large:.1f} ms)")
    if theirs:
        print(f"nbgrader autograde: {theirs:.3f} s per submission, one at a time")
    else:
        print("nbgrader: not measured")


if __name__ == "__main__":
    sys.exit(main())
