"""The learner's side: write their quiz counts to a file they hand in (nothing is sent anywhere)."""

from __future__ import annotations

import getpass
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write_bytes
from defence_course.i18n import _
from defence_course.quiz.banks import bank_paths, load_quiz
from defence_course.quiz.classprogress.format import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ClassProgressError,
    digest,
    valid_learner,
)
from defence_course.quiz.model import QuizError
from defence_course.quiz.progress import ProgressStore


def default_learner_name() -> str:
    """The hub's user name on a JupyterHub, else the login name: what an instructor knows them by."""
    name = os.environ.get("JUPYTERHUB_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container's anonymous uid)
        return ""


def build_export(learner: str, *, store: ProgressStore | None = None,
                 quiz_folder: Path | None = None) -> dict[str, Any]:
    """Counts per question of every course bank (no answers), with the learner's name and a checksum."""
    learner = learner.strip()
    if not valid_learner(learner):
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
    return {**body, "sha256": digest(body)}


def export_progress(path: Path, learner: str | None = None, *, store: ProgressStore | None = None,
                    quiz_folder: Path | None = None) -> dict[str, Any]:
    """Write the learner's export to `path` (the file they choose to hand in) and return it."""
    if path.is_dir():
        raise ClassProgressError(f"{path} is a folder: give a file name, e.g. {path / 'progress.json'}")
    name = learner if learner is not None else default_learner_name()
    if not name.strip():
        raise ClassProgressError(_("your name could not be found: give it with --name"))
    export = build_export(name, store=store, quiz_folder=quiz_folder)
    text = json.dumps(export, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as error:
        raise ClassProgressError(_("cannot write {path} ({error}); choose a writable place").format(
            path=path, error=error)) from error
    return export


def export_file_name(learner: str) -> str:
    """`quiz-progress-ana.b.json`: the learner's name made safe for a file name."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", learner.strip()).strip("-.") or "learner"
    return f"quiz-progress-{slug[:60]}.json"


def export_summary(export: dict[str, Any]) -> str:
    """What an export holds, in words: said by the command line and the notebook button alike."""
    counts = [q for bank in export["banks"].values() for q in bank["questions"]]
    return _("{attempted} of {total} questions attempted, {correct} correct. It holds these counts "
             "only (no answers), and nothing was sent anywhere: hand it in if you agree to share "
             "them.").format(attempted=sum(q["attempts"] > 0 for q in counts), total=len(counts),
                             correct=sum(q["solved"] for q in counts))
