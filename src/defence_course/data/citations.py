"""Human-readable provenance: a dataset's one-line citation and its full description."""

from __future__ import annotations

from typing import Any

from defence_course.data.descriptor import resource_of
from defence_course.data.errors import display_path


def citation(resource: dict[str, Any]) -> str:
    """One line naming where the data come from (primary sources, not transcription repos)."""
    titles = [
        s["title"] for s in resource.get("sources", []) if not s.get("role", "").startswith(
            "provenance")
    ]
    return "; ".join(titles) or resource.get("title", resource["name"])


def source(name: str) -> str:
    """Return a one-line citation for dataset `name`, for a figure caption or a print()."""
    _, resource = resource_of(name)
    return citation(resource)


def _wrap(items: list[str], bullet: str = "  - ") -> list[str]:
    """Indent a list of lines as bullets."""
    return [f"{bullet}{item}" for item in items]


class Description(str):
    """`describe()`'s text: plain in print() and a terminal, a readable page in JupyterLab.

    Why: printed in a notebook, the long lines wrapped mid-word ("2 014-2024e", "Polan d") into a
    40-line wall (issue 21); shown as the cell's value it renders as Markdown that wraps at words.
    """

    markdown: str = ""

    def _repr_markdown_(self) -> str:
        return self.markdown

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _cell(text: Any) -> str:
    """Text for one Markdown list line: no line breaks."""
    return " ".join(str(text).split())


def _sources(resource: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each source: its title line, then its address and note."""
    out = []
    for item in resource.get("sources", []):
        extra = [item[k] for k in ("edition", "published") if item.get(k)]
        title = item["title"] + (f" ({', '.join(extra)})" if extra else "")
        if item.get("commit"):
            title += f" @ commit {item['commit'][:12]}"
        out.append((title, [item[k] for k in ("path", "note") if item.get(k)]))
    return out


def _plain(name: str, path: str, resource: dict[str, Any]) -> str:
    """The plain-text description (print(), a terminal)."""
    lines = [f"{name}: {resource.get('title', '')}", f"File: {path}"]
    if resource.get("description"):
        lines += ["", resource["description"]]
    sources = ["\n      ".join([title, *more]) for title, more in _sources(resource)]
    if sources:
        lines += ["", "Sources:", *_wrap(sources)]
    licences = [item.get("title") or item.get("name", "") for item in resource.get("licenses", [])]
    if licences:
        lines += ["", "Licence:", *_wrap(licences)]
    caveats = list(resource.get("caveats", []))
    if caveats:
        lines += ["", "Caveats:", *_wrap(caveats)]
    fields = [
        f"{f['name']} ({f.get('type', 'string')}"
        + (f", {f['unit']}" if f.get("unit") else "")
        + f"): {f.get('description', '')}"
        for f in resource["schema"]["fields"]
    ]
    lines += ["", "Columns:", *_wrap(fields)]
    return "\n".join(lines)


def _markdown(name: str, path: str, resource: dict[str, Any]) -> str:
    """The same as a Markdown page: short paragraphs and lists, one line per column."""
    lines = [f"**{name}**: {resource.get('title', '')}  ", f"File: `{path}`"]
    if resource.get("description"):
        lines += ["", resource["description"]]
    sources = [f"- {title}" + "".join(f"\n  - {m}" for m in more) for title, more in _sources(resource)]
    if sources:
        lines += ["", "**Sources**", "", *sources]
    licences = [item.get("title") or item.get("name", "") for item in resource.get("licenses", [])]
    if licences:
        lines += ["", "**Licence**", "", *(f"- {x}" for x in licences)]
    caveats = list(resource.get("caveats", []))
    if caveats:
        lines += ["", "**Caveats**", "", *(f"- {x}" for x in caveats)]
    lines += ["", "**Columns**", ""]
    lines += [f"- `{f['name']}` ({_cell(f.get('type', 'string'))}"
              + (f", {_cell(f['unit'])}" if f.get("unit") else "")
              + f"): {_cell(f.get('description', ''))}" for f in resource["schema"]["fields"]]
    return "\n".join(lines)


def describe(name: str) -> Description:
    """Return the human text about dataset `name`: what it is, sources, licence, caveats, columns.

    A `str` (print it, search it); shown as a notebook cell's value it renders as a readable page.
    """
    data_dir, resource = resource_of(name)
    path = str(display_path(data_dir / resource["path"]))
    text = Description(_plain(name, path, resource))
    text.markdown = _markdown(name, path, resource)
    return text
