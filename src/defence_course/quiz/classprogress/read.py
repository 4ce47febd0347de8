"""The instructor's side, one file: read a handed-in export, trusting nothing in it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.quiz.classprogress.format import (
    EXPORT_FORMAT,
    ID_PATTERN,
    MAX_EXPORT_BYTES,
    QUESTION_KEYS,
    TOP_KEYS,
    RejectedExport,
    digest,
    valid_learner,
)


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
    if data.get("version") not in QUESTION_KEYS or isinstance(data.get("version"), bool):
        raise RejectedExport(f"export format version {data.get('version')!r}; this course reads "
                             f"versions {sorted(QUESTION_KEYS)} (update the course, or ask for a "
                             "new export)")
    missing = sorted(TOP_KEYS - data.keys())
    extra = sorted(data.keys() - TOP_KEYS)
    if missing or extra:
        raise RejectedExport(f"fields missing {missing} or unexpected {extra}")
    body = {k: v for k, v in data.items() if k != "sha256"}
    if data["sha256"] != digest(body):
        raise RejectedExport("edited after export (its checksum does not match its content); "
                             "ask the learner to export again")


def _question(bank: str, raw: Any, version: int) -> tuple[str, QuestionResult]:
    """One question's id and counts, with types and ranges checked (a checksum does not check sense)."""
    keys = QUESTION_KEYS[version]
    if not isinstance(raw, dict) or set(raw) != keys:
        raise RejectedExport(f"a question in {bank} needs exactly {sorted(keys)}")
    qid = raw["id"]
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
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
    if not isinstance(bank, str) or not ID_PATTERN.match(bank) or not isinstance(raw, dict) \
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
    if not valid_learner(learner):
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
