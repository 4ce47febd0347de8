"""jupyterquiz JSON import, and the check-quizzes / quiz encode|decode commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from defence_course.cli import main
from defence_course.quiz import QuizFormatError, QuizResponseError, load_quiz

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "data" / "jupyterquiz-sample.json"
REPO = HERE.parents[1]
START = REPO / "lessons" / "quizzes" / "00-start-here.yaml"


# --------------------------------------------------------------------------- jupyterquiz


def test_jupyterquiz_types_load() -> None:
    quiz = load_quiz(SAMPLE)
    assert [(q.id, q.type) for q in quiz.questions] == [
        ("q1", "single"), ("q2", "multiple"), ("q3", "numeric"), ("q4", "text")]


def test_jupyterquiz_choices() -> None:
    quiz = load_quiz(SAMPLE)
    assert quiz.answer("q1", "The Hague").correct
    wrong = quiz.answer("q1", "Brussels")
    assert not wrong.correct
    assert "EU-Canada summit" in wrong.message
    assert quiz.answer("q2", ["Austria", "Malta"]).correct
    assert quiz.answer("q2", ["Austria"]).score == pytest.approx(0.5)


def test_jupyterquiz_numeric_value_range_default_precision() -> None:
    quiz = load_quiz(SAMPLE)
    assert quiz.answer("q3", 2.01).correct
    assert quiz.answer("q3", 2.0149).correct  # precision 3: rounds to 2.01
    in_range = quiz.answer("q3", 1.47)
    assert not in_range.correct
    assert "about 2024" in in_range.message
    assert "NATO 2025 edition" in quiz.answer("q3", 3.5).message  # default feedback
    assert not quiz.answer("q3", 1.5).correct  # jupyterquiz ranges exclude the upper bound
    assert "NATO 2025 edition" in quiz.answer("q3", 1.5).message


def test_jupyterquiz_string_case_and_fuzzy() -> None:
    quiz = load_quiz(SAMPLE)
    assert quiz.answer("q4", "safe").correct
    near = quiz.answer("q4", "Rearm europ")
    assert not near.correct
    assert "one pillar" in near.message
    assert "May 2025" in quiz.answer("q4", "EDIP").message
    with pytest.raises(QuizResponseError):
        quiz.answer("q4", "  ")


def test_jupyterquiz_bad_file_names_question_and_field(tmp_path: Path) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data[2]["answers"] = [{"type": "default", "feedback": "x"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with pytest.raises(QuizFormatError, match="no correct answer") as info:
        load_quiz(path)
    assert info.value.question == "q3"
    assert info.value.field == "answers"
    assert info.value.line is not None
    data[2]["type"] = "drag_and_drop"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with pytest.raises(QuizFormatError, match="unknown jupyterquiz type 'drag_and_drop'"):
        load_quiz(path)


# --------------------------------------------------------------------------- commands


def test_check_quizzes_passes_on_start_here(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-quizzes", str(START)]) == 0
    assert "ok: 1 bank(s), 6 question(s)" in capsys.readouterr().out


def test_check_quizzes_passes_on_every_committed_bank(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What CI runs: every bank in lessons/quizzes/ valid AND encoded."""
    monkeypatch.setenv("DEFENCE_COURSE_QUIZZES", str(START.parent))
    code = main(["check-quizzes"])
    assert code == 0, capsys.readouterr().out


