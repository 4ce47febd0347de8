"""Gather the website's pages from the course's own files into one Sphinx source folder.

`make site` runs this, then Sphinx (website/conf.py). Every page is found by a rule, never listed:

- lessons/NAME   every text/lessons/*.md, as written (MyST-NB executes it: its outputs are the
                 notebook's); links to a lesson's or exercise's .ipynb point to its page instead;
- exercises/NAME every exercises/*.ipynb (the learners' copy, made from the solutions): its
                 questions and starter code, without the model-answer cells (tag `solution`) and
                 without the reopening note; never executed;
- guide/NAME     every docs/*.md (instructor guide, glossary, edition note, formats, deployment);
- data           data/datapackage.json: each dataset, its sources and licences;
- index          the home page, with the table of contents.

A file is rewritten only when its text changes, so Sphinx rebuilds (and MyST-NB re-executes) only
what changed. `python website/stage.py OUT [--language en]`.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NOTE_KEY = "defence_course_note"
DASH = "\N{EN DASH}"
#: Where each language's pages come from. A second edition adds its own entry (see docs/deploy.md,
#: "The course website"): its lessons' text sources, exercises and docs folder.
EDITIONS = {
    "en": {"lessons": "text/lessons", "exercises": "exercises", "docs": "docs"},
    # The French edition (issue 24): lessons are the English text sources through their catalogs
    # (text/locale/fr/), exercises the French ones; the guide for instructors stays English.
    "fr": {"lessons": "text/lessons", "exercises": "exercises/fr", "docs": "docs"},
}
#: The home page's words in each edition's language.
INDEX_WORDS = {
    "en": {"Lessons": "Lessons", "Exercises": "Exercises", "For instructors": "For instructors",
           "Data": "Data", "title": f"Canada{DASH}EU defence course",
           "intro": (f"A Jupyter course on the Canada{DASH}EU Security and Defence Partnership of 23 June "
                     "2025 and its context: NATO's Hague summit and the 5% pledge, defence-spending data, "
                     "the EU's SAFE instrument, and relations with the United States."),
           "how": ("These pages show every lesson as it runs, with its tables and figures. The quizzes "
                   "and explorers are interactive only in JupyterLab: the line at the top of each page "
                   "says how to open it there.")},
    "fr": {"Lessons": "Leçons", "Exercises": "Exercices",
           "For instructors": "Pour les enseignants (en anglais)", "Data": "Données (en anglais)",
           "title": f"Cours sur la défense Canada{DASH}UE",
           "intro": (f"Un cours Jupyter sur le Partenariat de sécurité et de défense Canada{DASH}UE du "
                     "23 juin 2025 et son contexte : le sommet de l'OTAN à La Haye et l'engagement des "
                     "5\u00a0%, les données sur les dépenses de défense, l'instrument SAFE de l'UE et les "
                     "relations avec les États-Unis."),
           "how": ("Ces pages montrent chaque leçon telle qu'elle s'exécute, avec ses tableaux et ses "
                   "figures. Les questionnaires et les explorateurs ne sont interactifs que dans "
                   "JupyterLab : la ligne en haut de chaque page dit comment l'y ouvrir.")},
}
#: Markdown links to a notebook: `](01-the-news.ipynb)` or `](../exercises/ex01-the-news.ipynb)`.
NOTEBOOK_LINK = re.compile(
    r"\]\((?P<path>(?:\.\./)?(?:(?:lessons|exercises)/)?[\w.-]+)\.ipynb(?P<anchor>#[\w-]*)?\)")
#: CommonMark lets a backslash escape any ASCII punctuation: text from data files stays text.
MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:\"'])")


def escape(text: str) -> str:
    """Text from a data file as Markdown that shows it literally (no emphasis, links or maths)."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds it (Sphinx then keeps its cached page)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def page_links(text: str) -> str:
    """Point links to a notebook at its page: `01-the-news.ipynb` -> `01-the-news.md`.

    Pages keep the folders of their notebooks (lessons/, exercises/), so relative links still reach them.
    """
    return NOTEBOOK_LINK.sub(lambda m: f"]({m.group('path')}.md{m.group('anchor') or ''})", text)


#: A Markdown link (not an image): `[text](target)`.
MARKDOWN_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
#: The site's folders and the course folders their pages come from.
COURSE_FOLDERS = {"guide": "docs"}


def _course_path(path: str) -> str:
    """A staged path's file in the course: guide/x.md is docs/x.md, lessons/x.md is lessons/x.ipynb."""
    first, _, rest = path.partition("/")
    if first in ("lessons", "exercises") and rest.endswith(".md"):
        rest = rest[:-3] + ".ipynb"
    return f"{COURSE_FOLDERS.get(first, first)}/{rest}" if rest else first


def off_site_links(text: str, page: str, pages: set[str]) -> str:
    """A link to a course file that has no page (`../data/README.md`) becomes its words and path.

    Sphinx would warn (and the build fail) on a link it cannot resolve; the reader of a web page
    gets the file's place in the course instead: "the data notes (`data/README.md` in the course)".
    """
    folder = posixpath.dirname(page)
    lines, fenced = [], False

    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|<)", target):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(folder, target.split("#", 1)[0]))
        if path.endswith(".md") and path[:-3] in pages:
            return match.group(0)
        return f"{match.group('text')} (`{_course_path(path)}` in the course)"

    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        lines.append(line if fenced else MARKDOWN_LINK.sub(replace, line))
    return "\n".join(lines)


def lesson_text(root: Path, md: Path, language: str) -> str:
    """A lesson's text source in `language`: the English as written, another through its catalog."""
    if language == "en":
        return md.read_text(encoding="utf-8")
    from defence_course.authoring.translation.build import Source, french_text

    return french_text(root, Source("lessons", md.stem, md), language)[0]


