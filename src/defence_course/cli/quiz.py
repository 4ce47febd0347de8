"""The quiz commands of `defence-course`: check-quizzes, and quiz encode/decode for authors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write
from defence_course.paths import quiz_dir
from defence_course.quiz.banks import (
    bank_paths,
    decode_bank_text,
    encode_bank_text,
    load_quiz,
    plain_key_problems,
)
from defence_course.quiz.model import QuizError


def check_banks(paths: list[Path], *, allow_plain: bool = False) -> list[str]:
    """Validate banks; return one line per problem (an empty list means all is well).

    Plain (unencoded) banks are problems unless `allow_plain`, because a plain bank in
    lessons/quizzes/ shows learners the answers.
    """
    problems: list[str] = []
    for path in paths:
        try:
            load_quiz(path)
        except QuizError as error:
            problems.append(str(error))
            continue
        if not allow_plain:
            problems.extend(plain_key_problems(path))
    return problems


def _run_check(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or bank_paths()
    if not paths:
        print(f"no quiz banks found in {quiz_dir()}", file=sys.stderr)
        return 1
    problems = check_banks(paths, allow_plain=args.allow_plain)
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} bank(s)", file=sys.stderr)
        return 1
    questions = sum(len(load_quiz(p).questions) for p in paths)
    print(f"ok: {len(paths)} bank(s), {questions} question(s)")
    return 0


def _run_transform(args: argparse.Namespace, transform: Any) -> int:
    paths = [Path(p) for p in args.banks]
    if args.output and len(paths) != 1:
        print("-o/--output takes one bank; use --in-place for several", file=sys.stderr)
        return 1
    if getattr(args, "in_place", False) and args.output:
        print("use either -o/--output or --in-place, not both", file=sys.stderr)
        return 1
    # Transform everything first: one broken bank stops the run before any file changes.
    results: list[tuple[Path, str]] = []
    failed = False
    for path in paths:
        try:
            results.append((path, transform(path)))
        except QuizError as error:
            print(str(error), file=sys.stderr)
            failed = True
    if failed:
        return 1
    for path, text in results:
        if getattr(args, "in_place", False):
            atomic_write(path, text)
            print(f"encoded {path}")
        elif args.output:
            out = Path(args.output)
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(out, text)
            print(f"wrote {out}")
        else:
            sys.stdout.write(text)
    return 0


def add_quiz_commands(subcommands: Any) -> None:
    """Register `check-quizzes` and `quiz encode|decode` on the main parser."""
    check = subcommands.add_parser(
        "check-quizzes",
        help="validate quiz banks (default: every bank in lessons/quizzes/)",
        description="Validate quiz banks: one line per problem, exit 1 if any. Plain "
        "(unencoded) banks count as problems unless --allow-plain.",
    )
    check.add_argument("paths", nargs="*", help="bank files (default: all in lessons/quizzes/)")
    check.add_argument("--allow-plain", action="store_true",
                       help="accept plain banks (for drafts outside lessons/quizzes/)")
    check.set_defaults(handler=_run_check)

    quiz = subcommands.add_parser("quiz", help="encode or decode quiz banks (answer keys)")
    actions = quiz.add_subparsers(dest="quiz_command", required=True, metavar="ACTION")
    encode = actions.add_parser(
        "encode", help="hide answers: plain draft -> committed bank",
        description="Validate banks and move their answers, feedback and explanations into an "
        "encoded `key` per question. Deterministic; already encoded banks are unchanged.",
    )
    encode.add_argument("banks", nargs="+", help="plain (or encoded) bank files")
    encode.add_argument("-o", "--output", help="write the encoded bank here (one input)")
    encode.add_argument("--in-place", action="store_true", help="overwrite each bank")
    encode.set_defaults(handler=lambda a: _run_transform(a, encode_bank_text))
    decode = actions.add_parser(
        "decode", help="show answers: committed bank -> plain draft",
        description="Write the plain, editable form of a bank (keep it in quiz-drafts/, which "
        "git ignores).",
    )
    decode.add_argument("banks", nargs=1, help="an encoded bank file")
    decode.add_argument("-o", "--output", help="write the plain bank here (default: stdout)")
    decode.set_defaults(handler=lambda a: _run_transform(a, decode_bank_text))
