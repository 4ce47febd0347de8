"""The course's JupyterLab settings (config/): real setting names, installed the same way everywhere."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from config.install_lab_settings import CULLING_CONFIG, CUSTOM_CSS, OVERRIDES, SERVER_CONFIG, install

REPO = Path(__file__).resolve().parents[1]
SHARE = Path(sys.prefix, "share", "jupyter")


def schema(plugin_id: str) -> dict:
    """The settings schema JupyterLab or a lab extension installed here ships for `plugin_id`."""
    package, plugin = plugin_id.split(":")
    candidates = [SHARE / "lab" / "schemas" / package / f"{plugin}.json",
                  *SHARE.glob(f"labextensions/{package}/schemas/{package}/{plugin}.json")]
    found = [c for c in candidates if c.is_file()]
    assert found, f"no schema for {plugin_id}: not a JupyterLab setting"
    return json.loads(found[0].read_text(encoding="utf-8"))


def unknown_settings(overrides: dict) -> list[str]:
    """Each `plugin:key` in `overrides` that the installed JupyterLab does not define."""
    return [f"{plugin_id}:{key}" for plugin_id, values in overrides.items()
            for key in values if key not in schema(plugin_id)["properties"]]


def test_every_override_is_a_real_jupyterlab_setting() -> None:
    overrides = json.loads((REPO / "config" / "jupyterlab-overrides.json").read_text(encoding="utf-8"))
    assert unknown_settings(overrides) == []
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": False}


def test_a_misspelt_setting_is_reported() -> None:
    """The check can fail: JupyterLab ignores an unknown key silently, the test does not."""
    assert unknown_settings({"@jupyter-widgets/jupyterlab-manager:plugin": {"saveWidgetState": False}}) == [
        "@jupyter-widgets/jupyterlab-manager:plugin:saveWidgetState"]


def test_jupyterlab_has_no_notebook_width_setting_so_custom_css_carries_it() -> None:
    """Why config/custom.css exists: no notebook setting in JupyterLab 4 sets the text's width."""
    notebook = schema("@jupyterlab/notebook-extension:tracker")["properties"]
    assert not [k for k in notebook if "width" in k.lower() and not k.startswith("sideBySide")]
    css = (REPO / "config" / "custom.css").read_text(encoding="utf-8")
    assert "max-width: 65ch" in css


def test_install_puts_settings_stylesheet_and_lab_config_under_the_prefix(tmp_path: Path) -> None:
    written = install(tmp_path)
    assert written == [tmp_path / OVERRIDES, tmp_path / CUSTOM_CSS, tmp_path / SERVER_CONFIG,
                       tmp_path / CULLING_CONFIG]
    assert (tmp_path / OVERRIDES).read_bytes() == (REPO / "config" / "jupyterlab-overrides.json").read_bytes()
    config = json.loads((tmp_path / SERVER_CONFIG).read_text(encoding="utf-8"))
    assert config["LabApp"] == {"custom_css": True}
    custom = Path(config["ServerApp"]["tornado_settings"]["static_custom_path"][0])
    assert (custom / "custom.css").read_bytes() == (REPO / "config" / "custom.css").read_bytes()


def test_install_keeps_an_admins_lab_config(tmp_path: Path) -> None:
    (tmp_path / SERVER_CONFIG).parent.mkdir(parents=True)
    (tmp_path / SERVER_CONFIG).write_text('{"LabApp": {"collaborative": false}, "X": {"y": 1}}', "utf-8")
    install(tmp_path)
    config = json.loads((tmp_path / SERVER_CONFIG).read_text(encoding="utf-8"))
    assert config["X"] == {"y": 1}
    assert config["LabApp"] == {"collaborative": False, "custom_css": True}


@pytest.mark.parametrize("place", ["Makefile", "binder/postBuild", "docs/deploy.md"])
def test_every_place_the_course_runs_installs_the_settings_with_the_one_script(place: str) -> None:
    text = (REPO / place).read_text(encoding="utf-8")
    assert "install_lab_settings.py" in text
    assert "overrides.json\n" not in text.replace("jupyterlab-overrides.json", ""), "a hand copy is left"


def test_the_learners_bundle_ships_the_script_and_its_files() -> None:
    from defence_course.authoring.release import INCLUDE

    assert "config" in INCLUDE
    assert "Makefile" in INCLUDE
