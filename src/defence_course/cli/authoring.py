"""`defence-course make-notebooks`, `make-exercises` and `release`: notebooks from text/, exercises
from solutions, the learners' bundle."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from defence_course.paths import course_root


def add_authoring_commands(subcommands: Any) -> None:
    """Register `make-notebooks`, `make-exercises` and `release`."""
    notebooks = subcommands.add_parser(
        "make-notebooks", help="regenerate lessons/ and solutions/ from text/, then exercises/",
        description="Write lessons/NN-slug.ipynb and solutions/exNN-slug.ipynb from their MyST "
                    "text sources in text/ (read, never written), without outputs and keeping "
                    "the ids of unchanged cells, then the exercises as make-exercises does.")
    notebooks.add_argument("--check", action="store_true",
                           help="write nothing; exit 1 when a notebook differs from its text source")
    notebooks.add_argument("--course", type=Path, default=None, help="the course folder")
    notebooks.set_defaults(handler=_make_notebooks)

    make = subcommands.add_parser(
        "make-exercises", help="regenerate exercises/ from solutions/ and instructor/checks/",
        description="Write exercises/exNN-slug.ipynb (solutions stripped) and "
                    "exercises/checks/exNN-slug.yaml (public checks, hashed) for every solution.")
    make.add_argument("names", nargs="*", help="exercise stems (default: all)")
    make.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when a committed exercise is stale")
    make.add_argument("--course", type=Path, default=None, help="the course folder")
    make.add_argument("--no-verify", action="store_true",
                      help="skip grading each solution against its own checks (done after "
                           "writing, not with --check)")
    make.set_defaults(handler=_make_exercises)

    release = subcommands.add_parser(
        "release", help="build the student bundle (no solutions, hidden checks or answer keys)")
    release.add_argument("out_dir", type=Path, help="the folder to create")
    release.add_argument("--course", type=Path, default=None, help="the course folder")
    release.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    release.set_defaults(handler=_release)


def _make_exercises(args: argparse.Namespace) -> int:
    from defence_course.authoring.exercises import make_exercises

    root = (args.course or course_root()).resolve()
    changed = make_exercises(root, check=args.check, names=args.names or None)
    if not (args.no_verify or args.check):  # --check only compares files (CI, fast)
        from defence_course.authoring.exercises import exercise_names
        from defence_course.authoring.selfcheck import solution_problems

        problems = [p for name in (args.names or exercise_names(root))
                    for p in solution_problems(root, name)]
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if problems:
            return 1
    if args.check:
        for path in changed:
            print(f"stale: {path} (run `defence-course make-exercises`)", file=sys.stderr)
        return 1 if changed else 0
    for path in changed:
        print(f"wrote {path}")
    if not changed:
        print("exercises are up to date")
    return 0


def _make_notebooks(args: argparse.Namespace) -> int:
    from defence_course.authoring.notebooks import problems, write_all

    root = (args.course or course_root()).resolve()
    if args.check:
        found = problems(root)
        print("\n".join(found) or "every notebook is in sync with its text source")
        return 1 if found else 0
    for path in write_all(root):
        print(f"wrote {path.relative_to(root)}")
    return _make_exercises(argparse.Namespace(course=root, check=False, names=[], no_verify=False))


def _release(args: argparse.Namespace) -> int:
    from defence_course.authoring.release import release

    root = (args.course or course_root()).resolve()
    files = release(root, args.out_dir, force=args.force)
    print(f"released {len(files)} files to {os.fspath(args.out_dir)}")
    return 0
