"""Each lesson and solution notebook is generated from its MyST text source in text/, and in sync."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from defence_course.authoring import notebooks as text_sources
from defence_course.authoring.notebooks import (
    KERNELSPEC,
    NOTE_FILE,
    NOTE_MARK,
    LessonFormatError,
    Pair,
    lesson_metadata,
    note_for,
    note_problems,
    note_text,
    out_of_sync,
    pairs,
    untexted_notebooks,
    write_all,
)
from defence_course.authoring.notebooks import generate as generate_in
from defence_course.authoring.release import audit
from defence_course.cli import main

REPO = Path(__file__).resolve().parents[1]


def generate(pair: Pair) -> str:
    """What the builder makes of a pair, with the course's restart note."""
    return generate_in(pair, REPO)


def test_every_lesson_and_solution_has_a_text_source() -> None:
    assert untexted_notebooks(REPO) == [], "write a text/<folder>/NAME.md for it (docs/editing-lessons.md)"
    assert {p.text.parent.name for p in pairs(REPO)} == {"lessons", "solutions"}


def test_every_notebook_is_in_sync_with_its_text_source() -> None:
    assert out_of_sync(REPO) == []


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of one lesson and one solution pair, to edit without touching the course."""
    for folder, name in (("lessons", "00-start-here"), ("solutions", "ex02-two-clubs")):
        (tmp_path / "text" / folder).mkdir(parents=True)
        (tmp_path / folder).mkdir()
        shutil.copy(REPO / "text" / folder / f"{name}.md", tmp_path / "text" / folder)
        shutil.copy(REPO / folder / f"{name}.ipynb", tmp_path / folder)
    (tmp_path / NOTE_FILE).parent.mkdir(parents=True)
    shutil.copy(REPO / NOTE_FILE, tmp_path / NOTE_FILE)
    return tmp_path


def test_an_edited_text_source_is_reported_until_regenerated(course: Path) -> None:
    """The sync check can fail: a sentence changed in the .md leaves the .ipynb stale."""
    md = course / "text" / "lessons" / "00-start-here.md"
    md.write_text(md.read_text("utf-8").replace("Running cells", "Running the cells"), "utf-8")
    assert out_of_sync(course) == [
        "lessons/00-start-here.ipynb differs from text/lessons/00-start-here.md: "
        "edit the .md, then run `make notebooks`"
    ]
    assert write_all(course) == [course / "lessons" / "00-start-here.ipynb"]
    assert out_of_sync(course) == []
    assert "Running the cells" in (course / "lessons" / "00-start-here.ipynb").read_text("utf-8")


def test_a_notebook_edited_by_hand_or_saved_with_outputs_is_reported(course: Path) -> None:
    notebook_path = course / "solutions" / "ex02-two-clubs.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    code = next(c for c in notebook.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
    nbformat.write(notebook, notebook_path)
    assert len(out_of_sync(course)) == 1
    write_all(course)
    assert '"outputs": []' in notebook_path.read_text("utf-8")
    assert "ran\\n" not in notebook_path.read_text("utf-8")


def test_a_missing_text_source_or_notebook_is_reported(course: Path) -> None:
    (course / "text" / "lessons" / "00-start-here.md").unlink()
    assert untexted_notebooks(course) == [course / "lessons" / "00-start-here.ipynb"]
    (course / "solutions" / "ex02-two-clubs.ipynb").unlink()
    assert out_of_sync(course) == ["solutions/ex02-two-clubs.ipynb is missing: run `make notebooks`"]


def test_regenerating_keeps_the_ids_of_unchanged_cells(course: Path) -> None:
    """An edit to one cell changes only that cell in the notebook's git diff."""
    pair = Pair(course / "text" / "lessons" / "00-start-here.md", course / "lessons" / "00-start-here.ipynb")
    before = [c.id for c in nbformat.reads(generate(pair), as_version=4).cells]
    text = pair.text.read_text("utf-8")
    pair.text.write_text(text.replace("## Running cells", "A new cell.\n\n+++\n\n## Running cells"), "utf-8")
    after = [c.id for c in nbformat.reads(generate(pair), as_version=4).cells]
    assert len(after) == len(before) + 1
    assert len(set(after)) == len(after)
    assert set(before) < set(after), "every old cell kept its id; only the new cell has a new one"


