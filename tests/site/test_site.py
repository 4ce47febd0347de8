"""The website `make site` builds: every page found by its rule, links that resolve, nothing fetched
from elsewhere, and nothing that gives an answer away (the release audit, run on the site)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from defence_course.authoring.site_audit import audit_site, secrets
from defence_course.quiz import load_quiz
from defence_course.quiz.static import ANSWER_IN_LAB
from tests.site.conftest import REPO, build_site

pytestmark = pytest.mark.slow


class Links(HTMLParser):
    """Every link and resource of a page (tag, attribute, value) and every id it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for attribute in ("href", "src"):
            if values.get(attribute):
                self.refs.append((tag, attribute, values[attribute] or ""))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def test_every_lesson_exercise_guide_page_and_dataset_has_its_page(built_site: Path) -> None:
    expected = [f"lessons/{p.stem}.html" for p in (REPO / "text" / "lessons").glob("*.md")]
    expected += [f"exercises/{p.stem}.html" for p in (REPO / "exercises").glob("*.ipynb")]
    expected += [f"guide/{p.stem}.html" for p in (REPO / "docs").glob("*.md")]
    assert len(expected) > 15
    assert [name for name in expected if not (built_site / name).is_file()] == []
    data_page = (built_site / "data.html").read_text(encoding="utf-8")
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert f"data/{resource['path']}" in data_page, resource["name"]
        for source in resource["sources"]:
            if source.get("path", "").startswith("https://"):
                assert f'href="{source["path"]}"' in data_page.replace("&amp;", "&"), source["title"]


def test_lessons_are_executed_with_their_figures_and_static_quizzes(built_site: Path) -> None:
    page = (built_site / "lessons" / "03-who-pays.html").read_text(encoding="utf-8")
    assert page.count('class="output text_html"') > 5  # tables in the course's table view
    assert "_images/" in page  # the lesson's own figures
    assert page.count("dc-static-quiz") >= 3
    assert ANSWER_IN_LAB in page
    assert "dc-static-explorer" in page
    assert "data:image/png;base64," in page  # the explorer's chart
    assert "widget-view+json" not in page
    assert "Interactive: run it" not in page
    # The words as written: no curly quotes made from straight ones (the source has none).
    curly = "\N{RIGHT SINGLE QUOTATION MARK}"
    assert curly not in (REPO / "text/lessons/03-who-pays.md").read_text(encoding="utf-8")
    assert curly not in page


def test_no_page_holds_widget_state_or_the_build_machines_paths(built_site: Path) -> None:
    """MyST-NB embeds the widgets' saved state, which no script on the page reads and which names
    where the build wrote quiz progress and arguments (website/conf.py leaves it out)."""
    for path in pages(built_site):
        text = path.read_text(encoding="utf-8")
        assert "widget-state+json" not in text, path
        # Lesson 00's describe() prints the data file's own path, as in the notebook: that one stays.
        assert str(REPO / ".site-build") not in text, path


def test_exercise_pages_show_questions_not_the_written_answer_cell(built_site: Path) -> None:
    page = (built_site / "exercises" / "ex03-who-pays.html").read_text(encoding="utf-8")
    assert "One row per Ally" in page
    assert "YOUR CODE HERE" in page
    assert "Write your answer to q7 here" not in page


def test_every_page_has_the_launch_line_for_its_own_notebook(built_site: Path) -> None:
    for path in pages(built_site):
        relative = path.relative_to(built_site).as_posix()
        if relative in ("genindex.html", "search.html"):
            continue
        text = path.read_text(encoding="utf-8")
        assert 'class="dc-launch"' in text, relative
        if relative.startswith(("lessons/", "exercises/")):
            assert f"{relative[:-5]}.ipynb" in text, relative
        for launch in ("make lab", "git-pull?repo=", "mybinder.org"):
            assert launch in text, relative


def _target(page: Path, ref: str, site: Path) -> tuple[Path, str]:
    parts = urlsplit(ref)
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    assert site.resolve() in (target, *target.parents), f"{ref} leaves the site"
    return target, parts.fragment


