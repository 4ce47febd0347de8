"""Shared by the content-quality tests: URLs and their domains, near-duplicate quiz prompts, `$` pairs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parents[1]
DENY_LIST = REPO / "config" / "denied-domains.yaml"
URL = re.compile(r"https?://[^\s<>\"'`)\]]+")
#: Where a learner can meet a URL: lessons, their text sources, quiz banks, exercises, solutions, data.
URL_FOLDERS = ("lessons", "exercises", "solutions", "data", "text", "instructor")
URL_SUFFIXES = {".ipynb", ".md", ".yaml", ".yml", ".csv", ".json"}


def denied_domains(path: Path = DENY_LIST) -> dict[str, str]:
    """Domain -> why it is not a source, from the deny-list an instructor edits without Python."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["domains"]
    return {entry["domain"].lower(): entry["why"] for entry in entries}


def is_denied(url: str, domains: Iterable[str]) -> str | None:
    """The listed domain `url` belongs to (itself or a subdomain), or None."""
    host = (urlsplit(url).hostname or "").lower()
    return next((d for d in domains if host == d or host.endswith("." + d)), None)


def course_files(root: Path = REPO) -> Iterator[Path]:
    """Every file a URL could hide in, in the learner- and instructor-facing folders."""
    for folder in URL_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in URL_SUFFIXES and path != DENY_LIST:
                yield path


def urls_in(path: Path) -> list[str]:
    """Every URL in a file; an encoded quiz bank is decoded first (its sources sit in the key)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml") and "quizzes" in path.parts:
        from defence_course.quiz import decode_bank_text

        text = decode_bank_text(path)
    return [u.rstrip(".,;:") for u in URL.findall(text)]


def denied_urls(root: Path = REPO, domains: Iterable[str] | None = None) -> list[str]:
    """'file: url (domain)' for every URL on the deny-list."""
    listed = list(domains if domains is not None else denied_domains())
    found = []
    for path in course_files(root):
        for url in urls_in(path):
            domain = is_denied(url, listed)
            if domain:
                found.append(f"{path.relative_to(root)}: {url} ({domain})")
    return found


def normalised(text: str) -> str:
    """Lower case, words only: 'True or false: the 1.5%...' and 'the 1.5% ...' compare alike."""
    text = re.sub(r"^\s*true or false:\s*", "", text.lower())
    return " ".join(re.findall(r"[\w.%]+", text))


def alike(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1, after normalising."""
    return SequenceMatcher(None, normalised(a), normalised(b)).ratio()


def near_duplicates(prompts: dict[str, str], choices: dict[str, str] | None = None,
                    threshold: float = 0.8) -> list[str]:
    """Pairs of quiz questions that ask nearly the same thing, as messages.

    Two prompts worded alike are a repeat, unless both questions offer choices and the choices
    differ ("Put these in order, earliest first" over different events asks different things).
    """
    choices = choices or {}
    items = sorted(prompts.items())
    found = []
    for i, (where_a, a) in enumerate(items):
        for where_b, b in items[i + 1:]:
            ratio = alike(a, b)
            options_a, options_b = choices.get(where_a, ""), choices.get(where_b, "")
            if ratio >= threshold and not (options_a and options_b and alike(options_a, options_b) < 0.5):
                found.append(f"{where_a} and {where_b} ask nearly the same question ({ratio:.0%} alike)")
    return found


# Two `$` in one Markdown paragraph render as LaTeX in JupyterLab: "$1,404bn and $845bn" loses its
# dollars and shows italics. Currency is written `\$`; maths, if a lesson ever needs it, as $...$
# with no digit right after the opening `$` (a currency amount starts with a digit).
UNESCAPED_PAIR = re.compile(r"(?<![\\$])\$(?!\$)(?=\S)([^$\n]*?)(?<![\\\s])\$")


def dollars_paired_in_plain_text(markdown: str) -> list[str]:
    """Each paragraph with two `$` (escaped or not) in one run of plain text: JupyterLab's MathJax
    reads the rendered text, where `\\$` is already `$`, and sets what lies between as maths
    (issue 21: lesson 06's "\\$6.6 billion ... over \\$280 billion"). Bold or code between them, or
    a paragraph break, keeps them apart."""
    found = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        plain = re.sub(r"`[^`]*`", "\0", paragraph)
        plain = re.sub(r"\*\*.*?\*\*", "\0", plain, flags=re.S)
        found += [run for run in plain.split("\0") if run.count("$") >= 2]
    return found


def unescaped_dollar_pairs(markdown: str) -> list[str]:
    """Each `$...$` span in Markdown (outside inline code) that would render as LaTeX by mistake."""
    prose = re.sub(r"`[^`]*`", "", markdown)
    return [m.group(0) for m in UNESCAPED_PAIR.finditer(prose) if re.match(r"\$\s*\d", m.group(0))]
