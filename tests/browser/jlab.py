"""Drive JupyterLab in a real browser: start a server over a copy of the course, open, run, inspect."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page

from config.install_lab_settings import install as install_lab_settings

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Flags from DEVELOPERS.md: without the networking ones Chromium keeps dialling out, and this
# machine's closed network refuses each attempt.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# What a browser test may open: the course as a learner gets it (no solutions, no instructor files).
COURSE_PARTS = ("lessons", "exercises", "data")
ACTIVE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
SERVER_START_TIMEOUT_S = 60.0
RUN_ALL_TIMEOUT_MS = 120_000


class JupyterLabStartError(RuntimeError):
    """JupyterLab did not answer in time; the message carries its log so the cause is visible."""


@dataclass
class JupyterLab:
    """A running JupyterLab server: where it is, what it serves, and how to stop it."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    progress_path: Path | None = None

    def forget_progress(self) -> None:
        """Start a test from no quiz results: tests in one worker share this server's file."""
        if self.progress_path is not None:
            self.progress_path.unlink(missing_ok=True)

    def lab_url(self, path: str = "") -> str:
        """URL of a file in the lab UI; `reset` drops any saved workspace (old open tabs)."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def set_user_settings(self, plugin: str, values: dict[str, object]) -> None:
        """Replace a plugin's user settings (as Settings > Advanced would); `{}` restores defaults.

        Pages opened afterwards read them; the test's own home keeps them, not the user's."""
        request = urllib.request.Request(
            f"{self.url}/lab/api/settings/{plugin}", method="PUT",
            data=json.dumps({"raw": json.dumps(values)}).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            if reply.status != 204:
                raise RuntimeError(f"JupyterLab refused the {plugin} settings: HTTP {reply.status}")

    def log(self) -> str:
        """The server's log so far (for failure messages)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the server and every kernel it started (they share its process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def free_port() -> int:
    """Ask the OS for a free loopback port (each pytest-xdist worker gets its own server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_course(dest: Path) -> Path:
    """Copy the learner-facing parts of the course, so tests never write into the checkout."""
    for part in COURSE_PARTS:
        source = REPO / part
        if source.exists():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


def start_jupyterlab(root: Path, home: Path, extra_args: tuple[str, ...] = ()) -> JupyterLab:
    """Start JupyterLab on 127.0.0.1 over `root`, isolated from the user's own Jupyter state;
    `extra_args` (e.g. `--MappingKernelManager.cull_idle_timeout=8`) override any config file."""
    port = free_port()
    token = secrets.token_hex(16)
    # The course's JupyterLab settings as config/ ships them (not the venv's copy, which may be
    # older): installed into a prefix of the test's own, which the server reads first.
    prefix = home / "prefix"
    install_lab_settings(prefix)
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter"),
            # Separate config/runtime/data dirs: no user settings, workspaces or extensions leak in.
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"),
            # Quiz progress and data go to the test's own copies.
            "DEFENCE_COURSE_PROGRESS": str(home / "progress.json"),
            "DEFENCE_COURSE_DATA": str(root / "data"),
            "PYTHONWARNINGS": "default",
        }
    )
    cmd = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--LabApp.news_url=",
        "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.app_settings_dir={prefix / 'share' / 'jupyter' / 'lab' / 'settings'}",
        *extra_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = home / "jupyterlab.log"
    # The child keeps its own copy of the file descriptor; ours is closed at once.
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    lab = JupyterLab(f"http://127.0.0.1:{port}", token, root, process, log_path, home / "progress.json")
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise JupyterLabStartError(f"JupyterLab exited with {process.returncode}:\n{lab.log()}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=2) as reply:
                json.load(reply)
                return lab
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            time.sleep(0.25)
    lab.stop()
    raise JupyterLabStartError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n{lab.log()}")


def notebook(page: Page) -> Locator:
    """The notebook panel the user is looking at (hidden panels stay in the DOM)."""
    return page.locator(ACTIVE_NOTEBOOK)


def wait_idle(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until the status bar says the kernel is Idle (the toolbar shows idle too early)."""
    page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for(timeout=timeout_ms)


def open_notebook(page: Page, lab: JupyterLab, path: str) -> Locator:
    """Open `path` (relative to the course root) and wait for its kernel to be ready."""
    page.goto(lab.lab_url(path))
    panel = notebook(page)
    panel.locator(".jp-Cell").first.wait_for(timeout=60_000)
    wait_idle(page)
    return panel


def run_command(page: Page, label: str) -> None:
    """Run a JupyterLab command by its label through the command palette (no menus to chase)."""
    page.keyboard.press("Control+Shift+c")
    palette = page.locator(".lm-CommandPalette input")
    palette.wait_for(timeout=10_000)
    palette.fill(label)
    page.locator(".lm-CommandPalette-item", has_text=label).first.click()


def close_left_sidebar(page: Page) -> None:
    """Close the file browser (as a learner on a narrow screen does): the notebook gets the width."""
    stack = page.locator("#jp-left-stack")
    if stack.is_visible():
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()
        stack.wait_for(state="hidden")


def restart_and_run_all(page: Page, timeout_ms: int = RUN_ALL_TIMEOUT_MS) -> None:
    """Restart the kernel and run every cell, as a learner does; wait until all cells ran."""
    notebook(page).locator(".jp-Cell").first.click()
    run_command(page, "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    wait_cells_done(page, timeout_ms)


def wait_cells_done(page: Page, timeout_ms: int = RUN_ALL_TIMEOUT_MS) -> None:
    """Wait until every code cell has an execution count (no `[ ]` or `[*]` left) and idle."""
    page.wait_for_function(
        """(selector) => {
            const panel = document.querySelector(selector);
            if (!panel) return false;
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=ACTIVE_NOTEBOOK,
        timeout=timeout_ms,
    )
    wait_idle(page)


def error_outputs(page: Page) -> list[str]:
    """Text of every error or stderr output shown in the open notebook (empty when clean)."""
    outputs = notebook(page).locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    return [text.strip() for text in outputs.all_inner_texts()]


def widgets(page: Page) -> Locator:
    """Every rendered ipywidget view in the open notebook."""
    return notebook(page).locator(".jp-OutputArea-output .jupyter-widgets")


# Where `target` is on the Tab path of the widget `scope` (ipywidgets keeps tab order = DOM order,
# checked in tests/browser/test_quiz_a11y.py), compared with where the keyboard focus is now.
_TAB_DISTANCE = """(target, scope) => {
    const stops = [...document.querySelector(scope)
        .querySelectorAll('input, select, button, a[href], textarea')]
        .filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0);
    return stops.indexOf(target) - stops.indexOf(document.activeElement);
}"""


def tab_to(page: Page, target: Locator, scope: str, limit: int = 200) -> None:
    """Move the keyboard focus to `target` with Tab and Shift+Tab alone, as a keyboard user does.

    The focus must already be inside `scope` (or above it); nothing is focused from script.
    """
    for _ in range(limit):
        distance = target.evaluate(_TAB_DISTANCE, scope)
        if distance == 0:
            return
        page.keyboard.press("Tab" if distance > 0 else "Shift+Tab")
    where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"Tab never reached {target}; the focus is on {where}")
