"""Finding and reading submissions: every defect becomes a clear problem for that student, never a crash."""

from __future__ import annotations

import errno
import json
import os
import stat
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from defence_course.exercise_format import META_KEY
from defence_course.grading.cells import added_text, cell_questions
from defence_course.grading.errors import GradingError
from defence_course.i18n.language import LANGUAGES

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
#: Folders a zip tool or Jupyter adds inside a student's folder, never their work.
JUNK_FOLDERS = ("__MACOSX", ".ipynb_checkpoints")
#: The class folder's record of an LMS import (`lms import`), naming the exercise it holds.
CLASS_MANIFEST = "submissions.json"
SYMLINK_PROBLEM = ("the submission is a symbolic link, which the grader does not follow: "
                   "submit the notebook file itself")


class SubmissionProblem(Exception):
    """A submission file cannot be graded at all; the message is written to its rows."""


@dataclass(frozen=True)
class Submission:
    """One student's notebook (or the reason there is none usable)."""

    student: str
    path: Path | None
    problem: str = ""
    note: str = ""  # which notebook was picked when there were several


def student_id(name: str) -> str:
    """Student ids come from file names: NFC-normalised so macOS and Linux folders agree.

    A name that is not valid UTF-8 (a zip made on Windows, say) reaches Python with lone
    surrogates, which no UTF-8 file can hold: writing the journal or grades.csv would then fail
    for the whole class. Its undecodable bytes are shown as `\\xNN` instead (still unique).
    """
    name = os.fsencode(name).decode("utf-8", "backslashreplace")
    return unicodedata.normalize("NFC", name).strip()


def check_class(folder: Path, exercise: str, found: list[Submission]) -> None:
    """A class folder with no student, or imported for another exercise, is the instructor's
    error: grading it would write empty files, or give everyone 0, without a word."""
    if not found:
        raise GradingError(f"no submission in {folder}: expected <student>.ipynb files or "
                           "<student>/ folders (or a folder made by `defence-course lms import`)")
    manifest = folder / CLASS_MANIFEST
    try:
        imported = json.loads(manifest.read_text(encoding="utf-8")).get("exercise")
    except (OSError, ValueError, AttributeError):
        return
    if isinstance(imported, str) and imported and imported != exercise:
        raise GradingError(f"{folder} was imported for {imported} ({manifest}), not {exercise}: "
                           f"grade it as {imported}, or import the {exercise} download into "
                           "another folder")


def discover(folder: Path, exercise: str) -> list[Submission]:
    """Find `<student>.ipynb` files and `<student>/<any>.ipynb` folders in the class folder."""
    if not folder.is_dir():
        raise GradingError(f"submissions folder not found: {folder}")
    found: dict[str, Submission] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and (entry.suffix == ".ipynb" or entry.is_dir()):
            # A link (e.g. unpacked from a student's zip) could point at solutions/ or at
            # another student's work: it is reported, never followed.
            student = student_id(entry.stem if entry.suffix == ".ipynb" else entry.name)
            sub = Submission(student, None, SYMLINK_PROBLEM)
        elif entry.is_file() and entry.suffix == ".ipynb":
            student, sub = student_id(entry.stem), Submission(student_id(entry.stem), entry)
        elif entry.is_dir():
            student = student_id(entry.name)
            sub = _from_folder(entry, student, exercise)
        else:
            continue
        if student in found:
            # Also two names that differ only by spaces at the ends or by Unicode form.
            sub = Submission(student, None, "two submissions have this student id (a file and "
                             "a folder, or names that differ only in spaces or accent encoding); "
                             "keep one")
        found[student] = sub
    return list(found.values())


def _junk(relative: Path) -> bool:
    """Hidden files and folders, `__MACOSX/` (macOS zips) and checkpoints are not submissions."""
    return any(part.startswith(".") or part in JUNK_FOLDERS for part in relative.parts)


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def _from_folder(folder: Path, student: str, exercise: str) -> Submission:
    """A student's folder: its one notebook; of several, the newest named like the exercise."""
    notebooks = sorted(p for p in folder.rglob("*.ipynb")
                       if not _junk(p.relative_to(folder)) and (p.is_symlink() or p.is_file()))
    if any(p.is_symlink() for p in notebooks):
        return Submission(student, None, SYMLINK_PROBLEM)
    if not notebooks:
        others = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                        if p.is_file() and not _junk(p.relative_to(folder)))
        return Submission(student, None, f"no notebook: {', '.join(others)}" if others
                          else "no .ipynb file in the student's folder")
    if len(notebooks) == 1:
        return Submission(student, notebooks[0])
    named = [p for p in notebooks if p.stem == exercise]
    if not named:
        return Submission(student, None, f"{len(notebooks)} notebooks in the folder and none "
                          f"is named {exercise}.ipynb: keep only the one to grade")
    newest = max(named, key=lambda p: (_mtime(p), str(p)))
    others = [str(p.relative_to(folder)) for p in notebooks if p != newest]
    return Submission(student, newest, note=(
        f"{len(notebooks)} notebooks in the folder: graded the newest named {exercise}.ipynb, "
        f"{newest.relative_to(folder)}; set aside: {', '.join(others)}"))


