"""The `grade`, `make-exercises` and `release` subcommands (argument parsing and exit codes)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from defence_course.errors import DefenceCourseError


class UsageError(DefenceCourseError):
    """A command-line value is out of range; the message names the option."""


def add_grading_commands(subcommands: Any) -> None:
    """Register the instructor's exercise, grading and release commands."""
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
    grade.add_argument("--timeout", type=float, default=60.0,
                       help="wall-clock seconds per submission (default: 60)")
    grade.add_argument("--memory", type=float, default=2.0,
                       help="memory limit per submission in GiB (default: 2)")
    grade.add_argument("--feedback", type=Path, default=None,
                       help="folder for the per-student feedback files "
                            "(default: feedback-EXERCISE next to --out)")
    grade.add_argument("--manual", type=Path, default=None,
                       help="manual grading sheet (default: manual.csv next to --out)")
    grade.add_argument("--regrade", action="store_true",
                       help="forget earlier results and grade everyone again")
    grade.add_argument("--sandbox", choices=("auto", "bwrap", "rlimits"), default="auto",
                       help="isolation: bubblewrap when available (auto), or resource limits only")
    grade.add_argument("--course", type=Path, default=None,
                       help="the course folder (default: found from the current folder)")
    grade.set_defaults(handler=_grade)

    make = subcommands.add_parser(
        "make-exercises", help="regenerate exercises/ from solutions/ and instructor/checks/",
        description="Write exercises/exNN-slug.ipynb (solutions stripped) and "
                    "exercises/checks/exNN-slug.yaml (public checks, hashed) for every solution.")
    make.add_argument("names", nargs="*", help="exercise stems (default: all)")
    make.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when a committed exercise is stale")
    make.add_argument("--course", type=Path, default=None, help="the course folder")
    make.set_defaults(handler=_make_exercises)

    release = subcommands.add_parser(
        "release", help="build the student bundle (no solutions, hidden checks or answer keys)")
    release.add_argument("out_dir", type=Path, help="the folder to create")
    release.add_argument("--course", type=Path, default=None, help="the course folder")
    release.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    release.set_defaults(handler=_release)


def _grade(args: argparse.Namespace) -> int:
    from defence_course.grading import grade
    from defence_course.sandbox import GIB, Limits

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.timeout <= 0 or args.memory <= 0:
        raise UsageError("--timeout and --memory must be positive")
    limits = Limits(timeout=args.timeout, memory_bytes=int(args.memory * GIB))

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        summary = grade(args.exercise, args.submissions, args.out, jobs=args.jobs,
                        limits=limits, feedback=args.feedback, regrade=args.regrade,
                        manual=args.manual, sandbox=args.sandbox, root=args.course)
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary.text())
    if summary.interrupted:
        print("Interrupted: finished students are saved; run the same command again to grade "
              "the rest.", file=sys.stderr)
        return 130
    return 0


def _make_exercises(args: argparse.Namespace) -> int:
    from defence_course.exercises import course_root, make_exercises

    root = (args.course or course_root()).resolve()
    changed = make_exercises(root, check=args.check, names=args.names or None)
    if args.check:
        for path in changed:
            print(f"stale: {path} (run `defence-course make-exercises`)", file=sys.stderr)
        return 1 if changed else 0
    for path in changed:
        print(f"wrote {path}")
    if not changed:
        print("exercises are up to date")
    return 0


def _release(args: argparse.Namespace) -> int:
    from defence_course.exercises import course_root
    from defence_course.release import release

    root = (args.course or course_root()).resolve()
    files = release(root, args.out_dir, force=args.force)
    print(f"released {len(files)} files to {os.fspath(args.out_dir)}")
    return 0
