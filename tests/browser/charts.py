"""Charts as a learner sees them (issue 21): drawn at the size shown, and shown large enough to read.

A chart is a PNG. Shown wider than its pixels, the browser upscales it (soft, blurry: lesson 03's
and 05's explorers were). Shown much narrower than it was drawn for, its tick labels shrink with
it: an 11-point label drawn for 100% reads as 9 px at 60%, the smallest kept legible here.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.browser.jlab import notebook

#: The smallest share of its drawn size a chart may be shown at (tick labels stay >= 9 px).
MIN_SCALE = 0.6

# Every visible chart image: its pixels, the CSS width it was drawn for (its `width` attribute when
# it has one, as the explorers' 2x images do; else its pixels), and the width it is shown at.
FIGURES = """(imgs) => imgs.filter(e => e.offsetParent !== null && e.naturalWidth > 0).map(e => ({
    src: (e.closest('.jp-Cell')?.querySelector('.jp-InputArea')?.textContent || '').trim().slice(0, 40),
    pixels: e.naturalWidth,
    drawnFor: e.getAttribute('width') ? Number(e.getAttribute('width')) : e.naturalWidth,
    shown: e.getBoundingClientRect().width,
    ratio: window.devicePixelRatio,
    cut: cutOff(e),
}))"""
# A chart wider than its output that nothing between them lets the reader scroll to (issue 21: at
# 800 px with the file browser open, charts keep a readable size and scroll sideways instead).
CUT_OFF = """function cutOff(e) {
    const area = e.closest('.jp-OutputArea-output');
    if (!area || e.getBoundingClientRect().right <= area.getBoundingClientRect().right + 1) return false;
    for (let n = e.parentElement; n && n !== area.parentElement; n = n.parentElement) {
        const overflow = getComputedStyle(n).overflowX;
        if ((overflow === 'auto' || overflow === 'scroll') && n.scrollWidth > n.clientWidth) return false;
    }
    return true;
}"""


def figure_problems(images: list[dict], label: str) -> list[str]:
    """Upscaled charts, and charts shown too small for their tick labels to be read."""
    problems = []
    for image in images:
        where = f"{label}: chart under {image['src']!r}"
        if image["shown"] > image["pixels"] / image["ratio"] + 1:
            problems.append(f"{where} is upscaled: {image['pixels']} px shown {image['shown']:.0f}"
                            " px wide")
        if image.get("cut"):
            problems.append(f"{where} is cut off: wider than its output, and nothing scrolls to it")
        if image["shown"] < MIN_SCALE * image["drawnFor"] - 1:
            problems.append(f"{where} is shown at {image['shown'] / image['drawnFor']:.0%} of the "
                            f"{image['drawnFor']} px it was drawn for: its ticks cannot be read")
    return problems


def chart_problems(page: Page, label: str, scope: Locator | None = None) -> tuple[int, list[str]]:
    """How many charts `scope` (default: the open notebook) shows, and what is wrong with them."""
    images = (scope or notebook(page)).locator("img")
    found = images.evaluate_all(f"(imgs) => {{ {CUT_OFF}; return ({FIGURES})(imgs); }}")
    return len(found), figure_problems(found, label)

