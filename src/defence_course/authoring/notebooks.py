"""Lessons and solutions are written as MyST Markdown in text/; their notebooks are generated from it.

`defence-course make-notebooks` (what `make notebooks` runs) regenerates every notebook, reading
text/ and never writing it; `out_of_sync()` (what tests/test_text_sources.py checks) lists the pairs
that differ. A generated notebook has no outputs and no execution counts, and keeps the cell ids of
the committed notebook where a cell is unchanged, so regenerating an unchanged lesson gives no git
diff. It stores the kernel's metadata as JupyterLab writes it, so a lesson opened and closed
unchanged is not marked as modified.

A lesson's minutes, questions and objectives are kept in its text source's front matter, as the
Carpentries keep an episode's (docs/editing-lessons.md): `lesson_metadata()` reads them, and the
generated notebook shows them under the title.

Lesson notebooks are also tagged for slides (RISE, docs/instructor-guide.md): `add_slide_types()`
derives each cell's `slideshow` type from the lesson's headings, so the text sources stay free of
slide markup; a cell whose text source sets `slideshow` itself keeps it (the exception, by hand).
"""

from __future__ import annotations

import hashlib
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from defence_course.atomic import atomic_write
from defence_course.errors import DefenceCourseError
from defence_course.i18n import _, using

if TYPE_CHECKING:  # jupytext and nbformat are authoring tools: imported when a notebook is built
    import nbformat

#: text/<folder>/NAME.md generates <folder>/NAME.ipynb.
FOLDERS = ("lessons", "solutions")
#: Only lessons are shown as slides: solutions (and the exercises made from them) are worked alone.
SLIDE_FOLDERS = ("lessons",)
#: A `#` or `##` heading opens a slide, a `###` heading a subslide (reveal.js: one step down).
HEADING = re.compile(r"^(#{1,3}) ")
#: RISE's options for every lesson (notebook metadata `rise`): reveal.js's "white" theme uses fonts
#: shipped with the extension, where its default ("simple") fetches Google Fonts, which the course never
#: does at run time; long slides (tables, a plot under its code) start at the top and scroll, not cut off.
RISE_OPTIONS = {"theme": "white", "scroll": True, "center": False}
#: A section whose heading matches is for the instructor's eyes only: its cells are skipped in slides.
INSTRUCTOR_ONLY = re.compile(r"^#{1,2} .*\binstructors?\b", re.IGNORECASE)
#: What JupyterLab writes for the course's kernel (ipykernel's own kernelspec and its kernel_info
#: reply): stored so that opening an untouched lesson changes nothing to save (issue 21). JupyterLab
#: compares the whole block, Python's version too: that is kept from the committed notebook, or
#: for a new one taken from the Python that builds it (the course's own environment).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}

#: The note every lesson and exercise shows near its top, written once (issue 11, item 3): the
#: cell after this separator in each text source is the note, filled from text/notes/restart.md.
NOTE_MARK = '+++ {"defence_course_note": "restart"}'
NOTE_FILE = Path("text") / "notes" / "restart.md"
#: The note's cell and what follows it: the next cell starts with `+++` or a code fence.
_NOTE_CELL = re.compile(re.escape(NOTE_MARK) + r"\n\n(?P<text>.*?)\n\n(?=\+\+\+|```\{code-cell\})", re.S)
_FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?\n)---\n", re.S)


class LessonFormatError(DefenceCourseError):
    """A text source's front matter lacks or mistypes a lesson field; the message names both."""


@dataclass(frozen=True)
class Pair:
    """One text source and the notebook generated from it."""

    text: Path
    notebook: Path


@dataclass(frozen=True)
class LessonMetadata:
    """A lesson's front matter, as the Carpentries keep an episode's: minutes, questions, objectives.

    `teaching_note` and `exercises_note` are shown in brackets after the minutes.
    """

    teaching: int
    exercises: int
    questions: tuple[str, ...]
    objectives: tuple[str, ...]
    teaching_note: str = ""
    exercises_note: str = ""

    def header(self) -> str:
        """The Markdown shown under the lesson's title, its labels in the current language."""
        teaching = f"{self.teaching} min" + (f" ({self.teaching_note})" if self.teaching_note else "")
        # A whole phrase for "none": its French agrees with "exercices" (aucun).
        exercises = (f"**{_('Exercises:')}** {self.exercises} min" if self.exercises
                     else _("**Exercises:** none"))
        exercises += f" ({self.exercises_note})" if self.exercises_note else ""
        return "\n".join([
            f"**{_('Teaching:')}** {teaching} · {exercises}", "",
            f"**{_('Questions')}**", *(f"- {q}" for q in self.questions), "",
            f"**{_('Objectives')}**", *(f"- {o}" for o in self.objectives)])


