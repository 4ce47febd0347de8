"""A self-study learner's one-command course update that keeps their work (`make update`).

On a Hub a course link runs nbgitpuller, which commits the learner's changes and merges the new
course with `-Xours`: run lessons, edited cells and exercises are kept, new lessons arrive. A
learner who cloned the course runs the same merge on their clone, instead of a `git pull` that
stops at the first lesson they ran (issue 21).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

from defence_course.errors import DefenceCourseError
from defence_course.paths import git_checkout


class CourseUpdateError(DefenceCourseError):
    """The course cannot be updated here: the message says what to do instead."""


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CourseUpdateError(f"git {' '.join(args)} failed in {folder}: {done.stderr.strip()}")
    return done.stdout.strip()


def update_course(start: Path | None = None) -> Iterator[str]:
    """Merge the course's latest version into the learner's checkout, keeping their changes.

    Yields what nbgitpuller reports, line by line; raises CourseUpdateError when `start` is not
    in a git checkout with an `origin`, or when nbgitpuller is not installed.
    """
    checkout = git_checkout(start)
    if checkout is None:
        raise CourseUpdateError(
            f"{(start or Path.cwd()).resolve()} is not in a git clone of the course: download the "
            "new version into a new folder (your quiz progress is kept outside the course files)")
    origin = _git(checkout, "remote", "get-url", "origin")
    branch = _git(checkout, "rev-parse", "--abbrev-ref", "HEAD")
    if branch == "HEAD":
        raise CourseUpdateError(f"{checkout} is on no branch: `git checkout main` first")
    try:
        from nbgitpuller.pull import GitPuller
    except ImportError as error:
        raise CourseUpdateError("nbgitpuller is not installed: run `make lab` once, which "
                                "installs it, then `make update`") from error
    try:
        yield from GitPuller(origin, str(checkout), branch=branch).pull()
    except (subprocess.CalledProcessError, ValueError) as error:
        raise CourseUpdateError(f"the update stopped: {error}; your files are as they were "
                                "before it, committed") from error
