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


#: The launch line's words in each edition's language ({kind} and {notebook} filled in).
WORDS = {
    "en": {"lesson": "lesson", "exercise": "exercise", "course": "course",
           "open": "Open this {kind}", "where": " ({notebook}) in JupyterLab, on a JupyterHub or on Binder",
           "computer": "JupyterLab on your computer:", "folder": " in the course folder (from ",
           "run": ") run ", "and_open": " and open {notebook}; ", "checks": " checks that everything works.",
           "hub": "On a JupyterHub:", "hub_form": " your instructor's link, of the form ",
           "hub_link": "open it on the Hub", "binder": "On Binder:",
           "binder_what": " a temporary session, no account: ", "binder_link": "launch on Binder"},
    "fr": {"lesson": "cette leçon", "exercise": "cet exercice", "course": "le cours",
           "open": "Ouvrir {kind}", "where": " ({notebook}) dans JupyterLab, sur un JupyterHub ou sur Binder",
           "computer": "JupyterLab sur votre ordinateur :",
           "folder": " dans le dossier du cours (obtenu par ",
           "run": "), lancez ", "and_open": " et ouvrez {notebook}; ",
           "checks": " vérifie que tout fonctionne.", "hub": "Sur un JupyterHub :",
           "hub_form": " le lien de votre enseignant, de la forme ", "hub_link": "l'ouvrir sur le Hub",
           "binder": "Sur Binder :", "binder_what": " une session temporaire, sans compte : ",
           "binder_link": "lancer sur Binder"},
}


def notebook_for(page: str, language: str = "en") -> tuple[str, str]:
    """The notebook a page comes from and what to call it: ('lessons/03-who-pays.ipynb', 'lesson')."""
    folder, _, name = page.partition("/")
    edition = "" if language == "en" else f"/{language}"
    if folder in ("lessons", "exercises") and name:
        return f"{folder}{edition}/{name}.ipynb", "lesson" if folder == "lessons" else "exercise"
    return FIRST_NOTEBOOK.replace("lessons/", f"lessons{edition}/"), "course"


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


def launch_line(page: str, addresses: Addresses, language: str = "en") -> ET.Element:
    """The 'Open this lesson' box for `page` (a docname such as 'lessons/03-who-pays')."""
    notebook, kind = notebook_for(page, language)
    words = WORDS[language]
    opening = words["open"].format(kind=words[kind])
    box = ET.Element("nav", {"class": "dc-launch", "aria-label": opening})
    # Folded (a click or Enter opens it): on a phone the links would fill the first screen.
    details = ET.SubElement(box, "details")
    title = ET.SubElement(details, "summary", {"class": "dc-launch-title"})
    ET.SubElement(title, "strong").text = opening
    ET.SubElement(title, "span").text = words["where"].format(notebook=notebook)
    items = ET.SubElement(details, "ul")
    _item(items, words["computer"], (words["folder"], "git clone " + addresses.repo),
          (words["run"], "make lab"), (words["and_open"].format(notebook=notebook), "make test"),
          (words["checks"], ""))
    hub = _item(items, words["hub"], (words["hub_form"], ""))
    _link_or_form(hub, addresses.hub_link(notebook), addresses.hub != DEFAULT_HUB, words["hub_link"])
    binder = _item(items, words["binder"], (words["binder_what"], ""))
    _link_or_form(binder, addresses.binder_link(notebook), addresses.binder != DEFAULT_BINDER,
                  words["binder_link"])
    return box
