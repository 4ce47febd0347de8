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


def describe(name: str) -> str:
    """Return the human text about dataset `name`: what it is, sources, licence, caveats, columns."""
    data_dir, resource = resource_of(name)
    lines = [f"{name}: {resource.get('title', '')}", f"File: {display_path(data_dir / resource['path'])}"]
    if resource.get("description"):
        lines += ["", resource["description"]]
    sources = []
    for item in resource.get("sources", []):
        extra = [item[k] for k in ("edition", "published") if item.get(k)]
        text = item["title"] + (f" ({', '.join(extra)})" if extra else "")
        if item.get("commit"):
            text += f" @ commit {item['commit'][:12]}"
        if item.get("path"):
            text += f"\n      {item['path']}"
        if item.get("note"):
            text += f"\n      {item['note']}"
        sources.append(text)
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
