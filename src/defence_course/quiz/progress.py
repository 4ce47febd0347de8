"""Each learner's quiz results in one small JSON file: locked, so two kernels never lose an attempt,
and written atomically, so a crash never corrupts it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write
from defence_course.i18n import _
from defence_course.locking import LockBusyError, file_lock, lock_path
from defence_course.paths import PROGRESS_ENV, progress_path

__all__ = ["BankSummary", "ProgressStore", "QuestionRecord"]

FORMAT_VERSION = 1
LOCK_TIMEOUT_S = 10.0
"""How long a kernel waits for another one to finish saving before it saves anyway."""


@dataclass
class QuestionRecord:
    """What we keep per question: enough for attempted/correct counts, nothing personal."""

    attempts: int = 0
    solved: bool = False
    """Answered correctly before the answer was shown ("Show answer"): learnt, not copied."""
    last_score: float = 0.0
    best_score: float = 0.0
    updated: str = ""
    revealed: bool = False
    """The learner pressed "Show answer" before solving it; later right answers do not count."""
    first_try: bool = False
    """Right at the first attempt, before any Show answer (issue 21: 10/10 in the end hid that
    every first try was wrong)."""

    @property
    def shown(self) -> bool:
        """The answer was shown to a learner who had not found it: counted apart from correct."""
        return self.revealed and not self.solved


def _record_from(raw: Any) -> QuestionRecord | None:
    """Rebuild a record from JSON, or None when a hand-edited entry has the wrong shape."""
    if not isinstance(raw, dict):
        return None
    try:
        rec = QuestionRecord(
            attempts=int(raw.get("attempts", 0)),
            solved=bool(raw.get("solved", False)),
            last_score=float(raw.get("last_score", 0.0)),
            best_score=float(raw.get("best_score", 0.0)),
            updated=str(raw.get("updated", "")),
            revealed=bool(raw.get("revealed", False)),
        )
        # Files from before `first_try`: one attempt that solved it was right at once.
        rec.first_try = bool(raw.get("first_try", rec.solved and rec.attempts == 1))
    except (TypeError, ValueError):
        return None
    return rec


@dataclass(frozen=True)
class BankSummary:
    """Counts for one bank, as shown in the quiz header and in `show_progress()`."""

    attempted: int
    correct: int
    total: int
    shown: int = 0
    """Questions whose answer was shown before the learner found it (not counted as correct)."""
    first_try: int = 0
    """Questions answered right at the first attempt (beside `correct`, right in the end)."""


class ProgressStore:
    """Read-modify-write of the progress file; problems become a notice, never an exception.

    Why never raise: a quiz must keep working in class even if the disk is read-only or the
    file was damaged; the learner is told once, in the widget, and results go on in memory.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else progress_path()
        self._memory: dict[str, Any] = {"version": FORMAT_VERSION, "banks": {}}
        self._notices: list[str] = []
        self._issued: set[str] = set()

    # -- notices -------------------------------------------------------------------------------

    def _notify(self, kind: str, text: str) -> None:
        """Queue a notice once per kind: a broken disk must not repeat it on every click."""
        if kind not in self._issued:
            self._issued.add(kind)
            self._notices.append(text)

    def take_notices(self) -> list[str]:
        """Return the pending notices and forget them, so each is shown once."""
        notices, self._notices = self._notices, []
        return notices

    # -- file ----------------------------------------------------------------------------------

    def _move_aside(self, reason: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, aside)
            kept = _("it was kept as {name}").format(name=aside.name)
        except OSError as error:
            kept = _("it could not be moved aside ({error})").format(error=error)
        self._notify("corrupt", _("Your saved quiz progress could not be read ({reason}); {kept}. "
                                  "New results are saved from now on.").format(reason=reason, kept=kept))

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return self._memory
        except OSError as error:
            self._notify("read", _("Quiz progress cannot be read ({error}); results are kept in "
                                   "memory only. Set {env} to a readable file to fix this.").format(
                                       error=error, env=PROGRESS_ENV))
            return self._memory
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self._move_aside(_("not valid JSON: {error}").format(error=error))
            return {"version": FORMAT_VERSION, "banks": {}}
        if (not isinstance(data, dict) or data.get("version") != FORMAT_VERSION
                or not isinstance(data.get("banks"), dict)):
            self._move_aside(_("unexpected content"))
            return {"version": FORMAT_VERSION, "banks": {}}
        return data

    def _write(self, data: dict[str, Any]) -> None:
        """Replace the file atomically (see defence_course.atomic); problems become a notice."""
        self._memory = data
        try:
            atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True))
        except OSError as error:
            self._notify("write", _("Quiz progress cannot be saved to {path} ({error}); results are "
                                    "kept until the kernel stops. Set {env} to a writable file to "
                                    "fix this.").format(path=self.path, error=error, env=PROGRESS_ENV))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the progress file's lock around a read-modify-write.

        Why: two kernels (two lessons open in two tabs) that read, change and write the file
        at once each write back what they read, and one kernel's attempts are lost. If the
        lock cannot be had (a read-only folder, a kernel stuck holding it), save anyway: a
        quiz must keep working, and the write reports its own problem.
        """
        with ExitStack() as stack:
            with suppress(LockBusyError, OSError):
                stack.enter_context(file_lock(lock_path(self.path), timeout=LOCK_TIMEOUT_S))
            yield

    # -- records -------------------------------------------------------------------------------

    def record(self, bank: str, question_id: str, correct: bool, score: float) -> QuestionRecord:
        """Add one graded attempt and save at once (a kernel restart loses nothing)."""
        with self._locked():
            return self._record(bank, question_id, correct, score)

    def _record(self, bank: str, question_id: str, correct: bool, score: float) -> QuestionRecord:
        data, questions, rec = self._entry(bank, question_id)
        if rec.attempts == 0:
            rec.first_try = correct and not rec.revealed
        rec.attempts += 1
        # A right answer typed after "Show answer" is copied, not found: it is not `solved`.
        rec.solved = rec.solved or (correct and not rec.revealed)
        rec.last_score = round(float(score), 4)
        rec.best_score = max(rec.best_score, rec.last_score)
        return self._save(data, questions, question_id, rec)

    def reveal(self, bank: str, question_id: str) -> QuestionRecord:
        """Note that the learner asked for the answer ("Show answer"): not an attempt.

        Once solved, showing the answer changes nothing (it was found first); before, the
        question is kept as `revealed`, and a right answer after it no longer counts as solved.
        """
        with self._locked():
            data, questions, rec = self._entry(bank, question_id)
            rec.revealed = rec.revealed or not rec.solved
            return self._save(data, questions, question_id, rec)

    def _entry(self, bank: str, question_id: str
               ) -> tuple[dict[str, Any], dict[str, Any], QuestionRecord]:
        """The file's data, the bank's questions and one question's record (new if absent)."""
        data = self._read()
        entry = data["banks"].get(bank)
        if not isinstance(entry, dict):
            entry = data["banks"][bank] = {}
        questions = entry.get("questions")
        if not isinstance(questions, dict):
            questions = entry["questions"] = {}
        return data, questions, _record_from(questions.get(question_id)) or QuestionRecord()

    def _save(self, data: dict[str, Any], questions: dict[str, Any], question_id: str,
              rec: QuestionRecord) -> QuestionRecord:
        rec.updated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        questions[question_id] = asdict(rec)
        self._write(data)
        return rec

    def results(self, bank: str) -> dict[str, QuestionRecord]:
        """The stored records of one bank, by question id (unreadable entries are skipped)."""
        raw = self._read()["banks"].get(bank, {})
        questions = raw.get("questions", {}) if isinstance(raw, dict) else {}
        out: dict[str, QuestionRecord] = {}
        for qid, raw_record in questions.items():
            rec = _record_from(raw_record)
            if rec is not None:
                out[qid] = rec
        return out

    def summary(self, bank: str, question_ids: list[str]) -> BankSummary:
        """Attempted and correct counts over the questions the bank has now."""
        records = self.results(bank)
        mine = [records[q] for q in question_ids if q in records]
        return BankSummary(
            attempted=sum(r.attempts > 0 for r in mine),
            correct=sum(r.solved for r in mine),
            total=len(question_ids),
            shown=sum(r.shown for r in mine),
            first_try=sum(r.first_try for r in mine),
        )

    def reset(self, bank: str | None = None) -> None:
        """Forget one bank's results, or all of them (for instructors testing a bank)."""
        with self._locked():
            self._reset(bank)

    def _reset(self, bank: str | None) -> None:
        data = self._read()
        if bank is None:
            data["banks"] = {}
        else:
            data["banks"].pop(bank, None)
        self._write(data)