def test_solution_text_sources_keep_the_metadata_exercises_need() -> None:
    """make-exercises and the grader find written answers by their cell metadata: it must survive."""
    for pair in pairs(REPO):
        if pair.text.parent.name != "solutions":
            continue
        notebook = nbformat.reads(generate(pair), as_version=4)
        tagged = [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]
        assert tagged, pair.text
        assert all(c.metadata["defence_course"]["question"].startswith("q") for c in tagged)
        assert "# BEGIN SOLUTION" in pair.text.read_text("utf-8")


def test_make_notebooks_runs_the_one_command() -> None:
    dry_run = subprocess.run(["make", "-n", "notebooks"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
    assert "defence-course make-notebooks" in dry_run


def test_the_command_line_check_fails_on_a_stale_pair(course: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["make-notebooks", "--check", "--course", str(course)]) == 0
    md = course / "text" / "lessons" / "00-start-here.md"
    md.write_text(md.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    assert main(["make-notebooks", "--check", "--course", str(course)]) == 1
    assert "differs from text/lessons/00-start-here.md" in capsys.readouterr().out


def _snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_make_notebooks_only_reads_text(course: Path) -> None:
    """The builder writes notebooks, never text/ (it used to rewrite the sources' restart notes)."""
    lesson = course / "text" / "lessons" / "00-start-here.md"
    lesson.write_text(lesson.read_text("utf-8").replace("Restart Kernel and Run All\n> Cells",
                                                        "Run All\n> Cells"), "utf-8")
    (course / "lessons" / "00-start-here.ipynb").unlink()
    before = _snapshot(course / "text")
    assert write_all(course) == [course / "lessons" / "00-start-here.ipynb"]
    assert _snapshot(course / "text") == before
    cells = nbformat.read(course / "lessons" / "00-start-here.ipynb", as_version=4).cells
    assert any(c.source == note_for(lesson, note_text(course)) for c in cells), "the note comes from one file"


def test_a_generated_notebook_stores_what_jupyterlab_writes(course: Path) -> None:
    """Issue 21: the kernelspec's display name and a language_info block as JupyterLab writes
    them, so an untouched lesson is not marked modified (tests/browser/test_reopen_browser.py, first step)."""
    for pair in pairs(course):
        metadata = nbformat.reads(generate_in(pair, course), as_version=4).metadata
        assert metadata["kernelspec"] == KERNELSPEC
        assert metadata["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
        info = metadata["language_info"]
        assert (info["name"], info["pygments_lexer"], info["codemirror_mode"]["name"]) == (
            "python", "ipython3", "ipython")
        assert info["version"].count(".") == 2
        assert "jupytext" not in metadata
        assert not set(metadata) & set(text_sources.LESSON_KEYS), "front matter is shown, not stored"


# -- issue 18, item 8: a lesson's minutes, questions and objectives live in its front matter --


def test_every_lesson_keeps_its_metadata_in_front_matter_and_shows_it() -> None:
    for pair in pairs(REPO):
        if pair.text.parent.name != "lessons":
            continue
        meta = lesson_metadata(pair.text)
        assert meta.teaching > 0
        assert len(meta.questions) >= 3
        assert all(o.startswith("*") for o in meta.objectives), "objectives start with a verb in italics"
        body = pair.text.read_text("utf-8").split("\n---\n", 1)[1]
        assert "**Teaching:**" not in body, f"{pair.text}: the minutes belong in the front matter"
        title = nbformat.read(pair.notebook, as_version=4).cells[0].source
        assert meta.header() in title


def test_a_lesson_without_or_with_wrong_front_matter_is_refused(course: Path) -> None:
    lesson = course / "text" / "lessons" / "00-start-here.md"
    text = lesson.read_text("utf-8")
    for old, new, message in (("\nteaching: 25\n", "\nteaching: soon\n", "whole minutes"),
                              ("\nquestions:\n", "\nquestion_list:\n", "`questions:` must be"),
                              ("\nteaching: 25\n", "\n", "`teaching:` must be")):
        assert old in text
        lesson.write_text(text.replace(old, new, 1), "utf-8")
        with pytest.raises(LessonFormatError, match=message):
            lesson_metadata(lesson)
        with pytest.raises(LessonFormatError, match=message):
            write_all(course)


def test_the_release_audit_refuses_solution_text_sources(tmp_path: Path) -> None:
    """text/solutions holds model answers: caught whether shipped in its folder or moved elsewhere."""
    source = (REPO / "text" / "solutions" / "ex02-two-clubs.md").read_text("utf-8")
    (tmp_path / "text" / "solutions").mkdir(parents=True)
    (tmp_path / "text" / "solutions" / "ex02-two-clubs.md").write_text(source, "utf-8")
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "ex02-two-clubs.md").write_text(source, "utf-8")
    problems = "\n".join(audit(tmp_path))
    assert "text/solutions: instructor-only folder" in problems
    assert "lessons/ex02-two-clubs.md: contains a # BEGIN/END SOLUTION region" in problems
    assert "lessons/ex02-two-clubs.md: a text source with a model answer" in problems
    lesson = (REPO / "text" / "lessons" / "02-two-clubs.md").read_text("utf-8")
    (tmp_path / "lessons" / "ex02-two-clubs.md").write_text(lesson, "utf-8")
    shutil.rmtree(tmp_path / "text")
    assert audit(tmp_path) == []


SLIDE_LESSON = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
teaching: 10
exercises: 0
questions:
- "What is a slide?"
objectives:
- "*Present* a lesson."
---

# 09 · A title

+++

## A section

Its prose.

```{code-cell} ipython3
1 + 1
```

What the output means.

+++

More prose on the same screen.

+++

### A subsection

+++ {"slideshow": {"slide_type": "fragment"}}

Revealed by hand: the text source's own slide type wins.

+++

## Notes for instructors

Timing.

```{code-cell} ipython3
2 + 2
```

+++

## Sources
"""


def test_lesson_cells_get_slide_types_from_the_headings(tmp_path: Path) -> None:
    """# and ## open a slide, ### or prose after code a subslide; instructors' notes are skipped."""
    (tmp_path / "text" / "lessons").mkdir(parents=True)
    (tmp_path / "lessons").mkdir()
    text = tmp_path / "text" / "lessons" / "09-slides.md"
    text.write_text(SLIDE_LESSON, "utf-8")
    notebook = nbformat.reads(generate(Pair(text, tmp_path / "lessons" / "09-slides.ipynb")), as_version=4)
    types = [(c.source.splitlines()[0], c.metadata["slideshow"]["slide_type"]) for c in notebook.cells]
    assert types == [
        ("# 09 · A title", "slide"),
        ("## A section", "slide"),
        ("1 + 1", "-"),
        ("What the output means.", "subslide"),
        ("More prose on the same screen.", "-"),
        ("### A subsection", "subslide"),
        ("Revealed by hand: the text source's own slide type wins.", "fragment"),
        ("## Notes for instructors", "skip"),
        ("2 + 2", "skip"),
        ("## Sources", "slide"),
    ]
    assert notebook.metadata["rise"] == text_sources.RISE_OPTIONS


def test_every_lesson_is_tagged_for_slides_and_no_solution_is() -> None:
    """Lessons are presented with RISE (docs/instructor-guide.md); solutions are worked, not shown."""
    for pair in pairs(REPO):
        notebook = nbformat.read(pair.notebook, as_version=4)
        tagged = [c for c in notebook.cells if "slideshow" in c.metadata]
        if pair.text.parent.name == "solutions":
            assert tagged == [], pair.notebook
            assert "rise" not in notebook.metadata, pair.notebook
            continue
        assert len(tagged) == len(notebook.cells), f"{pair.notebook}: run `make notebooks`"
        assert notebook.cells[0].metadata["slideshow"]["slide_type"] == "slide"
        slides = sum(c.metadata["slideshow"]["slide_type"] == "slide" for c in notebook.cells)
        assert slides >= 5, f"{pair.notebook}: {slides} slides"
        assert notebook.metadata["rise"]["theme"] != "simple", "the default theme fetches Google Fonts"


# -- issue 11, item 3: the restart note, written once, near the top of every lesson and exercise --


def test_every_lesson_and_exercise_has_the_one_restart_note_near_its_top() -> None:
    assert note_problems(REPO) == []
    note = note_text(REPO)
    # Issue 21: after a restart (no Run All) the one thing a learner sees is ipywidgets' red
    # broken-chain icon (the `jupyter-widgets-disconnected` class): the note names it.
    for text in ("red broken-chain icon", "Error displaying widget: model not found", "NameError",
                 "Restart Kernel and Run All"):
        assert text in note
    for exercise in sorted((REPO / "exercises").glob("ex*.ipynb")):
        cells = nbformat.read(exercise, as_version=4).cells
        first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
        assert any(c.source == note for c in cells[:first_code]), f"{exercise.name}: no note above its code"


def test_a_missing_or_low_note_is_reported(course: Path) -> None:
    """The check can fail: each way a note goes wrong is reported (its text comes from NOTE_FILE)."""
    assert note_problems(course) == []
    assert (course / NOTE_FILE).is_file()
    lesson = course / "text" / "lessons" / "00-start-here.md"
    original = lesson.read_text("utf-8")
    lesson.write_text(original.replace(NOTE_MARK, "+++"), "utf-8")
    assert "no restart note" in note_problems(course)[0]
    note_cell = f"{NOTE_MARK}\n\n{note_for(lesson, note_text(course))}\n\n"
    after_first_code = original.index("```\n", original.index("```{code-cell}")) + 4
    moved = original[:after_first_code] + "\n" + note_cell + "+++\n" + original[after_first_code:]
    lesson.write_text(moved.replace(note_cell, "", 1), "utf-8")
    assert "after a code cell" in note_problems(course)[0]


def test_a_stale_note_in_a_text_source_is_reported(course: Path) -> None:
    """The website reads the text sources, not the notebooks: a copy of the note older than
    NOTE_FILE (lesson 06 kept the one without the broken-chain icon) would show there."""
    lesson = course / "text" / "lessons" / "00-start-here.md"
    original = lesson.read_text("utf-8")
    lesson.write_text(original.replace("a red broken-chain icon or ", "", 1), "utf-8")
    assert note_problems(course) == ["text/lessons/00-start-here.md: the restart note differs from "
                                     "text/notes/restart.md; copy it from there (with 'below' for "
                                     "this lesson's own section)"]


def test_lesson_00s_note_points_below_not_to_lesson_00() -> None:
    """Issue 21: the note ends "(Lesson 00, *Reopening a notebook*, says more.)"; in lesson 00
    itself that sent the reader to the lesson they were reading."""
    note = note_text(REPO)
    assert note.endswith("(Lesson 00, *Reopening a notebook*, says more.)")
    lesson = nbformat.read(REPO / "lessons" / "00-start-here.ipynb", as_version=4)
    text = "\n".join(c.source for c in lesson.cells)
    own = next(c.source for c in lesson.cells if c.metadata.get("defence_course_note") == "restart")
    assert own.endswith("(*Reopening a notebook*, below, says more.)")
    assert text.index(own) < text.index("## Reopening a notebook"), "'below' must be true"
    for other in sorted((REPO / "lessons").glob("0[1-9]-*.ipynb")):
        cells = nbformat.read(other, as_version=4).cells
        assert any(c.source == note for c in cells), f"{other.name}: the note points to lesson 00"


def test_a_note_pointing_to_its_own_lesson_is_reported(course: Path) -> None:
    """The check can fail: lesson 00's text source keeping "Lesson 00", and a reworded note file
    whose pointer the builder no longer recognises (so lesson 00 would point to itself again)."""
    lesson = course / "text" / "lessons" / "00-start-here.md"
    original = lesson.read_text("utf-8")
    lesson.write_text(original.replace("(*Reopening a notebook*, below, says more.)",
                                       "(Lesson 00, *Reopening a notebook*, says more.)"), "utf-8")
    assert note_problems(course) == ["text/lessons/00-start-here.md: the restart note differs from "
                                     "text/notes/restart.md; copy it from there (with 'below' for "
                                     "this lesson's own section)"]
    note_file = course / NOTE_FILE
    reworded = note_file.read_text("utf-8").replace("(Lesson 00, *Reopening a notebook*, says more.)",
                                                    "(Lesson 00, *Reopening a notebook*, tells more.)")
    note_file.write_text(reworded, "utf-8")
    for md in sorted((course / "text").rglob("*.md")):
        md.write_text(md.read_text("utf-8").replace("says more.)", "tells more.)").replace(
            "(*Reopening a notebook*, below, tells more.)",
            "(Lesson 00, *Reopening a notebook*, tells more.)"), "utf-8")
    assert note_problems(course) == ["text/lessons/00-start-here.md: the restart note sends the reader "
                                     "to this lesson itself; write its pointer in text/notes/restart.md "
                                     "as (Lesson NN, *Section*, says more.)"]



def test_a_notebook_left_in_a_merge_conflict_is_rebuilt_not_a_crash(tmp_path: Path) -> None:
    """Generated notebooks conflict in a merge: `make notebooks` rebuilds them from the text source."""
    from defence_course.authoring.notebooks import _previous

    broken = tmp_path / "01.ipynb"
    broken.write_text('{\n "cells": [\n<<<<<<< HEAD\n  {}\n=======\n  []\n>>>>>>> rev2\n ]\n}\n',
                      encoding="utf-8")
    assert _previous(broken) is None
    assert _previous(tmp_path / "missing.ipynb") is None