def _too_large() -> SubmissionProblem:
    return SubmissionProblem(f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB: clear "
                             "the outputs (Edit > Clear Outputs of All Cells) and save")


def read_submission(path: Path) -> bytes:
    """Read a submission without following a symbolic link and without loading a huge file.

    Every submission is read before grading starts (for the resume hash), so a file of
    several gigabytes must be refused from its size, not after it filled the grader's memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SubmissionProblem(SYMLINK_PROBLEM) from None
        raise SubmissionProblem(f"could not read the file: {error.strerror}") from None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SubmissionProblem("not a regular file: submit the .ipynb notebook file")
            if info.st_size > MAX_NOTEBOOK_BYTES:
                raise _too_large()
            return handle.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as error:
        raise SubmissionProblem(f"could not read the file: {error.strerror}") from None


def _valid_text(text: str) -> str:
    """Replace lone surrogates (JSON allows "\\ud800") by "?", so the text can be saved as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


@dataclass
class ParsedNotebook:
    """The parts of a notebook the grader needs, read in the trusted process."""

    code_cells: list[str]
    texts: dict[str, str]
    #: For each code cell, the question whose heading is above it (for messages).
    cell_questions: list[str | None] = field(default_factory=list)
    #: Markdown cells the student added (not handed out, not the tagged answer), by question.
    added: dict[str, list[str]] = field(default_factory=dict)
    #: The language the student's feedback is written in (the notebook's metadata says "fr").
    language: str = "en"


def notebook_language(nb: Mapping[str, object]) -> str:
    """`metadata.defence_course.language` when the course speaks it (a French exercise), else "en"."""
    meta = nb.get("metadata")
    info = meta.get(META_KEY) if isinstance(meta, dict) else None
    language = info.get("language") if isinstance(info, dict) else None
    return language if isinstance(language, str) and language in LANGUAGES else "en"


def parse_notebook(raw: bytes, handed_out: Iterable[str] = ()) -> ParsedNotebook:
    """Read a submission with the json module only; every defect is a clear SubmissionProblem."""
    if not raw.strip():
        raise SubmissionProblem("the file is empty: submit the saved .ipynb notebook")
    if len(raw) > MAX_NOTEBOOK_BYTES:
        raise _too_large()
    try:
        nb = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SubmissionProblem("not a notebook (the file is not valid JSON): submit the .ipynb "
                                "file saved by Jupyter, not a PDF, HTML or a renamed file") from None
    if not isinstance(nb, dict):
        raise SubmissionProblem("not a notebook (no cells): submit the .ipynb saved by Jupyter")
    version = nb.get("nbformat")
    if isinstance(version, int) and version < 4:
        raise SubmissionProblem(f"old notebook format (v{version}): open it in JupyterLab, save "
                                "it (this upgrades it to v4) and submit it again")
    cells = nb.get("cells")
    if version != 4 or not isinstance(cells, list):
        raise SubmissionProblem("not a Jupyter notebook (no nbformat 4 'cells' list): submit "
                                "the .ipynb file saved by Jupyter")
    code_cells: list[str] = []
    texts: dict[str, list[str]] = {}
    for cell in cells:
        if not isinstance(cell, dict):
            raise SubmissionProblem("corrupt notebook: a cell is not an object; re-save it "
                                    "in Jupyter")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise SubmissionProblem("corrupt notebook: a cell's source is not text")
        if cell.get("cell_type") == "code":
            code_cells.append(source)
        elif cell.get("cell_type") == "markdown":
            meta = cell.get("metadata", {})
            info = meta.get(META_KEY) if isinstance(meta, dict) else None
            qid = info.get("question") if isinstance(info, dict) else None
            if isinstance(qid, str):
                # Written answers end up in manual.csv and the journal (UTF-8 files).
                texts.setdefault(_valid_text(qid), []).append(_valid_text(source))
    added = {_valid_text(q): [_valid_text(t) for t in found]
             for q, found in added_text(cells, frozenset(handed_out), META_KEY).items()}
    return ParsedNotebook(code_cells, {q: "\n\n".join(t).strip() for q, t in texts.items()},
                          cell_questions(cells), added, notebook_language(nb))

