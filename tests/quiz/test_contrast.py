"""Every colour the quiz widgets draw meets WCAG AA contrast on JupyterLab's light and dark themes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from defence_course.quiz import quiz_style, render_feedback, render_info
from defence_course.quiz.model import Feedback, Source

TEXT_MIN = 4.5  # WCAG 1.4.3, normal-size text
NON_TEXT_MIN = 3.0  # WCAG 1.4.11, borders and focus rings (and 1.4.3 for large text)
THEMES = Path(sys.prefix, "share", "jupyter", "lab", "themes", "@jupyterlab")
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
NAMED = {"white": "#ffffff", "black": "#000000"}
TEXT_PROPS = ("color",)
BACKGROUND_PROPS = ("background", "background-color")


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB hex colour (#rgb or #rrggbb)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def theme_backgrounds() -> dict[str, str]:
    """Notebook backgrounds (--jp-layout-color0/1) of every theme JupyterLab ships, from its CSS."""
    found: dict[str, str] = {}
    for css in sorted(THEMES.glob("theme-*-extension/index.css")):
        text = css.read_text(encoding="utf-8")
        for var in ("--jp-layout-color0", "--jp-layout-color1"):
            match = re.search(re.escape(var) + r":\s*([^;}]+)", text)
            assert match, f"{var} not in {css}"
            value = match.group(1).strip()
            # e.g. "white", "#111" or "var(--md-grey-900,#212121)": the fallback is the colour.
            colour = NAMED.get(value) or HEX.findall(value)[-1]
            found[f"{css.parent.name} {var}"] = colour
    return found


def declarations(html_text: str) -> list[dict[str, str]]:
    """Each inline style attribute and each <style> rule, as {property: value}."""
    blocks = re.findall(r'style="([^"]*)"', html_text)
    blocks += re.findall(r"\{([^}]*)\}", "".join(re.findall(r"<style>(.*?)</style>", html_text, re.S)))
    parsed = []
    for block in blocks:
        props = {}
        for item in block.split(";"):
            if ":" in item:
                name, value = item.split(":", 1)
                props[name.strip().lower()] = value.strip()
        parsed.append(props)
    return parsed


def colour_pairs(html_text: str, backgrounds: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """(what, foreground, background, minimum) for every colour the markup sets.

    Text colours pair with the block's own background, or with every theme background when the
    block sets none; border and outline colours (non-text UI) pair with both.
    """
    pairs = []
    for props in declarations(html_text):
        own = [HEX.findall(props[p])[0] for p in BACKGROUND_PROPS if HEX.findall(props.get(p, ""))]
        behind = own or list(backgrounds.values())
        for name, value in props.items():
            if name in BACKGROUND_PROPS:
                continue
            minimum = TEXT_MIN if name in TEXT_PROPS else NON_TEXT_MIN
            for colour in HEX.findall(value):
                pairs += [(name, colour, bg, minimum) for bg in behind]
                if name not in TEXT_PROPS and own:
                    pairs += [(name, colour, bg, minimum) for bg in backgrounds.values()]
    return pairs


SOURCE = Source("EEAS", "https://www.eeas.europa.eu/")
RENDERED = {
    "correct": render_feedback(Feedback(True, 1.0, "All right.", (), "Why.", SOURCE)),
    "partial": render_feedback(Feedback(False, 0.5, "Half.", ("one",), "Why.", SOURCE)),
    "wrong": render_feedback(Feedback(False, 0.0, "No.", (), "Why.", SOURCE)),
    "info": render_info("Choose an answer first."),
    "style": quiz_style().value,
}


def test_contrast_formula_matches_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#fff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA grey
    assert contrast("#777777", "#ffffff") < TEXT_MIN


def test_theme_backgrounds_are_read() -> None:
    backgrounds = theme_backgrounds()
    assert backgrounds["theme-light-extension --jp-layout-color0"] == "#ffffff"
    assert backgrounds["theme-dark-extension --jp-layout-color0"] == "#111"
    assert len(backgrounds) >= 4


@pytest.mark.parametrize("state", sorted(RENDERED))
def test_every_colour_pair_meets_wcag_aa(state: str) -> None:
    backgrounds = theme_backgrounds()
    html_text = RENDERED[state]
    pairs = colour_pairs(html_text, backgrounds)
    assert pairs, f"no colours found in the {state} markup: the parser no longer sees them"
    # Every colour in the markup is in a checked pair (none hides in an unparsed place).
    assert {c.lower() for c in HEX.findall(html_text)} <= {p[1].lower() for p in pairs} | {
        p[2].lower() for p in pairs}
    failing = [f"{what} {fg} on {bg}: {contrast(fg, bg):.2f} < {minimum}"
               for what, fg, bg, minimum in pairs if contrast(fg, bg) < minimum]
    assert not failing, failing


def test_the_check_fails_on_a_low_contrast_colour() -> None:
    """The old dark border shades pass on white but not on the dark theme: the test must see it."""
    backgrounds = theme_backgrounds()
    old = '<div style="border-left: 0.35em solid #1b5e20; padding: 0.3em;">x</div>'
    assert any(contrast(fg, bg) < m for _w, fg, bg, m in colour_pairs(old, backgrounds))
    grey_text = '<p style="color: #999999; background: #ffffff">x</p>'
    pairs = colour_pairs(grey_text, backgrounds)
    assert pairs == [("color", "#999999", "#ffffff", TEXT_MIN)]
    assert contrast("#999999", "#ffffff") < TEXT_MIN
