"""`defence-course data list | validate | describe NAME`: the data files, for instructors who edit them."""

from __future__ import annotations

import argparse
from typing import Any

from defence_course import data


def add_data_command(subcommands: Any) -> None:
    """Register `data list | validate | describe NAME`."""
    parser = subcommands.add_parser(
        "data",
        help="list, validate or describe the course's data files",
        description="Check the CSV files in data/ against datapackage.json after editing them.",
    )
    actions = parser.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    actions.add_parser("list", help="list the dataset names").set_defaults(handler=_cli_list)
    actions.add_parser(
        "validate", help="validate every CSV file; prints the first problem in each"
    ).set_defaults(handler=_cli_validate)
    describe_parser = actions.add_parser("describe", help="print a dataset's sources and caveats")
    describe_parser.add_argument("name", help="dataset name, as shown by `data list`")
    describe_parser.set_defaults(handler=_cli_describe)


def _cli_list(args: argparse.Namespace) -> int:
    """Print each dataset name with its file and title."""
    del args
    for name, path, title in data.catalogue():
        print(f"{name:<16} {path:<28} {title}")
    return 0


def _cli_validate(args: argparse.Namespace) -> int:
    """Validate every dataset, reporting each broken file (not just the first), exit 1 if any."""
    del args
    failed = 0
    for name, result in data.validate_each():
        if isinstance(result, int):
            print(f"ok   {name} ({result} rows)")
        else:
            failed += 1
            print(f"FAIL {name}: {result}")
    return 1 if failed else 0


def _cli_describe(args: argparse.Namespace) -> int:
    """Print `describe(name)`."""
    print(data.describe(args.name))
    return 0
