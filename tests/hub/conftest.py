"""The real-Hub test starts first: it is the longest single file, so under `-n auto --dist loadfile`
starting it last would leave one worker running it alone at the end."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move hub-marked tests to the front of the run, keeping every other test's order."""
    items.sort(key=lambda item: item.get_closest_marker("hub") is None)
