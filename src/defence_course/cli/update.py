"""The `update` command of `defence-course`: a self-study learner's course update (`make update`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from defence_course.course_update import update_course


def add_update_command(subcommands: Any) -> None:
    """Register `update [--course DIR]`."""
    parser = subcommands.add_parser(
        "update", help="get the course's latest lessons and keep your own work (run lessons, "
                       "answers)",
        description="Merge the latest version of the course into your clone, as a Hub's course "
                    "link does (nbgitpuller): your changes are committed first and win any "
                    "conflict; files you deleted come back. For a course cloned with git.")
    parser.add_argument("--course", type=Path, default=None,
                        help="the course folder (default: the one holding the current folder)")
    parser.set_defaults(handler=_update_command)


def _update_command(args: argparse.Namespace) -> int:
    for line in update_course(args.course):
        print(line.rstrip())
    print("The course is up to date; your work is kept.")
    return 0
