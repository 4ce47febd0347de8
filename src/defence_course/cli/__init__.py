"""The `defence-course` command line: one thin layer over the library, one module per family.

data (data files), quiz (banks), authoring (exercises, release), grading (grade). Defaults
come from the library's own types (e.g. grading.sandbox.Limits), never copied here.
"""

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

    from defence_course.cli.authoring import add_authoring_commands
    from defence_course.cli.classroom import add_classroom_commands
    from defence_course.cli.data import add_data_command
    from defence_course.cli.grading import add_grading_commands
    from defence_course.cli.progress import add_progress_command
    from defence_course.cli.quiz import add_quiz_commands
    from defence_course.cli.update import add_update_command

    add_data_command(subcommands)
    add_quiz_commands(subcommands)
    add_grading_commands(subcommands)
    add_authoring_commands(subcommands)
    add_progress_command(subcommands)
    add_classroom_commands(subcommands)
    add_update_command(subcommands)
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
