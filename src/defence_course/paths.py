"""Where the course's files are: the one place that finds folders and names the environment variables."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

from defence_course.errors import DataNotFoundError
from defence_course.i18n.language import current_language

ROOT_ENV = "DEFENCE_COURSE_ROOT"
"""The course folder, when a notebook runs outside it (public checks are looked up there)."""
DATA_ENV = "DEFENCE_COURSE_DATA"
"""The data folder (or its datapackage.json); wins over every other lookup."""
QUIZZES_ENV = "DEFENCE_COURSE_QUIZZES"
"""The folder of quiz banks (default: lessons/quizzes)."""
PROGRESS_ENV = "DEFENCE_COURSE_PROGRESS"
"""The learner's quiz progress file (default: progress.json in the user's data directory)."""
GRADING_ENV = "DEFENCE_COURSE_GRADING"
"""Set inside the grading sandbox: the inline `check()` stays silent there."""
ARGUMENTS_ENV = "DEFENCE_COURSE_ARGUMENTS"
"""The folder for a learner's saved structured arguments (default: beside quiz progress)."""
STATIC_ENV = "DEFENCE_COURSE_STATIC"
"""Set (to 1) where outputs are read without a kernel, as on the course website: quizzes and explorers
then also carry a static HTML form (`defence_course.static`)."""
SANDBOX_DEBUG_ENV = "DEFENCE_COURSE_SANDBOX_DEBUG"
"""Show the grading sandbox's own errors on stderr."""

DESCRIPTOR = "datapackage.json"
PACKAGE_DIR = Path(__file__).resolve().parent
"""This package's folder; in an editable install its grandparent is the repository."""


def _repository() -> Path:
    """The folder that holds src/defence_course (the course itself, in an editable install)."""
    return PACKAGE_DIR.parents[1]


def course_root(start: Path | None = None) -> Path:
    """The course folder: the nearest ancestor of `start` (or cwd) with solutions/ or exercises/.

    Falls back to the repository that holds this package (editable install).
    """
    base = (start or Path.cwd()).resolve()
    for folder in (base, *base.parents):
        if (folder / "instructor" / "checks").is_dir() or (folder / "solutions").is_dir():
            return folder
    return _repository()


def find_data_dir() -> Path:
    """Return the folder holding datapackage.json.

    Lookup order, so the same code works in the repository, in the student release (data/
    beside the package) and in tests: the DEFENCE_COURSE_DATA environment variable; then the
    package's own folder and its parents; then the working directory and its parents.
    """
    override = os.environ.get(DATA_ENV)
    if override:
        path = Path(override).expanduser()
        if path.is_file() and path.name == DESCRIPTOR:
            return path.parent
        if (path / DESCRIPTOR).is_file():
            return path
        raise DataNotFoundError(
            f"{DATA_ENV} is set to {override!r}, but there is no {DESCRIPTOR} there; "
            f"point it at the course's data folder or unset it."
        )
    starts = [PACKAGE_DIR]
    with contextlib.suppress(OSError):  # the working directory may have been deleted
        starts.append(Path.cwd().resolve())
    for start in starts:
        for folder in (start, *start.parents):
            if folder.name == "data" and (folder / DESCRIPTOR).is_file():
                return folder
            if (folder / "data" / DESCRIPTOR).is_file():
                return folder / "data"
    raise DataNotFoundError(
        f"Cannot find the course's data folder (data/{DESCRIPTOR}) beside the package or in "
        f"the working folder or its parents; open the course folder, or set {DATA_ENV} to "
        f"the data folder."
    )


def grading_data_dir(root: Path) -> Path:
    """The data folder the grading sandbox mounts read-only: $DEFENCE_COURSE_DATA, else root/data."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).resolve()
    return (root / "data").resolve()


def quiz_dir() -> Path:
    """Find the folder of banks: $DEFENCE_COURSE_QUIZZES, else lessons/quizzes near the cwd;
    in French (`i18n.current_language()`), its French edition lessons/fr/quizzes when there is one.

    Why: notebooks run with the lesson folder as cwd, the CLI and tests from the repo root,
    and an installed package from anywhere; this covers all three. The French banks have the
    English ones' names and question ids, so progress is the same whichever language answers.
    """
    env = os.environ.get(QUIZZES_ENV)
    if env:
        return Path(env)
    english = _english_quiz_dir()
    french = english.parent / "fr" / "quizzes"
    return french if current_language() == "fr" and french.is_dir() else english


def _english_quiz_dir() -> Path:
    """lessons/quizzes from the cwd upward, else the repository's."""
    here = Path.cwd().resolve()
    for base in (here, *here.parents):
        for candidate in (base / "quizzes", base / "lessons" / "quizzes"):
            if candidate.is_dir() and candidate.parent.name == "lessons":
                # Relative when under the cwd: shorter paths in every message.
                return candidate.relative_to(here) if base == here else candidate
    return _repository() / "lessons" / "quizzes"


def progress_path() -> Path:
    """$DEFENCE_COURSE_PROGRESS, else progress.json in the user's data directory.

    Why the data directory: results outlive the course folder (a fresh copy, a `git pull`)
    and never end up committed by accident.
    """
    env = os.environ.get(PROGRESS_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("defence-course", appauthor=False)) / "progress.json"


def git_checkout(start: Path | None = None) -> Path | None:
    """The git checkout holding `start` (or cwd), or None: the folder with `.git` in it."""
    base = (start or Path.cwd()).resolve()
    return next((f for f in (base, *base.parents) if (f / ".git").exists()), None)


def exports_dir(start: Path | None = None) -> Path:
    """Where a learner's own files go (the progress export): beside the course's git checkout.

    Why: a file inside the checkout meets the next course update (`git pull`, nbgitpuller) as
    an untracked file or a conflict (issue 21). The checkout's parent is the learner's home on a
    Hub (the file browser shows it); a course copy that is no checkout keeps them in `start`.
    """
    checkout = git_checkout(start)
    return checkout.parent if checkout is not None else (start or Path.cwd()).resolve()


def arguments_dir() -> Path:
    """$DEFENCE_COURSE_ARGUMENTS, else an `arguments` folder beside the learner's quiz progress.

    Why beside the progress file: it is the learner's own data directory (outside the course
    folder, so a fresh copy or `git pull` keeps it), and tests that redirect the progress file
    redirect this too.
    """
    env = os.environ.get(ARGUMENTS_ENV)
    if env:
        return Path(env).expanduser()
    return progress_path().parent / "arguments"


def public_checks_candidates(start: Path | None = None) -> list[Path]:
    """Folders that may hold exercises' public checks, nearest first (cwd upward, env, repository)."""
    candidates: list[Path] = []
    base = (start or Path.cwd()).resolve()
    for folder in (base, *base.parents):
        candidates += [folder / "checks", folder / "exercises" / "checks"]
    if os.environ.get(ROOT_ENV):
        candidates.append(Path(os.environ[ROOT_ENV]) / "exercises" / "checks")
    candidates.append(_repository() / "exercises" / "checks")
    return candidates
