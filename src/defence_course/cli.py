"""The `defence-course` command line: one entry point, one subcommand per instructor task."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from defence_course.errors import DefenceCourseError


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser; each subcommand sets `handler` to a function(args) -> int."""
    parser = argparse.ArgumentParser(
        prog="defence-course",
        description="Tools for the Canada-EU defence course: quizzes, exercises, grading, release.",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # --- data (owned by data.py) -------------------------------------------------------
    from defence_course.data import add_data_command

    add_data_command(subcommands)
    # --- quizzes (owned by quiz.py) ----------------------------------------------------
    from defence_course.quizcli import add_quiz_commands

    add_quiz_commands(subcommands)
    # --- exercises, grading and release (owned by grading.py) --------------------------
    from defence_course.gradingcli import add_grading_commands

    add_grading_commands(subcommands)
    # --- a real class: LMS in/out, report (owned by classroom/) --------------------------
    from defence_course.classroom.cli import add_classroom_commands

    add_classroom_commands(subcommands)

    del subcommands  # filled in by the sections above
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the course's own errors become a one-line message and exit code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except DefenceCourseError as error:
        print(f"defence-course: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    sys.exit(main())
