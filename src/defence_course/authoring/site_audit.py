"""Audit a built website (`make site`) as the learners' bundle is audited: nothing that gives answers away.

`release.audit` checks files by what they are (a solutions folder, a plain key, a hidden check, a
`# BEGIN SOLUTION` region); a web page is none of those, so its words are also searched for what
only instructors hold: each quiz bank's explanations and feedback (the text shown after an
answer), the model code of the solutions, the model answers of written questions, and the
hints and rubrics of hidden checks. A phrase shorter than `MIN_PHRASE` is not searched for:
short ones ("Yes.") occur anywhere.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import yaml

from defence_course.authoring.release import SOLUTION_MARK, audit

__all__ = ["MIN_PHRASE", "Secret", "audit_site", "page_text", "secrets"]

MIN_PHRASE = 25
#: What the quiz widgets draw only after an answer (render_feedback, render_answer): never on a page.
FEEDBACK_MARKUP = ("dc-feedback-box", "dc-verdict")
_SOLUTION_REGION = re.compile(r"#\s*BEGIN SOLUTION.*?\n(.*?)#\s*END SOLUTION", re.S)
#: Pages made from notebooks: a solution region there is a leak. The guide (docs/) explains the
#: markers with examples, so there only the phrase search below applies.
NOTEBOOK_PAGES = ("lessons", "exercises")
_TEXT_SUFFIXES = {".html", ".js", ".txt", ".json", ".md", ".ipynb"}


@dataclasses.dataclass(frozen=True)
class Secret:
    """A phrase a page must not contain, and where it comes from (for the message)."""

    phrase: str
    origin: str


def normalise(text: str) -> str:
    """Lower case, one space between words: how phrases and pages are compared."""
    return " ".join(text.split()).lower()


class _Text(HTMLParser):
    """The words of a page and its attributes' values (an alt text or a title can leak too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [f" {v} " for k, v in attrs if v and k in ("alt", "title", "aria-label", "class")]

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> str:
    """A built file's text: an HTML page's words, any other text file as it is."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".html":
        return raw
    parser = _Text()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts)


def _bank_phrases(value: object, name: str = "") -> Iterator[str]:
    """Every feedback and explanation text of a question, however deep in its fields."""
    if isinstance(value, str):
        if "feedback" in name or name == "explanation":
            yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _bank_phrases(getattr(value, field.name), field.name)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _bank_phrases(item, name)


def _quiz_secrets(quizzes: Path) -> Iterator[Secret]:
    from defence_course.quiz.banks import bank_paths, load_quiz

    for path in bank_paths(quizzes):
        for question in load_quiz(path).questions:
            for phrase in _bank_phrases(question):
                yield Secret(phrase, f"quiz {path.stem} {question.id}: its feedback or explanation")


def _solution_secrets(solutions: Path) -> Iterator[Secret]:
    """Model code (lines in BEGIN/END SOLUTION regions) and model answers (cells tagged solution)."""
    for path in sorted(solutions.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for region in _SOLUTION_REGION.findall(cell.source):
                    for line in region.splitlines():
                        if not line.strip().startswith("#"):
                            yield Secret(line, f"{path.name}: solution code")
            elif "solution" in cell.get("metadata", {}).get("tags", []):
                for paragraph in cell.source.split("\n\n"):
                    yield Secret(paragraph, f"{path.name}: a model answer")


def _check_secrets(checks: Path) -> Iterator[Secret]:
    """Hidden checks' hints and the rubrics of written questions (instructor/checks/)."""
    for path in sorted(checks.glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for question in data.get("questions", []):
            public = {c.get("hint") for c in question.get("checks", []) if c.get("public")}
            for check in question.get("checks", []):
                if not check.get("public") and check.get("hint") not in public:
                    where = f"{path.name} {question.get('id')}"
                    yield Secret(str(check.get("hint", "")), f"{where}: a hidden check")
            for line in str(question.get("rubric", "")).splitlines():
                yield Secret(line, f"{path.name} {question.get('id')}: its rubric")


def secrets(root: Path) -> list[Secret]:
    """Every phrase only instructors hold, long enough to search for, and not in what learners get.

    A line of model code that the learners' exercise or a lesson also shows (`nato = load(...)`) is
    no secret, so phrases found in the exercises, the lessons' text and the public checks are dropped.
    """
    found = [*_quiz_secrets(root / "lessons" / "quizzes"), *_solution_secrets(root / "solutions"),
             *_check_secrets(root / "instructor" / "checks")]
    shown = [p for folder in ("exercises", "text/lessons") for p in sorted((root / folder).rglob("*"))
             if p.suffix in (".ipynb", ".md", ".yaml")]
    public = normalise(" ".join(p.read_text(encoding="utf-8") for p in shown))
    kept: dict[str, Secret] = {}
    for secret in found:
        phrase = normalise(secret.phrase)
        if len(phrase) >= MIN_PHRASE and phrase not in public:
            kept.setdefault(phrase, Secret(phrase, secret.origin))
    return list(kept.values())


def audit_site(site: Path, root: Path) -> list[str]:
    """Everything in a built site that gives an answer away (empty list = safe to publish)."""
    problems = audit(site)
    hidden = secrets(root)
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in _TEXT_SUFFIXES):
        relative = path.relative_to(site)
        raw = path.read_text(encoding="utf-8", errors="replace")
        if relative.parts[0] in NOTEBOOK_PAGES and SOLUTION_MARK.search(raw):
            problems.append(f"{relative}: contains a # BEGIN/END SOLUTION region")
        problems += [f"{relative}: shows quiz feedback ({m})" for m in FEEDBACK_MARKUP if m in raw]
        text = normalise(page_text(path))
        problems += [f"{relative}: contains {s.origin}: {s.phrase[:70]!r}"
                     for s in hidden if s.phrase in text]
    return problems
