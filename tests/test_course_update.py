"""Issue 11, item 3: a lesson a learner has run and autosaved does not block a course update.

nbgitpuller's own merge (the code a course link runs), on local repositories: the learner's copy of
lesson 00 as it was before the restart note, run and saved as JupyterLab saves it (outputs,
execution counts, no widget state), then the course publishes the lesson with the note.
tests/hub/ runs the same merge through a real Hub for an edited lesson; this one is for a run lesson.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from defence_course.authoring.notebooks import note_for, note_text

REPO = Path(__file__).resolve().parents[1]
LESSON = Path("lessons") / "00-start-here.ipynb"
#: The restart note as lesson 00 shows it (it points below, to its own section).
LESSON_NOTE = note_for(REPO / "text" / "lessons" / "00-start-here.md", note_text(REPO))
#: Lesson 00 before the restart note (the commit this work started from).
BEFORE_NOTE = "b7e71c1"
GIT = ["git", "-c", "user.name=instructor", "-c", "user.email=instructor@example.org"]


def git(folder: Path, *args: str) -> str:
    """Run git in `folder` and return its output."""
    return subprocess.run([*GIT, *args], cwd=folder, check=True, capture_output=True, text=True).stdout


def pull(upstream: Path, learner: Path) -> None:
    """What clicking the course link does: nbgitpuller clones, or commits local work and merges.

    Its own command line, in a process of its own (its pipes are left for the garbage collector,
    which pytest's warnings-as-errors would report as this test's failure).
    """
    done = subprocess.run([sys.executable, "-m", "nbgitpuller.pull", str(upstream), "main", str(learner)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"nbgitpuller could not update the learner's copy:\n{done.stderr}"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The course repository at lesson 00 before the note, with the data a run needs."""
    upstream = tmp_path / "course"
    (upstream / "lessons").mkdir(parents=True)
    old = subprocess.run(["git", "show", f"{BEFORE_NOTE}:{LESSON.as_posix()}"], cwd=REPO,
                         capture_output=True, text=True, check=False)
    if old.returncode != 0:
        pytest.skip(f"commit {BEFORE_NOTE} is not in this clone's history")
    (upstream / LESSON).write_text(old.stdout, encoding="utf-8")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "course")
    return upstream


@pytest.mark.parametrize("widget_state", [False, True], ids=["as-the-course-saves", "with-widget-state"])
def test_a_run_and_saved_lesson_takes_the_update(course: Path, tmp_path: Path, widget_state: bool) -> None:
    learner = tmp_path / "home" / "course"
    pull(course, learner)
    saved = nbformat.read(learner / LESSON, as_version=4)
    NotebookClient(saved, timeout=120, kernel_name="python3", store_widget_state=widget_state,
                   resources={"metadata": {"path": str(REPO / "lessons")}}).execute()
    nbformat.write(saved, learner / LESSON)  # JupyterLab's autosave

    (course / LESSON).write_bytes((REPO / LESSON).read_bytes())  # the update: the restart note
    git(course, "commit", "-qam", "the restart note")
    pull(course, learner)

    merged_text = (learner / LESSON).read_text(encoding="utf-8")
    assert "<<<<<<<" not in merged_text
    merged = nbformat.reads(merged_text, as_version=4)
    nbformat.validate(merged)
    assert any(c.source == LESSON_NOTE for c in merged.cells), "the update reached the learner"
    assert any(c.get("outputs") for c in merged.cells if c.cell_type == "code"), "the learner's run is kept"
    assert git(learner, "status", "--porcelain") == ""


def test_a_self_study_clone_takes_the_update_with_one_command(course: Path, tmp_path: Path) -> None:
    """Issue 21: a learner who cloned the course and ran a lesson gets the update with `make
    update` (`defence-course update`), which runs nbgitpuller's merge on the clone; a plain
    `git pull` stops at the run lesson."""
    learner = tmp_path / "me" / "course"
    subprocess.run(["git", "clone", "-q", str(course), str(learner)], check=True)
    run = nbformat.read(learner / LESSON, as_version=4)
    first = next(c for c in run.cells if c.cell_type == "code")
    first.execution_count = 1
    first.outputs = [nbformat.v4.new_output("stream", name="stdout", text="my run\n")]
    nbformat.write(run, learner / LESSON)
    (course / LESSON).write_bytes((REPO / LESSON).read_bytes())
    git(course, "commit", "-qam", "the restart note")
    blocked = subprocess.run(["git", "pull", "-q"], cwd=learner, capture_output=True, text=True,
                             check=False)
    assert blocked.returncode != 0, "git pull was expected to refuse: the test lost its point"

    done = subprocess.run([sys.executable, "-m", "defence_course.cli", "update", "--course",
                           str(learner)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "your work is kept" in done.stdout
    merged = nbformat.read(learner / LESSON, as_version=4)
    assert any(c.source == LESSON_NOTE for c in merged.cells), "the update reached the learner"
    kept = next(c for c in merged.cells if c.cell_type == "code")
    assert kept.outputs[0]["text"] == "my run\n", "the learner's run is kept"
    assert git(learner, "status", "--porcelain") == ""


def test_update_outside_a_clone_says_what_to_do(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "defence_course.cli", "update", "--course",
                           str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "not in a git clone of the course" in done.stderr


def test_a_progress_export_is_written_outside_the_course_checkout(tmp_path: Path) -> None:
    """Issue 21: an export inside the clone met the next update as an untracked file."""
    from defence_course.paths import exports_dir

    checkout = tmp_path / "home" / "course"
    (checkout / "lessons").mkdir(parents=True)
    git(checkout, "init", "-q")
    assert exports_dir(checkout / "lessons") == tmp_path / "home"
    assert exports_dir(tmp_path) == tmp_path.resolve()  # a copy that is no clone: where it runs
