"""The `progress` command of `defence-course`: a learner's consented export, an instructor's class table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from defence_course.quiz.classprogress import (
    ClassProgressError,
    export_progress,
    export_summary,
    summarize,
    table_text,
)


def add_progress_command(subcommands: Any) -> None:
    """Register `progress export FILE` (a learner) and `progress FOLDER` (an instructor)."""
    parser = subcommands.add_parser(
        "progress", help="export your quiz results to a file, or sum up a class's exported files",
        description="Learner: `defence-course progress export FILE` writes your quiz counts (no "
                    "answers) to FILE for you to hand in; nothing is sent anywhere. Instructor: "
                    "`defence-course progress FOLDER` checks every handed-in file, leaves out "
                    "(and lists) malformed, edited or duplicate ones, and writes a table and a "
                    "plot of the questions most learners miss. Exit 0 when every file counted, "
                    "1 when some were left out, 2 when nothing could be summed up.")
    parser.add_argument("target", help="`export` (learner), or the FOLDER of handed-in files")
    parser.add_argument("file", nargs="?", type=Path,
                        help="with `export`: the file to write, e.g. progress-ana.json")
    parser.add_argument("--name", help="export: your name as your instructor knows you "
                                       "(default: your hub user name, else your login name)")
    parser.add_argument("--out", type=Path, default=Path("class-progress.csv"),
                        help="summary: the table to write (default: class-progress.csv)")
    parser.add_argument("--plot", type=Path, default=Path("class-progress.png"),
                        help="summary: the plot to write (default: class-progress.png)")
    parser.set_defaults(handler=_progress_command)


def _progress_command(args: argparse.Namespace) -> int:
    if args.target == "export":
        if args.file is None:
            raise ClassProgressError("give the file to write: defence-course progress export FILE")
        export = export_progress(args.file, args.name)
        print(f"wrote {args.file} for {export['learner']!r}: {export_summary(export)}")
        return 0
    if args.file is not None or args.name is not None:
        raise ClassProgressError("to export, the first word is `export`: "
                                 "defence-course progress export FILE [--name NAME]")
    report = summarize(Path(args.target), args.out, args.plot)
    print(table_text(report))
    print(f"\n{len(report.learners)} learners counted; wrote {args.out} and {args.plot}")
    for item in report.left_out:
        print(f"left out {item.path}: {item.reason}", file=sys.stderr)
    return 1 if report.left_out else 0
