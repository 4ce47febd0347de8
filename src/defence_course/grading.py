"""The grader: runs each submission in a sandbox, compares plain answers, writes grades and feedback."""

from __future__ import annotations

import ast
import contextlib
import csv
import errno
import hashlib
import html
import importlib.util
import io
import json
import os
import queue
import re
import shutil
import stat
import string
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defence_course.checks import MISSING, ExerciseSpec, Question, grade_question, load_spec
from defence_course.errors import DefenceCourseError
from defence_course.exercises import ANSWER_PROMPT, META_KEY, course_root
from defence_course.sandbox import (
    Job,
    Limits,
    RunResult,
    Sandbox,
    SandboxConfig,
    SandboxError,
    choose_mode,
)

__all__ = ["CSV_COLUMNS", "STATUSES", "GradingError", "Summary", "grade"]

CSV_COLUMNS = ["student", "exercise", "question", "points", "max_points", "status", "message"]
MANUAL_COLUMNS = ["student", "exercise", "question", "max_points", "points", "rubric", "answer"]
STATUSES = ("passed", "failed", "error", "timeout", "missing", "manual")
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
JOURNAL_VERSION = 1
HASHED_NAME = re.compile(r"-[0-9a-f]{10}$")  # ids shaped like a hashed name are hashed too
FEEDBACK_NAME_BYTES = 200  # + "-<hash>.md" stays under the usual 255-byte file-name limit
SYMLINK_PROBLEM = ("the submission is a symbolic link, which the grader does not follow: "
                   "submit the notebook file itself")
#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class GradingError(DefenceCourseError):
    """The instructor's command cannot run (missing exercise, folder, bad manual.csv...)."""


class SubmissionProblem(Exception):
    """A submission file cannot be graded at all; the message is written to its rows."""


# --------------------------------------------------------------------------------------------
# Submissions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """One student's notebook (or the reason there is none usable)."""

    student: str
    path: Path | None
    problem: str = ""


def _student_id(name: str) -> str:
    """Student ids come from file names: NFC-normalised so macOS and Linux folders agree.

    A name that is not valid UTF-8 (a zip made on Windows, say) reaches Python with lone
    surrogates, which no UTF-8 file can hold: writing the journal or grades.csv would then fail
    for the whole class. Its undecodable bytes are shown as `\\xNN` instead (still unique).
    """
    name = os.fsencode(name).decode("utf-8", "backslashreplace")
    return unicodedata.normalize("NFC", name).strip()


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
            student = _student_id(entry.stem if entry.suffix == ".ipynb" else entry.name)
            sub = Submission(student, None, SYMLINK_PROBLEM)
        elif entry.is_file() and entry.suffix == ".ipynb":
            student, sub = _student_id(entry.stem), Submission(_student_id(entry.stem), entry)
        elif entry.is_dir():
            student = _student_id(entry.name)
            notebooks = sorted(p for p in entry.rglob("*.ipynb")
                               if ".ipynb_checkpoints" not in p.parts
                               and (p.is_symlink() or p.is_file()))
            if any(p.is_symlink() for p in notebooks):
                sub = Submission(student, None, SYMLINK_PROBLEM)
            elif not notebooks:
                sub = Submission(student, None, "no .ipynb file in the student's folder")
            elif len(notebooks) == 1:
                sub = Submission(student, notebooks[0])
            else:
                named = [p for p in notebooks if p.stem == exercise]
                sub = (Submission(student, named[0]) if len(named) == 1 else Submission(
                    student, None, f"{len(notebooks)} notebooks in the folder; keep only one "
                    f"(or name it {exercise}.ipynb)"))
        else:
            continue
        if student in found:
            # Also two names that differ only by spaces at the ends or by Unicode form.
            sub = Submission(student, None, "two submissions have this student id (a file and "
                             "a folder, or names that differ only in spaces or accent encoding); "
                             "keep one")
        found[student] = sub
    return list(found.values())


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


def parse_notebook(raw: bytes) -> ParsedNotebook:
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
    return ParsedNotebook(code_cells, {q: "\n\n".join(t).strip() for q, t in texts.items()})


# --------------------------------------------------------------------------------------------
# Grading one submission
# --------------------------------------------------------------------------------------------


