"""Banks on disk: find them, load them (ours or jupyterquiz's), encode and decode them, audit them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from defence_course.paths import quiz_dir
from defence_course.quiz.build import question_from_plain
from defence_course.quiz.jupyterquiz import quiz_from_jupyterquiz
from defence_course.quiz.keys import (
    ENCODED_HEADER,
    SECRET_FIELDS,
    decode_key,
    encode_question,
    merge_encoded,
    plain_data,
)
from defence_course.quiz.model import Question, Quiz, QuizFormatError, QuizNotFoundError
from defence_course.quiz.parsing import Ctx, LineMap, is_map, parse_text

BANK_SUFFIXES = (".yaml", ".yml", ".json")


def bank_paths(folder: Path | None = None) -> list[Path]:
    """Every bank file in the folder, sorted by name (lesson order)."""
    folder = folder or quiz_dir()
    return sorted(p for p in folder.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file()) \
        if folder.is_dir() else []


def resolve_bank(name_or_path: str | os.PathLike[str]) -> Path:
    """Turn a bank name ('00-start-here') or a path into an existing file."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    folder = quiz_dir()
    for suffix in BANK_SUFFIXES:
        candidate = folder / f"{path.name}{suffix}"
        if candidate.is_file():
            return candidate
    known = ", ".join(p.stem for p in bank_paths(folder)) or "none"
    raise QuizNotFoundError(f"no quiz bank {str(name_or_path)!r} in {folder}; banks: {known}")


def read_bank_data(path: Path) -> Any:
    """Parse a bank file (YAML or JSON) into data with line numbers, or raise QuizFormatError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuizFormatError(f"cannot read the file: {error}", file=path) from None
    return parse_text(text, path)


def plain_questions(data: Any, path: Path) -> tuple[str, list[dict[str, Any]], list[str]]:
    """Return (title, plain question mappings, ids of questions that were stored plain)."""
    ctx = Ctx(path)
    if not is_map(data):
        raise ctx.fail("a bank is a mapping with `title:` and `questions:`")
    ctx.no_unknown(data, ("title", "questions", "shuffle", "seed"), "the bank")
    title = ctx.text(data, "title")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise ctx.fail("needs a list of questions", "questions", data)
    out: list[dict[str, Any]] = []
    plain_ids: list[str] = []
    for node in raw:
        ctx.question = None
        if is_map(node) and "key" in node:
            out.append(merge_encoded(ctx, node))
        else:
            out.append(node)
            if is_map(node):
                plain_ids.append(str(node.get("id")))
    return title, out, plain_ids


def load_quiz(name_or_path: str | os.PathLike[str]) -> Quiz:
    """Load and validate a bank: our YAML (plain or encoded) or a jupyterquiz JSON list.

    `load_quiz("00-start-here")` finds lessons/quizzes/00-start-here.yaml; a path works too.
    """
    path = resolve_bank(name_or_path)
    data = read_bank_data(path)
    if isinstance(data, list):
        return quiz_from_jupyterquiz(data, path)
    title, nodes, plain_ids = plain_questions(data, path)
    seed = str(data.get("seed", path.stem))
    shuffle = Ctx(path).flag(data, "shuffle", False)
    questions: list[Question] = []
    seen: dict[str, int | None] = {}
    for node in nodes:
        ctx = Ctx(path)
        question = question_from_plain(ctx, node, seed, shuffle)
        if question.id in seen:
            first = f" (first on line {seen[question.id]})" if seen[question.id] else ""
            raise ctx.fail(f"duplicate id {question.id!r}{first}; ids must be unique in a bank",
                           "id", node)
        seen[question.id] = node.line_of("id") if isinstance(node, LineMap) else None
        questions.append(question)
    return Quiz(
        name=path.stem, title=title, questions=tuple(questions), path=path,
        encoded=not plain_ids, plain_questions=tuple(plain_ids),
    )


def _dump(data: Any) -> str:
    return yaml.safe_dump(plain_data(data), sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def encode_bank_text(path: Path) -> str:
    """Return the encoded text of a bank (plain or already encoded): validated, deterministic."""
    quiz = load_quiz(path)  # validates first: never encode a broken bank
    data = read_bank_data(path)
    _, nodes, _ = plain_questions(data, path)
    out: dict[str, Any] = {"title": quiz.title}
    for name in ("shuffle", "seed"):
        if name in data:
            out[name] = data[name]
    out["questions"] = [encode_question(node) for node in nodes]
    return ENCODED_HEADER + _dump(out)


def decode_bank_text(path: Path) -> str:
    """Return the plain, readable text of a bank, for editing in quiz-drafts/."""
    load_quiz(path)
    data = read_bank_data(path)
    _, nodes, _ = plain_questions(data, path)
    out = {k: v for k, v in data.items() if k != "questions"}
    out["questions"] = nodes
    return (f"# Plain quiz draft of {path.name}: keep it out of git (quiz-drafts/ is ignored);\n"
            "# encode it with `defence-course quiz encode` before committing.\n" + _dump(out))


def plain_key_problems(path: Path) -> list[str]:
    """List every place a committed bank shows an answer in plain text (empty list: none)."""
    try:
        data = read_bank_data(path)
    except QuizFormatError as error:
        return [str(error)]
    if isinstance(data, list):
        return [f"{path}: a jupyterquiz JSON bank holds its answers in plain text; convert it "
                "to YAML and encode it"]
    problems: list[str] = []
    questions = data.get("questions", []) if is_map(data) else []
    questions = [q for q in questions if is_map(q)] if isinstance(questions, list) else []
    plain = [str(q.get("id")) for q in questions if "key" not in q]
    if plain:
        which = "every question" if len(plain) == len(questions) else "questions " + ", ".join(
            plain)
        problems.append(f"{path}: plain bank, {which} readable (answers visible to learners); "
                        f"run `defence-course quiz encode --in-place {path}`")
    for node in questions:
        qid = node.get("id")
        line = node.line_of("id") if isinstance(node, LineMap) else None
        where = f"{path}:{line}" if line else str(path)
        if "key" not in node:
            continue
        for name in node:
            if name in SECRET_FIELDS:
                problems.append(f"{where}: question {qid!r} shows {name!r} in plain text")
        if any(is_map(o) for o in node.get("options", []) or []):
            problems.append(f"{where}: question {qid!r} has options with plain fields")
        if node.get("type") == "ordering":
            try:
                secret = decode_key(str(qid), str(node["key"]))
            except ValueError:
                continue
            order = [i if isinstance(i, str) else i.get("text") for i in secret.get("items", [])]
            if node.get("items") == order:
                problems.append(f"{where}: question {qid!r} lists its items in the right order")
    return problems