def test_check_quizzes_reports_each_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.yaml"
    assert main(["quiz", "decode", str(START), "-o", str(plain)]) == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(plain.read_text(encoding="utf-8").replace("tolerance: 0",
                                                                "tolerance: -2"),
                      encoding="utf-8")
    capsys.readouterr()
    assert main(["check-quizzes", str(plain), str(broken)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "plain bank" in lines[0]
    assert "encode --in-place" in lines[0]
    assert f"{broken}:" in lines[1]
    assert "question 'q3', field 'tolerance'" in lines[1]
    assert main(["check-quizzes", "--allow-plain", str(plain)]) == 0


def test_encode_in_place_and_decode_round_trip(tmp_path: Path) -> None:
    plain = tmp_path / "bank.yaml"
    assert main(["quiz", "decode", str(START), "-o", str(plain)]) == 0
    assert "correct: true" in plain.read_text(encoding="utf-8")
    copy = tmp_path / "copy.yaml"
    shutil.copy(plain, copy)
    assert main(["quiz", "encode", "--in-place", str(plain), str(copy)]) == 0
    assert plain.read_text(encoding="utf-8") == START.read_text(encoding="utf-8")
    assert main(["check-quizzes", str(plain)]) == 0


def test_encode_refuses_a_broken_bank_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "bank.yaml"
    assert main(["quiz", "decode", str(START), "-o", str(plain)]) == 0
    text = plain.read_text(encoding="utf-8").replace("type: ordering", "type: sorting")
    plain.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["quiz", "encode", "--in-place", str(plain)]) == 1
    assert "unknown type 'sorting'" in capsys.readouterr().err
    assert plain.read_text(encoding="utf-8") == text


# -------------------------------------------------- jupyterquiz's own example shape (issue 8)

# Shaped like examples/questions.json in jupyterquiz's repository: answers given only as
# `code`, a question with a `code` block, LaTeX in questions, answers and feedback, and
# fields this course does not use (`answer_cols`).
EXAMPLE_SHAPE = HERE / "data" / "jupyterquiz-examples-shape.json"


def test_jupyterquiz_example_shape_loads() -> None:
    quiz = load_quiz(EXAMPLE_SHAPE)
    assert [q.type for q in quiz.questions] == ["multiple", "numeric", "single", "single", "single"]
    assert quiz.math  # jupyterquiz banks typeset $...$ as LaTeX


def test_code_only_answers_are_chosen_and_graded_by_their_code() -> None:
    quiz = load_quiz(EXAMPLE_SHAPE)
    q4 = quiz.question("q4")
    assert [o.code for o in q4.options] == ["mylist += 3", "mylist += [3]", "mylist += {3}"]
    assert quiz.answer("q4", "mylist += [3]").correct
    assert not quiz.answer("q4", "mylist += 3").correct
    with pytest.raises(QuizResponseError):
        quiz.answer("q4", "mylist.append(3)")


def test_question_code_is_kept_apart_from_the_prompt() -> None:
    q3 = load_quiz(EXAMPLE_SHAPE).question("q3")
    assert q3.prompt == "What does this Python code print?"
    assert q3.code == 'a = "1"\nb = "2"\nprint(a + b)'


def test_an_answer_with_neither_text_nor_code_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"question": "Q?", "type": "multiple_choice", "answers": '
                   '[{"correct": true}, {"answer": "b"}]}]', encoding="utf-8")
    with pytest.raises(QuizFormatError, match=r"question 'q1', field 'answer': missing"):
        load_quiz(bad)


def test_widgets_show_code_in_monospace_and_typeset_latex(tmp_path: Path) -> None:
    from defence_course.quiz.progress import ProgressStore
    from defence_course.quiz.widgets import build_quiz

    view = build_quiz(str(EXAMPLE_SHAPE), store=ProgressStore(tmp_path / "p.json"))
    prompts = {qv.question.id: qv.box.children[0] for qv in view.questions}
    # HTMLMath: JupyterLab typesets $...$ in it with MathJax, as in a Markdown cell.
    assert all(type(w).__name__ == "HTMLMath" for w in prompts.values())
    assert "$\\pi$" in prompts["q2"].value
    assert '<pre class="dc-code"><code>a = &quot;1&quot;\nb = &quot;2&quot;\nprint(a + b)</code></pre>' \
        in prompts["q3"].value
    for code in ("mylist += 3", "mylist += [3]", "mylist += {3}"):
        assert f'<pre class="dc-code"><code>{code}</code></pre>' in prompts["q4"].value
    q5 = view.view("q5")
    q5.respond("$\\frac{22}{7}$")
    q5.click()
    assert type(q5.feedback).__name__ == "HTMLMath"
    assert "$\\frac{22}{7}$ is an approximation." in q5.feedback.value


def test_our_banks_keep_dollar_signs_as_text(tmp_path: Path) -> None:
    """Our banks write money as `$`: they must not be typeset as LaTeX."""
    from defence_course.quiz.progress import ProgressStore
    from defence_course.quiz.widgets import build_quiz

    view = build_quiz(str(START), store=ProgressStore(tmp_path / "p.json"))
    assert not view.quiz.math
    assert all(type(qv.box.children[0]).__name__ == "HTML" for qv in view.questions)
