"""A class's quiz results, shared only by the learner's choice: export one learner, sum up a class.

A learner runs `defence-course progress export FILE` and hands the file in (nothing is sent
anywhere); the instructor runs `defence-course progress FOLDER` over the files handed in and gets a
table and a plot of which questions most learners miss, per lesson. A file that is malformed,
edited after export, or a second file for the same learner is reported and left out.

The checksum in an export catches damage and hand edits, not a learner who recomputes it on
purpose: quiz results are formative, so this is an integrity check, not a signature.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write_bytes
from defence_course.errors import DefenceCourseError
from defence_course.quiz.banks import bank_paths, load_quiz
from defence_course.quiz.model import QuizError
from defence_course.quiz.progress import ProgressStore

EXPORT_FORMAT = "defence-course-progress-export"
EXPORT_VERSION = 2
"""Version 2 adds `revealed` per question ("Show answer" pressed before solving it); version 1
files (no `revealed`) are still read, as never revealed."""
MAX_EXPORT_BYTES = 1 << 20
"""A real export is a few kB; anything this large is not one (and is not read into memory)."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""Bank and question ids: the same short slugs the quiz banks use."""
_TOP_KEYS = {"format", "version", "learner", "exported", "banks", "sha256"}
_QUESTION_KEYS = {1: {"id", "attempts", "solved", "best_score"},
                  2: {"id", "attempts", "solved", "best_score", "revealed"}}


class ClassProgressError(DefenceCourseError):
    """The export or the class summary cannot be made; the message says what to do."""


class RejectedExport(DefenceCourseError):
    """One handed-in file cannot be trusted; the message says why (it is left out of the summary)."""


# --------------------------------------------------------------------------- learner: export


def default_learner_name() -> str:
    """The hub's user name on a JupyterHub, else the login name: what an instructor knows them by."""
    name = os.environ.get("JUPYTERHUB_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container's anonymous uid)
        return ""


def _digest(body: dict[str, Any]) -> str:
    """SHA-256 of the export without its checksum, in one canonical JSON spelling."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_export(learner: str, *, store: ProgressStore | None = None,
                 quiz_folder: Path | None = None) -> dict[str, Any]:
    """Counts per question of every course bank (no answers), with the learner's name and a checksum."""
    learner = learner.strip()
    if not _valid_learner(learner):
        raise ClassProgressError(
            f"{learner!r} cannot name a learner: use 1-100 printable characters, e.g. --name ana.b")
    paths = bank_paths(quiz_folder)
    if not paths:
        raise ClassProgressError(
            "no quiz banks found (lessons/quizzes/): run this from the course folder, or set "
            "DEFENCE_COURSE_QUIZZES to the course's lessons/quizzes folder")
    store = store or ProgressStore()
    banks: dict[str, Any] = {}
    for path in paths:
        try:
            quiz = load_quiz(path)
        except QuizError as error:
            raise ClassProgressError(f"the quiz bank {path} cannot be read: {error}") from error
        records = store.results(quiz.name)
        questions = []  # a list: the bank's order survives `sort_keys`
        for question in quiz.questions:
            rec = records.get(question.id)
            questions.append({
                "id": question.id,
                "attempts": rec.attempts if rec else 0,
                "solved": bool(rec.solved) if rec else False,
                "best_score": rec.best_score if rec else 0.0,
                "revealed": bool(rec.revealed) if rec else False,
            })
        banks[quiz.name] = {"title": quiz.title, "questions": questions}
    body = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "learner": learner,
        "exported": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "banks": banks,
    }
    return {**body, "sha256": _digest(body)}


