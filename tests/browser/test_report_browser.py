"""The class report in real Chromium: it renders offline, every plot shows and is described."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from defence_course.classroom.report import build_report, class_stats
from tests.classroom.test_sheet_report import grades_rows


@pytest.mark.browser
def test_report_renders_offline_with_described_plots(browser: object, tmp_path: Path) -> None:
    """Uses the worker's one Chromium (playwright allows one sync session per thread)."""
    report = tmp_path / "report.html"
    report.write_text(build_report(class_stats(grades_rows()), "grades.csv"), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(report.as_uri())
        assert page.locator("h1").inner_text() == "Class report: ex02-two-clubs"
        headings = page.locator("h2").all_inner_texts()
        assert headings[:4] == ["Score distribution", "Questions", "Statuses",
                                "Students who may need help"]
        images = page.locator("img")
        assert images.count() == 2
        for index in range(2):
            image = images.nth(index)
            # Decoded and laid out: a broken data URI has naturalWidth 0.
            assert image.evaluate("i => i.complete && i.naturalWidth > 100")
            assert len(image.get_attribute("alt") or "") > 40
        # The hostile student id is shown as text, not run.
        assert page.get_by_text("<script>alert(1)</script>").count() >= 1
        assert not page.evaluate("window.__pwned === true")
        shot = os.environ.get("REPORT_SCREENSHOT")
        page.screenshot(path=shot or str(tmp_path / "report.png"), full_page=True)
    finally:
        context.close()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert not errors, errors