def build_job(parsed: ParsedNotebook, spec: ExerciseSpec) -> Job:
    """The sandbox request: the learner's code and the names (and calls) to report back."""
    answers = [{"name": q.answer, "kind": q.kind, "calls": [[a, k] for a, k in q.calls]}
               for q in spec.questions if q.kind != "manual"]
    # IPython syntax (%magic, !shell) is turned into Python inside the sandbox, under the time
    # limit: IPython's transformer can take minutes on a crafted cell (see _worker.python_source).
    return Job(parsed.code_cells, answers)


def _row(student: str, spec: ExerciseSpec, q: Question, status: str, points: float | None,
         message: str, checks: Iterable[Any] = ()) -> dict[str, Any]:
    return {"student": student, "exercise": spec.exercise, "question": q.id,
            "points": points, "max_points": q.points, "status": status, "message": message,
            "checks": [[c.number, c.public, c.passed, c.message, c.hint] for c in checks]}


def rows_for_problem(student: str, spec: ExerciseSpec, message: str,
                     status: str = "error") -> list[dict[str, Any]]:
    """Every question of a submission that could not be run gets the same error row."""
    return [_row(student, spec, q, status, 0.0, message) for q in spec.questions]


def rows_for_run(student: str, spec: ExerciseSpec, parsed: ParsedNotebook,
                 run: RunResult) -> list[dict[str, Any]]:
    """Grade every question from the sandbox's plain answers (never from the learner's objects)."""
    rows = []
    for q in spec.questions:
        if q.kind == "manual":
            text = parsed.texts.get(q.id, "").strip()
            if not text or text == ANSWER_PROMPT.format(qid=q.id).strip():
                rows.append(_row(student, spec, q, "missing", 0.0,
                                 "no written answer (the answer cell is empty or unchanged)"))
            else:
                rows.append(_row(student, spec, q, "manual", None,
                                 "written answer: graded by the instructor"))
            continue
        if run.status in ("crashed", "invalid") or (run.status == "timeout" and not run.answers):
            status = "timeout" if run.status == "timeout" else "error"
            rows.append(_row(student, spec, q, status, 0.0, run.message))
            continue
        answer = run.answers.get(q.answer, MISSING)
        if isinstance(answer, dict) and answer.get("__type__") == "missing":
            answer = MISSING
        if answer is MISSING:
            status, message = _why_missing(q, parsed, run)
            rows.append(_row(student, spec, q, status, 0.0, message))
            continue
        outcome = grade_question(q, answer, spec.exercise)
        status = outcome.status
        calls = answer.get("calls", {}) if isinstance(answer, dict) else {}
        if status == "failed" and isinstance(calls, dict) and any(
                isinstance(r, dict) and r.get("error") == "timed out" for r in calls.values()):
            status = "timeout"
        rows.append(_row(student, spec, q, status, outcome.points, outcome.message,
                         outcome.checks))
    return rows


def _why_missing(q: Question, parsed: ParsedNotebook, run: RunResult) -> tuple[str, str]:
    if run.timed_out_cell is not None and run.timed_out_cell >= 0:
        return "timeout", (f"cell {run.timed_out_cell + 1} ran past the time limit and was "
                           f"stopped before `{q.answer}` was defined")
    if run.timed_out_cell is not None:  # -1: time ran out calling function answers afterwards
        return "timeout", (f"the time limit ran out while calling the function answers, before "
                           f"`{q.answer}` could be read")
    name = re.compile(rf"\b{re.escape(q.answer)}\b")
    for index, error in run.cell_errors:
        if 0 <= index < len(parsed.code_cells) and name.search(parsed.code_cells[index]):
            return "error", f"`{q.answer}` is not defined: cell {index + 1} raised {error}"
    return "missing", f"`{q.answer}` is not defined in the notebook"


# --------------------------------------------------------------------------------------------
# Journal (resume) and atomic files
# --------------------------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, text: str) -> None:
    """Write a file so a crash leaves either the old or the new version, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Short temp name: `path.name` may already be close to the 255-byte file-name limit.
    tag = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    tmp = path.with_name(f".{tag}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _lock(path: Path) -> io.TextIOWrapper:
    """Hold an exclusive lock for this output and exercise, so two runs never interleave."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise GradingError(f"another `grade` run is writing {path.name[1:-5]} (lock {path}); "
                           "wait for it to finish") from None
    return handle


