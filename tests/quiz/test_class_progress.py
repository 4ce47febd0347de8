"""Class progress: a learner's consented export, and an instructor's summary that trusts nothing blindly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from defence_course.cli import main
from defence_course.quiz.classprogress import (
    ClassProgressError,
    RejectedExport,
    collect,
    export_progress,
    read_export,
    summarize,
    table_csv,
)
from defence_course.quiz.progress import ProgressStore

REPO = Path(__file__).resolve().parents[2]
QUIZZES = REPO / "lessons" / "quizzes"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def learner_file(folder: Path, name: str, solved: dict[str, list[str]], *,
                 missed: dict[str, list[str]] | None = None, file: str | None = None) -> Path:
    """An export made the real way: record attempts in a store, then export it."""
    store = ProgressStore(folder.parent / "stores" / f"{name}-{file or 'main'}.json")
    for bank, qids in solved.items():
        for qid in qids:
            store.record(bank, qid, correct=True, score=1.0)
    for bank, qids in (missed or {}).items():
        for qid in qids:
            store.record(bank, qid, correct=False, score=0.0)
    path = folder / (file or f"{name}.json")
    export_progress(path, name, store=store, quiz_folder=QUIZZES)
    return path


def question(data: dict[str, Any], bank: str, qid: str) -> dict[str, Any]:
    """One question's entry in an export (a list, in the bank's order)."""
    return next(q for q in data["banks"][bank]["questions"] if q["id"] == qid)


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def classroom(tmp_path: Path) -> Path:
    folder = tmp_path / "handed-in"
    folder.mkdir()
    learner_file(folder, "ana", {"00-start-here": ["q1", "q2"]}, missed={"00-start-here": ["q3"]})
    learner_file(folder, "ben", {"00-start-here": ["q1"]}, missed={"00-start-here": ["q3", "q2"]})
    learner_file(folder, "chloe", {"00-start-here": ["q3"]})
    return folder


def row(report: Any, bank: str, qid: str) -> Any:
    return next(r for r in report.rows if r.bank == bank and r.question == qid)


def test_export_holds_counts_for_every_bank_and_no_answers(tmp_path: Path) -> None:
    path = learner_file(tmp_path, "ana", {"00-start-here": ["q1"]}, missed={"01-the-news": ["q2"]})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["learner"] == "ana"
    assert set(data["banks"]) == {p.stem for p in QUIZZES.glob("*.yaml")}
    start = data["banks"]["00-start-here"]["questions"]
    assert [q["id"] for q in start] == ["q1", "q2", "q3", "q4", "q5", "q6"]  # the bank's order
    assert start[0] == {"id": "q1", "attempts": 1, "solved": True, "best_score": 1.0,
                        "revealed": False}
    assert start[5]["attempts"] == 0
    assert question(data, "01-the-news", "q2")["solved"] is False
    assert [q["id"] for q in data["banks"]["01-the-news"]["questions"]][:3] == ["q1", "q2", "q7"]
    for bank in data["banks"].values():
        for record in bank["questions"]:
            assert set(record) == {"id", "attempts", "solved", "best_score", "revealed"}  # nothing typed
    assert read_export(path).learner == "ana"


def test_export_refuses_a_folder_and_an_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ClassProgressError, match="is a folder"):
        export_progress(tmp_path, "ana", store=ProgressStore(tmp_path / "p.json"), quiz_folder=QUIZZES)
    with pytest.raises(ClassProgressError, match="--name"):
        export_progress(tmp_path / "x.json", "  ", store=ProgressStore(tmp_path / "p.json"),
                        quiz_folder=QUIZZES)
    with pytest.raises(ClassProgressError, match="no quiz banks"):
        export_progress(tmp_path / "x.json", "ana", store=ProgressStore(tmp_path / "p.json"),
                        quiz_folder=tmp_path / "nowhere")


def test_class_summary_counts_solved_missed_and_skipped(classroom: Path, tmp_path: Path) -> None:
    report = summarize(classroom, tmp_path / "out.csv", tmp_path / "out.png")
    assert [e.learner for e in report.learners] == ["ana", "ben", "chloe"]
    assert report.left_out == []
    q3 = row(report, "00-start-here", "q3")
    assert (q3.learners, q3.solved, q3.missed, q3.not_attempted) == (3, 1, 2, 0)
    q2 = row(report, "00-start-here", "q2")
    assert (q2.solved, q2.missed, q2.not_attempted) == (1, 1, 1)
    assert row(report, "01-the-news", "q1").not_attempted == 3
    csv_text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("lesson,title,number,question")
    assert any(line.startswith("00-start-here,") and ",q3,3,1,2,0,0,67" in line
               for line in csv_text.splitlines())
    assert (tmp_path / "out.png").read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_text("", encoding="utf-8"), "empty"),
        (lambda p: p.write_text('{"format": ', encoding="utf-8"), "not valid JSON"),
        (lambda p: p.write_bytes(b"\xff\xfe{}"), "not UTF-8"),
        (lambda p: p.write_text("[1, 2]", encoding="utf-8"), "not a progress export"),
        (lambda p: p.write_text(p.read_text(encoding="utf-8").replace(
            '"best_score": 1.0', '"best_score": NaN', 1), encoding="utf-8"), "NaN"),
        (lambda p: edit(p, lambda d: question(d, "00-start-here", "q3").update(solved=True)),
         "edited after export"),
        (lambda p: edit(p, lambda d: d.update(learner="someone-else")), "edited after export"),
        (lambda p: edit(p, lambda d: d.update(version=3)), "version 3"),
        (lambda p: edit(p, lambda d: d.pop("sha256")), "fields missing"),
        (lambda p: p.write_bytes(b" " * (1 << 20) + b"{}"), "too large"),
    ],
    ids=["empty", "truncated", "binary", "wrong-shape", "nan", "edited-result", "edited-name",
         "future-version", "no-checksum", "huge"],
)
def test_damaged_or_edited_files_are_reported_and_left_out(classroom: Path, damage: Any,
                                                           reason: str) -> None:
    damage(classroom / "ben.json")
    with pytest.raises(RejectedExport, match=reason):
        read_export(classroom / "ben.json")
    report = collect(classroom)
    assert [e.learner for e in report.learners] == ["ana", "chloe"]
    assert [(item.path.name, reason in item.reason) for item in report.left_out] == [("ben.json", True)]
    assert row(report, "00-start-here", "q3").learners == 2


def _resign(data: dict[str, Any]) -> None:
    """What a determined editor would do: recompute the checksum (schema checks still apply)."""
    from defence_course.quiz.classprogress.format import digest as _digest

    data["sha256"] = _digest({k: v for k, v in data.items() if k != "sha256"})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: question(d, "00-start-here", "q4").update(solved=True), "without any attempt"),
        (lambda d: question(d, "00-start-here", "q1").update(attempts=-1), "attempts"),
        (lambda d: question(d, "00-start-here", "q1").update(attempts=True), "attempts"),
        (lambda d: question(d, "00-start-here", "q1").update(best_score=7), "best_score"),
        (lambda d: question(d, "00-start-here", "q1").update(solved="yes"), "solved"),
        (lambda d: question(d, "00-start-here", "q1").update(extra=1), "needs exactly"),
        (lambda d: question(d, "00-start-here", "q2").update(id="../x"), "not a quiz id"),
        (lambda d: question(d, "00-start-here", "q2").update(id="q1"), "lists a question twice"),
        (lambda d: d["banks"]["00-start-here"].update(questions={}), "questions a list"),
        (lambda d: d.update(learner=""), "learner name"),
        (lambda d: d.update(learner="ana\u0007"), "learner name"),
        (lambda d: d.update(exported="yesterday"), "not a UTC timestamp"),
        (lambda d: d.update(banks={}), "no quiz banks"),
    ],
    ids=["result-without-attempt", "negative", "bool-count", "score-range", "solved-text", "extra-key",
         "bad-id", "twice", "not-a-list", "no-name", "control-char", "bad-time", "no-banks"],
)
def test_well_signed_nonsense_is_rejected_by_the_schema(tmp_path: Path, change: Any, reason: str) -> None:
    path = learner_file(tmp_path, "ana", {"00-start-here": ["q1"]})
    edit(path, lambda d: (change(d), _resign(d)))
    with pytest.raises(RejectedExport, match=reason):
        read_export(path)


def test_a_second_file_for_one_learner_keeps_the_newest_and_reports_the_other(classroom: Path) -> None:
    shutil.copy(classroom / "ana.json", classroom / "ana-copy.json")
    older = classroom / "ana-old.json"
    learner_file(classroom, "ana", {}, file="ana-old.json")
    edit(older, lambda d: (d.update(exported="2020-01-01T00:00:00Z"), _resign(d)))
    (classroom / "late").mkdir()
    shutil.copy(classroom / "chloe.json", classroom / "late" / "CHLOE.json")
    edit(classroom / "late" / "CHLOE.json", lambda d: (d.update(learner="Chloe"), _resign(d)))
    report = collect(classroom)
    # Names match case-blind; on a tie (same export time) the later path is counted.
    assert [e.learner for e in report.learners] == ["ana", "ben", "Chloe"]
    reasons = {item.path.name: item.reason for item in report.left_out}
    assert set(reasons) == {"ana-copy.json", "ana-old.json", "chloe.json"}
    assert "identical copy" in reasons["ana-copy.json"]
    assert "older than" in reasons["ana-old.json"]
    assert all("second file for learner" in r for r in reasons.values())
    assert row(report, "00-start-here", "q1").learners == 3  # each learner counted once


def test_empty_folder_missing_folder_and_all_rejected_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ClassProgressError, match="no progress files"):
        collect(tmp_path)
    with pytest.raises(ClassProgressError, match="not a folder"):
        collect(tmp_path / "missing")
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ClassProgressError, match="every file was left out"):
        summarize(tmp_path, tmp_path / "o.csv", tmp_path / "o.png")
    assert not (tmp_path / "o.csv").exists()


def test_cli_export_then_summary_with_exit_codes(classroom: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    progress = tmp_path / "mine.json"
    ProgressStore(progress).record("02-two-clubs", "q1", correct=True, score=1.0)
    monkeypatch.setenv("DEFENCE_COURSE_PROGRESS", str(progress))
    monkeypatch.setenv("JUPYTERHUB_USER", "dana")
    monkeypatch.chdir(REPO)
    assert main(["progress", "export", str(classroom / "dana.json")]) == 0
    assert "'dana'" in capsys.readouterr().out
    assert read_export(classroom / "dana.json").banks["02-two-clubs"]["q1"].solved

    out, plot = tmp_path / "class.csv", tmp_path / "class.png"
    assert main(["progress", str(classroom), "--out", str(out), "--plot", str(plot)]) == 0
    printed = capsys.readouterr()
    assert "4 learners counted" in printed.out
    assert table_csv(collect(classroom)) == out.read_text(encoding="utf-8")
    assert plot.read_bytes().startswith(PNG_MAGIC)

    (classroom / "broken.json").write_text("{", encoding="utf-8")
    assert main(["progress", str(classroom), "--out", str(out), "--plot", str(plot)]) == 1
    assert "left out" in capsys.readouterr().err

    assert main(["progress", "export"]) == 2
    assert "progress export FILE" in capsys.readouterr().err
    assert main(["progress", str(tmp_path / "empty")]) == 2


def test_shown_answers_are_counted_apart_from_solved_and_missed(tmp_path: Path) -> None:
    """Issue 11: "Show answer" is kept as such; a right answer typed after it is not `solved`,
    and the class table counts it as "answer shown", inside the missed share."""
    folder = tmp_path / "handed-in"
    folder.mkdir()
    store = ProgressStore(tmp_path / "dan.json")
    store.record("00-start-here", "q1", correct=False, score=0.0)
    store.reveal("00-start-here", "q1")
    store.record("00-start-here", "q1", correct=True, score=1.0)  # copied from the answer
    store.reveal("00-start-here", "q2")  # shown without any try
    store.record("00-start-here", "q3", correct=True, score=1.0)
    store.reveal("00-start-here", "q3")  # found first: showing it after changes nothing
    export_progress(folder / "dan.json", "dan", store=store, quiz_folder=QUIZZES)
    learner_file(folder, "eve", {"00-start-here": ["q1"]}, missed={"00-start-here": ["q2"]})
    data = json.loads((folder / "dan.json").read_text(encoding="utf-8"))
    assert question(data, "00-start-here", "q1") == {
        "id": "q1", "attempts": 2, "solved": False, "best_score": 1.0, "revealed": True}
    assert question(data, "00-start-here", "q3")["revealed"] is False
    report = collect(folder)
    q1, q2 = row(report, "00-start-here", "q1"), row(report, "00-start-here", "q2")
    assert (q1.solved, q1.missed, q1.shown, q1.not_attempted) == (1, 0, 1, 0)
    assert (q2.solved, q2.missed, q2.shown, q2.not_attempted) == (0, 1, 1, 0)
    assert q1.missed_share == 0.5
    assert table_csv(report).splitlines()[0].split(",")[7] == "answer_shown"


def test_a_version_1_export_is_still_read(classroom: Path) -> None:
    """Exports handed in before "Show answer" existed (no `revealed`) count as never revealed."""
    def downgrade(data: dict[str, Any]) -> None:
        data["version"] = 1
        for bank in data["banks"].values():
            for entry in bank["questions"]:
                del entry["revealed"]
        _resign(data)

    edit(classroom / "ben.json", downgrade)
    export = read_export(classroom / "ben.json")
    assert export.banks["00-start-here"]["q1"].solved
    assert not export.banks["00-start-here"]["q1"].revealed
