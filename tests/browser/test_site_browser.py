"""The course website in headless Chromium: the home page and a lesson, on a laptop and on a phone.

The site (`make site`) is served from 127.0.0.1; axe-core (bundled in axe-playwright-python, nothing
fetched) runs the WCAG 2 A/AA rules the quizzes pass in JupyterLab, on the whole page. Also: no
sideways scrolling at a phone's width, the launch line opens, and the site's search finds a lesson.
The browser is the test session's own (tests/browser/conftest.py): a second playwright in one process
fails ("Sync API inside the asyncio loop").
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import _require_chromium
from tests.browser.test_quiz_a11y import WCAG_TAGS, report
from tests.site.conftest import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTHS = {"laptop": 1366, "phone": 390}
PAGES = {"home": "index.html", "lesson": "lessons/04-did-the-pressure-work.html"}
SHOTS = Path(__file__).resolve().parents[2] / ".site-build" / "screenshots"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The built site, served on 127.0.0.1 (a free port) for this module's tests."""
    _require_chromium()
    site = build_site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def open_page(browser: object, url: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:"))
            else None)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert outside == [], f"the page asked for something outside the site: {outside}"
    return page


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES.keys())
def test_page_passes_axe_and_fits_the_screen(browser: object, site_url: str, name: str, width: int) -> None:
    page = open_page(browser, site_url + PAGES[name], width)
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
        page.evaluate(Axe().axe_script)
        result = page.evaluate("(options) => axe.run(document, options)",
                               {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert result["violations"] == [], report(result["violations"])
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        expect(page.locator("article h1").first).to_be_visible()
    finally:
        page.close()


def test_the_launch_line_opens_and_a_quiz_says_where_to_answer_it(browser: object, site_url: str) -> None:
    page = open_page(browser, site_url + PAGES["lesson"], WIDTHS["phone"])
    try:
        launch = page.locator(".dc-launch")
        expect(launch.locator("summary")).to_contain_text("Open this lesson")
        expect(launch.get_by_text("make lab")).to_be_hidden()
        launch.locator("summary").click()
        expect(launch.get_by_text("make lab")).to_be_visible()
        quiz = page.locator(".dc-static-quiz").first
        quiz.scroll_into_view_if_needed()
        expect(quiz).to_contain_text("Answer this quiz in JupyterLab")
        page.screenshot(path=str(SHOTS / "lesson-quiz-390.png"))
    finally:
        page.close()


def test_search_finds_a_lesson(browser: object, site_url: str) -> None:
    page = open_page(browser, site_url + "search.html?q=SAFE", WIDTHS["laptop"])
    try:
        results = page.locator("#search-results a")
        expect(results.first).to_be_visible(timeout=30_000)
        assert any("05-what-canada-joined" in (href or "") for href in
                   results.evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    finally:
        page.close()


def test_no_page_scrolls_sideways_on_a_phone(browser: object, site_url: str) -> None:
    """Every page, not only the two above: a long inline pandas call (lesson 04), a file path in
    describe()'s output (lesson 00) and an address in the data page each once widened the page."""
    site = build_site()
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if p.parent.name in ("lessons", "exercises", "guide") or p.parent == site)
    assert len(names) >= 20
    page = open_page(browser, site_url + "index.html", WIDTHS["phone"])
    wide = {}
    try:
        for name in names:
            page.goto(site_url + name)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide[name] = overflow
    finally:
        page.close()
    assert wide == {}, f"pages that scroll sideways at {WIDTHS['phone']}px: {wide}"
