"""Lessons and solutions are written as MyST Markdown in text/; their notebooks are generated from it.

`python -m tests.text_sources write` (what `make notebooks` runs) regenerates every notebook;
`out_of_sync()` (what tests/test_text_sources.py checks) lists the pairs that differ. A generated
notebook has no outputs and no execution counts, and keeps the cell ids of the committed notebook
where a cell is unchanged, so regenerating an unchanged lesson gives no git diff.

Lesson notebooks are also tagged for slides (RISE, docs/instructor-guide.md): `add_slide_types()`
derives each cell's `slideshow` type from the lesson's headings, so the text sources stay free of
slide markup; a cell whose text source sets `slideshow` itself keeps it (the exception, by hand).
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

REPO = Path(__file__).resolve().parents[1]
#: text/<folder>/NAME.md generates <folder>/NAME.ipynb.
FOLDERS = ("lessons", "solutions")
#: Only lessons are shown as slides: solutions (and the exercises made from them) are worked alone.
SLIDE_FOLDERS = ("lessons",)
#: A `#` or `##` heading opens a slide, a `###` heading a subslide (reveal.js: one step down).
HEADING = re.compile(r"^(#{1,3}) ")
#: A section whose heading matches is for the instructor's eyes only: its cells are skipped in slides.
#: RISE's options for every lesson (notebook metadata `rise`): reveal.js's "white" theme uses fonts
#: shipped with the extension, where its default ("simple") fetches Google Fonts, which the course never
#: does at run time; long slides (tables, a plot under its code) start at the top and scroll, not cut off.
RISE_OPTIONS = {"theme": "white", "scroll": True, "center": False}
INSTRUCTOR_ONLY = re.compile(r"^#{1,2} .*\binstructors?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Pair:
    """One text source and the notebook generated from it."""

    text: Path
    notebook: Path


def pairs(root: Path = REPO) -> list[Pair]:
    """Every text source under text/lessons and text/solutions, with its notebook's path."""
    return [
        Pair(md, root / folder / f"{md.stem}.ipynb")
        for folder in FOLDERS
        for md in sorted((root / "text" / folder).glob("*.md"))
    ]


def untexted_notebooks(root: Path = REPO) -> list[Path]:
    """Lesson and solution notebooks with no text source (their .md is missing)."""
    texted = {p.notebook for p in pairs(root)}
    found = [nb for folder in FOLDERS for nb in sorted((root / folder).glob("*.ipynb"))]
    return [nb for nb in found if nb not in texted]


def _fresh_id(text: Path, index: int, source: str, taken: set[str]) -> str:
    """A stable id for a new cell: the same text gives the same id on every machine."""
    salt = 0
    while True:
        digest = hashlib.sha256(f"{text.name}:{index}:{salt}:{source}".encode()).hexdigest()[:8]
        if digest not in taken:
            return digest
        salt += 1


def _reuse_ids(new: nbformat.NotebookNode, old: nbformat.NotebookNode | None, text: Path) -> None:
    """Give unchanged cells their old ids, an edited cell the id at its place, a new cell a stable one."""
    old_cells = list(old.cells) if old is not None else []
    by_source: dict[tuple[str, str], list[str]] = {}
    for cell in old_cells:
        by_source.setdefault((cell.cell_type, cell.source), []).append(cell.get("id", ""))
    chosen: dict[int, str] = {}
    for index, cell in enumerate(new.cells):  # first pass: cells whose text did not change
        ids = by_source.get((cell.cell_type, cell.source), [])
        if ids and ids[0]:
            chosen[index] = ids.pop(0)
    taken = set(chosen.values())
    for index, cell in enumerate(new.cells):  # second pass: edited or new cells
        at_place = old_cells[index].get("id", "") if index < len(old_cells) else ""
        if index not in chosen:
            chosen[index] = at_place if at_place and at_place not in taken else _fresh_id(
                text, index, cell.source, taken)
            taken.add(chosen[index])
        cell.id = chosen[index]


def _derived_slide_type(cell: nbformat.NotebookNode, previous: str | None, skipping: bool) -> str:
    """The slide type the headings give a cell (see add_slide_types)."""
    level = HEADING.match(cell.source) if cell.cell_type == "markdown" else None
    if level:
        return "skip" if INSTRUCTOR_ONLY.match(cell.source) else (
            "subslide" if len(level.group(1)) == 3 else "slide")
    if skipping:
        return "skip"
    # Prose after a code cell starts a new screen, so each screen is short: text, then its code and output.
    return "subslide" if cell.cell_type == "markdown" and previous == "code" else "-"


