"""Lessons speak to the learner (issue 21): no instructor notes or author/checker talk, and each
term of the glossary (docs/glossary.md) is linked at its first use in every lesson."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "text" / "lessons").glob("*.md"))
GLOSSARY = REPO / "docs" / "glossary.md"
LINK = "../docs/glossary.md"

#: Each glossary heading and the words that use it in a lesson.
TERMS = {
    "2025e": r"\b2025e\b",
    "Art. 122 TFEU": r"\bArt(?:icle|\.) 122\b",
    "Candidate countries": r"\bcandidate countr",
    "CETA": r"\bCETA\b",
    "COM and MEX document numbers": r"\bCOM\(20\d\d\)|\bMEX/\d\d/",
    "EEA-EFTA": r"\bEEA.EFTA\b",
    "GDP share vs money": r"\bshares? of GDP\b",
    "Qualified majority": r"\bqualified majority\b",
    "ReArm Europe / Readiness 2030": r"\bReArm Europe\b|\bReadiness 2030\b",
    "Third-country participant": r"\bthird-country participant",
}
#: What an author or a checker says, not a learner's text.
AUTHOR_TALK = re.compile(r"Notes for instructors|Instructor notes|research notes|could not be "
                         r"consulted|unit tests? check|the tests check", re.IGNORECASE)
_FENCE = re.compile(r"^```\{code-cell\}.*?^```\s*$", re.MULTILINE | re.DOTALL)
_LINKED = re.compile(r"\[[^\]]*\]\([^)]*\)")


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def prose_spans(text: str) -> list[tuple[int, int]]:
    """Where a learner reads prose that may carry a link: not code cells, headings, quotations
    (block or inline: a quotation stays verbatim) or the Sources list."""
    end = text.find("\n## Sources")
    text = text if end < 0 else text[:end]
    blocked = [m.span() for m in _FENCE.finditer(text)]
    spans = []
    for line in re.finditer(r"^.*$", text, re.MULTILINE):
        start, stop = line.span()
        body = line.group()
        if any(a <= start < b for a, b in blocked) or body.startswith(("#", ">", "+++")):
            continue
        spans.append((start, stop))
    return spans


def in_quotation(text: str, at: int) -> bool:
    """True inside "...": an odd number of straight double quotes before it in its paragraph."""
    paragraph_start = text.rfind("\n\n", 0, at) + 1
    return text.count('"', paragraph_start, at) % 2 == 1


def linked_at(text: str, at: int) -> bool:
    """True when position `at` is inside a Markdown link to the glossary."""
    return any(a <= at < b and LINK in m.group() for m in _LINKED.finditer(text)
               for a, b in [m.span()])


def front_matter_end(text: str) -> int:
    """Where the front matter ends: its questions and objectives are the first prose a learner
    reads (the builder shows them under the title), each a YAML string in double quotes."""
    return text.index("\n---\n", 4) + 5 if text.startswith("---\n") else 0


def first_uses(text: str) -> dict[str, int]:
    """Each glossary term the lesson uses, and where it first does."""
    found = {}
    body = front_matter_end(text)
    for term, pattern in TERMS.items():
        for start, stop in prose_spans(text):
            hits = [m for m in re.finditer(pattern, text[start:stop])
                    if start < body or not in_quotation(text, start + m.start())]
            if hits:
                found[term] = start + hits[0].start()
                break
    return found


def test_every_term_has_a_glossary_entry() -> None:
    headings = re.findall(r"^## (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(headings) == sorted(TERMS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_each_glossary_term_is_linked_at_its_first_use(lesson: Path) -> None:
    text = lesson.read_text(encoding="utf-8")
    unlinked = [term for term, at in first_uses(text).items() if not linked_at(text, at)]
    assert unlinked == [], f"{lesson.name}: link the first use to {LINK}#<term>"
    for target in re.findall(rf"\]\({re.escape(LINK)}#([\w-]+)\)", text):
        assert target in {anchor(t) for t in TERMS}, f"{lesson.name}: no glossary entry #{target}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lessons_speak_to_the_learner(lesson: Path) -> None:
    assert AUTHOR_TALK.findall(lesson.read_text(encoding="utf-8")) == []


def test_the_check_catches_an_unlinked_first_use() -> None:
    text = "Intro.\n\nSAFE rests on Art. 122 TFEU, [Art. 122](../docs/glossary.md#art-122-tfeu).\n"
    assert not linked_at(text, first_uses(text)["Art. 122 TFEU"])
    quoted = 'A quote: "by qualified majority" stays verbatim.\n'
    assert "Qualified majority" not in first_uses(quoted)



#: "Open `exercises/ex02-two-clubs.ipynb`" or "Next: lesson 07, `07-a-new-alignment.ipynb`": a
#: notebook named as code text where the learner is sent to it.
UNLINKED = re.compile(r"(?:Open|Practise[^`\n]*|Next: lesson \d\d,) `[^`]+\.ipynb`")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_the_exercise_and_the_next_lesson_are_links(lesson: Path) -> None:
    """Issue 21: the exercise and the next lesson were given as code text, not as links."""
    assert UNLINKED.findall(lesson.read_text(encoding="utf-8")) == []
    assert UNLINKED.findall("Open `exercises/ex02-two-clubs.ipynb` to practise") != []