LESSON_KEYS = ("teaching", "exercises", "questions", "objectives", "teaching_note", "exercises_note")


def _field(where: str, meta: dict[str, Any], key: str, kind: type, *, required: bool = True) -> Any:
    """One front-matter field of the expected type, or an error that says what to write."""
    value = meta.get(key)
    if value is None and not required:
        return kind()
    if kind is int and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise LessonFormatError(f"{where}: front matter `{key}:` must be whole minutes, e.g. `{key}: 40`")
    if kind is str and not isinstance(value, str):
        raise LessonFormatError(f"{where}: front matter `{key}:` must be a line of text")
    if kind is tuple:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise LessonFormatError(f"{where}: front matter `{key}:` must be a list of lines "
                                    f"(`- ...`), one per {key[:-1]}")
        return tuple(value)
    return value


def lesson_metadata_from(meta: dict[str, Any], where: str) -> LessonMetadata:
    """A lesson's metadata from its front matter (or a notebook's metadata read from it)."""
    return LessonMetadata(
        teaching=_field(where, meta, "teaching", int), exercises=_field(where, meta, "exercises", int),
        questions=_field(where, meta, "questions", tuple),
        objectives=_field(where, meta, "objectives", tuple),
        teaching_note=_field(where, meta, "teaching_note", str, required=False),
        exercises_note=_field(where, meta, "exercises_note", str, required=False))


def lesson_metadata(text: Path) -> LessonMetadata:
    """A lesson's minutes, questions and objectives, from its text source's front matter."""
    match = _FRONT_MATTER.match(text.read_text(encoding="utf-8"))
    meta = yaml.safe_load(match.group("yaml")) if match else None
    if not isinstance(meta, dict):
        raise LessonFormatError(f"{text}: no YAML front matter between `---` lines at the top")
    return lesson_metadata_from(meta, str(text))


def pairs(root: Path) -> list[Pair]:
    """Every text source under text/lessons and text/solutions, with its notebook's path."""
    return [
        Pair(md, root / folder / f"{md.stem}.ipynb")
        for folder in FOLDERS
        for md in sorted((root / "text" / folder).glob("*.md"))
    ]


def untexted_notebooks(root: Path) -> list[Path]:
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


def _add_lesson_header(notebook: nbformat.NotebookNode, where: str) -> None:
    """Show the front matter's minutes, questions and objectives under the lesson's title."""
    meta = {key: notebook.metadata.pop(key) for key in LESSON_KEYS if key in notebook.metadata}
    header = lesson_metadata_from(meta, where).header()
    first = notebook.cells[0] if notebook.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        raise LessonFormatError(f"{where}: a lesson starts with a Markdown cell whose first line is "
                                "its `# ` title")
    title, _, rest = first.source.partition("\n")
    first.source = f"{title}\n\n{header}" + (f"\n\n{rest.strip()}" if rest.strip() else "")


#: The note's pointer to a section of a lesson: "(Lesson 00, *Reopening a notebook*, says more.)".
_NOTE_POINTER = re.compile(r"\(Lesson (?P<number>\d\d), (?P<section>\*[^*]+\*), says more\.\)")
#: Each edition's pointer and how its own lesson says it (the French note, issue 24).
_NOTE_POINTERS = (
    (_NOTE_POINTER, "({section}, below, says more.)"),
    (re.compile(r"\(La leçon (?P<number>\d\d), (?P<section>\*[^*]+\*), en dit plus\.\)"),
     "({section}, ci-dessous, en dit plus.)"),
)


def note_for(text: Path, note: str) -> str:
    """The note as `text`'s notebook shows it: in the lesson it points to, it points below instead."""
    for pointer, here in _NOTE_POINTERS:
        def local(found: re.Match[str], here: str = here) -> str:
            own = text.parent.name == "lessons" and text.name.startswith(f"{found['number']}-")
            return here.format(section=found["section"]) if own else found[0]
        note = pointer.sub(local, note)
    return note


