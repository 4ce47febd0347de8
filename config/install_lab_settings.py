"""Install the course's JupyterLab settings into a Python environment: a venv, a hub's, an image's.

One script for every place the course runs (`make lab`, the learners' bundle, Binder's postBuild,
TLJH, a Z2JH image), so they all get the same settings. Standard library only: it runs before the
course package is installed. Usage: `python config/install_lab_settings.py [PREFIX]` (default:
this Python's environment, `sys.prefix`).

- `jupyterlab-overrides.json` becomes JupyterLab's default settings (`overrides.json`): no news
  pop-up asking to go online, and widget state never saved into notebooks
  (`@jupyter-widgets/jupyterlab-manager:plugin` `saveState`: false, JupyterLab's own default,
  written down so a learner's saved lesson holds no stale widget models).
- `custom.css` sets a readable line length. JupyterLab 4 has no setting for the width of a
  notebook's text (its settings schemas have none), so it uses JupyterLab's custom CSS mechanism:
  `LabApp.custom_css` on, and the stylesheet served from this environment instead of
  `~/.jupyter/custom/` (a server config file under PREFIX/etc/jupyter says both).
- `kernel-culling.json` becomes part of the Jupyter Server config (`jupyter_server_config.json`,
  read by `jupyter lab` and by a hub's `jupyterhub-singleuser` alike): a kernel idle for 30
  minutes with no notebook tab connected to it (closed, or the browser gone) is shut down, never
  while a cell runs. On a hub that frees about 140 MiB per lesson a learner left (docs/deploy.md,
  "Capacity"); reopened, the lesson's restart note says the fix (Restart Kernel and Run All), and
  code and quiz progress are on disk. Kernels under an open tab are not culled: JupyterLab 4 then
  leaves widgets that look alive but do nothing, with no message (seen in a browser test); the
  Hub's idle culler stops a whole idle server instead.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Where each file goes, relative to the environment's prefix.
OVERRIDES = Path("share", "jupyter", "lab", "settings", "overrides.json")
CUSTOM_CSS = Path("share", "jupyter", "defence-course", "custom", "custom.css")
#: JupyterLab reads its own config file from every Jupyter config folder (a `.d` folder of
#: JSON files is read for enabling server extensions only, not for settings).
SERVER_CONFIG = Path("etc", "jupyter", "jupyter_lab_config.json")
#: The Jupyter Server's own config file, read by every server (JupyterLab's and a hub's).
CULLING_CONFIG = Path("etc", "jupyter", "jupyter_server_config.json")


def server_config(prefix: Path) -> dict[str, object]:
    """The Jupyter Server config that loads the course's custom.css from `prefix`."""
    return {
        "LabApp": {"custom_css": True},
        # The server looks for custom.css in its `static_custom_path` (by default only the user's
        # ~/.jupyter/custom); that path is a Tornado setting, so it is set through them.
        "ServerApp": {"tornado_settings": {"static_custom_path": [str(prefix / CUSTOM_CSS.parent)]}},
    }


def install(prefix: Path, source: Path = HERE) -> list[Path]:
    """Copy the settings and the stylesheet under `prefix` and write the server config; list them."""
    prefix = prefix.resolve()
    written = []
    for name, target in (("jupyterlab-overrides.json", OVERRIDES), ("custom.css", CUSTOM_CSS)):
        (prefix / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, prefix / target)
        written.append(prefix / target)
    written.append(_merge_config(prefix / SERVER_CONFIG, server_config(prefix)))
    culling = json.loads((source / "kernel-culling.json").read_text("utf-8"))
    written.append(_merge_config(prefix / CULLING_CONFIG, culling))
    return written


def _merge_config(path: Path, sections: dict[str, dict[str, object]]) -> Path:
    """Merge `sections` into the config file at `path` (an admin's, if there), never replacing it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    config = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    for section, values in sections.items():
        config.setdefault(section, {}).update(values)
    path.write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    return path


def main(argv: list[str]) -> int:
    """Install into the prefix given (or this Python's) and say what was written."""
    if len(argv) > 2:
        print("usage: python config/install_lab_settings.py [PREFIX]", file=sys.stderr)
        return 2
    for path in install(Path(argv[1]) if len(argv) == 2 else Path(sys.prefix)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
