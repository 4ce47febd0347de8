"""Grading rules the docs promise, each in a fast test with no sandbox (issue 18, item 10)."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest

from defence_course.cli import build_parser
from defence_course.cli.grading import grading_limits
from defence_course.grading import zygote
from defence_course.grading.sandbox import CELL_SHARE, Limits
from tests.grading.isolation import require_bwrap


@pytest.fixture
def alarm() -> Iterator[None]:
    """The zygote's child turns SIGALRM into CellTimeout; so does this test, then restores it."""

    def on_alarm(signum: int, frame: Any) -> None:
        raise zygote.CellTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_whole_notebook_timeout_is_blamed_on_the_cell_that_ran_not_the_next(alarm: None) -> None:
    """Cell 2 (index 1) loops until the notebook's time is up: it is the one named."""
    cells = ["x = 1", "while True:\n    pass", "y = 2"]
    errors, timed_out = zygote._run_cells(cells, {}, per_cell=30.0,
                                          deadline=time.monotonic() + 0.3)
    assert timed_out == 1
    assert errors == []  # not a per-cell timeout: the next cells did not run


def test_a_cell_stopped_by_its_own_limit_lets_the_next_cells_run(alarm: None) -> None:
    namespace: dict[str, Any] = {}
    errors, timed_out = zygote._run_cells(["while True:\n    pass", "y = 2"], namespace,
                                          per_cell=0.2, deadline=time.monotonic() + 30)
    assert timed_out is None
    assert [index for index, _ in errors] == [0]
    assert errors[0][1].startswith("CellTimeout:")
    assert namespace["y"] == 2


@pytest.mark.parametrize("options", [[], ["--timeout", "10"], ["--timeout", "10", "--memory", "1"]])
def test_the_cli_per_cell_default_is_the_librarys(options: list[str]) -> None:
    limits = grading_limits(build_parser().parse_args(["grade", "ex01", "subs", *options]))
    library = Limits(timeout=limits.timeout, memory_bytes=limits.memory_bytes)
    assert limits == library
    assert limits.per_cell_seconds == library.timeout * CELL_SHARE


def test_a_per_cell_limit_never_exceeds_the_whole_notebooks() -> None:
    assert Limits(timeout=4, cell_timeout=10).per_cell_seconds == 4
    assert Limits(timeout=4, cell_timeout=1).per_cell_seconds == 1
    assert grading_limits(build_parser().parse_args(
        ["grade", "ex01", "subs", "--cell-timeout", "3"])).per_cell_seconds == 3


def test_without_bubblewrap_the_isolation_tests_fail_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """A skip in CI would hide that no attack was tried (issue 18, item 11)."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the isolation tests"):
        require_bwrap("rlimits")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install bubblewrap"):
        require_bwrap("rlimits")
    require_bwrap("bwrap")  # usable: nothing to say
