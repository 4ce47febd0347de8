"""Content quality across every lesson, bank, exercise, solution and data file (issue 9, items 9-11)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from defence_course.quiz import bank_paths, load_quiz
from tests.source_quality import (
    REPO,
    course_files,
    denied_domains,
    denied_urls,
    dollars_paired_in_plain_text,
    is_denied,
    near_duplicates,
    unescaped_dollar_pairs,
    urls_in,
)

BANKS = bank_paths(REPO / "lessons" / "quizzes")
NOTEBOOKS = [p for d in ("lessons", "exercises", "solutions") for p in sorted((REPO / d).glob("*.ipynb"))]
#: The French edition (issue 24): the rules on what a learner reads hold for it too.
FRENCH_NOTEBOOKS = [p for d in ("lessons", "exercises", "solutions")
                    for p in sorted((REPO / d / "fr").glob("*.ipynb"))]
FRENCH_BANKS = bank_paths(REPO / "lessons" / "fr" / "quizzes")


# --------------------------------------------------------------------------- sources


def test_no_url_points_to_a_denied_domain() -> None:
    """Mirrors, SEO answer sites and content farms are not sources (config/denied-domains.yaml)."""
    assert denied_urls() == []


def test_the_url_scan_covers_banks_notebooks_text_and_data() -> None:
    scanned = {path.relative_to(REPO).parts[0] for path in course_files()}
    assert {"lessons", "exercises", "solutions", "data", "text", "instructor"} <= scanned
    quiz_urls = [u for bank in BANKS for u in urls_in(bank)]
    assert any("eeas" in u for u in quiz_urls), "sources inside encoded quiz keys are scanned too"
    assert any("nato.int" in u for path in (REPO / "data").glob("*.csv") for u in urls_in(path))


def test_a_denied_domain_is_reported(tmp_path: Path) -> None:
    """The check can fail: a lesson citing a listed domain (or a subdomain of one) is reported."""
    lesson = tmp_path / "lessons" / "99-test.ipynb"
    lesson.parent.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "Source: <https://www.webjosh.com/article/x> and <https://hacks.pages.dev/1.html>; "
        "fine: <https://www.nato.int/cps/en/natohq/topics_52044.htm>.")])
    nbformat.write(notebook, lesson)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("date,source\n2017-02-15,https://askvity.info/x\n", "utf-8")
    found = denied_urls(tmp_path)
    assert found == [
        "lessons/99-test.ipynb: https://www.webjosh.com/article/x (webjosh.com)",
        "lessons/99-test.ipynb: https://hacks.pages.dev/1.html (pages.dev)",
        "data/t.csv: https://askvity.info/x (askvity.info)",
    ]


def test_the_deny_list_names_the_reviewed_domains_with_reasons() -> None:
    domains = denied_domains()
    for name in ("webjosh.com", "socialsecuritynewsbrief.com", "unpublished.ca", "scribd.com",
                 "pages.dev", "askvity.info"):
        assert domains[name], name
    # Issue 19, item 11: the weak copies the fact-check of December 2026 found.
    for name in ("anews.com.tr", "campaignwatch.org", "pledgetimes.com", "am800cklw.com",
                 "devdiscourse.com", "eubusiness.com", "factually.co", "cde.news", "euro-sd.com"):
        assert domains[name], name
        assert is_denied(f"https://www.{name}/x", domains) == name
    assert is_denied("https://nato.int.example.org/x", domains) is None
    assert is_denied("https://notwebjosh.com/x", domains) is None


# --------------------------------------------------------------------------- quiz banks


def all_prompts() -> dict[str, str]:
    return {f"{bank.stem} {q.id}": q.prompt for bank in BANKS for q in load_quiz(bank).questions}


def all_choices() -> dict[str, str]:
    """The options, items or matches each question offers (none for numeric and text answers)."""
    found = {}
    for bank in BANKS:
        for q in load_quiz(bank).questions:
            offered = [*getattr(q, "lefts", list)(), *(q.choices() if hasattr(q, "choices") else [])]
            if q.type != "truefalse":
                found[f"{bank.stem} {q.id}"] = " ".join(sorted(offered))
    return found


def test_no_two_quiz_questions_ask_the_same_thing_across_all_banks() -> None:
    """One question per fact: every bank in lessons/quizzes/, new ones included (issue 9, item 10)."""
    assert len(all_prompts()) >= 30
    assert near_duplicates(all_prompts(), all_choices()) == []


def test_prompts_alike_over_different_choices_are_not_repeats() -> None:
    prompts = {"a q1": "Put these events in order, earliest first.",
               "b q1": "Put these events in order, earliest first."}
    different = {"a q1": "Wales Hague SAFE", "b q1": "Greece Spain Finland Czechia"}
    assert near_duplicates(prompts, different) == []
    assert near_duplicates(prompts, {"a q1": "Wales Hague SAFE", "b q1": "Wales Hague SAFE"})
    assert near_duplicates(prompts)


def test_near_duplicate_prompts_are_reported() -> None:
    """The check can fail: the old banks asked 'up to 1.5%' three times almost word for word."""
    old = {
        "00 q4": "True or false: the Hague Declaration asks Allies to spend AT LEAST 1.5% of GDP on "
                 "defence- and security-related items such as critical infrastructure and resilience.",
        "03 q9": "Under the Hague commitment, Allies must spend at least 1.5% of GDP on defence- and "
                 "security-related items such as critical infrastructure and resilience.",
        "01 q7": "By which year does the Hague Summit Declaration of 25 June 2025 ask Allies to reach 5%?",
        "03 q8": "By which year does the Hague Summit Declaration of 25 June 2025 commit Allies to 5%?",
        "02 q1": "How many of the 27 EU member states are also NATO Allies?",
    }
    found = near_duplicates(old)
    assert len(found) == 2, found
    assert any("00 q4 and 03 q9" in f for f in found)


# --------------------------------------------------------------------------- Markdown `$`


def markdown_texts() -> list[tuple[str, str]]:
    """(where, text) for every Markdown cell of every notebook and every quiz text a learner reads."""
    found = [(f"{nb.relative_to(REPO)} cell {i}", cell.source)
             for nb in NOTEBOOKS + FRENCH_NOTEBOOKS
             for i, cell in enumerate(nbformat.read(nb, as_version=4).cells) if cell.cell_type == "markdown"]
    for bank in BANKS + FRENCH_BANKS:
        for q in load_quiz(bank).questions:
            found.append((f"{bank.name} {q.id}", " ".join([q.prompt, q.explanation])))
    return found


def test_currency_is_escaped_in_every_markdown_cell_and_quiz_text() -> None:
    """Two `$` in one cell render as LaTeX in JupyterLab: currency is written `\\$`."""
    problems = [f"{where}: {pairs}" for where, text in markdown_texts()
                if (pairs := unescaped_dollar_pairs(text))]
    assert problems == []


def test_no_markdown_cell_has_two_dollars_in_one_run_of_plain_text() -> None:
    """Escaped or not: MathJax reads the rendered text (quiz texts are not typeset unless a bank is
    marked `math`, so only notebook cells are read here)."""
    problems = [f"{where}: {runs}" for where, text in markdown_texts() if " cell " in where
                if (runs := dollars_paired_in_plain_text(text))]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('investment of\n\\$6.6 billion"), so. It calls "over \\$280 billion".', 1),  # lesson 06's
        ("about $1,404bn and $845bn", 1),
        ('investment of \\$6.6 billion").\n\nIt calls "over \\$280 billion".', 0),
        ("at **\\$997bn** of the members' **\\$1,506bn** in 2024", 0),
        ("in code: `$5 and $6`, one amount \\$7", 0),
    ],
)
def test_the_plain_text_dollar_check_can_fail(text: str, found: int) -> None:
    assert len(dollars_paired_in_plain_text(text)) == found


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("about **$1,404bn**, United States about **$845bn**", ["$1,404bn**, United States about **$"]),
        ("about **\\$1,404bn**, United States about **\\$845bn**", []),
        ("one amount, $10 million, in the cell", []),
        ("maths stays maths: $x^2$ and `$5 $6` in code", []),
    ],
)
def test_the_dollar_check_finds_unescaped_pairs(text: str, pairs: list[str]) -> None:
    assert unescaped_dollar_pairs(text) == pairs


# --------------------------------------------------------------------------- quiz cells


def quiz_cells_without_import(notebook: nbformat.NotebookNode) -> list[int]:
    """Code cells that call show_quiz without importing it themselves (they fail when run alone)."""
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            and "show_quiz(" in cell.source and "import" not in cell.source.split("show_quiz(")[0]]


@pytest.mark.parametrize("path", sorted((REPO / "lessons").glob("*.ipynb")) + FRENCH_NOTEBOOKS[:8],
                         ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_quiz_cell_works_on_its_own(path: Path) -> None:
    assert quiz_cells_without_import(nbformat.read(path, as_version=4)) == []


def test_a_quiz_cell_without_its_import_is_reported() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('show_quiz("01-the-news", "q1")'),
        nbformat.v4.new_code_cell('from defence_course.quiz import show_quiz\n'
                                  'show_quiz("01-the-news", "q2")'),
    ])
    assert quiz_cells_without_import(notebook) == [0]
