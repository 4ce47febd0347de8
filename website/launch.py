"""The launch line at the top of every page: open this page's notebook in JupyterLab, on a Hub, on Binder.

Built with ElementTree (every text escaped). The Hub and Binder links use the forms of
docs/deploy.md; until the course's own addresses are set (environment variables below, read at
build time), they are shown as forms to fill in, not as links that lead nowhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

#: docs/deploy.md's placeholders: shown as text until a real address replaces them.
REPO_ENV, HUB_ENV, BINDER_ENV = "SITE_REPO_URL", "SITE_HUB_URL", "SITE_BINDER_REPO"
DEFAULT_REPO = "https://git.example.org/you/canada-eu-defence-course"
DEFAULT_HUB = "https://HUB.example.org"
DEFAULT_BINDER = "OWNER/canada-eu-defence-course"
FIRST_NOTEBOOK = "lessons/00-start-here.ipynb"


@dataclass(frozen=True)
class Addresses:
    """Where the course lives: its git repository, a JupyterHub, its GitHub name for Binder."""

    repo: str = DEFAULT_REPO
    hub: str = DEFAULT_HUB
    binder: str = DEFAULT_BINDER

    @classmethod
    def from_environment(cls) -> Addresses:
        return cls(os.environ.get(REPO_ENV) or DEFAULT_REPO, os.environ.get(HUB_ENV) or DEFAULT_HUB,
                   os.environ.get(BINDER_ENV) or DEFAULT_BINDER)

    def hub_link(self, notebook: str) -> str:
        """nbgitpuller's link (docs/deploy.md): clone or update the course, then open `notebook`."""
        folder = self.repo.rstrip("/").rsplit("/", 1)[-1]
        query = urlencode({"repo": self.repo, "branch": "main", "urlpath": f"lab/tree/{folder}/{notebook}"})
        return f"{self.hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"

    def binder_link(self, notebook: str) -> str:
        return f"https://mybinder.org/v2/gh/{self.binder}/main?urlpath={quote('lab/tree/' + notebook)}"


def notebook_for(page: str) -> tuple[str, str]:
    """The notebook a page comes from and what to call it: ('lessons/03-who-pays.ipynb', 'lesson')."""
    folder, _, name = page.partition("/")
    if folder in ("lessons", "exercises") and name:
        return f"{folder}/{name}.ipynb", "lesson" if folder == "lessons" else "exercise"
    return FIRST_NOTEBOOK, "course"


def _item(parent: ET.Element, label: str, *segments: tuple[str, str]) -> ET.Element:
    """A list item: its label in bold, then (words, code) segments, the code in monospace."""
    item = ET.SubElement(parent, "li")
    ET.SubElement(item, "strong").text = label
    for words, code in segments:
        ET.SubElement(item, "span").text = words
        if code:
            ET.SubElement(item, "code").text = code
    return item


def _link_or_form(item: ET.Element, url: str, real: bool, words: str) -> None:
    """A link when the address is the course's own; else the link's form, to fill in."""
    if real:
        ET.SubElement(item, "a", {"href": url}).text = words
    else:
        ET.SubElement(item, "code", {"class": "dc-launch-form"}).text = url


def launch_line(page: str, addresses: Addresses) -> ET.Element:
    """The 'Open this lesson' box for `page` (a docname such as 'lessons/03-who-pays')."""
    notebook, kind = notebook_for(page)
    box = ET.Element("nav", {"class": "dc-launch", "aria-label": f"Open this {kind}"})
    # Folded (a click or Enter opens it): on a phone the links would fill the first screen.
    details = ET.SubElement(box, "details")
    title = ET.SubElement(details, "summary", {"class": "dc-launch-title"})
    ET.SubElement(title, "strong").text = f"Open this {kind}"
    ET.SubElement(title, "span").text = f" ({notebook}) in JupyterLab, on a JupyterHub or on Binder"
    items = ET.SubElement(details, "ul")
    _item(items, "JupyterLab on your computer:",
          (" in the course folder (from ", "git clone " + addresses.repo),
          (") run ", "make lab"), (f" and open {notebook}; ", "make test"),
          (" checks that everything works.", ""))
    hub = _item(items, "On a JupyterHub:", (" your instructor's link, of the form ", ""))
    _link_or_form(hub, addresses.hub_link(notebook), addresses.hub != DEFAULT_HUB, "open it on the Hub")
    binder = _item(items, "On Binder:", (" a temporary session, no account: ", ""))
    _link_or_form(binder, addresses.binder_link(notebook), addresses.binder != DEFAULT_BINDER,
                  "launch on Binder")
    return box
