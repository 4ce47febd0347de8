"""The course website, built once per test session by `make site` (cached: seconds when unchanged)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "site"


def website_module(name: str) -> ModuleType:
    """website/NAME.py (a folder of build scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"website_{name}", REPO / "website" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass in the module looks itself up there
    spec.loader.exec_module(module)
    return module


def build_site() -> Path:
    """Run `make site` (one build at a time across test workers) and return site/."""
    (REPO / ".site-build").mkdir(exist_ok=True)
    with FileLock(REPO / ".site-build" / "build.lock"):
        result = subprocess.run(["make", "--no-print-directory", "site"], cwd=REPO, capture_output=True,
                                text=True, timeout=1800, check=False)
    noise = "Kernel is running over TCP without encryption"
    errors = "\n".join(line for line in result.stderr.splitlines() if noise not in line)
    assert result.returncode == 0, f"make site failed:\n{result.stdout[-2000:]}\n{errors[-6000:]}"
    return SITE


@pytest.fixture(scope="session")
def built_site() -> Path:
    return build_site()
