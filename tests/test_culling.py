"""Issue 25: culling is on in every Hub recipe the course ships (docs/deploy.md's TLJH and Zero to
JupyterHub recipes, the test Hub), read from the recipes themselves, not restated here.

Kernels: config/kernel-culling.json, which config/install_lab_settings.py writes into the Jupyter
Server config of every environment it is run on (each recipe runs it). Servers: the Hub's idle
culler (TLJH's `services.cull`, Z2JH's `cull`, the test Hub's jupyterhub-idle-culler service).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.install_lab_settings import CULLING_CONFIG, install
from tests.hub import hub as test_hub

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "docs" / "deploy.md"
TLJH = "## The Littlest JupyterHub"
Z2JH = "## Zero to JupyterHub"


def section(text: str, heading: str) -> str:
    """The Markdown from `heading` to the next second-level heading."""
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else len(text)]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def kernel_culling_problems(config: dict[str, Any]) -> list[str]:
    """What is wrong with a Jupyter Server config's kernel culling (empty: culling is on and safe)."""
    kernels = config.get("MappingKernelManager", {})
    problems = []
    if not kernels.get("cull_idle_timeout", 0) > 0:
        problems.append("cull_idle_timeout is not above 0: idle kernels are never culled")
    if not kernels.get("cull_interval", 0) > 0:
        problems.append("cull_interval is not above 0")
    if kernels.get("cull_busy", False):
        problems.append("cull_busy: a running cell would be stopped")
    if kernels.get("cull_connected", False):
        problems.append("cull_connected: widgets under an open tab would die without a message")
    return problems


def tljh_problems(text: str) -> list[str]:
    """A TLJH recipe culls when it installs the kernel culling and keeps the server culler on."""
    commands = "\n".join(blocks(section(text, TLJH), "bash"))
    problems = []
    if "install_lab_settings.py /opt/tljh/user" not in commands:
        problems.append("TLJH: the user environment does not get the kernel culling config")
    if re.search(r"services\.cull\.enabled\s+false", commands, flags=re.I):
        problems.append("TLJH: the idle culler is switched off")
    timeout = re.search(r"services\.cull\.timeout\s+(\d+)", commands)
    if timeout is None or int(timeout.group(1)) <= 0:
        problems.append("TLJH: no idle-server timeout set")
    return problems


def z2jh_problems(text: str) -> list[str]:
    """A Z2JH recipe culls when its image installs the kernel culling and config.yaml culls servers."""
    part = section(text, Z2JH)
    problems = []
    if not any("install_lab_settings.py" in block for block in blocks(part, "dockerfile")):
        problems.append("Z2JH: the image does not get the kernel culling config")
    configs = [yaml.safe_load(block) for block in blocks(part, "yaml")]
    cull = next((c["cull"] for c in configs if isinstance(c, dict) and "cull" in c), None)
    if not cull or cull.get("enabled") is not True or not cull.get("timeout", 0) > 0:
        problems.append(f"Z2JH: config.yaml does not cull idle servers ({cull})")
    return problems


def test_the_course_kernel_culling_config_culls_idle_kernels_safely() -> None:
    config = json.loads((REPO / "config" / "kernel-culling.json").read_text("utf-8"))
    assert kernel_culling_problems(config) == []


def test_install_writes_the_kernel_culling_into_the_server_config(tmp_path: Path) -> None:
    install(tmp_path)
    assert kernel_culling_problems(json.loads((tmp_path / CULLING_CONFIG).read_text("utf-8"))) == []


@pytest.mark.parametrize("bad", [
    {}, {"MappingKernelManager": {"cull_idle_timeout": 0, "cull_interval": 60}},
    {"MappingKernelManager": {"cull_idle_timeout": 60, "cull_interval": 60, "cull_busy": True}},
    {"MappingKernelManager": {"cull_idle_timeout": 60, "cull_interval": 60, "cull_connected": True}},
])
def test_the_kernel_check_fails_on_configs_that_do_not_cull_or_cull_too_much(bad: dict[str, Any]) -> None:
    assert kernel_culling_problems(bad) != []


def test_the_tljh_recipe_culls() -> None:
    assert tljh_problems(DEPLOY.read_text("utf-8")) == []


def test_the_z2jh_recipe_culls() -> None:
    assert z2jh_problems(DEPLOY.read_text("utf-8")) == []


@pytest.mark.parametrize(("old", "new"), [
    ("install_lab_settings.py /opt/tljh/user", "install_lab_settings.py /elsewhere"),
    ("services.cull.enabled True", "services.cull.enabled False"),
    ("services.cull.timeout 3600", "services.cull.every 60"),
])
def test_the_tljh_check_fails_when_the_recipe_drops_culling(old: str, new: str) -> None:
    text = DEPLOY.read_text("utf-8")
    assert old in text
    assert tljh_problems(text.replace(old, new)) != []


@pytest.mark.parametrize(("old", "new"), [
    ('install_lab_settings.py "${CONDA_DIR}"', 'true "${CONDA_DIR}"'),
    ("cull:\n  enabled: true", "cull:\n  enabled: false"),
])
def test_the_z2jh_check_fails_when_the_recipe_drops_culling(old: str, new: str) -> None:
    text = DEPLOY.read_text("utf-8")
    assert old in text
    assert z2jh_problems(text.replace(old, new)) != []


def test_the_test_hub_runs_the_idle_culler_and_its_servers_read_the_kernel_culling() -> None:
    config = test_hub.CONFIG
    assert '"-m", "jupyterhub_idle_culler", "--timeout={server_idle_s}"' in config
    assert '"delete:servers"' in config
    assert test_hub.SERVER_IDLE_S > 0
    # Its servers run from this venv, whose Jupyter Server config `make` installs
    # (tests/hub/test_hub.py checks the servers' logs say they cull).
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "config/kernel-culling.json" in makefile
