"""Lesson 00 behaves as its prose says: the country picker replaces its table."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

from defence_course.quiz import decode_bank_text, load_quiz

REPO = Path(__file__).resolve().parents[1]
LESSON = REPO / "lessons" / "00-start-here.ipynb"


def test_country_picker_replaces_the_table_instead_of_stacking_tables() -> None:
    """Regression: Output.clear_output() outside a `with` block left old tables in place."""
    notebook = nbformat.read(LESSON, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "country_picker.value = 'France'\n"
            "country_picker.value = 'Poland'\n"
            "print(len(country_table.outputs), country_table.outputs[-1]['data']['text/plain'].count('2014'))"
        )
    )
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(LESSON.parent)}}
    ).execute()
    printed = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
    assert printed.strip() == "1 1", f"expected one table (with one 2014 column), got: {printed}"


# --------------------------------------------------------------------------- issue 9, items 7 and 15

TEXTS = sorted((REPO / "text").rglob("*.md"))
BANKS = sorted((REPO / "lessons" / "quizzes").glob("*.yaml"))


def twentieth_credited_to_eeas(text: str) -> list[str]:
    """Lines that give the summit's number ("20th") to the EEAS, whose page does not say it."""
    return [line for line in re.split(r"\n\s*\n|\n\s*- |(?<=[.;])\s", text)
            if "20th" in line and "EEAS" in line and "press reports" not in line]


def all_course_texts() -> dict[str, str]:
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in TEXTS}
    texts.update({str(b.relative_to(REPO)): decode_bank_text(b) for b in BANKS})
    return texts


def test_the_20th_summit_is_never_credited_to_the_eeas() -> None:
    texts = all_course_texts().items()
    found = {name: bad for name, text in texts if (bad := twentieth_credited_to_eeas(text))}
    assert found == {}


def test_the_old_sources_line_is_reported() -> None:
    """The check can fail: lesson 00's old Sources line credited the 20th summit to the EEAS."""
    old = ("- 20th EU\u2013Canada summit and the Security and Defence Partnership, 23 June 2025: EEAS,\n"
           "  <https://eeas.europa.eu/eeas/security-and-defence-eu-and-canada-sign>.")
    assert twentieth_credited_to_eeas(old)
    assert not twentieth_credited_to_eeas("the 20th summit (press reports, not the EEAS page)")


def test_the_start_here_quiz_tests_the_course_not_later_lessons() -> None:
    """Issue 9, item 10: lesson 00's questions are about editions, estimates, sources and checks."""
    bank = load_quiz(REPO / "lessons" / "quizzes" / "00-start-here.yaml")
    prompts = " ".join(q.prompt for q in bank.questions)
    for later_lesson in ("Kallas", "2035", "1.5%", "Austria", "Hague"):
        assert later_lesson not in prompts
    for mechanic in ("is_estimate", "list_datasets", "public check", "exercise", "course function"):
        assert mechanic in prompts


def test_the_country_table_shows_two_decimals() -> None:
    """Issue 9, item 15: the picker's table rounds pct_gdp to two decimals, as NATO publishes it."""
    notebook = nbformat.read(LESSON, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "print(country_table.outputs[-1]['data']['text/plain'])"))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(LESSON.parent)}}).execute()
    printed = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
    assert "1.47" in printed
    assert not re.search(r"\d\.\d{3,}", printed), printed


# --------------------------------------------------------------------------- the datasets question


def dataset_count_problems(bank_text: str, names: list[str]) -> list[str]:
    """What q3 (how many datasets does list_datasets() name?) says that the data do not."""
    bank = yaml.safe_load(bank_text)
    questions = bank["questions"] if isinstance(bank, dict) else bank
    question = next(q for q in questions if q["id"] == "q3")
    problems = []
    if question["answer"] != len(names):
        problems.append(f"answer {question['answer']}, but list_datasets() names {len(names)}")
    problems += [f"explanation misses {n}" for n in names if n not in question["explanation"]]
    return problems


def test_the_datasets_question_counts_what_list_datasets_names() -> None:
    """Moving tables into data files adds datasets; the lesson's question must follow."""
    from defence_course.data import list_datasets

    bank = decode_bank_text(REPO / "lessons" / "quizzes" / "00-start-here.yaml")
    assert dataset_count_problems(bank, list_datasets()) == []
    assert dataset_count_problems(bank, [*list_datasets(), "new_table"]) == [
        f"answer {len(list_datasets())}, but list_datasets() names {len(list_datasets()) + 1}",
        "explanation misses new_table"]
