"""The two commands in the README: `make test` sets up once, `make lab` serves the course headless."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.jlab import free_port

REPO = Path(__file__).resolve().parents[1]


def test_readme_first_screen_shows_the_two_commands() -> None:
    first_screen = "\n".join(REPO.joinpath("README.md").read_text(encoding="utf-8").splitlines()[:25])
    assert "make lab" in first_screen
    assert "make test" in first_screen


def test_ci_runs_make_test() -> None:
    assert "make test" in REPO.joinpath(".ci", "run").read_text(encoding="utf-8")


def test_make_test_checks_types_strictly_before_the_tests() -> None:
    """Issue 18 item 5: mypy --strict runs in `make test` (after ruff, before pytest) and in
    pre-commit, configured once in pyproject.toml."""
    dry_run = subprocess.run(["make", "-n", "test"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
    assert dry_run.index("ruff check") < dry_run.index("/mypy") < dry_run.index("pytest")
    assert "strict = true" in REPO.joinpath("pyproject.toml").read_text(encoding="utf-8")
    assert "entry: .venv/bin/mypy" in REPO.joinpath(".pre-commit-config.yaml").read_text("utf-8")


def test_installed_environment_is_up_to_date_so_make_does_not_reinstall() -> None:
    """`make -q` exits 0 when the stamp is newer than pyproject.toml: a second run installs nothing."""
    if not (REPO / ".venv" / ".installed").exists():
        pytest.skip("the tests are not running from the Makefile's .venv")
    run = subprocess.run(["make", "-q", ".venv/.installed"], cwd=REPO, capture_output=True)
    assert run.returncode == 0, "make would reinstall: .venv/.installed is older than pyproject.toml"


def lab_answers(url: str, within_s: float = 20.0) -> bool:
    """True once the URL answers; the server logs its URL a moment before it accepts connections."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                return reply.status == 200
        except urllib.error.HTTPError as error:  # a login page still proves the server is up
            return error.code in (302, 401, 403)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.25)
    return False


def test_make_lab_serves_jupyterlab_on_loopback_and_prints_the_url() -> None:
    if not (REPO / ".venv" / ".installed").exists():
        pytest.skip("the tests are not running from the Makefile's .venv")
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(REPO / ".venv" / "test-runtime"))
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        printed = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and f"127.0.0.1:{port}/lab" not in printed:
            line = server.stdout.readline() if server.stdout else ""
            if not line and server.poll() is not None:
                break
            printed += line
        assert re.search(rf"http://127\.0\.0\.1:{port}/lab\S*token=\w+", printed), printed
        assert lab_answers(f"http://127.0.0.1:{port}/lab"), "make lab printed a URL that never answered"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=20)
