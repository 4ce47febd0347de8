"""The browser harness's rule for a missing Chromium: skip on a laptop, fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import conftest as browser_conftest


def test_missing_chromium_is_a_skip_outside_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser_conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser_conftest._require_chromium()


def test_missing_chromium_is_a_failure_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser_conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser_conftest._require_chromium()


def test_present_chromium_runs_the_tests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setattr(browser_conftest, "CHROMIUM", fake)
    monkeypatch.setenv("CI", "true")
    browser_conftest._require_chromium()
