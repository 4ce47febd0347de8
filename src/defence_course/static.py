"""Widgets as static HTML, for pages read without a kernel (the course website, `make site`).

A web page has no kernel behind its widgets, so the site shows what a widget shows first: an
explorer's default figure, table and words, with the settings that drew them. Every element is
built with ElementTree (text escaped by the serializer); HTML the package already made for a
widget (an HTML widget's value, a table) is parsed into elements, never pasted in as a string.
The fallback is chosen in `display.show_widget`, only when `STATIC_ENV` is set (the site's build
sets it), so JupyterLab, slides and the grader see exactly what they saw before.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree as ET

import ipywidgets as widgets

from defence_course.i18n import N_, _
from defence_course.paths import STATIC_ENV

__all__ = ["IN_LAB", "fragment", "outline", "serialize", "static_pages", "widget_snapshot"]

IN_LAB = N_("Open this page's notebook in JupyterLab to use it (see “Open this lesson” at the top).")
_VOID = {"area", "br", "col", "hr", "img", "input", "wbr"}
_DROPPED = {"script", "link", "meta", "iframe", "object", "embed"}  # a <style> stays: it is local


def static_pages() -> bool:
    """True where the output is read without a kernel (the site build sets STATIC_ENV=1)."""
    return os.environ.get(STATIC_ENV, "") not in ("", "0")


class _Builder(HTMLParser):
    """HTML text -> ElementTree elements (scripts and external links dropped, `on*` handlers removed)."""

    def __init__(self, root: ET.Element) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [root]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.skipping += tag not in _VOID and tag not in ("link", "meta")
            return
        if self.skipping:
            return
        safe = {k: v or "" for k, v in attrs if not k.startswith("on")}
        element = ET.SubElement(self.stack[-1], tag, safe)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - (tag not in ("link", "meta")))
            return
        if self.skipping or tag in _VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching open tag
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            _append_text(self.stack[-1], data)


def _append_text(parent: ET.Element, text: str) -> None:
    """Add text after the last child of `parent` (ElementTree keeps it in .text or a .tail)."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def fragment(html_text: str, tag: str = "div", **attrs: str) -> ET.Element:
    """Parse an HTML fragment the package made into one element (`tag`) holding it."""
    root = ET.Element(tag, attrs)
    builder = _Builder(root)
    builder.feed(html_text)
    builder.close()
    return root


def serialize(element: ET.Element) -> str:
    """The element as HTML text (void elements written as HTML, every text escaped)."""
    return ET.tostring(element, encoding="unicode", method="html")


_RANGES = (widgets.IntRangeSlider, widgets.FloatRangeSlider, widgets.SelectionRangeSlider)


def _setting(widget: widgets.Widget) -> str | None:
    """'Countries: Canada, Poland' for a control with a description; None for anything else."""
    description = getattr(widget, "description", "")
    if isinstance(widget, widgets.Button) or not description or not hasattr(widget, "value"):
        return None
    value = getattr(widget, "label", None) or widget.value  # a choice's label, not its value
    if isinstance(value, tuple | list):
        value = (" to " if isinstance(widget, _RANGES) else ", ").join(map(str, value))
    shown = "(empty)" if value in ("", None) else str(value)
    return f"{description.rstrip(':')}: {shown}"


def _png(parent: ET.Element, data: bytes, alt: str) -> None:
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    ET.SubElement(parent, "img", {"src": src, "alt": alt, "class": "dc-static-figure"})


def _output(parent: ET.Element, output: dict[str, Any], alt: str) -> None:
    """One output of an Output widget: its figure, table or text."""
    data = output.get("data", {})
    if "image/png" in data:
        raw = data["image/png"]
        _png(parent, base64.b64decode(raw) if isinstance(raw, str) else raw, alt)
    elif "text/html" in data:
        parent.append(fragment(data["text/html"]))
    elif "text/plain" in data or output.get("output_type") == "stream":
        ET.SubElement(parent, "pre").text = data.get("text/plain", output.get("text", ""))


def _walk(widget: widgets.Widget, body: ET.Element, settings: list[str], alt: str) -> None:
    """Add what `widget` shows to `body`, and its setting (if a control) to `settings`."""
    if getattr(widget.layout, "display", None) == "none":
        return
    if isinstance(widget, widgets.Box):
        for child in widget.children:
            _walk(child, body, settings, alt)
    elif isinstance(widget, widgets.Output):
        for output in widget.outputs:
            _output(body, output, alt)
    elif isinstance(widget, widgets.Image):
        if widget.value:
            _png(body, bytes(widget.value), alt)
    elif isinstance(widget, widgets.HTML | widgets.HTMLMath):
        body.append(fragment(widget.value))
    elif isinstance(widget, widgets.Label):
        ET.SubElement(body, "p").text = widget.value
    else:
        setting = _setting(widget)
        if setting:
            settings.append(setting)


def widget_snapshot(widget: widgets.Widget, what: str, figures: Sequence[bytes] = ()) -> str:
    """An explorer as a page shows it: its name, default settings, figure, table and words.

    `figures` (PNG) are charts the front end drew, which the kernel holds no copy of.
    """
    section = ET.Element("section", {"class": "dc-static dc-static-explorer", "aria-label": what})
    head = ET.SubElement(section, "p", {"class": "dc-static-title"})
    ET.SubElement(head, "strong").text = what
    body = ET.Element("div", {"class": "dc-static-body"})
    settings: list[str] = []
    alt = _("{what}: the chart for the settings listed above").format(what=what)
    for figure in figures:
        _png(body, figure, alt)
    _walk(widget, body, settings, alt)
    if settings:
        ET.SubElement(section, "p").text = _("Shown with its first settings:")
        items = ET.SubElement(section, "ul", {"class": "dc-static-settings"})
        for setting in settings:
            ET.SubElement(items, "li").text = setting
    section.append(body)
    ET.SubElement(section, "p", {"class": "dc-static-lab"}).text = (
        _("Interactive in JupyterLab: change the settings there.") + " " + _(IN_LAB))
    return serialize(section)


def outline(what: str, items: Sequence[str], how: str) -> str:
    """A form as a page shows it: what it asks for, item by item, and that it is filled in JupyterLab.

    Why not the snapshot: an empty form's controls say nothing, and its save line names a folder
    of the machine that built the page.
    """
    section = ET.Element("section", {"class": "dc-static dc-static-form", "aria-label": what})
    head = ET.SubElement(section, "p", {"class": "dc-static-title"})
    ET.SubElement(head, "strong").text = what
    ET.SubElement(section, "p").text = how
    if items:
        listing = ET.SubElement(section, "ul")
        for item in items:
            ET.SubElement(listing, "li").text = item
    ET.SubElement(section, "p", {"class": "dc-static-lab"}).text = _(IN_LAB)
    return serialize(section)
