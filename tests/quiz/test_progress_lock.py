"""Two kernels recording quiz attempts at once (two lessons in two tabs) lose none of them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from defence_course.locking import file_lock, lock_path
from defence_course.quiz.progress import ProgressStore

ATTEMPTS = 300

# Each child records ATTEMPTS attempts on its own question, starting when the go file appears,
# so both read-modify-write loops overlap. NO_LOCK replaces the lock by nothing: the bug.
CHILD = textwrap.dedent(
    """\
    import contextlib, sys, time
    from pathlib import Path
    from defence_course.quiz.progress import ProgressStore

    path, question, go, unlocked = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4] == "1"
    if unlocked:
        ProgressStore._locked = lambda self: contextlib.nullcontext()
    store = ProgressStore(path)
    Path(go.parent / f"ready-{question}").touch()
    while not go.exists():
        time.sleep(0.001)
    for _ in range({attempts}):
        store.record("bank", question, correct=False, score=0.0)
    for notice in store.take_notices():
        print(notice, file=sys.stderr)
    """
).replace("{attempts}", str(ATTEMPTS))


def _record_in_two_processes(tmp_path: Path, *, unlocked: bool) -> dict[str, int]:
    """Run two child processes at once; return the attempts each question kept."""
    path, go = tmp_path / "progress.json", tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(path), q, str(go),
                                  "1" if unlocked else "0"], stderr=subprocess.PIPE, text=True)
                for q in ("q1", "q2")]
    while not all((tmp_path / f"ready-{q}").exists() for q in ("q1", "q2")):
        assert all(c.poll() is None for c in children), "a child process died at start"
        time.sleep(0.01)
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        assert not err
    questions = json.loads(path.read_text(encoding="utf-8"))["banks"]["bank"]["questions"]
    return {q: questions.get(q, {}).get("attempts", 0) for q in ("q1", "q2")}


@pytest.mark.slow
def test_two_processes_keep_every_attempt(tmp_path: Path) -> None:
    kept = _record_in_two_processes(tmp_path, unlocked=False)
    assert kept == {"q1": ATTEMPTS, "q2": ATTEMPTS}  # all 600


@pytest.mark.slow
def test_without_the_lock_attempts_are_lost(tmp_path: Path) -> None:
    """The same run without the lock loses attempts: the test above can fail."""
    kept = _record_in_two_processes(tmp_path, unlocked=True)
    assert sum(kept.values()) < 2 * ATTEMPTS


# The child says when it asks for the lock (a file it touches just before), then records.
WAITER = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    from defence_course import locking
    from defence_course.quiz.progress import ProgressStore

    real = locking.FileLock.acquire

    def acquire(self, *args, **kwargs):
        Path(sys.argv[2]).touch()
        return real(self, *args, **kwargs)

    locking.FileLock.acquire = acquire
    ProgressStore(sys.argv[1]).record("b", "q1", True, 1.0)
    """
)


def test_a_record_waits_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    """No fixed wait: the child is seen asking for the lock, and has written nothing."""
    path, asking = tmp_path / "progress.json", tmp_path / "asking"
    with file_lock(lock_path(path)):
        child = subprocess.Popen([sys.executable, "-c", WAITER, str(path), str(asking)])
        deadline = time.monotonic() + 120
        while not asking.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert asking.exists(), "the record was saved without asking for the lock"
        assert child.poll() is None  # waiting for the lock this process holds
        assert not path.exists()
    assert child.wait(timeout=120) == 0
    assert ProgressStore(path).results("b")["q1"].attempts == 1


def test_an_unwritable_lock_does_not_stop_the_quiz(tmp_path: Path) -> None:
    """The lock file cannot be created (its folder is a file): the attempt is still counted."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    store = ProgressStore(blocker / "progress.json")
    assert store.record("b", "q1", correct=True, score=1.0).attempts == 1
    assert store.take_notices()  # the learner is told results are kept in memory only
