"""Test-wide settings: notebooks under nbval must run without errors AND without stderr output."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Generator
from pathlib import Path

import pytest

try:
    from nbval.plugin import IPyNbCell
except ImportError:  # pragma: no cover - nbval is a test dependency; the message says what to do
    IPyNbCell = None


def pytest_configure(config: pytest.Config) -> None:
    """Keep test runs away from the learner's own files (quiz progress lives in their data dir).

    Set before any kernel starts, so every notebook kernel nbval launches inherits it.
    """
    # pytest-xdist starts the files with the most tests first. Test counts say little about time
    # here: the real-Hub test (tests/hub/) is one test and the longest file, so it started last
    # and ran alone at the end. Keep collection order instead; tests/hub/conftest.py puts it first.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    state = Path(tempfile.mkdtemp(prefix="defence-course-test-"))
    config.add_cleanup(lambda: shutil.rmtree(state, ignore_errors=True))
    os.environ.setdefault("DEFENCE_COURSE_PROGRESS", str(state / "progress.json"))


class NotebookStderrError(AssertionError):
    """A notebook cell wrote to stderr: learners would see a warning or an error box."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail a notebook cell that shows a warning or any stderr text, as QuantEcon's lectures do.

    nbval only fails on exceptions; a warning printed to a learner is a bug too.
    """
    result = yield
    if IPyNbCell is not None and isinstance(item, IPyNbCell):
        stderr = [
            out.get("text", "")
            for out in (item.test_outputs or [])
            if out.get("output_type") == "stream" and out.get("name") == "stderr"
        ]
        if stderr:
            raise NotebookStderrError(
                f"cell {item.name} wrote to stderr (a learner would see it):\n" + "".join(stderr)
            )
    return result
