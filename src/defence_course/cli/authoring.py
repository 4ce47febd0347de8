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

    translations = subcommands.add_parser(
        "translations", help="the French edition's catalogs: check them, or import a translated file",
        description="text/locale/fr/ holds one PO catalog per English source (docs/translating.md). "
                    "`check` lists missing or fuzzy messages, French banks or specs that differ from "
                    "the English outside their text, numbers the English lacks, and glossary terms "
                    "translated another way. `import KIND NAME FILE` reads a whole translated copy "
                    "of an English source (same structure) into its catalog.")
    translations.add_argument("action", choices=("check", "update", "import"))
    translations.add_argument("kind", nargs="?", choices=("lessons", "solutions", "quizzes", "checks"))
    translations.add_argument("name", nargs="?", help="the English source's name, e.g. 01-the-news")
    translations.add_argument("file", nargs="?", type=Path, help="the translated copy")
    translations.add_argument("--course", type=Path, default=None, help="the course folder")
    translations.set_defaults(handler=_translations)

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


def _editions(root: Path) -> list[str]:
    """The other languages this course has catalogs for (text/locale/<language>/)."""
    from defence_course.authoring.translation.catalogs import LANGUAGES, LOCALE_DIR

    return [language for language in LANGUAGES if (root / LOCALE_DIR / language).is_dir()]


def _make_notebooks(args: argparse.Namespace) -> int:
    from defence_course.authoring.exercises import make_exercises
    from defence_course.authoring.notebooks import problems, write_all
    from defence_course.authoring.translation import audit, build

    root = (args.course or course_root()).resolve()
    if args.check:
        found = problems(root)
        for language in _editions(root):
            found += build.out_of_sync(root, language) + [
                f"{path} is stale: run `make notebooks`"
                for path in make_exercises(root, check=True, language=language)]
        print("\n".join(found) or "every notebook is in sync with its text source")
        return 1 if found else 0
    for path in write_all(root):
        print(f"wrote {path.relative_to(root)}")
    status = _make_exercises(argparse.Namespace(course=root, check=False, names=[], no_verify=False))
    for language in _editions(root):  # issue 24: catalogs follow the English (msgmerge), then the files
        for path in build.update_catalogs(root, language) + build.write_all(root, language):
            print(f"wrote {path.relative_to(root)}")
        for name in make_exercises(root, language=language):
            print(f"wrote {name}")
        stale = audit.untranslated(root, language)
        if stale:
            print(f"note: {len(stale)} {language} messages are missing or fuzzy and stay in English "
                  "(`defence-course translations check` lists them)", file=sys.stderr)
    return status


def _translations(args: argparse.Namespace) -> int:
    from defence_course.authoring.translation import align, audit, build

    root = (args.course or course_root()).resolve()
    if args.action == "update":
        for path in build.update_catalogs(root):
            print(f"wrote {path.relative_to(root)}")
        return 0
    if args.action == "import":
        if not (args.kind and args.name and args.file):
            print("error: import needs KIND NAME FILE, e.g. `import lessons 01-the-news fr.md`",
                  file=sys.stderr)
            return 2
        count = align.import_file(root, args.kind, args.name, args.file)
        print(f"imported {count} messages into text/locale/fr/{args.kind}/{args.name}.po")
        return 0
    found = (audit.untranslated(root) + audit.parity_problems(root) + audit.number_problems(root)
             + audit.glossary_problems(root) + build.out_of_sync(root))
    print("\n".join(found) or "the French edition is complete and in step with the English")
    return 1 if found else 0


def _release(args: argparse.Namespace) -> int:
    from defence_course.authoring.release import release

    root = (args.course or course_root()).resolve()
    files = release(root, args.out_dir, force=args.force)
    print(f"released {len(files)} files to {os.fspath(args.out_dir)}")
    return 0
