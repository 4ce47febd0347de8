"""Fixtures for browser tests: one JupyterLab per test worker, one Chromium page per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.jlab import CHROMIUM, CHROMIUM_ARGS, JupyterLab, copy_course, start_jupyterlab


def _require_chromium() -> None:
    """Skip without Chromium on a dev machine, but fail in CI, where a skip would hide a gap."""
    if CHROMIUM.exists():
        return
    message = f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}: CI must run the browser tests")
    pytest.skip(message)


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """A JupyterLab server over a fresh copy of the course, shared by one worker's tests."""
    _require_chromium()
    root = copy_course(tmp_path_factory.mktemp("course"))
    lab = start_jupyterlab(root, tmp_path_factory.mktemp("jupyter-home"))
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="session")
def browser(jupyterlab: JupyterLab) -> Iterator[object]:
    """Headless Debian Chromium driven by playwright (its own browser download is not possible)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def lab_page(browser: object, jupyterlab: JupyterLab, tmp_path: Path) -> Iterator[object]:
    """A new browser page per test, from no quiz results (the worker's tests share one server)."""
    jupyterlab.forget_progress()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()
