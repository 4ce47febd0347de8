"""Benchmark: `defence-course grade` against nbgrader's `autograde` on the same exercise.

Run from the course folder:

    .venv/bin/python benchmarks/grading.py [--copies 100] [--exercise ex02-two-clubs] [--jobs N]

It grades N copies of a real submission (the solution notebook) with both tools in the same run
and prints seconds per submission and the throughput ratio. nbgrader is installed from PyPI into
a throwaway venv under .benchmarks/ (git-ignored; reused next time); its kernel is this course's
venv, so both tools run the same Python, pandas and course package. This is a measurement, not a
test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def bench_ours(exercise: str, copies: int, jobs: int, work: Path) -> float:
    """Seconds per submission for `defence-course grade`, start-up included."""
    subs = work / "submissions"
    subs.mkdir()
    text = (ROOT / "solutions" / f"{exercise}.ipynb").read_text(encoding="utf-8")
    for i in range(copies):
        (subs / f"student{i:03d}.ipynb").write_text(text, encoding="utf-8")
    command = [str(ROOT / ".venv" / "bin" / "defence-course"), "grade", exercise, str(subs),
               "--out", str(work / "grades.csv"), "--jobs", str(jobs), "--course", str(ROOT)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"defence-course grade failed:\n{done.stderr}")
    print(done.stdout.strip())
    return seconds / copies


def main() -> int:
    """Run both graders and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--exercise", default="ex02-two-clubs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-nbgrader", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="defence-course-bench-"))
    try:
        ours = bench_ours(args.exercise, args.copies, args.jobs, work)
        print(f"defence-course grade: {ours:.4f} s/submission "
              f"({args.copies} submissions, --jobs {args.jobs}, bubblewrap when available)")
        theirs = None
        if not args.skip_nbgrader:
            python = nbgrader_python()
            if python is not None:
                theirs = bench_nbgrader(python, args.exercise, args.copies, work)
        if theirs is None:
            print("nbgrader: not measured")
            return 0
        print(f"nbgrader autograde:   {theirs:.4f} s/submission")
        print(f"throughput ratio: {theirs / ours:.1f}x (defence-course vs nbgrader, "
              f"{os.cpu_count()} cores)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
