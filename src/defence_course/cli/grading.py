"""`defence-course grade`: argument parsing and exit codes; the defaults are the library's own."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from defence_course.errors import DefenceCourseError
from defence_course.grading.sandbox import GIB, SANDBOX_MODES, Limits

DEFAULTS = Limits()
"""The library's own limits: the CLI shows and uses them, never a copy."""


class UsageError(DefenceCourseError):
    """A command-line value is out of range; the message names the option."""


def add_grading_commands(subcommands: Any) -> None:
    """Register `grade`."""
    grade = subcommands.add_parser(
        "grade", help="grade a class folder of submissions for one exercise",
        description="Run every submission in an isolated sandbox and write grades.csv, "
                    "manual.csv and one feedback file per student. Re-running the same command "
                    "keeps finished students and merges manual points. Exit 0 when grading "
                    "completed (whatever the scores), 2 for the instructor's errors, 130 when "
                    "interrupted.")
    grade.add_argument("exercise", help="the exercise's file stem, e.g. ex03-who-pays")
    grade.add_argument("submissions", type=Path,
                       help="folder with <student>.ipynb files or <student>/ folders")
    grade.add_argument("--out", type=Path, default=Path("grades.csv"),
                       help="the grades CSV to write (default: grades.csv)")
    grade.add_argument("--jobs", type=int, default=None,
                       help="submissions graded in parallel (default: number of CPU cores)")
    grade.add_argument("--timeout", type=float, default=DEFAULTS.timeout,
                       help=f"wall-clock seconds per submission (default: {DEFAULTS.timeout:g})")
    grade.add_argument("--cell-timeout", type=float, default=None,
                       help="seconds for each cell within --timeout (default: half of it); a "
                            "cell stopped by it costs only its own question")
    grade.add_argument("--memory", type=float, default=DEFAULTS.memory_bytes / GIB,
                       help="memory limit per submission in GiB "
                            f"(default: {DEFAULTS.memory_bytes / GIB:g})")
    grade.add_argument("--feedback", type=Path, default=None,
                       help="folder for the per-student feedback files "
                            "(default: feedback-EXERCISE next to --out)")
    grade.add_argument("--manual", type=Path, default=None,
                       help="manual grading sheet (default: manual.csv next to --out)")
    grade.add_argument("--regrade", action="store_true",
                       help="forget earlier results and grade everyone again")
    grade.add_argument("--student", action="append", default=None, metavar="NAME",
                       help="grade only this student again (repeatable); everyone else keeps "
                            "their earlier result")
    grade.add_argument("--sandbox", choices=SANDBOX_MODES, default="auto",
                       help="isolation: bubblewrap when available (auto), or resource limits only")
    grade.add_argument("--course", type=Path, default=None,
                       help="the course folder (default: found from the current folder)")
    grade.set_defaults(handler=_grade)


def _grade(args: argparse.Namespace) -> int:
    from defence_course.grading.grader import grade

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.regrade and args.student:
        raise UsageError("--regrade grades everyone; --student grades only the names given: "
                         "use one of them")
    if args.timeout <= 0 or args.memory <= 0:
        raise UsageError("--timeout and --memory must be positive")
    if args.cell_timeout is not None and args.cell_timeout <= 0:
        raise UsageError("--cell-timeout must be positive")
    cell_timeout = args.timeout / 2 if args.cell_timeout is None else args.cell_timeout
    limits = Limits(timeout=args.timeout, memory_bytes=int(args.memory * GIB),
                    cell_timeout=cell_timeout)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    warn_if_stale(args.exercise, args.course)
    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        summary = grade(args.exercise, args.submissions, args.out, jobs=args.jobs,
                        limits=limits, feedback=args.feedback, regrade=args.regrade,
                        manual=args.manual, sandbox=args.sandbox, root=args.course,
                        students=args.student)
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary.text())
    if summary.interrupted:
        print("Interrupted: finished students are saved; run the same command again to grade "
              "the rest.", file=sys.stderr)
        return 130
    return 0


def warn_if_stale(exercise: str, course: Path | None) -> None:
    """Say so when the public checks handed out differ from the spec `grade` uses.

    Students' `check()` then disagrees with their grades. The CLI asks authoring (which writes
    those files), so the grading library needs nothing from it. A missing spec is left to
    `grade`, which names the exercises it knows.
    """
    from defence_course.authoring.exercises import stale_public_checks
    from defence_course.exercise_format import spec_path
    from defence_course.grading.spec import load_spec
    from defence_course.paths import course_root

    root = (course or course_root()).resolve()
    if not spec_path(root, exercise).is_file():
        return
    warning = stale_public_checks(root, load_spec(spec_path(root, exercise)))
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