def export_progress(path: Path, learner: str | None = None, *, store: ProgressStore | None = None,
                    quiz_folder: Path | None = None) -> dict[str, Any]:
    """Write the learner's export to `path` (the file they choose to hand in) and return it."""
    if path.is_dir():
        raise ClassProgressError(f"{path} is a folder: give a file name, e.g. {path / 'progress.json'}")
    name = learner if learner is not None else default_learner_name()
    if not name.strip():
        raise ClassProgressError("your name could not be found: give it with --name")
    export = build_export(name, store=store, quiz_folder=quiz_folder)
    text = json.dumps(export, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as error:
        raise ClassProgressError(f"cannot write {path} ({error}); choose a writable place") from error
    return export


def export_file_name(learner: str) -> str:
    """`quiz-progress-ana.b.json`: the learner's name made safe for a file name."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", learner.strip()).strip("-.") or "learner"
    return f"quiz-progress-{slug[:60]}.json"


def export_summary(export: dict[str, Any]) -> str:
    """What an export holds, in words: said by the command line and the notebook button alike."""
    counts = [q for bank in export["banks"].values() for q in bank["questions"]]
    return (f"{sum(q['attempts'] > 0 for q in counts)} of {len(counts)} questions attempted, "
            f"{sum(q['solved'] for q in counts)} correct. It holds these counts only (no "
            "answers), and nothing was sent anywhere: hand it in if you agree to share them.")


# --------------------------------------------------------------------------- instructor: read


@dataclass(frozen=True)
class QuestionResult:
    """One learner's result on one question: how often tried, whether ever right, best score."""

    attempts: int
    solved: bool
    best_score: float
    revealed: bool = False

    @property
    def shown(self) -> bool:
        """The answer was shown before the learner found it."""
        return self.revealed and not self.solved


@dataclass(frozen=True)
class LearnerExport:
    """A validated export: whose, when, from which file, and the results per bank and question."""

    learner: str
    exported: datetime
    path: Path
    sha256: str
    titles: dict[str, str]
    banks: dict[str, dict[str, QuestionResult]]


def _valid_learner(name: Any) -> bool:
    return (isinstance(name, str) and 0 < len(name) <= 100 and name == name.strip()
            and name.isprintable())


def _reject_constant(token: str) -> Any:
    raise RejectedExport(f"not valid JSON ({token} is not a number)")


def _load_json(path: Path) -> Any:
    """Parse a handed-in file, refusing what no export contains (huge files, NaN, bad UTF-8)."""
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise RejectedExport(f"{size} bytes is too large for a progress export")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise RejectedExport("not UTF-8 text") from error
    except OSError as error:
        raise RejectedExport(f"cannot be read ({error.strerror or error})") from error
    if not text.strip():
        raise RejectedExport("the file is empty")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise RejectedExport(f"not valid JSON (line {error.lineno}: {error.msg})") from error
    except RecursionError as error:
        raise RejectedExport("not a progress export (nested too deeply)") from error


def _check_header(data: Any) -> None:
    """Format, version, fields and checksum: is this an unedited export at all?"""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise RejectedExport("not a progress export from `defence-course progress export`")
    if data.get("version") not in _QUESTION_KEYS or isinstance(data.get("version"), bool):
        raise RejectedExport(f"export format version {data.get('version')!r}; this course reads "
                             f"versions {sorted(_QUESTION_KEYS)} (update the course, or ask for a "
                             "new export)")
    missing = sorted(_TOP_KEYS - data.keys())
    extra = sorted(data.keys() - _TOP_KEYS)
    if missing or extra:
        raise RejectedExport(f"fields missing {missing} or unexpected {extra}")
    body = {k: v for k, v in data.items() if k != "sha256"}
    if data["sha256"] != _digest(body):
        raise RejectedExport("edited after export (its checksum does not match its content); "
                             "ask the learner to export again")


def _question(bank: str, raw: Any, version: int) -> tuple[str, QuestionResult]:
    """One question's id and counts, with types and ranges checked (a checksum does not check sense)."""
    keys = _QUESTION_KEYS[version]
    if not isinstance(raw, dict) or set(raw) != keys:
        raise RejectedExport(f"a question in {bank} needs exactly {sorted(keys)}")
    qid = raw["id"]
    if not isinstance(qid, str) or not _NAME.match(qid):
        raise RejectedExport(f"question id {qid!r} in {bank} is not a quiz id")
    where = f"{bank}/{qid}"
    attempts, solved, best = raw["attempts"], raw["solved"], raw["best_score"]
    if not isinstance(attempts, int) or isinstance(attempts, bool) or not 0 <= attempts <= 1_000_000:
        raise RejectedExport(f"{where}: attempts must be a whole number >= 0, not {attempts!r}")
    if not isinstance(solved, bool):
        raise RejectedExport(f"{where}: solved must be true or false, not {solved!r}")
    if isinstance(best, bool) or not isinstance(best, (int, float)) or not 0.0 <= best <= 1.0:
        raise RejectedExport(f"{where}: best_score must be between 0 and 1, not {best!r}")
    if (solved or best > 0) and attempts == 0:
        raise RejectedExport(f"{where}: a result without any attempt")
    revealed = raw.get("revealed", False)
    if not isinstance(revealed, bool):
        raise RejectedExport(f"{where}: revealed must be true or false, not {revealed!r}")
    return qid, QuestionResult(attempts, solved, float(best), revealed)


def _bank(bank: Any, raw: Any, version: int) -> tuple[str, dict[str, QuestionResult]]:
    """One bank's title and questions, in the bank's order, each id once."""
    if not isinstance(bank, str) or not _NAME.match(bank) or not isinstance(raw, dict) \
            or set(raw) != {"title", "questions"}:
        raise RejectedExport(f"bank {bank!r} is not a quiz bank entry (title, questions)")
    if not isinstance(raw["title"], str) or not isinstance(raw["questions"], list):
        raise RejectedExport(f"bank {bank!r}: title must be text and questions a list")
    questions = dict(_question(bank, q, version) for q in raw["questions"])
    if len(questions) != len(raw["questions"]):
        raise RejectedExport(f"bank {bank!r} lists a question twice")
    return raw["title"], questions


def read_export(path: Path) -> LearnerExport:
    """Validate one handed-in file completely, or raise RejectedExport saying what is wrong."""
    data = _load_json(path)
    _check_header(data)
    learner = data["learner"]
    if not _valid_learner(learner):
        raise RejectedExport(f"learner name {learner!r} is empty or not printable text")
    try:
        exported = datetime.strptime(str(data["exported"]), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc)
    except ValueError as error:
        raise RejectedExport(f"export time {data['exported']!r} is not a UTC timestamp") from error
    raw_banks = data["banks"]
    if not isinstance(raw_banks, dict) or not raw_banks:
        raise RejectedExport("holds no quiz banks")
    titles: dict[str, str] = {}
    banks: dict[str, dict[str, QuestionResult]] = {}
    for bank, raw in raw_banks.items():
        titles[bank], banks[bank] = _bank(bank, raw, data["version"])
    return LearnerExport(learner, exported, path, data["sha256"], titles, banks)


# --------------------------------------------------------------------------- instructor: sum up


@dataclass(frozen=True)
class LeftOut:
    """A handed-in file not counted, and why (shown to the instructor, never dropped silently)."""

    path: Path
    reason: str


@dataclass(frozen=True)
class QuestionRow:
    """One question across the class: how many learners solved, missed, were shown or skipped it.

    The four counts split the learners: `solved` found the answer themselves; `shown` pressed
    "Show answer" before finding it (whatever they typed after); `missed` tried without ever
    getting it right or asking for it; `not_attempted` did neither.
    """

    bank: str
    title: str
    number: int
    question: str
    learners: int
    solved: int
    missed: int
    not_attempted: int
    shown: int = 0

    @property
    def missed_share(self) -> float:
        """Share of the learners with this lesson who did not get it right on their own:
        tried and missed, or had the answer shown."""
        return (self.missed + self.shown) / self.learners if self.learners else 0.0


@dataclass
class ClassReport:
    """The validated exports, the files left out, and one row per question."""

    learners: list[LearnerExport] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    rows: list[QuestionRow] = field(default_factory=list)


def _keep_newest(exports: list[LearnerExport]) -> tuple[list[LearnerExport], list[LeftOut]]:
    """One export per learner (the newest); every other file for that name is reported."""
    by_name: dict[str, list[LearnerExport]] = {}
    for export in exports:
        by_name.setdefault(export.learner.casefold(), []).append(export)
    kept: list[LearnerExport] = []
    left_out: list[LeftOut] = []
    for group in by_name.values():
        group.sort(key=lambda e: (e.exported, str(e.path)), reverse=True)
        newest = group[0]
        kept.append(newest)
        for other in group[1:]:
            how = "an identical copy of" if other.sha256 == newest.sha256 else "older than"
            left_out.append(LeftOut(other.path, f"a second file for learner {other.learner!r}: "
                                                f"{how} {newest.path.name}, which is counted"))
    kept.sort(key=lambda e: e.learner.casefold())
    return kept, left_out


def _rows(learners: Iterable[LearnerExport]) -> list[QuestionRow]:
    """Count solved / missed / not attempted per question, in lesson then question order."""
    learners = list(learners)
    titles: dict[str, str] = {}
    order: dict[str, dict[str, None]] = {}
    for export in learners:
        for bank, questions in export.banks.items():
            titles.setdefault(bank, export.titles[bank])
            order.setdefault(bank, {}).update(dict.fromkeys(questions))
    rows = []
    for bank in sorted(order):
        with_bank = [e.banks[bank] for e in learners if bank in e.banks]
        for number, qid in enumerate(order[bank], start=1):
            results = [b[qid] for b in with_bank if qid in b]
            solved = sum(r.solved for r in results)
            shown = sum(r.shown for r in results)
            missed = sum(r.attempts > 0 and not r.solved and not r.revealed for r in results)
            rows.append(QuestionRow(bank, titles[bank], number, qid, len(with_bank), solved, missed,
                                    len(with_bank) - solved - missed - shown, shown))
    return rows


def collect(folder: Path) -> ClassReport:
    """Read every *.json under `folder`; keep what validates, report the rest with a reason."""
    if not folder.is_dir():
        raise ClassProgressError(f"{folder} is not a folder: give the folder of handed-in exports")
    files = sorted(p for p in folder.rglob("*.json") if p.is_file())
    if not files:
        raise ClassProgressError(
            f"no progress files (*.json) in {folder}: each learner runs `defence-course progress "
            "export FILE` and hands FILE in; put those files there")
    report = ClassReport()
    valid: list[LearnerExport] = []
    for path in files:
        try:
            valid.append(read_export(path))
        except RejectedExport as error:
            report.left_out.append(LeftOut(path, str(error)))
    report.learners, duplicates = _keep_newest(valid)
    report.left_out.extend(duplicates)
    report.left_out.sort(key=lambda item: str(item.path))
    report.rows = _rows(report.learners)
    return report


# --------------------------------------------------------------------------- outputs

CSV_COLUMNS = ("lesson", "title", "number", "question", "learners", "solved", "missed",
               "answer_shown", "not_attempted", "missed_pct")
"""`missed_pct` is (missed + answer_shown) / learners: who did not get it right on their own."""


def table_csv(report: ClassReport) -> str:
    """The per-question table as CSV (one row per question, lessons in order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow([row.bank, row.title, row.number, row.question, row.learners, row.solved,
                         row.missed, row.shown, row.not_attempted, f"{100 * row.missed_share:.0f}"])
    return buffer.getvalue()


def table_text(report: ClassReport) -> str:
    """The same table for the terminal, most-missed questions first within each lesson."""
    lines = [f"{'lesson':<24} {'question':<12} {'solved':>6} {'missed':>6} {'shown':>5} "
             f"{'skipped':>7} {'missed %':>8}"]
    for bank in dict.fromkeys(r.bank for r in report.rows):
        rows = sorted((r for r in report.rows if r.bank == bank),
                      key=lambda r: (-r.missed_share, r.number))
        if all(r.not_attempted == r.learners for r in rows):
            lines.append(f"{bank:<24} (none of its {len(rows)} questions tried yet)")
            continue
        for row in rows:
            lines.append(f"{row.bank:<24} {f'Q{row.number} ({row.question})':<12} {row.solved:>6} "
                         f"{row.missed:>6} {row.shown:>5} {row.not_attempted:>7} "
                         f"{100 * row.missed_share:>7.0f}%")
    return "\n".join(lines)


# Okabe-Ito colours (distinguishable with colour-blindness); the legend names each part too.
_COLOURS = {"solved": "#009E73", "missed": "#D55E00", "answer shown": "#E69F00",
            "not attempted": "#BBBBBB"}
_ATTRS = {"solved": "solved", "missed": "missed", "answer shown": "shown",
          "not attempted": "not_attempted"}


def plot_png(report: ClassReport) -> bytes:
    """One panel per lesson someone tried: each question's learners, solved / missed / not attempted.

    Lessons nobody has tried yet are left out of the plot (the table lists them): an all-grey
    panel says nothing and pushes the lessons that matter down the page.
    """
    from matplotlib.figure import Figure

    banks = [b for b in dict.fromkeys(r.bank for r in report.rows)
             if any(r.bank == b and r.not_attempted < r.learners for r in report.rows)]
    if not banks:
        figure = Figure(figsize=(8, 1.5))
        figure.text(0.5, 0.5, "No learner has tried any quiz question yet.", ha="center", va="center")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        return buffer.getvalue()
    heights = [max(1.2, 0.45 * sum(r.bank == b for r in report.rows) + 0.9) for b in banks]
    figure = Figure(figsize=(8, max(2.5, sum(heights))), layout="constrained")
    axes = figure.subplots(len(banks), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, bank in zip(axes, banks, strict=True):
        rows = sorted((r for r in report.rows if r.bank == bank),
                      key=lambda r: (r.missed_share, -r.number))
        labels = [f"Q{r.number} ({r.question})" for r in rows]
        left = [0.0] * len(rows)
        for part, colour in _COLOURS.items():
            attr = _ATTRS[part]
            share = [100 * getattr(r, attr) / r.learners if r.learners else 0.0 for r in rows]
            ax.barh(labels, share, left=left, color=colour, label=part)
            left = [a + b for a, b in zip(left, share, strict=True)]
        ax.set_xlim(0, 100)
        ax.set_title(f"{rows[0].title} ({bank}): {rows[0].learners} learners, most missed on top",
                     loc="left", fontsize=10)
        ax.set_xlabel("% of learners")
    axes[0].legend(loc="lower right", bbox_to_anchor=(1.0, 1.12), ncols=3, fontsize=8, frameon=False)
    figure.suptitle("Which quiz questions the class misses", fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def summarize(folder: Path, out_csv: Path, out_png: Path) -> ClassReport:
    """Collect a class folder and write its table (CSV) and plot (PNG); raise when nothing counts."""
    report = collect(folder)
    if not report.learners:
        reasons = "\n".join(f"  {item.path}: {item.reason}" for item in report.left_out)
        raise ClassProgressError(f"no valid progress files in {folder}; every file was left out:\n"
                                 f"{reasons}")
    atomic_write_bytes(out_csv, table_csv(report).encode("utf-8"))
    atomic_write_bytes(out_png, plot_png(report))
    return report


# --------------------------------------------------------------------------- command line


__all__ = [
    "ClassProgressError", "ClassReport", "LearnerExport", "LeftOut", "QuestionRow", "RejectedExport",
    "build_export", "collect", "export_file_name", "export_progress", "export_summary", "plot_png",
    "read_export",
    "summarize", "table_csv", "table_text",
]
