"""Deployment recipes stay true: Binder's package list equals pyproject's, the docs' paths are real."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from packaging.requirements import Requirement

from defence_course.paths import progress_path

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11's tomllib")

REPO = Path(__file__).resolve().parents[1]
SELF = "canada-eu-defence-course"
# What a hub or Binder server needs: the package's own dependencies and these extras (not `test`).
SERVER_EXTRAS = ("lab", "hub")


def _key(line: str) -> tuple[str, str]:
    """A requirement as (normalised name, specifier), so `PyYAML>=6` equals `pyyaml >= 6`."""
    req = Requirement(line)
    return req.name.lower().replace("_", "-").replace(".", "-"), str(req.specifier)


def pyproject_server_requirements(pyproject: dict) -> set[tuple[str, str]]:
    """dependencies + the server extras, without the package's references to itself."""
    project = pyproject["project"]
    lines = list(project["dependencies"])
    for extra in SERVER_EXTRAS:
        lines += project["optional-dependencies"][extra]
    return {_key(line) for line in lines if _key(line)[0] != SELF}


def binder_requirements(text: str) -> set[tuple[str, str]]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return {_key(line) for line in lines if line}


def drift(pyproject: dict, binder_text: str) -> str:
    """What to change in binder/requirements.txt, or '' when it agrees with pyproject.toml."""
    want, have = pyproject_server_requirements(pyproject), binder_requirements(binder_text)
    missing = sorted(f"{n}{s}" for n, s in want - have)
    extra = sorted(f"{n}{s}" for n, s in have - want)
    if not (missing or extra):
        return ""
    return (f"binder/requirements.txt differs from pyproject.toml: add {missing}, remove {extra} "
            "(pyproject.toml is the source; copy its lines)")


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def with_dependency(pyproject: dict, line: str) -> dict:
    """A copy of pyproject with one more dependency (the original is not changed)."""
    project = pyproject["project"]
    return pyproject | {"project": project | {"dependencies": [*project["dependencies"], line]}}


def test_binder_requirements_match_pyproject() -> None:
    assert drift(_pyproject(), (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")) == ""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p, b: (p, b.replace("pandas>=2.1", "pandas>=2.0")),
         "add ['pandas>=2.1'], remove ['pandas>=2.0']"),
        (lambda p, b: (p, b.replace("nbgitpuller>=1.2\n", "")), "add ['nbgitpuller>=1.2']"),
        (lambda p, b: (with_dependency(p, "numpy>=2"), b), "add ['numpy>=2']"),
        (lambda p, b: (p, b + "seaborn\n"), "remove ['seaborn']"),
    ],
    ids=["changed-bound", "dropped-package", "new-dependency", "stray-package"],
)
def test_the_sync_check_fails_on_drift(change: object, expected: str) -> None:
    binder_text = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    pyproject, binder = change(_pyproject(), binder_text)
    assert expected in drift(pyproject, binder)


def test_binder_postbuild_installs_the_course_and_fails_loudly() -> None:
    script = (REPO / "binder" / "postBuild").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in script  # repo2docker does not stop on a failing line otherwise
    assert "pip install --no-deps" in script
    assert 'python config/install_lab_settings.py "${NB_PYTHON_PREFIX}"' in script  # as make lab does
    assert (REPO / "config" / "jupyterlab-overrides.json").is_file()
    assert (REPO / "binder" / "postBuild").stat().st_mode & 0o111


def test_readme_links_the_deployment_guide() -> None:
    assert "docs/deploy.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_deploy_guide_names_the_real_progress_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On a hub (Linux, no XDG_DATA_HOME), progress lives where docs/deploy.md says."""
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    monkeypatch.delenv("DEFENCE_COURSE_PROGRESS", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    if not str(progress_path()).startswith(str(tmp_path)):
        pytest.skip("platformdirs does not use HOME on this operating system")
    relative = progress_path().relative_to(tmp_path).as_posix()
    assert f"~/{relative}" in guide


def test_deploy_guide_link_example_opens_a_file_inside_the_pulled_folder() -> None:
    """nbgitpuller's urlpath must start with the clone's folder name (its docs warn about this)."""
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    links = [word for word in guide.split()
             if word.startswith("https://") and "/hub/user-redirect/git-pull?" in word]
    assert links, "docs/deploy.md shows no nbgitpuller link"
    for link in links:
        query = parse_qs(urlsplit(link).query)
        repo = query["repo"][0].rstrip("/").split("/")[-1]  # nbgitpuller's own rule for the folder
        assert query["urlpath"][0].startswith(f"lab/tree/{repo}/lessons/"), link
        assert query["branch"] == ["main"], link
