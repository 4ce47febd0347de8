"""Reading data/datapackage.json: its resources, checked for what the course loader supports."""

from __future__ import annotations

import difflib
import functools
import json
from pathlib import Path
from typing import Any

from defence_course.data.errors import DataPackageError, UnknownDatasetError, display_path
from defence_course.errors import DataNotFoundError
from defence_course.paths import DESCRIPTOR, find_data_dir

_SUPPORTED_TYPES = frozenset({"string", "integer", "number", "boolean", "date"})
_SUPPORTED_CONSTRAINTS = frozenset(
    {"required", "enum", "minimum", "maximum", "pattern", "minLength", "maxLength", "unique"}
)


def file_stamp(path: Path) -> tuple[int, int]:
    """Identify a file version cheaply, so caches notice an edited file."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def descriptor_of(data_dir: Path) -> dict[str, Any]:
    """Return the parsed datapackage.json of `data_dir` (cached until the file changes)."""
    path = data_dir / DESCRIPTOR
    try:
        stamp = file_stamp(path)
    except FileNotFoundError:
        raise DataNotFoundError(f"{display_path(path)} does not exist.") from None
    return _read_descriptor(path, stamp)


@functools.lru_cache(maxsize=8)
def _read_descriptor(path: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    """Parse and sanity-check datapackage.json; `stamp` is part of the cache key only."""
    del stamp
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataPackageError(
            f"{display_path(path)}, line {error.lineno}: not valid JSON ({error.msg})."
        ) from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataPackageError(f"{display_path(path)} has no 'resources' list.")
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            raise DataPackageError(f"{display_path(path)}: resource #{index + 1} is not an object.")
        for key in ("name", "path", "schema"):
            if key not in resource:
                name = resource.get("name", f"#{index + 1}")
                raise DataPackageError(f"{display_path(path)}: resource {name!r} has no {key!r}.")
        for field in resource["schema"].get("fields", []):
            check_field_supported(path, resource["name"], field)
    return package


def check_field_supported(path: Path, resource: str, field: dict[str, Any]) -> None:
    """Refuse schema features this small validator does not check, rather than skip them silently."""
    name = field.get("name", "?")
    kind = field.get("type", "string")
    if kind not in _SUPPORTED_TYPES:
        raise DataPackageError(
            f"{display_path(path)}: field {name!r} of {resource!r} has type {kind!r}; the course "
            f"loader supports {', '.join(sorted(_SUPPORTED_TYPES))}."
        )
    if field.get("format", "default") != "default":
        raise DataPackageError(
            f"{display_path(path)}: field {name!r} of {resource!r} has format "
            f"{field['format']!r}; the course loader supports only the default format."
        )
    unknown = set(field.get("constraints", {})) - _SUPPORTED_CONSTRAINTS
    if unknown:
        raise DataPackageError(
            f"{display_path(path)}: field {name!r} of {resource!r} uses constraint(s) "
            f"{', '.join(sorted(unknown))}, which the course loader does not check."
        )


def resource_of(name: str) -> tuple[Path, dict[str, Any]]:
    """Return (data folder, resource descriptor) for `name`, or say which names exist."""
    data_dir = find_data_dir()
    resources = descriptor_of(data_dir)["resources"]
    for resource in resources:
        if resource["name"] == name:
            return data_dir, resource
    names = [r["name"] for r in resources]
    hint = difflib.get_close_matches(str(name), names, n=1)
    maybe = f" Did you mean {hint[0]!r}?" if hint else ""
    raise UnknownDatasetError(
        f"No dataset called {name!r}.{maybe} Available: {', '.join(names)}."
    )


def list_datasets() -> list[str]:
    """Return the dataset names `load` accepts, in datapackage.json order."""
    return [r["name"] for r in descriptor_of(find_data_dir())["resources"]]



def catalogue() -> list[tuple[str, str, str]]:
    """(name, file, title) of every dataset, in datapackage.json order (for `data list`)."""
    resources = descriptor_of(find_data_dir())["resources"]
    return [(r["name"], r["path"], r.get("title", "")) for r in resources]
