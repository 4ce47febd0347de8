"""Canvas and Moodle bulk downloads in (one folder per student, latest submission wins).

The names each LMS gives the files of a bulk download, as their source code writes them:

- **Canvas** ("Download Submissions"; canvas-lms `app/models/content_zipper.rb`,
  `get_filename` and `add_upload_submission`): `<name>[_LATE]_<user id>_<file id>_<file name>`,
  where `<name>` is the sortable name ("Smith, Jane") with every non-word character removed and
  lower-cased (`smithjane`), absent under anonymous grading; `LATE` (written `late` since the
  name is lower-cased) when Canvas counts the submission late; `<file id>` grows with every
  upload. A student who uploads a file with the name of an earlier one gets `-1`, `-2`, ... before
  the extension (`ex02-two-clubs-1.ipynb`).
- **Moodle** ("Download all submissions"; Moodle `mod/assign/locallib.php`,
  `download_submissions`): `<Full Name>_<participant id>_assignsubmission_file_<file name>`
  (flat), or a folder `<Full Name>_<participant id>_assignsubmission_file_/` holding the
  student's files (the "Download submissions in folders" default since Moodle 3.1). Under blind
  marking the name is `Participant`. The participant id is the one the grading worksheet's
  `Identifier` column carries (`Participant 1234567`), which `gradebook.py` writes back.

`collect` reads such a download (zip already extracted) and `stage` lays it out as the class
folder `grade` reads: `<student>/<EXERCISE>.ipynb`, plus `submissions.json` with each student's
LMS id, name, late marker, time stamp and the earlier files that were superseded.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write
from defence_course.classroom.anonymize import Key
from defence_course.errors import DefenceCourseError

__all__ = ["MANIFEST", "LmsError", "LmsFile", "Submission", "collect", "load_manifest",
           "parse_canvas", "parse_moodle", "stage"]

MANIFEST = "submissions.json"
MANIFEST_VERSION = 1
#: Folders and files a zip tool or an OS adds, never a student's work.
JUNK_PARTS = ("__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini")

CANVAS = re.compile(r"^(?:(?P<name>.*?)_)??(?:(?P<late>late)_)?(?P<user>\d+)_(?P<file>\d+)_"
                    r"(?P<rest>.+)$", re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?P<plugin>[a-z]+)_"
                    r"(?P<rest>.*)$")
RESUBMISSION = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)(?P<ext>\.[^.]+)$")
#: A browser's name for a second download of the same file: `ex02-two-clubs (1).ipynb`.
COPY = re.compile(r"^(?P<stem>.+?) \(\d+\)(?P<ext>\.[^.]+)$")


class LmsError(DefenceCourseError):
    """A download cannot be read or staged; the message says what to fix."""


@dataclass(frozen=True)
class LmsFile:
    """One file of a bulk download, with what its name says about who sent it and when."""

    lms: str
    user_id: str
    name: str
    filename: str
    late: bool = False
    order: tuple[int, int] = (0, 0)

    @property
    def student(self) -> str:
        """The grader's student id: readable and unique (the LMS id is part of it)."""
        if not self.user_id:  # the grader's own layout: <student>.ipynb or <student>/
            return self.name
        return f"{self.name}_{self.user_id}" if self.name else self.user_id


@dataclass
class Submission:
    """The notebook that counts for one student, and the files it superseded."""

    student: str
    lms: str
    user_id: str
    name: str
    path: Path | None
    late: bool = False
    submitted_at: float | None = None
    superseded: list[str] = field(default_factory=list)
    note: str = ""


def resubmission(filename: str) -> tuple[str, int]:
    """`ex02-two-clubs-1.ipynb` -> (`ex02-two-clubs.ipynb`, 1): Canvas's suffix for a re-upload."""
    match = RESUBMISSION.match(filename)
    if not match:
        return filename, 0
    return match["stem"] + match["ext"], int(match["n"])


def parse_canvas(filename: str) -> LmsFile | None:
    """Read a Canvas download name, or None when the name is not shaped like one."""
    match = CANVAS.match(filename)
    if not match:
        return None
    _, again = resubmission(match["rest"])
    return LmsFile("canvas", match["user"], (match["name"] or "").lower(), match["rest"],
                   late=bool(match["late"]), order=(int(match["file"]), again))


def parse_moodle(top: str, inner: str = "") -> LmsFile | None:
    """Read a Moodle download entry: a flat file name, or a student folder and a file in it."""
    match = MOODLE.match(top)
    if not match:
        return None
    filename = inner or match["rest"]
    return LmsFile("moodle", match["user"], match["name"], filename)


def _junk(path: Path) -> bool:
    """Hidden files, `__MACOSX/` (macOS zips) and checkpoints are never a submission."""
    return any(part.startswith(".") or part in JUNK_PARTS for part in path.parts)


