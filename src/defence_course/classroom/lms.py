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

from defence_course.atomic import atomic_write
from defence_course.classroom.anonymize import Key
from defence_course.errors import DefenceCourseError
from defence_course.grading.submissions import CLASS_MANIFEST

__all__ = [
    "MANIFEST",
    "Choice",
    "LmsError",
    "LmsFile",
    "Submission",
    "check_exercise",
    "choose",
    "collect",
    "is_notebook",
    "load_manifest",
    "named_like",
    "parse_canvas",
    "parse_moodle",
    "same_file_times",
    "stage",
]

MANIFEST = CLASS_MANIFEST
MANIFEST_VERSION = 1
#: Folders and files a zip tool or an OS adds, never a student's work.
JUNK_PARTS = ("__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini")

CANVAS = re.compile(r"^(?:(?P<name>.*?)_)??(?:(?P<late>late)_)?(?P<user>\d+)_(?P<file>\d+)_"
                    r"(?P<rest>.+)$", re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?P<plugin>[a-z]+)_"
                    r"(?P<rest>.*)$")
#: File endings read as notebooks (the grader then checks what is inside).
NOTEBOOK_ENDINGS = (".ipynb", ".ipynb.json")
RESUBMISSION = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)(?P<ext>\.[^.]+)$")


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
    #: Files of this student that are not notebooks (a PDF, a Word file): listed, not graded.
    skipped: list[str] = field(default_factory=list)
    #: The rule that picked the notebook (or why none was picked).
    rule: str = ""
    #: Canvas's id of the graded file (else of any of the student's files): Canvas matches an
    #: uploaded feedback file to the submission by it.
    file_id: str = ""


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


def is_notebook(filename: str) -> bool:
    """`.ipynb` in any case, and a browser's `.ipynb.json`: the grader reads what is inside
    (a file that is not a notebook becomes that student's error row, never a silent loss)."""
    lower = filename.lower()
    return lower.endswith(NOTEBOOK_ENDINGS)


def _stem(filename: str) -> str:
    """The file name without its notebook ending (`Jane.IPYNB` -> `Jane`)."""
    lower = filename.lower()
    for ending in NOTEBOOK_ENDINGS:
        if lower.endswith(ending):
            return filename[:-len(ending)]
    return Path(filename).stem


def named_like(exercise: str, filename: str) -> bool:
    """`ex02-two-clubs.ipynb`, `-1` and ` (1)` copies, `ex02-two-clubs v2.ipynb`, `..._final`:
    a notebook whose name starts with the exercise's (any case), not `scratch.ipynb`."""
    stem = _stem(filename).lower()
    ex = exercise.lower()
    return stem == ex or (stem.startswith(ex) and not stem[len(ex)].isalnum())


