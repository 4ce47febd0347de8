"""The instructor's course repository for the Hub tests and the load benchmark: the learner-facing
files of this checkout in a fresh git repository, one commit, that nbgitpuller clones from."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.browser.jlab import copy_course

COURSE = "canada-eu-defence-course"


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` as the course author (a fixed identity; no global config needed)."""
    run = subprocess.run(["git", "-c", "user.name=Course author", "-c", "user.email=author@example.org",
                          "-c", "init.defaultBranch=main", *args],
                         cwd=repo, capture_output=True, text=True, check=True)
    return run.stdout


def course_repo(parent: Path) -> Path:
    """A git repository named like the course under `parent`, holding the course as handed out."""
    repo = copy_course(parent / COURSE)
    git(repo, "init", "--quiet")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "The course as handed out")
    return repo
