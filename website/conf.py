"""Sphinx configuration of the course website (`make site`; docs/deploy.md, "The course website").

The pages are gathered by website/stage.py into the source folder; the lessons are executed by
MyST-NB with a cache (jupyter-cache), so an unchanged lesson is not run again. Everything the
pages load is served from the site itself: no script, font or stylesheet from another address.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from launch import Addresses, launch_line  # noqa: E402

from defence_course.paths import ARGUMENTS_ENV, PROGRESS_ENV, QUIZZES_ENV, STATIC_ENV  # noqa: E402
from defence_course.static import serialize  # noqa: E402

# One language per build: `make site` builds each of SITE_LANGUAGES (docs/deploy.md says how a
# second edition is added).
language = os.environ.get("SITE_LANGUAGE", "en")
project = {"fr": "Cours sur la défense Canada\N{EN DASH}UE"}.get(
    language, "Canada\N{EN DASH}EU defence course")
author = "The course's authors"
copyright = "the course's authors; code MIT, data: see the data page"

WORK = REPO / ".site-build"


def _digest(base: Path, folders: list[str]) -> str:
    """A digest of every file under `folders` (relative to `base`), caches and builds left out."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# The kernels that execute the lessons inherit these: quizzes and explorers add their static form,
# and quiz progress and saved arguments go to the build folder, not the builder's own home.
os.environ[STATIC_ENV] = "1"
os.environ[PROGRESS_ENV] = str(WORK / "progress.json")
os.environ[ARGUMENTS_ENV] = str(WORK / "arguments")
os.environ[QUIZZES_ENV] = str(REPO / "lessons" / ("quizzes" if language == "en" else f"{language}/quizzes"))
os.environ["DEFENCE_COURSE_LANG"] = language  # the widgets' own words (defence_course.i18n)

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# MyST: `#slug` links to headings in the same page work as on GitHub; no `$` maths (lessons escape
# currency dollars), so no page needs MathJax from a network.
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence"]
# docs/ is written for reading on GitHub too, where a heading may skip a level (H1 to H3): that is
# style, not a broken page, and it is the only warning let through; every other one fails the build.
suppress_warnings = ["myst.header"]
# The words as the notebooks have them: no curly quotes or dashes made from ' " -- (they would also
# hide a leaked phrase from the audit, which compares the words of the page with the banks').
smartquotes = False

# MyST-NB: execute with a cache keyed by each lesson's code, in a folder keyed by the package,
# data and quiz banks (an edit there re-runs every lesson; an unchanged course runs nothing).
nb_execution_mode = "cache"
nb_execution_cache_path = str(WORK / "jupyter_cache" / _digest(REPO, ["src/defence_course", "data",
                                                                     "lessons/quizzes"]))
for _old in (WORK / "jupyter_cache").glob("*"):  # caches of an earlier package, never used again
    if _old.is_dir() and str(_old) != nb_execution_cache_path:
        shutil.rmtree(_old, ignore_errors=True)
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# A widget's live view needs a kernel and the widget JavaScript from a CDN: the page shows its
# static HTML form instead (display.show_widget), and no widget script is loaded.
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
nb_ipywidgets_js: dict[str, dict[str, str]] = {}

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = [str(HERE / "_static")]
html_css_files = ["site.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
# The digest of website/ itself: an edit of the launch line or the stylesheet rewrites every page
# (Sphinx rewrites all pages when a config value such as html_context changes).
html_context = {"default_mode": "light", "site_digest": _digest(HERE, ["."])}


def _add_launch_line(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Put the launch line at the top of every page's body."""
    del app, templatename, doctree
    if "body" in context:
        context["body"] = serialize(launch_line(pagename, ADDRESSES, language)) + context["body"]


ADDRESSES = Addresses.from_environment()
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _drop_widget_state(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave out the widgets' saved state MyST-NB embeds: no script on the page reads it, and it
    holds the build's own paths (where quiz progress and arguments were written)."""
    del app, pagename, templatename, doctree
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts
                                   if getattr(s, "attributes", {}).get("type") != WIDGET_STATE]


def setup(app) -> None:
    app.connect("html-page-context", _add_launch_line)
    app.connect("html-page-context", _drop_widget_state, priority=900)  # after MyST-NB adds it
