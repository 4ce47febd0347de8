"""Issue 11, item 5: a lesson's text keeps a readable line length at any window width.

Measured as a reader sees it: the characters on the longest rendered line of a long Markdown
paragraph, at two window widths, with the file browser open and closed. Before the course's
stylesheet (config/custom.css), the paragraph ran about 110 characters a line at 1400 px and over
150 with the file browser closed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.jlab import ACTIVE_NOTEBOOK, JupyterLab, open_notebook, run_command

LESSON = "lessons/00-start-here.ipynb"
#: Comfortable reading: about 45-90 characters a line (typography's usual 60-75, widened a little
#: for notebooks, whose lines carry code names and figures).
READABLE = range(45, 91)

# Characters of each long paragraph rendered so far, grouped into lines by their vertical centre
# (a `code` span sits a pixel or two off the text around it, never half a line); the longest line.
_CHARS_PER_LINE = """(selector) => {
    const panel = document.querySelector(selector);
    const paragraphs = [...panel.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown p')]
        .filter(p => p.textContent.length > 300);
    if (!paragraphs.length) return null;
    const measure = (paragraph) => {
    const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const lines = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (!rect) continue;
            const centre = (rect.top + rect.bottom) / 2;
            const line = lines.find(l => Math.abs(l.centre - centre) < 6);
            if (line) line.count += 1; else lines.push({centre, count: 1});
        }
    }
    return {longest: Math.max(...lines.map(l => l.count)), lines: lines.length,
            text: paragraph.textContent.slice(0, 60)};
    };
    const all = paragraphs.map(measure);
    const worst = all.reduce((a, b) => (b.longest > a.longest ? b : a));
    return {...worst, paragraphs: all.length, fewestLines: Math.min(...all.map(m => m.lines))};
}"""


# Resolves once the notebook's width has stayed the same for five animation frames (Lumino lays
# panels out on a frame after a resize or a sidebar change, not at once).
SETTLED_WIDTH = """(selector) => new Promise(resolve => {
    let last = -1, same = 0;
    const look = () => {
        const width = document.querySelector(selector).getBoundingClientRect().width;
        same = width === last ? same + 1 : 0;
        last = width;
        if (same >= 5) resolve(width); else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
})"""


def chars_per_line(page: Page) -> dict:
    """The longest rendered line (in characters) among the open notebook's long paragraphs."""
    found = page.evaluate(_CHARS_PER_LINE, ACTIVE_NOTEBOOK)
    assert found is not None, "no Markdown paragraph of over 300 characters is rendered"
    return found


def set_file_browser(page: Page, shown: bool) -> None:
    """Open or close the left sidebar's file browser, as a learner does with its tab."""
    browser = page.locator("#filebrowser")
    if browser.is_visible() != shown:
        run_command(page, "Show Left Sidebar")
    page.wait_for_function(
        "(shown) => !!document.querySelector('#filebrowser')?.checkVisibility() === shown", arg=shown)


@pytest.mark.browser
def test_markdown_lines_stay_readable(lab_page: Page, jupyterlab: JupyterLab) -> None:
    """Every view in one page (opening the lesson four times cost 20 s): two widths, file browser
    open and closed; each view's measure is reported if it is out of range."""
    lab_page.set_viewport_size({"width": 1400, "height": 1000})
    open_notebook(lab_page, jupyterlab, LESSON)
    problems = []
    for width in (1400, 2000):
        lab_page.set_viewport_size({"width": width, "height": 1000})
        for file_browser in (True, False):
            set_file_browser(lab_page, file_browser)
            view = f"{width} px, file browser {'open' if file_browser else 'closed'}"
            lab_page.evaluate(SETTLED_WIDTH, ACTIVE_NOTEBOOK)  # JupyterLab's layout follows a frame later
            measured = chars_per_line(lab_page)
            if measured["fewestLines"] <= 1 or measured["longest"] not in READABLE:
                problems.append(f"{measured['longest']} characters a line at {view}: {measured}")
    assert problems == []
