"""Whether the isolation tests can run: bubblewrap usable here, or they skip (and fail in CI)."""

from __future__ import annotations

import os

import pytest

from defence_course.grading.sandbox import choose_mode

# Without a working bubblewrap the grader falls back to rlimits only (no namespaces).
MODE, WARNING = choose_mode("auto")


def require_bwrap(mode: str | None = None) -> None:
    """Skip without bubblewrap on a dev machine, but fail in CI, where a skip would hide a gap
    (as tests/browser/conftest.py does for a missing Chromium)."""
    if (mode or MODE) == "bwrap":
        return
    message = ("bubblewrap is missing or not usable here (apt-get install bubblewrap; user "
               "namespaces must be allowed)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}: CI must run the isolation tests")
    pytest.skip(message)