def _entries(download: Path) -> Iterator[tuple[LmsFile | None, Path]]:
    """Every notebook of the download with what its name says about its student.

    A name no LMS wrote is the grader's own layout (`<student>.ipynb`, `<student>/`).
    """
    for entry in sorted(download.iterdir()):
        if _junk(entry.relative_to(download)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            for inner in sorted(entry.rglob("*")):
                if inner.suffix == ".ipynb" and not _junk(inner.relative_to(download)):
                    yield (parse_moodle(entry.name, inner.name)
                           or LmsFile("folder", "", entry.name, inner.name)), inner
        elif entry.suffix == ".ipynb":
            yield (parse_moodle(entry.name) or parse_canvas(entry.name)
                   or LmsFile("folder", "", entry.stem, entry.name)), entry


def _mtime(path: Path) -> float | None:
    with contextlib.suppress(OSError):
        return path.lstat().st_mtime
    return None


def _latest(exercise: str, files: list[tuple[LmsFile, Path]]) -> tuple[LmsFile, Path, str]:
    """Latest submission wins: Canvas's file id (uploads are numbered in order), else a
    notebook named like the exercise (`-1` and ` (1)` copies too) over scratch notebooks, the
    newest first; the note names the file graded and the ones set aside."""
    def key(item: tuple[LmsFile, Path]) -> tuple[Any, ...]:
        info, path = item
        plain = resubmission(info.filename)[0]
        named = COPY.sub(r"\g<stem>\g<ext>", plain) == f"{exercise}.ipynb"
        return (info.order, named, _mtime(path) or 0.0, path.name)

    ranked = sorted(files, key=key)
    info, path = ranked[-1]
    note = ""
    if len(ranked) > 1:
        rule = "the last upload" if info.lms == "canvas" else "the newest notebook"
        note = (f"{len(ranked)} notebooks: graded {info.filename} ({rule}); earlier: "
                + ", ".join(i.filename for i, _ in ranked[:-1]))
    return info, path, note


def collect(download: Path, exercise: str) -> tuple[list[Submission], list[str]]:
    """Group a download by student (latest submission wins); also the names not understood."""
    if not download.is_dir():
        raise LmsError(f"download folder not found: {download} (extract the LMS's zip first)")
    by_student: dict[str, list[tuple[LmsFile, Path]]] = {}
    unknown: list[str] = []
    for info, path in _entries(download):
        if info is None:
            unknown.append(str(path.relative_to(download)))
        else:
            by_student.setdefault(info.student, []).append((info, path))
    subs = []
    for student, files in sorted(by_student.items()):
        info, path, note = _latest(exercise, files)
        linked = path.is_symlink()
        subs.append(Submission(
            student, info.lms, info.user_id, info.name, None if linked else path,
            late=info.late, submitted_at=_mtime(path),
            superseded=[str(p.relative_to(download)) for _, p in files if p != path],
            note="a symbolic link, not followed: ask for the notebook file" if linked else note))
    return subs, unknown


def _copy(source: Path, target: Path) -> None:
    """Copy a student's file without following a link planted in the download."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LmsError(f"{source} is a symbolic link; it is not followed") from None
        raise
    target.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(fd, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    info = source.lstat()
    os.utime(target, (info.st_atime, info.st_mtime))


def _anonymous(sub: Submission, key: Key) -> Submission:
    """The same submission under its code: nothing in it names the student."""
    code = key.code(sub.student, {"lms": sub.lms, "user_id": sub.user_id, "name": sub.name})
    return Submission(code, sub.lms, "", "", sub.path, sub.late, sub.submitted_at,
                      [f"earlier file {n}" for n in range(1, len(sub.superseded) + 1)],
                      re.sub(r"earlier: .*", "earlier files superseded", sub.note))


def stage(download: Path, dest: Path, exercise: str, key: Key | None = None
          ) -> tuple[list[Submission], list[str]]:
    """Lay out `dest/<student>/<EXERCISE>.ipynb` for `grade`, with `dest/submissions.json`.

    `dest` is new or a folder this function made before (it has a `submissions.json`): student
    folders of the earlier run are replaced, so staging a newer download again is safe. With a
    `key`, students are staged under their anonymous codes, in code order.
    """
    download, dest = download.resolve(), dest.resolve()
    if dest == download or download in dest.parents or dest in download.parents:
        raise LmsError(f"the class folder {dest} must be outside the download {download}")
    if dest.exists() and any(dest.iterdir()) and not (dest / MANIFEST).is_file():
        raise LmsError(f"{dest} is not empty and was not made by `lms import`; choose a new "
                       "folder")
    subs, unknown = collect(download, exercise)
    if not subs:
        raise LmsError(f"no notebook in {download}: expected the extracted download, e.g. "
                       f"smithjane_12345_67890_{exercise}.ipynb (Canvas), "
                       f"'Jane Smith_1234567_assignsubmission_file_/' (Moodle) or "
                       "<student>.ipynb files")
    if key is not None:
        subs = sorted((_anonymous(s, key) for s in subs), key=lambda s: s.student)
        key.save()
    for old in load_manifest(dest):
        shutil.rmtree(dest / old.student, ignore_errors=True)
    for sub in subs:
        if sub.path is not None:
            _copy(sub.path, dest / sub.student / f"{exercise}.ipynb")
    records = [{**asdict(s), "path": None if (s.path is None or key is not None)
                else str(s.path.relative_to(download))} for s in subs]
    atomic_write(dest / MANIFEST, json.dumps(
        {"version": MANIFEST_VERSION, "exercise": exercise, "download": str(download),
         "anonymous": key is not None, "submissions": records, "not_understood": unknown},
        indent=1, ensure_ascii=False))
    return subs, unknown


def load_manifest(folder: Path) -> list[Submission]:
    """The submissions recorded by `stage` in a class folder (none when there is no manifest)."""
    path = folder / MANIFEST
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Submission(**{**r, "path": Path(r["path"]) if r["path"] else None})
                for r in data["submissions"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LmsError(f"{path}: unreadable ({error}); run `defence-course lms import` "
                       "again") from None
