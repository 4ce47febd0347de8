"""Fixtures for the grading tests."""

from __future__ import annotations

import pytest

from tests.grading.isolation import require_bwrap


@pytest.fixture
def bwrap() -> None:
    """The test needs bubblewrap's isolation: skipped without it, failed without it in CI."""
    require_bwrap()