def lesson_pages(root: Path, source: str, out: Path, language: str = "en") -> list[str]:
    """Every lesson's text source, links to notebooks turned into links to pages."""
    names = []
    for md in sorted((root / source).glob("*.md")):
        write_if_changed(out / "lessons" / md.name, page_links(lesson_text(root, md, language)))
        names.append(f"lessons/{md.stem}")
    return names


def _is_shown(cell: nbformat.NotebookNode) -> bool:
    """A learner's exercise cell the site shows: not a model answer, not the reopening note."""
    tags = cell.get("metadata", {}).get("tags", [])
    return "solution" not in tags and NOTE_KEY not in cell.get("metadata", {})


def exercise_markdown(notebook: nbformat.NotebookNode) -> str:
    """An exercise notebook as a page: its text, and its code cells as (unexecuted) code blocks."""
    parts = []
    for cell in filter(_is_shown, notebook.cells):
        if cell.cell_type == "markdown":
            parts.append(page_links(cell.source))
        elif cell.cell_type == "code":
            fence = "````" if "```" in cell.source else "```"
            parts.append(f"{fence}python\n{cell.source}\n{fence}")
    return "\n\n".join(parts) + "\n"


def exercise_pages(root: Path, source: str, out: Path) -> list[str]:
    """Every exercise notebook the learners get, as a page of its questions."""
    names = []
    for path in sorted((root / source).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        write_if_changed(out / "exercises" / f"{path.stem}.md", exercise_markdown(notebook))
        names.append(f"exercises/{path.stem}")
    return names


def guide_pages(root: Path, source: str, out: Path) -> list[str]:
    """Every page of docs/, as written (the guide for instructors, glossary, edition note)."""
    names = []
    for md in sorted((root / source).glob("*.md")):
        write_if_changed(out / "guide" / md.name, page_links(md.read_text(encoding="utf-8")))
        names.append(f"guide/{md.stem}")
    return names


def _source_lines(source: dict[str, str]) -> list[str]:
    title = escape(source.get("title", "(untitled source)"))
    url = source.get("path") or source.get("landing_page")
    line = f"- [{title}](<{url}>)" if url and url.startswith("https://") else f"- {title}"
    details = [escape(source[k]) for k in ("publisher", "edition", "published") if source.get(k)]
    if details:
        line += " · " + " · ".join(details)
    return [line] + ([f"  {escape(source['note'])}"] if source.get("note") else [])


def dataset_section(resource: dict) -> list[str]:
    """One dataset: its title, file, description, caveats, sources and licences."""
    lines = [f"## {escape(resource.get('title', resource['name']))}", "",
             f"`load(\"{resource['name']}\")` · file `data/{resource['path']}`", "",
             escape(resource.get("description", "")), ""]
    if resource.get("caveats"):
        lines += ["**Caveats**", ""] + [f"- {escape(c)}" for c in resource["caveats"]] + [""]
    lines += ["**Sources**", ""]
    for source in resource.get("sources", []):
        lines += _source_lines(source)
    lines += ["", "**Licence**", ""]
    lines += [f"- {escape(lic.get('title') or lic.get('name', ''))}" for lic in resource.get("licenses", [])]
    return [*lines, ""]


def data_page(root: Path, out: Path) -> str:
    """The data page, from data/datapackage.json (the same file the course validates its data with)."""
    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    lines = ["# The data", "", escape(package.get("description", "")), "",
             "Every dataset below is in the course's `data/` folder; in a lesson, `load(NAME)` reads it.",
             ""]
    if package.get("caveats"):
        lines += ["**Read before comparing figures**", ""]
        lines += [f"- {escape(c)}" for c in package["caveats"]] + [""]
    for resource in package.get("resources", []):
        lines += dataset_section(resource)
    write_if_changed(out / "data.md", "\n".join(lines))
    return "data"


def _toctree(caption: str, names: list[str]) -> list[str]:
    return ["```{toctree}", f":caption: {caption}", ":maxdepth: 1", "", *names, "```", ""]


def index_page(out: Path, sections: dict[str, list[str]], language: str = "en") -> None:
    """The home page: what the course is, how to open it, and every page by section."""
    words = INDEX_WORDS[language]
    lines = [f"# {words['title']}", "", words["intro"], "", words["how"], ""]
    for caption, names in sections.items():
        lines += _toctree(words[caption], names)
    write_if_changed(out / "index.md", "\n".join(lines))


def stage(out: Path, language: str = "en", root: Path = REPO) -> list[str]:
    """Write every page for `language` under `out`, remove pages whose source is gone; list them."""
    edition = EDITIONS[language]
    sections = {
        "Lessons": lesson_pages(root, edition["lessons"], out, language),
        "Exercises": exercise_pages(root, edition["exercises"], out),
        "For instructors": guide_pages(root, edition["docs"], out),
        "Data": [data_page(root, out)],
    }
    index_page(out, sections, language)
    pages = {"index", *(name for names in sections.values() for name in names)}
    for name in sorted(pages):
        path = out / f"{name}.md"
        write_if_changed(path, off_site_links(path.read_text(encoding="utf-8"), name, pages))
    for old in out.rglob("*.md"):  # a renamed lesson leaves no stale page behind
        if old.relative_to(out).with_suffix("").as_posix() not in pages:
            old.unlink()
    return sorted(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the Sphinx source folder to write")
    parser.add_argument("--language", default="en", choices=sorted(EDITIONS))
    args = parser.parse_args(argv)
    pages = stage(args.out, args.language)
    print(f"staged {len(pages)} pages for {args.language} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
