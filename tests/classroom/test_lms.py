"""LMS downloads in: Canvas and Moodle names, latest submission wins, anonymous staging."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from defence_course.classroom.anonymize import Key
from defence_course.classroom.lms import (
    MANIFEST,
    LmsError,
    collect,
    load_manifest,
    parse_canvas,
    parse_moodle,
    resubmission,
    stage,
)

EXERCISE = "ex02-two-clubs"


def notebook(text: str = "x = 1") -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": text, "metadata": {}, "outputs": [],
         "execution_count": None}]})


def put(folder: Path, relative: str, text: str = "x = 1", mtime: float | None = None) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook(text), encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


# --- Canvas: names as canvas-lms content_zipper.rb writes them --------------------------------

@pytest.mark.parametrize(("name", "student", "late", "order", "filename"), [
    ("smithjane_12345_67890_ex02-two-clubs.ipynb", "smithjane_12345", False, (67890, 0),
     "ex02-two-clubs.ipynb"),
    ("smithjane_LATE_12345_67891_ex02-two-clubs-1.ipynb", "smithjane_12345", True, (67891, 1),
     "ex02-two-clubs-1.ipynb"),
    ("smithjane_late_12345_67891_ex02-two-clubs-1.ipynb", "smithjane_12345", True, (67891, 1),
     "ex02-two-clubs-1.ipynb"),
    # Anonymous grading in Canvas: no name at all.
    ("12345_67890_ex02-two-clubs.ipynb", "12345", False, (67890, 0), "ex02-two-clubs.ipynb"),
    # The student's own file name may hold underscores and digits.
    ("nguyenvan_40001_70002_my_ex02_v2.ipynb", "nguyenvan_40001", False, (70002, 0),
     "my_ex02_v2.ipynb"),
])
def test_canvas_names_are_read(name: str, student: str, late: bool, order: tuple[int, int],
                               filename: str) -> None:
    info = parse_canvas(name)
    assert info is not None
    assert (info.student, info.late, info.order, info.filename) == (student, late, order, filename)


@pytest.mark.parametrize("name", ["ex02-two-clubs.ipynb", "jane.ipynb", "smithjane_ex02.ipynb"])
def test_names_no_lms_wrote_are_not_read_as_canvas(name: str) -> None:
    assert parse_canvas(name) is None


def test_resubmission_suffix() -> None:
    assert resubmission("ex02-two-clubs-2.ipynb") == ("ex02-two-clubs.ipynb", 2)
    assert resubmission("ex02-two-clubs.ipynb") == ("ex02-two-clubs.ipynb", 0)


# --- Moodle: names as mod/assign/locallib.php download_submissions writes them ----------------

def test_moodle_names_are_read() -> None:
    flat = parse_moodle("Jane Smith_1234567_assignsubmission_file_ex02-two-clubs.ipynb")
    assert flat is not None
    assert (flat.student, flat.user_id, flat.filename) == (
        "Jane Smith_1234567", "1234567", "ex02-two-clubs.ipynb")
    folder = parse_moodle("Zoë Tremblay_1234568_assignsubmission_file_", "ex02-two-clubs.ipynb")
    assert folder is not None
    assert folder.student == "Zoë Tremblay_1234568"
    blind = parse_moodle("Participant_1234569_assignsubmission_file_", "notebook.ipynb")
    assert blind is not None
    assert blind.user_id == "1234569"


def canvas_download(root: Path) -> Path:
    """A Canvas bulk download of four students (two resubmitted, one late, one hidden file)."""
    d = root / "submissions"
    put(d, "smithjane_12345_67890_ex02-two-clubs.ipynb", "old = 1")
    put(d, "smithjane_LATE_12345_67891_ex02-two-clubs-1.ipynb", "new = 1")
    put(d, "tremblayzoe_12346_67900_ex02-two-clubs.ipynb")
    put(d, "leeminho_12347_67950_Untitled.ipynb", "first = 1")
    put(d, "leeminho_12347_67999_ex02-two-clubs.ipynb", "second = 1")
    put(d, "okaforchidi_LATE_12348_68001_ex02-two-clubs.ipynb")
    put(d, "__MACOSX/._smithjane_12345_67890_ex02-two-clubs.ipynb")
    put(d, ".DS_Store.ipynb")
    (d / "smithjane_12345_67892_notes.pdf").write_bytes(b"%PDF")
    return d


def test_canvas_latest_submission_wins_and_junk_is_skipped(tmp_path: Path) -> None:
    subs, _ = collect(canvas_download(tmp_path), EXERCISE)
    by = {s.student: s for s in subs}
    assert sorted(by) == ["leeminho_12347", "okaforchidi_12348", "smithjane_12345",
                          "tremblayzoe_12346"]
    jane = by["smithjane_12345"]
    assert jane.path is not None
    assert jane.path.name.endswith("67891_ex02-two-clubs-1.ipynb")
    assert jane.late
    assert jane.superseded == ["smithjane_12345_67890_ex02-two-clubs.ipynb"]
    assert "graded ex02-two-clubs-1.ipynb (named like ex02-two-clubs.ipynb, the last upload" \
        in jane.note
    assert by["leeminho_12347"].path.name.endswith("67999_ex02-two-clubs.ipynb")
    assert not by["tremblayzoe_12346"].late
    assert not by["tremblayzoe_12346"].note


def test_moodle_folders_newest_notebook_wins(tmp_path: Path) -> None:
    d = tmp_path / "moodle"
    put(d, "Jane Smith_1234567_assignsubmission_file_/ex02-two-clubs.ipynb", mtime=1_000)
    put(d, "Jane Smith_1234567_assignsubmission_file_/copy/ex02-two-clubs.ipynb", mtime=2_000)
    put(d, "Jane Smith_1234567_assignsubmission_file_/.ipynb_checkpoints/x-checkpoint.ipynb")
    put(d, "Zoë Tremblay_1234568_assignsubmission_file_ex02-two-clubs.ipynb")
    subs, _ = collect(d, EXERCISE)
    jane = next(s for s in subs if s.user_id == "1234567")
    assert jane.path is not None
    assert jane.path.parent.name == "copy"
    assert "2 notebooks" in jane.note
    assert "the newest file time" in jane.note
    assert [s.student for s in subs] == ["Jane Smith_1234567", "Zoë Tremblay_1234568"]


def test_stage_lays_out_the_class_folder_grade_reads(tmp_path: Path) -> None:
    subs, _ = stage(canvas_download(tmp_path), tmp_path / "class", EXERCISE)
    staged = sorted(p.relative_to(tmp_path / "class").as_posix()
                    for p in (tmp_path / "class").rglob("*.ipynb"))
    assert staged == [f"{s.student}/{EXERCISE}.ipynb" for s in subs]
    assert "new = 1" in (tmp_path / "class/smithjane_12345" / f"{EXERCISE}.ipynb").read_text()
    manifest = load_manifest(tmp_path / "class")
    assert {m.student: m.late for m in manifest}["okaforchidi_12348"] is True
    # Staging again (a newer download) replaces the folders; a foreign folder is refused.
    stage(canvas_download(tmp_path), tmp_path / "class", EXERCISE)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    with pytest.raises(LmsError, match="not empty"):
        stage(canvas_download(tmp_path), tmp_path / "other", EXERCISE)


def test_stage_never_follows_a_symbolic_link(tmp_path: Path) -> None:
    d = tmp_path / "submissions"
    secret = put(tmp_path, "solutions/ex02-two-clubs.ipynb", "answer = 42")
    d.mkdir()
    (d / "evilmallory_12349_68100_ex02-two-clubs.ipynb").symlink_to(secret)
    subs, _ = stage(d, tmp_path / "class", EXERCISE)
    assert subs[0].path is None
    assert "symbolic link" in subs[0].note
    assert not (tmp_path / "class" / subs[0].student).exists()


def test_anonymous_staging_leaves_no_name_in_the_class_folder(tmp_path: Path) -> None:
    key = Key(tmp_path / "key.json")
    subs, _ = stage(canvas_download(tmp_path), tmp_path / "class", EXERCISE, key)
    codes = [s.student for s in subs]
    assert all(c.startswith("S-") for c in codes)
    assert codes == sorted(codes)
    text = "\n".join(p.as_posix() for p in (tmp_path / "class").rglob("*"))
    text += (tmp_path / "class" / MANIFEST).read_text()
    for name in ("smithjane", "tremblayzoe", "leeminho", "okaforchidi", "12345"):
        assert name not in text
    # Stable: a second import with the same key gives the same codes.
    again, _ = stage(canvas_download(tmp_path), tmp_path / "class", EXERCISE,
                     Key(tmp_path / "key.json"))
    assert [s.student for s in again] == codes
    assert Key(tmp_path / "key.json").identity(codes[0])["user_id"].isdigit()


def test_a_plain_class_folder_can_be_staged_anonymously_too(tmp_path: Path) -> None:
    d = tmp_path / "class-raw"
    put(d, "Alice Martin.ipynb")
    put(d, "bob/ex02-two-clubs.ipynb", mtime=1_000)
    put(d, "bob/ex02-two-clubs (1).ipynb", mtime=2_000)
    put(d, "bob/__MACOSX/._ex02-two-clubs.ipynb")
    key = Key(tmp_path / "key.json")
    subs, _ = stage(d, tmp_path / "class", EXERCISE, key)
    assert len(subs) == 2
    assert {key.identity(s.student)["student"] for s in subs} == {"Alice Martin", "bob"}
    bob = next(s for s in subs if key.identity(s.student)["student"] == "bob")
    assert bob.path is not None
    assert bob.path.name == "ex02-two-clubs (1).ipynb"
    assert "2 notebooks" in bob.note
    with pytest.raises(LmsError, match="no notebook"):
        stage(tmp_path / "class-raw" / "bob" / "__MACOSX", tmp_path / "empty", EXERCISE)