def broken_links(site: Path) -> list[str]:
    """Links and resources between the site's pages that lead to no file, or to no such anchor."""
    broken: list[str] = []
    ids: dict[Path, set[str]] = {}
    for page in pages(site):
        for _tag, _attribute, ref in parse(page).refs:
            if re.match(r"^(https?:|mailto:|data:|javascript:)", ref) or ref.startswith("//"):
                continue
            target, fragment = _target(page, ref, site)
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {ref}")
            elif fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = parse(target).ids
                if fragment not in ids[target]:
                    broken.append(f"{page.relative_to(site)}: {ref} (no such anchor)")
    return broken


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    assert broken_links(built_site) == []


def test_the_link_check_finds_a_missing_page_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<h1 id="top">x</h1><a href="#top">ok</a><a href="gone.html">x</a>'
                                         '<a href="index.html#nowhere">x</a>', encoding="utf-8")
    assert broken_links(tmp_path) == ["index.html: gone.html",
                                      "index.html: index.html#nowhere (no such anchor)"]


#: Tags whose src/href the browser loads with the page (an <a href> is only followed when clicked).
LOADED = ("script", "link", "img", "iframe", "source", "video", "audio")
CSS_FETCH = re.compile(r"(?:url\(|@import)\s*['\"]?(?:https?:)?//[^)'\"]+")


def external_resources(site: Path) -> list[str]:
    """Scripts, stylesheets, fonts, images or frames a page would load from another address."""
    found = []
    for page in pages(site):
        for tag, attribute, ref in parse(page).refs:
            if tag in LOADED and re.match(r"^(https?:)?//", ref):
                found.append(f"{page.relative_to(site)}: <{tag} {attribute}={ref}>")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        found += [f"{css.relative_to(site)}: {m}" for m in CSS_FETCH.findall(text)]
    return found


def test_no_page_loads_a_script_font_or_stylesheet_from_elsewhere(built_site: Path) -> None:
    assert external_resources(built_site) == []


def test_the_check_finds_an_external_script(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<script src="https://cdn.example.org/x.js"></script>'
                                         '<link rel="stylesheet" href="//fonts.example.org/f.css">'
                                         '<a href="https://example.org/">a link is fine</a>',
                                         encoding="utf-8")
    (tmp_path / "a.css").write_text("@font-face { src: url(https://fonts.example.org/f.woff2) }",
                                    encoding="utf-8")
    assert len(external_resources(tmp_path)) == 3


def test_the_site_gives_no_answer_away(built_site: Path) -> None:
    assert audit_site(built_site, REPO) == []


def test_the_audit_finds_a_quiz_explanation_solution_code_a_hidden_hint_and_feedback(tmp_path: Path) -> None:
    explanation = next(q.explanation for q in load_quiz("03-who-pays").questions if len(q.explanation) > 60)
    solution = next(s for s in secrets(REPO) if s.origin.endswith("solution code"))
    hidden = next(s for s in secrets(REPO) if s.origin.endswith("a hidden check"))
    (tmp_path / "lessons").mkdir()
    pages = {"lessons/a.html": f"<p>{html.escape(explanation)}</p>",
             "lessons/b.html": "<pre># BEGIN SOLUTION\nx = 1\n# END SOLUTION</pre>",
             "exercises.html": f"<pre><span>{html.escape(solution.phrase)}</span></pre>",
             "hint.html": f"<p title='{html.escape(hidden.phrase)}'>x</p>",
             "fb.html": '<div class="dc-feedback-box dc-correct">Correct</div>'}
    for name, body in pages.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    problems = audit_site(tmp_path, REPO)
    assert [p.split(":")[0] for p in problems] == ["exercises.html", "fb.html", "hint.html", "lessons/a.html",
                                                   "lessons/b.html"]


def test_no_source_file_is_published(built_site: Path) -> None:
    """Sphinx's copies of the sources (_sources/) would hold the text sources verbatim."""
    assert [p for p in built_site.rglob("*") if p.suffix in (".md", ".ipynb", ".yaml")] == []


def _executions() -> dict[str, object]:
    from jupyter_cache import get_cache

    (cache,) = (REPO / ".site-build" / "jupyter_cache").iterdir()  # the current package's cache only
    return {Path(r.uri).name: r.created for r in get_cache(cache).list_cache_records()}


def test_every_lesson_is_executed_once_and_not_again_when_unchanged(built_site: Path) -> None:
    before = _executions()
    assert sorted(before) == sorted(p.name for p in (REPO / "text" / "lessons").glob("*.md"))
    build_site()
    assert _executions() == before
