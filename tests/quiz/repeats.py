"""Quiz questions that repeat one another across banks, in the same words or in others (issue 19).

Word-for-word comparison (tests/source_quality.py) misses a question asked again in other words:
"How many of NATO's 12 founders are EU states?" and "Looking back at lesson 02: of the 12 countries
that founded NATO in 1949, how many are EU member states?". Three rules, each over the whole course:

- A: the same key terms, weighted by rarity (tf-idf cosine over prompt, options and right answer);
- B: the prompts name the same two rare things (capitalised names that few prompts use);
- C: the same answer key (same number, same true/false, same right option) and prompts that share
  most of their key terms.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from defence_course.quiz import load_quiz

STOP = frozenset([
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "by", "with", "at", "as", "is",
    "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "what",
    "which", "who", "whom", "how", "many", "much", "does", "did", "do", "from", "into", "than",
    "then", "there", "their", "they", "them", "his", "her", "he", "she", "you", "your", "we", "our",
    "not", "no", "yes", "true", "false", "select", "all", "apply", "one", "two", "lesson",
    "looking", "back", "today", "each", "every", "most", "more", "would", "could", "should", "can",
    "may", "will", "shall", "about", "under", "over", "only", "also", "already", "between",
    "within", "after", "before", "same", "statement", "accurate", "say", "says", "said", "judge",
    "judging", "evidence", "right", "following",
])
COSINE_LIMIT = 0.4
SHARED_TERMS_LIMIT = 0.5
RARE_NAME = 4  # a name used by at most this many prompts of the course is distinctive


@dataclass(frozen=True)
class Asked:
    """One question as the learner meets it: where, the prompt, what it offers, the right answer."""

    where: str
    prompt: str
    offered: str
    answer: str


def asked_in(bank: Path) -> list[Asked]:
    """The questions of one bank, in the shape the repeat rules compare."""
    out = []
    for q in load_quiz(bank).questions:
        offered = [o.text for o in getattr(q, "options", ())] + list(getattr(q, "items", ()))
        offered += [f"{left} {right}" for left, right in getattr(q, "pairs", ())]
        out.append(Asked(f"{bank.stem} {q.id}", q.prompt, " ".join(offered), q.answer_text()))
    return out


def key_terms(text: str) -> set[str]:
    """Content words, lower case, a plural 's' dropped: what a question is about."""
    out = set()
    for word in re.findall(r"[a-z0-9]+(?:\.[0-9]+)?%?", text.lower()):
        if word in STOP or (len(word) < 3 and not word[0].isdigit()):
            continue
        out.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return out


def names(prompt: str) -> set[str]:
    """Capitalised names inside a prompt (not a sentence's first word): 'Moldova', 'European Union'."""
    return set(re.findall(r"(?<![.?!:]\s)(?<!^)\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*", prompt))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _document_frequency(sets: Iterable[set[str]]) -> dict[str, int]:
    df: dict[str, int] = {}
    for terms in sets:
        for term in terms:
            df[term] = df.get(term, 0) + 1
    return df


def repeats(questions: Sequence[Asked]) -> list[str]:
    """Every pair of questions from different banks that asks the same thing, with the rule that saw it."""
    docs = [key_terms(f"{q.prompt} {q.offered} {q.answer}") for q in questions]
    df = _document_frequency(docs)
    idf = {term: math.log(len(docs) / count) for term, count in df.items()}
    named = [names(q.prompt) for q in questions]
    name_df = _document_frequency(named)
    found = []
    for i, j in itertools.combinations(range(len(questions)), 2):
        a, b = questions[i], questions[j]
        if a.where.split()[0] == b.where.split()[0]:
            continue
        weight = math.sqrt(sum(idf[t] ** 2 for t in docs[i]) * sum(idf[t] ** 2 for t in docs[j]))
        cosine = sum(idf[t] ** 2 for t in docs[i] & docs[j]) / weight if weight else 0.0
        rare = sorted(n for n in named[i] & named[j] if name_df[n] <= RARE_NAME)
        same_key = a.answer.strip().lower() == b.answer.strip().lower() or _numbers(a) == _numbers(b) != []
        shared = _overlap(key_terms(a.prompt), key_terms(b.prompt))
        if cosine >= COSINE_LIMIT:
            found.append(f"{a.where} and {b.where}: the same key terms ({cosine:.2f})")
        elif len(rare) >= 2:
            found.append(f"{a.where} and {b.where}: both ask about {' and '.join(rare)}")
        elif same_key and shared >= SHARED_TERMS_LIMIT:
            found.append(f"{a.where} and {b.where}: the same answer ({a.answer}) to a prompt on the "
                         f"same terms ({shared:.0%})")
    return found


def _numbers(question: Asked) -> list[str]:
    """The numbers of a numeric answer ('7 founders' and '7 countries' are the same key)."""
    return re.findall(r"\d+(?:\.\d+)?", question.answer) if re.match(r"^\d", question.answer) else []
