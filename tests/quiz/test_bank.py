"""Quiz banks through the Python API: every type graded right, wrong, partly and malformed."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from defence_course.data import list_datasets
from defence_course.quiz.banks import (
    bank_paths,
    decode_bank_text,
    encode_bank_text,
    load_quiz,
    plain_key_problems,
)
from defence_course.quiz.build import SKILLS
from defence_course.quiz.keys import decode_key, encode_key
from defence_course.quiz.model import (
    QUESTION_TYPES,
    Question,
    QuizFormatError,
    QuizNotFoundError,
    QuizResponseError,
)
from tests.quiz.repeats import asked_in, repeats

REPO = Path(__file__).resolve().parents[2]
BANKS = REPO / "lessons" / "quizzes"
SOURCE = "    source: {title: 'EEAS, 23 June 2025', url: 'https://eeas.europa.eu/x'}\n"

PLAIN = textwrap.dedent(
    """\
    title: "Test bank"
    questions:
      - id: single
        type: single
        prompt: "Who signed for the EU?"
        options:
          - {text: "Kallas", correct: true, feedback: "Yes, the HR/VP."}
          - {text: "Costa", feedback: "He chaired the summit."}
          - "Carney"
        explanation: "EEAS names Kallas."
    SOURCE
      - id: multi
        type: multiple
        prompt: "EU states outside NATO?"
        options:
          - {text: "Austria", correct: true, feedback: "Neutral."}
          - {text: "Malta", correct: true}
          - {text: "Ireland", correct: true}
          - {text: "Finland", feedback: "Joined in 2023."}
        explanation: "Four EU states are outside NATO."
    SOURCE
      - id: num
        type: numeric
        prompt: "Deadline year?"
        answer: 2035
        tolerance: 0
        unit: "year"
        mistakes:
          - {answer: 2032, feedback: "That was the draft."}
        feedback: {low: "Too early.", high: "Too late."}
        explanation: "By 2035."
    SOURCE
      - id: share
        type: numeric
        prompt: "Canada's 2025e share of GDP?"
        range: [1.99, 2.03]
        unit: "% of GDP"
        explanation: "2.01%."
    SOURCE
      - id: tf
        type: truefalse
        prompt: "1.5% is a floor."
        answer: false
        feedback: {true: "It says up to.", false: "Right, a ceiling."}
        explanation: "Up to 1.5%."
    SOURCE
      - id: order
        type: ordering
        prompt: "Date order?"
        items:
          - {text: "Wales", feedback: "2014."}
          - "SAFE"
          - "SDP"
          - "Hague"
        explanation: "2014, May, 23 Jun, 25 Jun."
    SOURCE
      - id: match
        type: matching
        prompt: "Person to office"
        pairs:
          Kallas: "High Representative"
          Costa: "European Council"
          "von der Leyen": "Commission"
        distractors: ["NATO"]
        explanation: "Offices."
    SOURCE
    """
).replace("SOURCE\n", SOURCE)


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "test-bank.yaml"
    path.write_text(PLAIN, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the API


def test_load_quiz_lists_questions_with_id_and_type(bank: Path) -> None:
    quiz = load_quiz(bank)
    assert [(q.id, q.type) for q in quiz.questions] == [
        ("single", "single"), ("multi", "multiple"), ("num", "numeric"), ("share", "numeric"),
        ("tf", "truefalse"), ("order", "ordering"), ("match", "matching"),
    ]
    assert set(QUESTION_TYPES) == {"single", "multiple", "numeric", "truefalse", "ordering",
                                   "matching"}


def test_single_choice(bank: Path) -> None:
    quiz = load_quiz(bank)
    right = quiz.answer("single", "Kallas")
    assert (right.correct, right.score) == (True, 1.0)
    assert "HR/VP" in right.message
    assert right.explanation == "EEAS names Kallas."
    assert right.source is not None
    assert right.source.url == "https://eeas.europa.eu/x"
    wrong = quiz.answer("single", "Costa")
    assert (wrong.correct, wrong.score) == (False, 0.0)
    assert "chaired the summit" in wrong.message
    with pytest.raises(QuizResponseError, match="not an option"):
        quiz.answer("single", "Trump")
    with pytest.raises(QuizResponseError, match="must be text"):
        quiz.answer("single", ["Kallas"])


def test_multiple_select_partial_credit(bank: Path) -> None:
    quiz = load_quiz(bank)
    assert quiz.answer("multi", ["Austria", "Malta", "Ireland"]).correct
    partial = quiz.answer("multi", ["Austria", "Malta"])
    assert not partial.correct
    assert partial.score == pytest.approx(2 / 3, abs=1e-3)
    assert "2 of the 3" in partial.message
    assert "Neutral." in partial.message
    penalised = quiz.answer("multi", ["Austria", "Malta", "Finland"])
    assert penalised.score == pytest.approx(1 / 3, abs=1e-3)
    assert "Joined in 2023." in penalised.message
    assert quiz.answer("multi", ["Finland"]).score == 0.0
    for bad in ("Austria", [], ["Austria", "Austria"], ["Spain"], [1]):
        with pytest.raises(QuizResponseError):
            quiz.answer("multi", bad)


def test_numeric_tolerance_range_and_mistakes(bank: Path) -> None:
    quiz = load_quiz(bank)
    assert quiz.answer("num", 2035).correct
    assert quiz.answer("num", 2035.0).score == 1.0
    draft = quiz.answer("num", 2032)
    assert not draft.correct
    assert "That was the draft." in draft.message
    assert "year" in draft.message  # the unit is shown
    assert "too low" in quiz.answer("num", 2000).message
    assert "Too late." in quiz.answer("num", 2040).message
    assert quiz.answer("share", 1.99).correct
    assert quiz.answer("share", 2.03).correct
    assert not quiz.answer("share", 2.04).correct
    for bad in ("2035", True, None, [2035], float("nan")):
        with pytest.raises(QuizResponseError):
            quiz.answer("num", bad)


def test_true_false(bank: Path) -> None:
    quiz = load_quiz(bank)
    right = quiz.answer("tf", "False")
    assert right.correct
    assert "ceiling" in right.message
    assert quiz.answer("tf", False).correct
    wrong = quiz.answer("tf", "True")
    assert not wrong.correct
    assert "up to" in wrong.message
    for bad in ("yes", 1, None):
        with pytest.raises(QuizResponseError):
            quiz.answer("tf", bad)


def test_ordering_scores_pairs_in_order(bank: Path) -> None:
    quiz = load_quiz(bank)
    assert quiz.answer("order", ["Wales", "SAFE", "SDP", "Hague"]).correct
    swapped = quiz.answer("order", ["Wales", "SAFE", "Hague", "SDP"])
    assert not swapped.correct
    assert swapped.score == pytest.approx(5 / 6, abs=1e-3)
    assert "2 of 4 items" in swapped.message
    backwards = quiz.answer("order", ["Hague", "SDP", "SAFE", "Wales"])
    assert backwards.score == 0.0
    assert "Wales: 2014." in backwards.message
    for bad in (["Wales", "SAFE", "SDP"], ["Wales", "Wales", "SDP", "Hague"], "Wales", None):
        with pytest.raises(QuizResponseError):
            quiz.answer("order", bad)


def test_ordering_never_starts_in_the_right_order(bank: Path) -> None:
    question = load_quiz(bank).question("order")
    assert question.choices() != list(question.items)  # type: ignore[attr-defined]
    assert question.choices() == question.choices()  # type: ignore[attr-defined]


def test_matching(bank: Path) -> None:
    quiz = load_quiz(bank)
    right = {"Kallas": "High Representative", "Costa": "European Council",
             "von der Leyen": "Commission"}
    assert quiz.answer("match", right).correct
    partial = quiz.answer("match", {**right, "Costa": "NATO"})
    assert partial.score == pytest.approx(2 / 3, abs=1e-3)
    assert "2 of 3" in partial.message
    for bad in ({"Kallas": "Commission"}, {**right, "Rutte": "NATO"},
                {**right, "Costa": "Pope"}, ["Kallas"], {**right, "Costa": None}):
        with pytest.raises(QuizResponseError):
            quiz.answer("match", bad)


def test_unknown_question_and_bank(bank: Path) -> None:
    with pytest.raises(QuizNotFoundError, match="single, multi"):
        load_quiz(bank).answer("q99", "x")
    with pytest.raises(QuizNotFoundError, match="no quiz bank 'no-such-bank'"):
        load_quiz("no-such-bank")


def test_shuffle_is_stable_and_seeded(tmp_path: Path) -> None:
    text = PLAIN.replace('title: "Test bank"', 'title: "Test bank"\nshuffle: true')
    first = write(tmp_path, text, "a.yaml")
    again = load_quiz(first).question("multi").choices()  # type: ignore[attr-defined]
    assert load_quiz(first).question("multi").choices() == again  # type: ignore[attr-defined]
    assert sorted(again) == ["Austria", "Finland", "Ireland", "Malta"]
    unshuffled = load_quiz(write(tmp_path, PLAIN, "b.yaml")).question("multi")
    assert unshuffled.choices() == ["Austria", "Malta", "Ireland", "Finland"]  # type: ignore


# --------------------------------------------------------------------------- bad banks


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("type: single", "type: singel", "type", "unknown type 'singel'"),
        ('{text: "Kallas", correct: true, feedback: "Yes, the HR/VP."}', '"Kallas"', "options",
         "no correct option"),
        ("id: multi", "id: single", "id", "duplicate id 'single'"),
        ("tolerance: 0", "tolerance: -1", "tolerance", "zero or more"),
        ("range: [1.99, 2.03]", "range: [2.03, 1.99]", "range", "swap"),
        ("    explanation: \"By 2035.\"\n", "", "explanation", "missing"),
        ("answer: false", "answer: maybe", "answer", "true or false"),
        ("unit: \"year\"", "units: \"year\"", "units", "did you mean 'unit'"),
        ("url: 'https://eeas.europa.eu/x'}\n  - id: multi",
         "url: 'eeas.europa.eu'}\n  - id: multi", "url", "http"),
    ],
)
def test_bad_bank_names_file_question_field_and_line(
    tmp_path: Path, old: str, new: str, field: str, words: str
) -> None:
    assert old in PLAIN
    path = write(tmp_path, PLAIN.replace(old, new, 1))
    with pytest.raises(QuizFormatError) as info:
        load_quiz(path)
    error = info.value
    assert error.file == str(path)
    assert error.field == field
    assert error.line is not None
    assert words in str(error)
    assert str(path) in str(error)
    assert f"field {field!r}" in str(error)
    assert error.question is not None


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, PLAIN.replace('prompt: "Deadline year?"', 'prompt: "Deadline year?'))
    with pytest.raises(QuizFormatError, match="YAML syntax error") as info:
        load_quiz(path)
    assert info.value.line is not None
    assert f"{path}:" in str(info.value)


def test_json_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[\n {"question": "x",\n  "type": "numeric" "answers": []}\n]',
                 "bad.json")
    with pytest.raises(QuizFormatError, match="JSON syntax error") as info:
        load_quiz(path)
    assert info.value.line == 3


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, PLAIN.replace('prompt: "Deadline year?"',
                                         'prompt: "Deadline year?"\n    prompt: "again"'))
    with pytest.raises(QuizFormatError, match="duplicate key 'prompt'"):
        load_quiz(path)


def test_two_correct_options_in_single_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, PLAIN.replace('{text: "Costa", feedback', '{text: "Costa", correct:'
                                         ' true, feedback'))
    with pytest.raises(QuizFormatError, match="type: multiple"):
        load_quiz(path)


# --------------------------------------------------------------------------- encoding


def test_encode_hides_answers_and_round_trips(bank: Path, tmp_path: Path) -> None:
    encoded_text = encode_bank_text(bank)
    for spoiler in ("correct", "feedback", "explanation", "Joined in 2023", "2035", "pairs",
                    "tolerance", "Kallas: High"):
        assert spoiler not in encoded_text.split("\n", 7)[-1], spoiler
    encoded = write(tmp_path, encoded_text, "enc.yaml")
    assert plain_key_problems(encoded) == []
    assert plain_key_problems(bank)  # the plain bank is reported
    plain, enc = load_quiz(bank), load_quiz(encoded)
    assert enc.encoded
    assert not plain.encoded
    for question in plain.questions:
        assert enc.question(question.id) == question.__class__(
            **{**question.__dict__, "seed": question.seed.replace("test-bank", "enc")})
    assert enc.answer("match", {"Kallas": "High Representative", "Costa": "European Council",
                                "von der Leyen": "Commission"}).correct
    # Deterministic and idempotent: same input, same bytes; encoding an encoded bank is a no-op.
    assert encode_bank_text(bank) == encoded_text
    assert encode_bank_text(encoded) == encoded_text
    decoded = write(tmp_path, decode_bank_text(encoded), "dec.yaml")
    assert "correct: true" in decoded.read_text(encoding="utf-8")
    assert encode_bank_text(decoded) == encoded_text


def test_key_is_bound_to_question_id_and_detects_damage() -> None:
    key = encode_key("q1", {"answer": 2035})
    assert key.startswith("dc1:")
    assert "2035" not in key
    assert decode_key("q1", key) == {"answer": 2035}
    with pytest.raises(ValueError, match="damaged"):
        decode_key("q2", key)
    with pytest.raises(ValueError, match="damaged"):
        decode_key("q1", key[:-6] + "AAAAAA")


def test_hand_edited_encoded_bank_is_reported(bank: Path, tmp_path: Path) -> None:
    text = encode_bank_text(bank)
    edited = write(tmp_path, text.replace("  - Finland\n", "  - Sweden\n"), "e1.yaml")
    with pytest.raises(QuizFormatError, match="differs from the encoded key") as info:
        load_quiz(edited)
    assert info.value.field == "options"
    assert info.value.question == "multi"
    leaked = write(tmp_path, text.replace("  type: truefalse\n",
                                          "  type: truefalse\n  answer: false\n"), "e2.yaml")
    with pytest.raises(QuizFormatError, match="plain answer fields"):
        load_quiz(leaked)
    assert any("'answer'" in p for p in plain_key_problems(leaked))
    broken = write(tmp_path, text.replace("key: dc1:", "key: dc1:x", 1), "e3.yaml")
    with pytest.raises(QuizFormatError, match="damaged") as info:
        load_quiz(broken)
    assert info.value.field == "key"


def test_ordering_in_plain_order_is_flagged(bank: Path, tmp_path: Path) -> None:
    text = encode_bank_text(bank)
    import yaml

    data = yaml.safe_load(text)
    order = next(q for q in data["questions"] if q["id"] == "order")
    order["items"] = ["Wales", "SAFE", "SDP", "Hague"]
    leaked = write(tmp_path, yaml.safe_dump(data, sort_keys=False), "o.yaml")
    assert any("right order" in p for p in plain_key_problems(leaked))


# --------------------------------------------------------------------------- committed banks


def test_committed_banks_exist_and_start_here_has_every_type() -> None:
    quiz = load_quiz(BANKS / "00-start-here.yaml")
    assert {q.type for q in quiz.questions} == set(QUESTION_TYPES)
    for question in quiz.questions:
        assert question.explanation
        assert question.source is not None
        assert question.source.url.startswith("https://")


#: Every edition's banks: the French ones (lessons/fr/quizzes, issue 24) are validated and audited too.
EDITION_BANKS = bank_paths(BANKS) + bank_paths(BANKS.parent / "fr" / "quizzes")


@pytest.mark.parametrize("path", EDITION_BANKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_committed_bank_is_valid(path: Path) -> None:
    quiz = load_quiz(path)
    for question in quiz.questions:  # every question explained and sourced, in each language
        assert question.explanation
        assert question.source is not None




@pytest.mark.parametrize("path", EDITION_BANKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_committed_bank_holds_no_plain_answer_key(path: Path) -> None:
    problems = plain_key_problems(path)
    assert not problems, "\n".join(problems)


def test_start_here_answers(tmp_path: Path) -> None:
    """The shipped bank grades its own right answers as right (catches a bad re-encode)."""
    quiz = load_quiz(BANKS / "00-start-here.yaml")
    assert quiz.answer("q1", "NATO published the figure before the year's accounts were final, so a later"
                       " edition may revise it").correct
    assert quiz.answer("q2", ['source("nato_spending")', 'describe("nato_spending")',
                              "The edition column of each row", "data/datapackage.json"]).correct
    assert quiz.answer("q3", len(list_datasets())).correct  # what lesson 00 asks to count
    assert not quiz.answer("q3", 1).correct
    assert quiz.answer("q4", "False").correct
    assert quiz.answer("q5", [
        "Read the question and the name of the result it asks you to define",
        "Replace the ... placeholder with your code and run the cell",
        "Run the check cell below it and read what it says",
        "Save the notebook and hand in the .ipynb file",
    ]).correct
    assert quiz.answer("q6", {
        "load(name)": "A typed, checked table from data/",
        "source(name)": "A short citation for a table or a plot",
        "describe(name)": "Every source, licence, caveat and column explained",
        "show_progress()": "A bar per lesson with your quiz results",
    }).correct


def test_two_right_options_read_both_not_all_2() -> None:
    """Issue 21: "All 2 right options" read oddly; two are "Both"."""
    from defence_course.quiz.model import MultipleSelect, Option

    question = MultipleSelect(id="q", prompt="Pick", explanation="", source=None, options=(
        Option("a", True), Option("b", True), Option("c")))
    assert question.grade(["a", "b"]).headline == "Both right options, and nothing else."
    three = MultipleSelect(id="q", prompt="Pick", explanation="", source=None, options=(
        Option("a", True), Option("b", True), Option("c", True)))
    assert three.grade(["a", "b", "c"]).headline == "All 3 right options, and nothing else."


# --------------------------------------------------------------------------- repeats in other words

OLD_BANKS = Path(__file__).parent / "data" / "banks-before-2026-12"


def test_no_question_repeats_another_bank_in_other_words() -> None:
    """Issue 19: a question may not ask again, in other words, what another lesson asked."""
    asked = [a for path in bank_paths(BANKS) for a in asked_in(path)]
    assert len(asked) >= 60
    assert repeats(asked) == []


def test_the_paraphrase_check_catches_the_five_repeats_of_the_old_banks() -> None:
    """The check can fail: the banks before December 2026 repeated five questions in lesson 06."""
    asked = [a for path in bank_paths(OLD_BANKS) for a in asked_in(path)]
    found = repeats(asked)
    pairs = {tuple(sorted(re.findall(r"(\d\d)-[\w-]+ (q\d+)", f))) for f in found}
    assert pairs == {
        (("02", "q4"), ("06", "q8")), (("04", "q5"), ("06", "q6")), (("04", "q8"), ("06", "q10")),
        (("05", "q2"), ("06", "q11")), (("02", "q3"), ("06", "q1")),
    }, found
    assert any("both ask about Moldova and Norway" in f for f in found)
    assert any("the same answer (False)" in f for f in found)


# --------------------------------------------------------------------------- skills and give-aways

LESSONS = REPO / "lessons"
CONTENT_BANKS = [p for p in bank_paths(BANKS) if not p.stem.startswith("00-")]
LENGTH_RATIO = 1.6  # a right option this many times longer than the longest wrong one gives it away


def test_every_committed_question_has_a_skill_tag() -> None:
    untagged = [f"{p.stem} {q.id}" for p in bank_paths(BANKS) for q in load_quiz(p).questions
                if q.skill not in SKILLS]
    assert untagged == []


@pytest.mark.parametrize("path", CONTENT_BANKS, ids=lambda p: p.stem)
def test_at_least_40_percent_of_a_content_lesson_judges_evidence(path: Path) -> None:
    """Issue 19: which source settles a claim, what a figure can show, what an interest does to it."""
    skills = [q.skill for q in load_quiz(path).questions]
    assert skills.count("judge") / len(skills) >= 0.4, skills


def test_a_bad_skill_tag_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, PLAIN.replace('unit: "year"', 'unit: "year"\n    skill: guess', 1))
    with pytest.raises(QuizFormatError, match="unknown skill 'guess'; use one of: recall") as info:
        load_quiz(path)
    assert info.value.field == "skill"
    assert load_quiz(write(tmp_path, PLAIN.replace('unit: "year"', 'unit: "year"\n    skill: judge', 1),
                           "ok.yaml")).question("num").skill == "judge"


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[*_`>]", "", text).lower().split()).rstrip(".")


def give_aways(question: Question, before: str) -> list[str]:
    """Mechanical give-aways: the right option far longer than the others, or an option's words
    printed in the lesson cells just before the quiz (the answer, or a distractor refuted there)."""
    options = getattr(question, "options", ())
    right = [o.text for o in options if o.correct]
    wrong = [o.text for o in options if not o.correct]
    found = []
    if len(right) == 1 and wrong and len(right[0]) > LENGTH_RATIO * max(len(w) for w in wrong):
        found.append(f"{question.id}: the right option is much longer than every other")
    for text in (o.text for o in options):
        quotation = text.startswith(('"', "'"))  # a quote to judge, not an answer to find
        if len(text.split()) >= 5 and not quotation and _flat(text) in _flat(before):
            found.append(f"{question.id}: {text!r} is printed in the cells before the quiz")
    return found


def lesson_give_aways(notebook: Path) -> list[str]:
    """Every give-away in one lesson: each quiz cell against the markdown since the previous one."""
    cells, found, before = nbformat.read(notebook, as_version=4).cells, [], ""
    for cell in cells:
        shown = re.search(r'show_quiz\("([\w-]+)", "(\w+)"\)', cell.source)
        if cell.cell_type == "markdown":
            before += "\n" + cell.source
        elif shown:
            found += give_aways(load_quiz(BANKS / f"{shown[1]}.yaml").question(shown[2]), before)
            before = ""
    return found


@pytest.mark.parametrize("notebook", sorted(LESSONS.glob("0[1-9]-*.ipynb")), ids=lambda p: p.stem)
def test_no_quiz_gives_its_answer_away(notebook: Path) -> None:
    assert lesson_give_aways(notebook) == []


def test_the_give_away_check_can_fail() -> None:
    """The old 06 q1 (right option three times longer) and an option printed just above are caught."""
    old = load_quiz(OLD_BANKS / "06-a-new-alignment.yaml").question("q1")
    assert any("much longer" in g for g in give_aways(old, ""))
    q8 = load_quiz(OLD_BANKS / "04-did-the-pressure-work.yaml").question("q8")
    above = ('In the Declaration\'s own words: "The trajectory and balance of spending under the plan'
             ' will be reviewed".')
    assert any("printed in the cells" in g for g in give_aways(q8, above))
    assert give_aways(q8, "Nothing relevant here.") == []
