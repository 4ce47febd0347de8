"""The load benchmark's after-class check (tests/hub/learners.py) finds lost and mixed work: fast,
on homes written by hand, no Hub needed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.hub.hub import Hub
from tests.hub.learners import (
    ARGUMENT,
    BANK,
    COURSE,
    DATA,
    LESSON,
    PROGRESS,
    Learner,
    check_learner,
    claim_for,
    note_for,
    plan_for,
    quiz_key,
)

NAMES = ["learner-01", "learner-02"]


def write_home(home: Path, name: str, index: int) -> None:
    """What a learner's home holds after the class when all went well."""
    right, _ = quiz_key()
    questions: dict[str, Any] = {
        q: {"attempts": attempts, "solved": solved}
        for q, (attempts, solved) in plan_for(index).expected(right).items()}
    (home / PROGRESS).parent.mkdir(parents=True)
    (home / PROGRESS).write_text(json.dumps({"banks": {BANK: {"questions": questions}}}), "utf-8")
    (home / DATA / "arguments").mkdir()
    (home / DATA / "arguments" / f"{ARGUMENT}.json").write_text(
        json.dumps({"arguments": [{"claim": claim_for(name)}]}), "utf-8")
    lessons = (home / COURSE / LESSON).parent
    lessons.mkdir(parents=True)
    (lessons / f"quiz-progress-{name}.json").write_text(json.dumps({"learner": name}, indent=1), "utf-8")
    (home / COURSE / LESSON).write_text(json.dumps({"cells": [{"source": note_for(name)}]}), "utf-8")


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    hub = Hub("http://127.0.0.1:1", "", tmp_path, None)  # type: ignore[arg-type]  # never started
    for index, name in enumerate(NAMES, start=1):
        write_home(hub.home(name), name, index)
    return hub


def problems(hub: Hub) -> list[str]:
    return [p for i, n in enumerate(NAMES, start=1) for p in check_learner(hub, Learner(hub, n, i), NAMES)]


def test_intact_homes_pass(hub: Hub) -> None:
    assert problems(hub) == []


def test_a_lost_quiz_attempt_is_found(hub: Hub) -> None:
    path = hub.home("learner-01") / PROGRESS
    data = json.loads(path.read_text("utf-8"))
    first = next(iter(data["banks"][BANK]["questions"].values()))
    first["attempts"] -= 1
    path.write_text(json.dumps(data), "utf-8")
    found = problems(hub)
    assert len(found) == 1
    assert found[0].startswith("learner-01: ")


def test_progress_swapped_between_learners_is_found(hub: Hub) -> None:
    one, two = hub.home("learner-01") / PROGRESS, hub.home("learner-02") / PROGRESS
    text = one.read_text("utf-8")
    shutil.copyfile(two, one)
    two.write_text(text, "utf-8")
    assert {p.split(":")[0] for p in problems(hub)} == set(NAMES)


@pytest.mark.parametrize("what", ["argument", "export", "lesson"])
def test_another_learners_work_in_a_home_is_found(hub: Hub, what: str) -> None:
    lessons = (hub.home("learner-01") / COURSE / LESSON).parent
    path = {"argument": hub.home("learner-01") / DATA / "arguments" / f"{ARGUMENT}.json",
            "export": lessons / "quiz-progress-learner-01.json",
            "lesson": hub.home("learner-01") / COURSE / LESSON}[what]
    other = {"argument": claim_for("learner-02"), "export": '"learner": "learner-02"',
             "lesson": note_for("learner-02")}[what]
    path.write_text(path.read_text("utf-8") + other, "utf-8")
    assert problems(hub) == [f"learner-01: their {what} holds learner-02's work"]
    path.unlink()
    assert problems(hub) == [f"learner-01: their {what} ({path}) lacks their own work"]
