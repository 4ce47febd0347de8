"""The instructor's side, the class: one row per question, counted over every valid export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from defence_course.quiz.classprogress.format import ClassProgressError, RejectedExport
from defence_course.quiz.classprogress.read import LearnerExport, read_export


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