def _entries(download: Path) -> Iterator[tuple[LmsFile | None, Path]]:
    """Every file of the download with what its name says about its student.

    A name no LMS wrote is the grader's own layout (`<student>.ipynb`, `<student>/`); a file
    that is neither (a stray PDF at the top) has no student (None).
    """
    for entry in sorted(download.iterdir()):
        if _junk(entry.relative_to(download)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            for inner in sorted(entry.rglob("*")):
                if (inner.is_file() or inner.is_symlink()) and not _junk(
                        inner.relative_to(download)):
                    yield (parse_moodle(entry.name, inner.name)
                           or LmsFile("folder", "", entry.name, inner.name)), inner
        else:
            info = parse_moodle(entry.name) or parse_canvas(entry.name)
            if info is None and is_notebook(entry.name):
                info = LmsFile("folder", "", _stem(entry.name), entry.name)
            yield info, entry


def _mtime(path: Path) -> float | None:
    with contextlib.suppress(OSError):
        return path.lstat().st_mtime
    return None


@dataclass
class Choice:
    """The notebook that counts for one student, the rule that decided, and the rest."""

    picked: tuple[LmsFile, Path] | None
    rule: str
    notebooks: list[tuple[LmsFile, Path]]
    others: list[tuple[LmsFile, Path]]

    def note(self, names: bool = True) -> str:
        """What the import says about this student (file names left out when anonymous)."""
        def show(files: list[tuple[LmsFile, Path]]) -> str:
            return ", ".join(i.filename for i, _ in files) if names else f"{len(files)} file(s)"

        if self.picked is None:
            return f"{self.rule}: {show(self.notebooks or self.others)}"
        aside = [f for f in self.notebooks if f is not self.picked]
        if not aside:
            return ""
        return (f"{len(self.notebooks)} notebooks: graded "
                f"{self.picked[0].filename if names else 'one'} ({self.rule}); set aside: "
                + show(aside))


def choose(exercise: str, files: list[tuple[LmsFile, Path]]) -> Choice:
    """One student's notebook. A bulk download holds only each student's current submission
    (both LMSs), so every file of a student was handed in together: the notebook named like
    the exercise counts, of several the last upload (Canvas's file id) or the newest file
    (Moodle, folders); several notebooks and none named like it is the instructor's decision."""
    notebooks = [f for f in files if is_notebook(f[0].filename)]
    others = [f for f in files if not is_notebook(f[0].filename)]
    if not notebooks:
        return Choice(None, "no notebook", [], others)
    if len(notebooks) == 1:
        return Choice(notebooks[0], "the only notebook", notebooks, others)
    named = [f for f in notebooks if named_like(exercise, f[0].filename)]
    if not named:
        return Choice(None, f"{len(notebooks)} notebooks and none named like {exercise}.ipynb "
                      "(keep the one to grade and import again)", notebooks, others)
    if len(named) == 1:
        return Choice(named[0], f"the only one named like {exercise}.ipynb", notebooks, others)
    if named[0][0].lms == "canvas":
        picked = max(named, key=lambda f: f[0].order)
        return Choice(picked, f"named like {exercise}.ipynb, the last upload (Canvas file id)",
                      notebooks, others)
    picked = max(named, key=lambda f: (_mtime(f[1]) or 0.0, f[1].name))
    return Choice(picked, f"named like {exercise}.ipynb, the newest file time", notebooks, others)


def _group(info: LmsFile) -> tuple[str, str]:
    """Files belong together by the LMS's id (a name change keeps one student), else by name."""
    return (info.lms, info.user_id) if info.user_id else ("folder", info.name)


def _submission(exercise: str, files: list[tuple[LmsFile, Path]], download: Path) -> Submission:
    choice = choose(exercise, files)
    info, path = choice.picked or max(files, key=lambda f: f[0].order)
    names = sorted({i.name for i, _ in files if i.name} - {info.name})
    note = choice.note()
    if names:
        note = "; ".join(filter(None, [note, f"also named {', '.join(names)} in the download"]))
    linked = choice.picked is not None and path.is_symlink()
    if linked:
        note = "a symbolic link, not followed: ask for the notebook file"
    return Submission(
        info.student, info.lms, info.user_id, info.name,
        None if (linked or choice.picked is None) else path, late=any(i.late for i, _ in files),
        submitted_at=None if info.lms == "canvas" else _mtime(path),
        superseded=[str(p.relative_to(download)) for _, p in choice.notebooks
                    if choice.picked is None or p != path],
        note=note, skipped=[str(p.relative_to(download)) for _, p in choice.others],
        rule=choice.rule, file_id=str(info.order[0]) if info.lms == "canvas" else "")


def collect(download: Path, exercise: str) -> tuple[list[Submission], list[str]]:
    """Group a download by student (the LMS's id); also the files that belong to no student."""
    if not download.is_dir():
        raise LmsError(f"download folder not found: {download} (extract the LMS's zip first)")
    by_student: dict[tuple[str, str], list[tuple[LmsFile, Path]]] = {}
    unknown: list[str] = []
    for info, path in _entries(download):
        if info is None:
            unknown.append(str(path.relative_to(download)))
        else:
            by_student.setdefault(_group(info), []).append((info, path))
    subs = [_submission(exercise, files, download) for _, files in sorted(by_student.items())]
    return sorted(subs, key=lambda s: s.student), unknown


def same_file_times(subs: list[Submission]) -> str:
    """A warning when every file time of a download is the same: they say nothing about lateness."""
    stamps = {s.submitted_at for s in subs if s.submitted_at is not None}
    if len([s for s in subs if s.submitted_at is not None]) > 1 and len(stamps) == 1:
        return ("every file in the download has the same time: file times say nothing about "
                "lateness here; pass the LMS's times with --times")
    return ""


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
    code = key.code(sub.student, {"lms": sub.lms, "user_id": sub.user_id, "name": sub.name,
                                  "file_id": sub.file_id})
    count = len(sub.superseded) + (sub.path is not None)
    note = sub.note and (f"{count} notebooks: graded one ({sub.rule})" if sub.path is not None
                         else f"{sub.rule}: {count + len(sub.skipped)} file(s)")
    return Submission(code, sub.lms, "", "", sub.path, sub.late, sub.submitted_at,
                      [f"earlier file {n}" for n in range(1, len(sub.superseded) + 1)],
                      note, [f"file {n}" for n in range(1, len(sub.skipped) + 1)], sub.rule,
                      sub.file_id)


def check_exercise(exercise: str, root: Path) -> None:
    """The exercise has instructor checks in the course: a typo is an error, not a class
    folder that every later step grades as nothing."""
    checks = root / "instructor" / "checks"
    if (checks / f"{exercise}.yaml").is_file():
        return
    known = sorted(p.stem for p in checks.glob("*.yaml"))
    raise LmsError(f"no exercise {exercise!r} in {root} ({checks}); known exercises: "
                   f"{', '.join(known) or 'none'}")


def _lay_out(sub: Submission, folder: Path, download: Path, exercise: str,
             anonymous: bool) -> None:
    """The counted notebook as EXERCISE.ipynb; with none counted, the student's files as they
    are, so `grade` gives the student an error row naming them instead of losing them."""
    if sub.path is not None:
        _copy(sub.path, folder / f"{exercise}.ipynb")
        return
    if sub.note.startswith("a symbolic link"):
        return
    for n, relative in enumerate([*sub.superseded, *sub.skipped], start=1):
        source = download / relative
        name = f"file-{n}{''.join(source.suffixes[-2:])}" if anonymous else source.name
        with contextlib.suppress(LmsError):  # a link among them is not followed
            _copy(source, folder / name)


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
        raise LmsError(f"no notebook or other student file in {download}: expected the "
                       f"extracted download, e.g. "
                       f"smithjane_12345_67890_{exercise}.ipynb (Canvas), "
                       f"'Jane Smith_1234567_assignsubmission_file_/' (Moodle) or "
                       "<student>.ipynb files")
    for old in load_manifest(dest):
        shutil.rmtree(dest / old.student, ignore_errors=True)
    staged = subs
    if key is not None:
        staged = [_anonymous(s, key) for s in subs]
        key.save()
    for sub, named in zip(subs, staged, strict=True):
        _lay_out(sub, dest / named.student, download, exercise, key is not None)
    if key is not None:
        staged.sort(key=lambda s: s.student)
    records = [{**asdict(s), "path": None if (s.path is None or key is not None)
                else str(s.path.relative_to(download))} for s in staged]
    atomic_write(dest / MANIFEST, json.dumps(
        {"version": MANIFEST_VERSION, "exercise": exercise, "download": str(download),
         "anonymous": key is not None, "submissions": records, "not_understood": unknown},
        indent=1, ensure_ascii=False))
    return staged, unknown


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