def add_slide_types(notebook: nbformat.NotebookNode) -> None:
    """Tag every cell for RISE from the headings, so a lecturer can present the lesson as it is written.

    `#`/`##` heading: new slide; `###` heading or prose after code: new screen below (subslide);
    anything else: on the same screen ("-"). A section for instructors (its `#`/`##` heading names
    them) is skipped up to the next heading of that level. A cell whose text source already sets
    `slideshow` keeps its own type.
    """
    notebook.metadata["rise"] = dict(RISE_OPTIONS)
    skipping, previous = False, None
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.match(r"^#{1,2} ", cell.source):
            skipping = bool(INSTRUCTOR_ONLY.match(cell.source))
        if "slideshow" not in cell.metadata:
            cell.metadata["slideshow"] = {"slide_type": _derived_slide_type(cell, previous, skipping)}
        previous = cell.cell_type


def generate(pair: Pair) -> str:
    """The notebook text that `pair.text` generates: stripped, ids stable, nbformat 4.5."""
    notebook = jupytext.read(pair.text, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    if pair.notebook.parent.name in SLIDE_FOLDERS:
        add_slide_types(notebook)
    old = nbformat.read(pair.notebook, as_version=4) if pair.notebook.is_file() else None
    _reuse_ids(notebook, old, pair.text)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def out_of_sync(root: Path = REPO) -> list[str]:
    """Each pair whose committed notebook differs from what its text source generates."""
    problems = []
    for pair in pairs(root):
        current = pair.notebook.read_text(encoding="utf-8") if pair.notebook.is_file() else None
        if current is None:
            problems.append(f"{pair.notebook.relative_to(root)} is missing: run `make notebooks`")
        elif current != generate(pair):
            problems.append(
                f"{pair.notebook.relative_to(root)} differs from {pair.text.relative_to(root)}: "
                "edit the .md, then run `make notebooks`"
            )
    return problems


#: The note every lesson and exercise shows near its top, written once (issue 11, item 3): the
#: cell after this separator in each text source is replaced by text/notes/restart.md.
NOTE_MARK = '+++ {"defence_course_note": "restart"}'
NOTE_FILE = Path("text") / "notes" / "restart.md"
#: The note's cell and what follows it: the next cell starts with `+++` or a code fence.
_NOTE_CELL = re.compile(re.escape(NOTE_MARK) + r"\n\n(?P<text>.*?)\n\n(?=\+\+\+|```\{code-cell\})", re.S)


def note_text(root: Path = REPO) -> str:
    """The restart note as written once, without its trailing newline."""
    return (root / NOTE_FILE).read_text(encoding="utf-8").strip()


def note_problems(root: Path = REPO) -> list[str]:
    """Each text source whose restart note is missing, differs from the one file, or sits too low."""
    problems = []
    for pair in pairs(root):
        name = pair.text.relative_to(root)
        text = pair.text.read_text(encoding="utf-8")
        found = _NOTE_CELL.search(text)
        if found is None:
            problems.append(f"{name}: no restart note (a cell after `{NOTE_MARK}`)")
        elif found.group("text") != note_text(root):
            problems.append(f"{name}: its restart note differs from {NOTE_FILE}: run `make notebooks`")
        elif "```{code-cell}" in text[:found.start()]:
            problems.append(f"{name}: the restart note comes after a code cell; move it to the top")
    return problems


def sync_notes(root: Path = REPO) -> list[Path]:
    """Rewrite each text source's restart note from text/notes/restart.md; return those changed."""
    changed = []
    for pair in pairs(root):
        text = pair.text.read_text(encoding="utf-8")
        new = _NOTE_CELL.sub(lambda m: f"{NOTE_MARK}\n\n{note_text(root)}\n\n", text, count=1)
        if new != text:
            pair.text.write_text(new, encoding="utf-8")
            changed.append(pair.text)
    return changed


def write_all(root: Path = REPO) -> list[Path]:
    """Regenerate every notebook from its text source; return the ones that changed."""
    changed = []
    for pair in pairs(root):
        text = generate(pair)
        if not pair.notebook.is_file() or pair.notebook.read_text(encoding="utf-8") != text:
            pair.notebook.write_text(text, encoding="utf-8")
            changed.append(pair.notebook)
    return changed


def main(argv: list[str], root: Path = REPO) -> int:
    """`write` regenerates the notebooks; `check` lists the pairs out of sync (exit 1 if any)."""
    if argv[1:] == ["write"]:
        for path in sync_notes(root) + write_all(root):
            print(f"wrote {path.relative_to(root)}")
        return 0
    if argv[1:] == ["check"]:
        problems = note_problems(root) + out_of_sync(root) + [
            f"{p.relative_to(root)} has no text source in text/" for p in untexted_notebooks(root)
        ]
        print("\n".join(problems) or "every notebook is in sync with its text source")
        return 1 if problems else 0
    print("usage: python -m tests.text_sources write|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