class Journal:
    """One JSON file per finished student in a hidden folder next to grades.csv."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, student: str) -> Path:
        return self.folder / (hashlib.sha256(student.encode()).hexdigest()[:24] + ".json")

    def clear(self) -> None:
        """Forget every finished student (--regrade)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def load(self, student: str) -> dict[str, Any] | None:
        """The saved record, or None when absent or unreadable (then the student is regraded)."""
        try:
            record = json.loads(self._path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("version") != JOURNAL_VERSION:
            return None
        return record if record.get("student") == student else None

    def save(self, record: dict[str, Any]) -> None:
        """Persist one student's results (fsync'ed, atomic)."""
        atomic_write(self._path(record["student"]), json.dumps(record, ensure_ascii=False))


# --------------------------------------------------------------------------------------------
# Manual grading
# --------------------------------------------------------------------------------------------


def csv_text(text: str) -> str:
    """Quote a cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `@SUM`).

    Students choose their file names (the student id) and their written answers, and the
    instructor opens grades.csv and manual.csv in a spreadsheet: such a cell gets a leading
    `'`. A leading `'` already followed by one of those characters gets one more, so
    `csv_plain` restores every text exactly when manual.csv is read back.
    """
    if text.startswith(FORMULA_START) or (text[:1] == "'" and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def csv_plain(text: str) -> str:
    """Undo `csv_text` (for the student ids and answers read back from manual.csv)."""
    if text[:1] == "'" and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


def read_manual(path: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    """Existing manual.csv rows keyed by (student, exercise, question); validated later."""
    if not path.is_file():
        return {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"student", "exercise", "question", "points"} - set(reader.fieldnames or [])
            if missing:
                raise GradingError(f"{path}: missing column(s) {sorted(missing)}; restore the "
                                   f"header {','.join(MANUAL_COLUMNS)} (comma-separated)")
            rows = {}
            for row in reader:
                row = {key: value if key == "points" else csv_plain(value or "")
                       for key, value in row.items() if isinstance(key, str)}
                rows[(_student_id(row["student"]), row["exercise"], row["question"])] = row
            return rows
    except UnicodeDecodeError:
        # A spreadsheet saved it in a legacy encoding (Excel's plain "CSV" on Windows).
        raise GradingError(f"{path}: not UTF-8 text; save it as \"CSV UTF-8\" and re-run the "
                           "same grade command") from None
    except csv.Error as error:
        raise GradingError(f"{path}: not a readable CSV file ({error}); restore it from the "
                           "copy the grader wrote, then fill in `points` again") from None


def manual_points(path: Path, row: dict[str, str], max_points: float, line: str
                  ) -> float | None:
    """Parse the instructor's points: blank = not graded yet; anything else must be valid."""
    text = (row.get("points") or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        points = float(text)
    except ValueError:
        raise GradingError(f"{path}: {line}: points {row.get('points')!r} is not a number; "
                           "write a number such as 2 or 1.5, or leave it blank") from None
    if not 0 <= points <= max_points:
        raise GradingError(f"{path}: {line}: points {points:g} outside 0..{max_points:g}; fix it "
                           "and re-run the same grade command")
    return points


def write_manual(path: Path, existing: dict[tuple[str, str, str], dict[str, str]],
                 records: list[dict[str, Any]], spec: ExerciseSpec) -> None:
    """Rewrite manual.csv: keep the instructor's points, add new answers, keep other exercises."""
    rubrics = {q.id: q.rubric.strip() for q in spec.questions}
    merged = dict(existing)
    for record in records:
        for qid, text in record.get("manual_answers", {}).items():
            key = (record["student"], spec.exercise, qid)
            old = merged.get(key, {})
            merged[key] = {
                "student": record["student"], "exercise": spec.exercise, "question": qid,
                "max_points": f"{spec.question(qid).points:g}",
                "points": old.get("points", "") or "",
                "rubric": rubrics.get(qid, ""), "answer": text,
            }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANUAL_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for key in sorted(merged):
        writer.writerow({c: merged[key].get(c, "") if c in ("points", "max_points")
                         else csv_text(merged[key].get(c, "")) for c in MANUAL_COLUMNS})
    atomic_write(path, buffer.getvalue())


# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

FEEDBACK = string.Template("""# Feedback: $title

Student: **$student** · Total: **$total / $max_points** points

| Question | Status | Points | Message |
|---|---|---|---|
$table

$details
*Hidden checks run only at grading; their content is not shown. Written answers are graded by
your instructor against a rubric.*
""")


def _md_cell(text: str) -> str:
    return html.escape(text.replace("\n", " "), quote=False).replace("|", "\\|")


def feedback_text(spec: ExerciseSpec, student: str, rows: list[dict[str, Any]]) -> str:
    """One student's Markdown feedback: each question's result and each check's (no hidden code)."""
    table, details = [], []
    for row in rows:
        points = "" if row["points"] is None else f"{row['points']:g}"
        table.append(f"| {row['question']} | {row['status']} | {points} / "
                     f"{row['max_points']:g} | {_md_cell(row['message'])} |")
        lines = []
        for number, public, passed, message, hint in row.get("checks", []):
            label = f"check {number}" if public else f"hidden check {number}"
            result = "passed" if passed else "failed"
            extra = f": {message.rstrip('.')}." if (message and not passed and public) else ""
            tip = f" Hint: {hint}" if (hint and not passed) else ""
            lines.append(f"- {label}: {result}{_md_cell(extra)}{_md_cell(tip)}")
        if lines:
            details.append(f"**{row['question']}**\n\n" + "\n".join(lines) + "\n")
    graded = [r for r in rows if r["points"] is not None]
    total = sum(r["points"] for r in graded)
    pending = any(r["status"] == "manual" and r["points"] is None for r in rows)
    return FEEDBACK.substitute(
        title=_md_cell(spec.title), student=_md_cell(student), total=f"{total:g}",
        max_points=f"{spec.max_points:g}" + (" (written answers not graded yet)" if pending
                                             else ""),
        table="\n".join(table), details="\n".join(details))


def _feedback_name(student: str) -> str:
    """`<student>.md`, always a valid file name that no other student's name maps to.

    A student id can be up to 255 bytes long (a folder name), and characters are replaced:
    then a short hash of the id keeps the name unique and under the file-name limit, so one
    student's name can neither stop the run (ENAMETOOLONG) nor overwrite another's feedback.
    """
    safe = student.replace("/", "_").replace("\\", "_").replace("\x00", "")
    if (safe and safe == student and len(safe.encode()) <= FEEDBACK_NAME_BYTES
            and not HASHED_NAME.search(safe)):
        return safe + ".md"
    while len(safe.encode()) > FEEDBACK_NAME_BYTES:
        safe = safe[:-1]
    digest = hashlib.sha256(student.encode()).hexdigest()[:10]
    return f"{safe or 'student'}-{digest}.md"


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What the closing summary reports (also returned to tests)."""

    students: int = 0
    graded_now: int = 0
    resumed: int = 0
    mean: float = 0.0
    max_points: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    most_failed: list[tuple[str, int]] = field(default_factory=list)
    sandbox: str = ""
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False

    def text(self) -> str:
        """The summary as printed after grading."""
        lines = [
            f"Graded {self.students} student(s) ({self.graded_now} now, {self.resumed} kept from "
            f"an earlier run); mean {self.mean:.2f} / {self.max_points:g} points.",
            "Statuses: " + ", ".join(f"{s} {self.status_counts.get(s, 0)}" for s in STATUSES),
        ]
        if self.most_failed:
            lines.append("Most failed: " + ", ".join(
                f"{q} ({n} of {self.students})" for q, n in self.most_failed))
        lines.append(f"Sandbox: {self.sandbox}")
        return "\n".join(lines)


def _preload_modules(root: Path, exercise: str) -> tuple[str, ...]:
    """Modules the solution imports (read in the trusted parent), to import once per zygote."""
    names = ["pandas", "numpy", "IPython.core.inputtransformer2"]  # the last for %magic lines
    path = root / "solutions" / f"{exercise}.ipynb"
    with contextlib.suppress(OSError, ValueError, SubmissionProblem):
        for cell in parse_notebook(path.read_bytes()).code_cells:
            with contextlib.suppress(SyntaxError, ValueError):
                for node in ast.walk(ast.parse(cell)):
                    if isinstance(node, ast.Import):
                        names += [a.name for a in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        names.append(node.module)
    keep = []
    for name in dict.fromkeys(names):
        with contextlib.suppress(ImportError, ValueError):
            if importlib.util.find_spec(name.split(".")[0]) is not None:
                keep.append(name)
    return tuple(keep)


def _data_dir(root: Path) -> Path:
    env = os.environ.get("DEFENCE_COURSE_DATA")
    if env:
        return Path(env).resolve()
    return (root / "data").resolve()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Progress:
    """A rich progress bar on a terminal; silence otherwise (logs and CI stay clean)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        if enabled and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("grading", total=total)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def grade(exercise: str, submissions: Path, out: Path, *, jobs: int | None = None,
          limits: Limits | None = None, feedback: Path | None = None, regrade: bool = False,
          manual: Path | None = None, sandbox: str = "auto", root: Path | None = None,
          progress: bool | None = None, warn: Callable[[str], None] | None = None) -> Summary:
    """Grade a class folder for one exercise; see docs/grading.md for every file it writes."""
    root = (root or course_root()).resolve()
    spec_path = root / "instructor" / "checks" / f"{exercise}.yaml"
    if not spec_path.is_file():
        known = sorted(p.stem for p in (root / "instructor" / "checks").glob("*.yaml"))
        raise GradingError(f"no instructor checks for {exercise!r} ({spec_path}); known "
                           f"exercises: {', '.join(known) or 'none'}")
    spec = load_spec(spec_path)
    limits = limits or Limits()
    jobs = max(1, jobs or os.cpu_count() or 1)
    out = out.resolve()
    if out.suffix.lower() != ".csv":
        raise GradingError(f"--out must name a .csv file, got {out}")
    submissions = submissions.resolve()
    feedback = (feedback or out.parent / f"feedback-{exercise}").resolve()
    manual = (manual or out.parent / "manual.csv").resolve()
    for folder, label in ((out.parent, "--out"), (feedback, "--feedback")):
        if folder == submissions or submissions in folder.parents:
            raise GradingError(f"{label} must not be inside the submissions folder {submissions}")
    warn = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    existing_manual = read_manual(manual)
    journal = Journal(out.parent / f".{out.stem}.{exercise}.state")
    lock = _lock(journal.folder.with_name(journal.folder.name + ".lock"))
    try:
        if regrade:
            journal.clear()
        students = discover(submissions, exercise)
        fingerprint = spec.fingerprint()
        summary = Summary(max_points=spec.max_points)

        records: dict[str, dict[str, Any]] = {}
        todo: list[tuple[Submission, bytes | None]] = []
        for sub in students:
            data = None
            if sub.path is not None:
                try:
                    data = read_submission(sub.path)
                except SubmissionProblem as problem:
                    sub = Submission(sub.student, None, str(problem))
            digest = _sha256(data) if data is not None else ""
            record = journal.load(sub.student)
            if (record and data is not None and record.get("sha256") == digest
                    and record.get("fingerprint") == fingerprint):
                records[sub.student] = record
                summary.resumed += 1
            else:
                todo.append((sub, data))

        mode = "none"
        if any(data is not None for _, data in todo):
            mode, warning = choose_mode(sandbox)
            if warning:
                warn(warning)
                summary.warnings.append(warning)
        summary.sandbox = f"{mode}, {jobs} job(s), timeout {limits.timeout:g} s, memory " \
                          f"{limits.memory_bytes / 2**30:g} GiB"
        interrupted = threading.Event()
        preload = _preload_modules(root, exercise)
        if any(data is not None and b"matplotlib" in data for _, data in todo) and \
                importlib.util.find_spec("matplotlib") is not None:
            # Importing pyplot costs ~0.4 s (font cache) per process: pay it once per sandbox.
            preload = (*preload, "matplotlib.pyplot")
        config = SandboxConfig(mode, limits, _data_dir(root), preload)
        slots: queue.Queue[Sandbox] = queue.Queue()
        started: list[Sandbox] = []
        start_lock = threading.Lock()

        def acquire() -> Sandbox:
            try:
                return slots.get_nowait()
            except queue.Empty:
                pass
            with start_lock:
                if len(started) < jobs:
                    box = Sandbox(config, len(started))
                    started.append(box)
                else:
                    box = None
            if box is None:
                return slots.get()
            box.start()
            return box

        def work(sub: Submission, data: bytes | None) -> dict[str, Any]:
            try:
                return grade_one(sub, data)
            except (KeyboardInterrupt, SandboxError):
                raise
            except Exception as error:  # a grader bug must not stop the class: report it in the rows
                message = f"the grader failed on this submission ({type(error).__name__}: {error})"
                return {"version": JOURNAL_VERSION, "student": sub.student,
                        "exercise": spec.exercise, "sha256": "", "fingerprint": fingerprint,
                        "rows": rows_for_problem(sub.student, spec, message[:300]),
                        "manual_answers": {}, "output_tail": "", "started_at": time.time(),
                        "finished_at": time.time(), "grader_pid": os.getpid()}

        def grade_one(sub: Submission, data: bytes | None) -> dict[str, Any]:
            begun = time.time()
            manual_answers: dict[str, str] = {}
            output = ""
            if data is None:
                rows = rows_for_problem(sub.student, spec, sub.problem)
            else:
                try:
                    parsed = parse_notebook(data)
                except SubmissionProblem as problem:
                    rows = rows_for_problem(sub.student, spec, str(problem))
                else:
                    box = acquire()
                    try:
                        run = box.run(build_job(parsed, spec))
                    finally:
                        slots.put(box)
                    if interrupted.is_set():
                        raise KeyboardInterrupt
                    rows = rows_for_run(sub.student, spec, parsed, run)
                    output = run.output[-2000:]
                    manual_answers = {r["question"]: parsed.texts.get(r["question"], "")
                                      for r in rows if r["status"] == "manual"}
            return {"version": JOURNAL_VERSION, "student": sub.student, "exercise": spec.exercise,
                    "sha256": _sha256(data) if data is not None else "", "fingerprint": fingerprint,
                    "rows": rows, "manual_answers": manual_answers, "output_tail": output,
                    "started_at": begun, "finished_at": time.time(), "grader_pid": os.getpid()}

        show = sys.stderr.isatty() if progress is None else progress
        bar = _Progress(len(todo), show)
        executor = ThreadPoolExecutor(max_workers=jobs)
        try:
            pending: set[Future[dict[str, Any]]] = {executor.submit(work, s, d) for s, d in todo}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    record = future.result()
                    journal.save(record)
                    records[record["student"]] = record
                    summary.graded_now += 1
                    bar.advance()
        except KeyboardInterrupt:
            interrupted.set()
            summary.interrupted = True
            executor.shutdown(wait=False, cancel_futures=True)
            for box in started:
                box.close()
        finally:
            bar.close()
            executor.shutdown(wait=not interrupted.is_set(), cancel_futures=True)
            for box in started:
                box.close()

        ordered = [records[s.student] for s in students if s.student in records]
        _write_outputs(spec, ordered, out, feedback, manual, existing_manual, summary)
        return summary
    finally:
        lock.close()


def _write_outputs(spec: ExerciseSpec, records: list[dict[str, Any]], out: Path,
                   feedback: Path, manual: Path,
                   existing_manual: dict[tuple[str, str, str], dict[str, str]],
                   summary: Summary) -> None:
    """grades.csv (atomic), manual.csv (merged), one feedback file per student, the summary."""
    final_rows: list[dict[str, Any]] = []
    per_student: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        rows = []
        for row in record["rows"]:
            row = dict(row)
            if row["status"] == "manual":
                key = (record["student"], spec.exercise, row["question"])
                if key in existing_manual:
                    points = manual_points(manual, existing_manual[key], row["max_points"],
                                           f"{record['student']} {row['question']}")
                    if points is not None:
                        row["points"] = points
                        row["message"] = "written answer: graded by the instructor"
            rows.append(row)
        per_student[record["student"]] = rows
        final_rows += rows
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in final_rows:
        writer.writerow({**{c: csv_text(str(row[c])) for c in CSV_COLUMNS},
                         "points": "" if row["points"] is None else f"{row['points']:g}",
                         "max_points": f"{row['max_points']:g}"})
    atomic_write(out, buffer.getvalue())
    if any(q.kind == "manual" for q in spec.questions):
        write_manual(manual, existing_manual, records, spec)
    feedback.mkdir(parents=True, exist_ok=True)
    for student, rows in per_student.items():
        atomic_write(feedback / _feedback_name(student), feedback_text(spec, student, rows))
    summary.students = len(per_student)
    totals = [sum(r["points"] or 0 for r in rows) for rows in per_student.values()]
    summary.mean = sum(totals) / len(totals) if totals else 0.0
    summary.status_counts = dict(Counter(r["status"] for r in final_rows))
    misses = Counter(r["question"] for r in final_rows
                     if r["status"] not in ("passed", "manual"))
    summary.most_failed = misses.most_common(3)
