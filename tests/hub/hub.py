"""A real JupyterHub on 127.0.0.1 for tests: dummy logins, local single-user servers, its own proxy.

Everything lives in one temp folder (config, database, cookie secret, every learner's home) and
every process it starts is stopped by PID when the test ends: the hub, its proxy, the learners'
servers and their kernels.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.browser.jlab import REPO, free_port

log = logging.getLogger(__name__)
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
HUB_START_TIMEOUT_S = 120.0
# The single-user server's options as in tests/browser/jlab.py: no news, no update checks.
SERVER_ARGS = ["--LabApp.news_url=", "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]

CONFIG = """\
# Written by tests/hub/hub.py: a throwaway hub on loopback for two test learners.
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.pid_file = {hub_pid!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
# Local processes, all as this unix user; each learner gets their own HOME (and so their own
# quiz progress file and Jupyter state), as separate accounts on a real hub would.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
# Culling, as in every recipe in docs/deploy.md: idle kernels are shut down by each server's own
# config (config/kernel-culling.json, installed into the venv by `make`), idle servers by the
# Hub's idle culler, a Hub service with only the permissions it needs.
c.JupyterHub.load_roles = [{{
    "name": "idle-culler", "services": ["idle-culler"],
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
}}]
c.JupyterHub.services = [{{
    "name": "idle-culler",
    "command": [{python!r}, "-m", "jupyterhub_idle_culler", "--timeout={server_idle_s}"],
}}]
"""
#: Servers idle this long are stopped by the Hub's culler (TLJH's default is 600 s).
SERVER_IDLE_S = 3600


class HubStartError(RuntimeError):
    """The hub did not answer in time; the message carries its log."""


@dataclass
class Hub:
    """A running hub: its public URL, the learners' password, where each home is, how to stop it."""

    url: str
    password: str
    root: Path
    process: subprocess.Popen[bytes]

    @property
    def homes(self) -> Path:
        return self.root / "homes"

    def home(self, user: str) -> Path:
        return self.homes / user

    def log(self) -> str:
        return (self.root / "hub.log").read_text(encoding="utf-8", errors="replace")

    def pull_link(self, repo: Path, path: str) -> str:
        """The nbgitpuller link a learner clicks (docs/deploy.md): clone or merge, then open `path`."""
        folder = str(repo).rstrip("/").split("/")[-1]  # where nbgitpuller clones it, in HOME
        query = urlencode({"repo": str(repo), "branch": "main", "urlpath": f"lab/tree/{folder}/{path}"})
        return f"{self.url}/hub/user-redirect/git-pull?{query}"

    def login_url(self, next_url: str) -> str:
        """The hub's login page, going on to `next_url` afterwards (what clicking the link while
        logged out does)."""
        return f"{self.url}/hub/login?{urlencode({'next': next_url.removeprefix(self.url)})}"

    def stop(self) -> list[int]:
        """Stop the hub (it stops the servers and the proxy), then kill by PID whatever is left.

        Returns the PIDs that had to be killed: the hub should have left none.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        leftovers = self.leftover_pids()
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftovers

    def leftover_pids(self) -> list[int]:
        """PIDs still alive: the proxy (its pid file), servers (runtime files) and kernels
        (their command line names a connection file in a learner's home)."""
        pids: set[int] = set()
        with contextlib.suppress(FileNotFoundError, ValueError):
            pids.add(int((self.root / "proxy.pid").read_text().strip()))
        for runtime in self.homes.glob("*/.local/share/jupyter/runtime/jpserver-*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                pids.add(int(json.loads(runtime.read_text())["pid"]))
        marker = str(self.root).encode()
        for proc in Path("/proc").glob("[0-9]*"):
            with contextlib.suppress(OSError):
                if marker in (proc / "cmdline").read_bytes():
                    pids.add(int(proc.name))
        return sorted(pid for pid in pids if pid != os.getpid() and _alive(pid))


def _alive(pid: int) -> bool:
    """True for a running process (a zombie waiting to be reaped has already stopped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def write_config(root: Path, extra: str = "") -> tuple[Path, str, int]:
    """The hub's config file in `root`, with three fresh loopback ports, then `extra` config lines;
    returns (file, password, port)."""
    (root / "homes").mkdir(parents=True)
    password = secrets.token_urlsafe(12)
    port = free_port()
    args = [*SERVER_ARGS, "--allow-root"] if os.geteuid() == 0 else list(SERVER_ARGS)
    text = CONFIG.format(
        port=port, hub_port=free_port(), api_port=free_port(), proxy=str(PROXY),
        proxy_pid=str(root / "proxy.pid"), state=root, cookie=str(root / "cookie_secret"),
        hub_pid=str(root / "hub.pid"), password=password, homes=str(root / "homes"),
        singleuser=str(Path(sys.executable).with_name("jupyterhub-singleuser")), args=args,
        python=sys.executable, server_idle_s=SERVER_IDLE_S,
    ) + extra
    config = root / "jupyterhub_config.py"
    config.write_text(text, encoding="utf-8")
    return config, password, port


def start_hub(root: Path, extra: str = "") -> Hub:
    """Start JupyterHub with its config in `root` (plus `extra` lines); return once /hub/api answers."""
    config, password, port = write_config(root, extra)
    with (root / "hub.log").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            # No terminal on stdin: the servers it spawns inherit it, and a Jupyter server with a
            # terminal asks "Shut down? (y/[n])" on SIGINT instead of stopping.
            cwd=root, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{port}", password, root, process)
    started = time.monotonic()
    try:
        _wait_until_up(hub)
    except BaseException:
        hub.stop()
        raise
    log.info("hub test: JupyterHub answered in %.1f s", time.monotonic() - started)
    return hub


def _wait_until_up(hub: Hub) -> None:
    """Poll /hub/api until it answers; raise with the hub's log if it exits or takes too long."""
    deadline = time.monotonic() + HUB_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise HubStartError(f"JupyterHub exited with {hub.process.returncode}:\n{hub.log()}")
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/api", timeout=2) as reply:
                json.load(reply)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            time.sleep(0.25)
    raise HubStartError(f"JupyterHub did not answer within {HUB_START_TIMEOUT_S} s:\n{hub.log()}")
