"""Code in a line of text, written as Markdown writes it (`load("timeline")`), shown as code in HTML.

Quiz banks, check messages and hints write code in backticks. The quiz widget, the website's static
quiz, the inline checker and the feedback pages all show it as <code>, escaped, through this module.
"""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree as ET

INLINE_CODE = re.compile(r"`([^`\n]+)`")


def inline_html(text: str) -> str:
    """Escaped HTML of `text`, its `code` in <code> (line breaks left as they are)."""
    parts = INLINE_CODE.split(text)  # even indexes: words; odd: code
    return "".join(f"<code>{html.escape(part)}</code>" if index % 2 else html.escape(part)
                   for index, part in enumerate(parts))


def add_inline(parent: ET.Element, text: str) -> None:
    """Append `text` to an ElementTree element: `code` as <code>, line breaks as <br>."""
    last: ET.Element | None = None

    def add(words: str) -> None:
        if last is None:
            parent.text = (parent.text or "") + words
        else:
            last.tail = (last.tail or "") + words

    for index, part in enumerate(INLINE_CODE.split(text)):
        if index % 2:
            last = ET.SubElement(parent, "code")
            last.text = part
            continue
        for number, line in enumerate(part.split("\n")):
            if number:
                last = ET.SubElement(parent, "br")
            add(line)