def _fill_note(notebook: nbformat.NotebookNode, note: str, text: Path) -> None:
    """The restart note's cell shows text/notes/restart.md, whatever its text source's copy says."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.metadata.get("defence_course_note") == "restart":
            cell.source = note_for(text, note)


def _previous(notebook: Path) -> nbformat.NotebookNode | None:
    """The committed notebook, for its cell ids; None when missing or unreadable (a merge conflict's
    markers, a truncated file): a generated notebook is then rebuilt whole from its text source."""
    import nbformat

    if not notebook.is_file():
        return None
    try:
        previous: nbformat.NotebookNode = nbformat.read(notebook, as_version=4)
    except (ValueError, OSError, nbformat.ValidationError):  # NotJSONError is a ValueError
        return None
    return previous


def generate(pair: Pair, root: Path, *, text: str | None = None, note: str | None = None,
             language: str = "en") -> str:
    """The notebook text that `pair.text` generates: stripped, ids stable, nbformat 4.5.

    Another language's edition passes the translated `text` and restart `note`; the header's labels
    come from the package's catalog in its `language`, which the notebook records (the grader
    answers a submission in it).
    """
    import jupytext
    import nbformat

    source = pair.text.read_text(encoding="utf-8") if text is None else text
    notebook = jupytext.reads(source, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    old = _previous(pair.notebook)
    version = (old.metadata.get("language_info", {}).get("version") if old is not None else None)
    notebook.metadata["language_info"] = {**LANGUAGE_INFO,
                                          "version": version or platform.python_version()}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    _fill_note(notebook, note_text(root) if note is None else note, pair.text)
    if language != "en":
        notebook.metadata["defence_course"] = {"language": language}
    if pair.text.parent.name in SLIDE_FOLDERS:
        with using(language):  # never the author's own DEFENCE_COURSE_LANG
            _add_lesson_header(notebook, str(pair.text))
        add_slide_types(notebook)
    _reuse_ids(notebook, old, pair.text)
    nbformat.validate(notebook)
    return str(nbformat.writes(notebook)) + "\n"


def out_of_sync(root: Path) -> list[str]:
    """Each pair whose committed notebook differs from what its text source generates."""
    problems = []
    for pair in pairs(root):
        current = pair.notebook.read_text(encoding="utf-8") if pair.notebook.is_file() else None
        if current is None:
            problems.append(f"{pair.notebook.relative_to(root)} is missing: run `make notebooks`")
        elif current != generate(pair, root):
            problems.append(
                f"{pair.notebook.relative_to(root)} differs from {pair.text.relative_to(root)}: "
                "edit the .md, then run `make notebooks`"
            )
    return problems


def note_text(root: Path) -> str:
    """The restart note as written once, without its trailing newline."""
    return (root / NOTE_FILE).read_text(encoding="utf-8").strip()


def note_problems(root: Path) -> list[str]:
    """Each text source whose restart note is missing or sits below a code cell."""
    problems = []
    for pair in pairs(root):
        name = pair.text.relative_to(root)
        text = pair.text.read_text(encoding="utf-8")
        found = _NOTE_CELL.search(text)
        if found is None:
            problems.append(f"{name}: no restart note (a cell after `{NOTE_MARK}`)")
        elif "```{code-cell}" in text[:found.start()]:
            problems.append(f"{name}: the restart note comes after a code cell; move it to the top")
        elif found.group("text").strip() != (expected := note_for(pair.text, note_text(root))):
            # The notebooks get the note from NOTE_FILE, but the website reads the text sources.
            here = " (with 'below' for this lesson's own section)" if expected != note_text(root) else ""
            problems.append(f"{name}: the restart note differs from {NOTE_FILE}; copy it from there{here}")
        elif pair.text.parent.name == "lessons" and f"Lesson {pair.text.name[:2]}," in expected:
            problems.append(f"{name}: the restart note sends the reader to this lesson itself; "
                            f"write its pointer in {NOTE_FILE} as (Lesson NN, *Section*, says more.)")
    return problems


def write_all(root: Path) -> list[Path]:
    """Regenerate every notebook from its text source; return the ones that changed (text/ is only read)."""
    changed = []
    for pair in pairs(root):
        text = generate(pair, root)
        if not pair.notebook.is_file() or pair.notebook.read_text(encoding="utf-8") != text:
            atomic_write(pair.notebook, text)
            changed.append(pair.notebook)
    return changed


def problems(root: Path) -> list[str]:
    """Everything `make-notebooks --check` reports: notes, pairs out of sync, notebooks without text."""
    return note_problems(root) + out_of_sync(root) + [
        f"{p.relative_to(root)} has no text source in text/" for p in untexted_notebooks(root)]
