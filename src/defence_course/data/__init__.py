"""Load the course's data files as typed pandas DataFrames, validated against data/datapackage.json."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defence_course.errors import DataNotFoundError, DefenceCourseError
from defence_course.paths import DATA_ENV as DATA_DIR_ENV
from defence_course.paths import DESCRIPTOR, find_data_dir

if TYPE_CHECKING:  # pandas is imported lazily so `defence-course data list` starts fast
    import pandas as pd

__all__ = [
    "DATA_DIR_ENV",
    "DataNotFoundError",
    "DataPackageError",
    "DataValidationError",
    "UnknownDatasetError",
    "catalogue",
    "describe",
    "find_data_dir",
    "list_datasets",
    "load",
    "source",
    "validate_all",
    "validate_each",
]



# Frictionless' defaults, used when a field does not list its own.
_DEFAULT_TRUE = ("true", "True", "TRUE", "1")
_DEFAULT_FALSE = ("false", "False", "FALSE", "0")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SUPPORTED_TYPES = frozenset({"string", "integer", "number", "boolean", "date"})
_SUPPORTED_CONSTRAINTS = frozenset(
    {"required", "enum", "minimum", "maximum", "pattern", "minLength", "maxLength", "unique"}
)


class DataPackageError(DefenceCourseError):
    """data/datapackage.json itself is broken (bad JSON, or a schema this loader cannot check)."""


class UnknownDatasetError(DefenceCourseError):
    """`load(name)` was asked for a resource that datapackage.json does not describe."""


class DataValidationError(DefenceCourseError):
    """A CSV file does not match its schema; the message names the file, line and column."""

    def __init__(
        self, path: Path, message: str, line: int | None = None, column: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = message
        where = [_display(path)]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


def _display(path: Path) -> str:
    """Show a path relative to the working directory when possible: shorter, and what a learner sees."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):  # elsewhere, or the working directory was deleted
        return str(path)


# --------------------------------------------------------------------------------------------
# Reading datapackage.json
# --------------------------------------------------------------------------------------------


def _stamp(path: Path) -> tuple[int, int]:
    """Identify a file version cheaply, so caches notice an edited file."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _descriptor(data_dir: Path) -> dict[str, Any]:
    """Return the parsed datapackage.json of `data_dir` (cached until the file changes)."""
    path = data_dir / DESCRIPTOR
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        raise DataNotFoundError(f"{_display(path)} does not exist.") from None
    return _read_descriptor(path, stamp)


@functools.lru_cache(maxsize=8)
def _read_descriptor(path: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    """Parse and sanity-check datapackage.json; `stamp` is part of the cache key only."""
    del stamp
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataPackageError(
            f"{_display(path)}, line {error.lineno}: not valid JSON ({error.msg})."
        ) from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataPackageError(f"{_display(path)} has no 'resources' list.")
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            raise DataPackageError(f"{_display(path)}: resource #{index + 1} is not an object.")
        for key in ("name", "path", "schema"):
            if key not in resource:
                name = resource.get("name", f"#{index + 1}")
                raise DataPackageError(f"{_display(path)}: resource {name!r} has no {key!r}.")
        for field in resource["schema"].get("fields", []):
            _check_field_supported(path, resource["name"], field)
    return package


def _check_field_supported(path: Path, resource: str, field: dict[str, Any]) -> None:
    """Refuse schema features this small validator does not check, rather than skip them silently."""
    name = field.get("name", "?")
    kind = field.get("type", "string")
    if kind not in _SUPPORTED_TYPES:
        raise DataPackageError(
            f"{_display(path)}: field {name!r} of {resource!r} has type {kind!r}; the course "
            f"loader supports {', '.join(sorted(_SUPPORTED_TYPES))}."
        )
    if field.get("format", "default") != "default":
        raise DataPackageError(
            f"{_display(path)}: field {name!r} of {resource!r} has format "
            f"{field['format']!r}; the course loader supports only the default format."
        )
    unknown = set(field.get("constraints", {})) - _SUPPORTED_CONSTRAINTS
    if unknown:
        raise DataPackageError(
            f"{_display(path)}: field {name!r} of {resource!r} uses constraint(s) "
            f"{', '.join(sorted(unknown))}, which the course loader does not check."
        )


def _resource(name: str) -> tuple[Path, dict[str, Any]]:
    """Return (data folder, resource descriptor) for `name`, or say which names exist."""
    data_dir = find_data_dir()
    resources = _descriptor(data_dir)["resources"]
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
    return [r["name"] for r in _descriptor(find_data_dir())["resources"]]


# --------------------------------------------------------------------------------------------
# Validating and typing one CSV file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One schema field, prepared once so the per-cell loop stays simple."""

    name: str
    kind: str
    required: bool
    constraints: dict[str, Any]
    true_values: frozenset[str]
    false_values: frozenset[str]
    pattern: re.Pattern[str] | None


def _columns(resource: dict[str, Any]) -> list[_Column]:
    """Turn the schema's fields into `_Column`s."""
    columns = []
    for field in resource["schema"]["fields"]:
        constraints = dict(field.get("constraints", {}))
        pattern = constraints.get("pattern")
        columns.append(
            _Column(
                name=field["name"],
                kind=field.get("type", "string"),
                required=bool(constraints.get("required", False)),
                constraints=constraints,
                true_values=frozenset(field.get("trueValues", _DEFAULT_TRUE)),
                false_values=frozenset(field.get("falseValues", _DEFAULT_FALSE)),
                pattern=re.compile(pattern) if pattern else None,
            )
        )
    return columns


_KIND_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "True or False",
    "date": "a date written YYYY-MM-DD",
}


def _parse(column: _Column, text: str) -> Any:
    """Convert one non-empty cell to its Python value, or raise ValueError with the reason."""
    kind = column.kind
    if kind == "string":
        return text
    if text != text.strip():
        raise ValueError(f"{text!r} has spaces around it; remove them")
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    if kind == "boolean":
        if text in column.true_values:
            return True
        if text in column.false_values:
            return False
        allowed = sorted(column.true_values | column.false_values)
        raise ValueError(f"{text!r} is not True or False (allowed: {', '.join(allowed)})")
    if kind == "date" and _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
    raise ValueError(f"{text!r} is not {_KIND_WORDS[kind]}")


def _check_constraints(column: _Column, text: str, value: Any) -> None:
    """Raise ValueError if a parsed value breaks one of the field's constraints."""
    rules = column.constraints
    enum = rules.get("enum")
    if enum is not None and text not in {str(option) for option in enum}:
        close = difflib.get_close_matches(text, [str(option) for option in enum], n=1)
        if close:
            raise ValueError(f"{text!r} is not an allowed value; did you mean {close[0]!r}?")
        shown = ", ".join(repr(str(option)) for option in enum[:12])
        more = ", ..." if len(enum) > 12 else ""
        raise ValueError(f"{text!r} is not an allowed value ({shown}{more})")
    if "minimum" in rules and value < _bound(column, rules["minimum"]):
        raise ValueError(f"{text!r} is below the minimum {rules['minimum']}")
    if "maximum" in rules and value > _bound(column, rules["maximum"]):
        raise ValueError(f"{text!r} is above the maximum {rules['maximum']}")
    if column.pattern is not None and not column.pattern.fullmatch(text):
        raise ValueError(f"{text!r} does not have the expected form ({column.pattern.pattern})")
    if "minLength" in rules and len(text) < rules["minLength"]:
        raise ValueError(f"{text!r} is shorter than {rules['minLength']} characters")
    if "maxLength" in rules and len(text) > rules["maxLength"]:
        raise ValueError(f"{text!r} is longer than {rules['maxLength']} characters")


def _bound(column: _Column, bound: Any) -> Any:
    """Bring a schema bound to the column's Python type (dates are written as strings)."""
    return dt.date.fromisoformat(bound) if column.kind == "date" else bound


def _quote_problem_column(line: str) -> int | None:
    """Return the index of the cell where a stray or unclosed quote sits in one CSV line."""
    cell, in_quotes, cell_start = 0, False, True
    index = 0
    text = line.rstrip("\r\n")
    while index < len(text):
        char = text[index]
        if in_quotes:
            if char == '"':
                if index + 1 < len(text) and text[index + 1] == '"':
                    index += 1
                elif index + 1 < len(text) and text[index + 1] != ",":
                    return cell  # closing quote followed by more text
                else:
                    in_quotes = False
        elif char == '"':
            if not cell_start:
                return cell  # quote in the middle of an unquoted cell
            in_quotes = True
        elif char == ",":
            cell += 1
            cell_start = True
            index += 1
            continue
        cell_start = False
        index += 1
    return cell if in_quotes else None


def _decode(path: Path, raw: bytes) -> str:
    """Decode UTF-8 (with or without the BOM Excel adds), pointing at the line if it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataValidationError(
            path,
            "the file is not UTF-8 text; save it as 'CSV UTF-8' (country names such as "
            "'Türkiye' need it).",
            line=line,
        ) from None


def _read_rows(
    path: Path, resource: dict[str, Any]
) -> tuple[list[_Column], dict[str, list[Any]]]:
    """Validate the CSV at `path` against the resource schema; return columns and typed values."""
    columns = _columns(resource)
    names = [c.name for c in columns]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataNotFoundError(
            f"{_display(path)} does not exist, but {DESCRIPTOR} lists it as dataset "
            f"{resource['name']!r}; restore the file from the course repository."
        ) from None
    text = _decode(path, raw)
    if not text.strip():
        raise DataValidationError(
            path, f"the file is empty; it needs at least the header row: {','.join(names)}"
        )
    physical = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    values: dict[str, list[Any]] = {name: [] for name in names}
    header_seen = False
    keys: dict[tuple[Any, ...], int] = {}
    primary = resource["schema"].get("primaryKey") or []
    primary = [primary] if isinstance(primary, str) else list(primary)
    unique_seen: dict[str, dict[Any, int]] = {
        c.name: {} for c in columns if c.constraints.get("unique")
    }
    end = 0
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            _raise_unparseable(path, physical, start, names, str(error))
        end = reader.line_num
        if end > start:
            _raise_unparseable(path, physical, start, names, "a quoted cell runs onto the next line")
        if not header_seen:
            _check_header(path, row, names)
            header_seen = True
            continue
        if not row or row == [""]:
            raise DataValidationError(path, "blank line; delete it", line=start)
        if len(row) != len(names):
            _raise_row_length(path, start, row, names)
        parsed = []
        for column, cell in zip(columns, row, strict=True):
            value = _cell(path, start, column, cell)
            values[column.name].append(value)
            parsed.append(value)
            if column.name in unique_seen and value is not None:
                _check_unique(path, start, column.name, cell, value, unique_seen[column.name])
        if primary:
            key = tuple(parsed[names.index(name)] for name in primary)
            if key in keys:
                raise DataValidationError(
                    path,
                    f"duplicate row: {dict(zip(primary, key, strict=True))} already appears on line "
                    f"{keys[key]}; each ({', '.join(primary)}) may appear once",
                    line=start,
                    column=primary[0],
                )
            keys[key] = start
    return columns, values


def _cell(path: Path, line: int, column: _Column, cell: str) -> Any:
    """Validate and convert one cell; every problem becomes one DataValidationError."""
    if cell == "":
        if column.required:
            raise DataValidationError(
                path, "a value is required here but the cell is empty", line=line,
                column=column.name,
            )
        return None
    try:
        value = _parse(column, cell)
        _check_constraints(column, cell, value)
    except ValueError as error:
        raise DataValidationError(path, str(error), line=line, column=column.name) from None
    return value


def _check_unique(
    path: Path, line: int, name: str, cell: str, value: Any, seen: dict[Any, int]
) -> None:
    """Enforce a field's `unique` constraint."""
    if value in seen:
        raise DataValidationError(
            path, f"{cell!r} already appears on line {seen[value]}; values must be unique",
            line=line, column=name,
        )
    seen[value] = line


def _check_header(path: Path, header: list[str], names: list[str]) -> None:
    """The header must list exactly the schema's columns, in order."""
    if header == names:
        return
    for name in header:
        if name not in names:
            raise DataValidationError(
                path,
                f"unexpected column in the header; {DESCRIPTOR} expects: {', '.join(names)}",
                line=1, column=name,
            )
    for name in names:
        if name not in header:
            raise DataValidationError(
                path, f"column missing from the header; expected: {', '.join(names)}",
                line=1, column=name,
            )
    duplicated = next((name for name in header if header.count(name) > 1), None)
    if duplicated is not None:
        raise DataValidationError(path, "column appears twice in the header", line=1,
                                  column=duplicated)
    first = next(h for h, n in zip(header, names, strict=True) if h != n)
    raise DataValidationError(
        path, f"columns are out of order; expected: {', '.join(names)}", line=1, column=first
    )


def _raise_row_length(path: Path, line: int, row: list[str], names: list[str]) -> None:
    """Explain a row with too many or too few cells."""
    if len(row) > len(names):
        raise DataValidationError(
            path,
            f"{len(row)} cells but the header has {len(names)} columns; an extra cell follows "
            f"the last column (a stray comma? put cells containing commas in double quotes)",
            line=line, column=names[-1],
        )
    raise DataValidationError(
        path,
        f"only {len(row)} cells but the header has {len(names)} columns; this and later "
        f"columns are missing",
        line=line, column=names[len(row)],
    )


def _raise_unparseable(
    path: Path, physical: list[str], line: int, names: list[str], reason: str
) -> None:
    """Report a CSV the csv module cannot read, pointing at the row and (if found) the cell."""
    text = physical[line - 1] if 0 < line <= len(physical) else ""
    index = _quote_problem_column(text)
    column = names[index] if index is not None and index < len(names) else None
    raise DataValidationError(
        path,
        f'cannot read this row as CSV ({reason}); check the double quotes (") in it: a cell '
        f'that contains a quote must be written "like ""this"""',
        line=line, column=column,
    )


# --------------------------------------------------------------------------------------------
# Building DataFrames
# --------------------------------------------------------------------------------------------


def _series(column: _Column, values: list[Any]) -> Any:
    """Build the pandas Series for one column with the dtype the contract promises."""
    import numpy as np
    import pandas as pd

    kind = column.kind
    has_missing = any(value is None for value in values)
    if kind == "integer":
        if has_missing or not column.required:
            return pd.array(values, dtype="Int64")
        return np.array(values, dtype="int64")
    if kind == "number":
        return np.array([np.nan if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        if has_missing or not column.required:
            return pd.array(values, dtype="boolean")
        return np.array(values, dtype="bool")
    if kind == "date":
        # One resolution whatever the pandas version (pandas 3 would otherwise pick seconds).
        return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
    series = pd.Series(values, dtype="object")
    return series.astype("str") if _pandas_has_str_dtype() else series


@functools.cache
def _pandas_has_str_dtype() -> bool:
    """pandas 3 has a real string dtype ("str"); pandas 2 keeps text as object."""
    import pandas as pd

    return int(pd.__version__.split(".")[0]) >= 3


@functools.lru_cache(maxsize=32)
def _frame(path: Path, stamp: tuple[int, int], resource_json: str) -> pd.DataFrame:
    """Parse, validate and type one CSV; the key includes the file stamp and the schema."""
    del stamp
    import pandas as pd

    resource = json.loads(resource_json)
    columns, values = _read_rows(path, resource)
    frame = pd.DataFrame({c.name: _series(c, values[c.name]) for c in columns})
    frame.attrs["dataset"] = resource["name"]
    frame.attrs["source"] = _citation(resource)
    return frame


def _load_checked(data_dir: Path, resource: dict[str, Any]) -> pd.DataFrame:
    """Return the cached, validated frame for a resource (not yet copied)."""
    path = data_dir / resource["path"]
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        raise DataNotFoundError(
            f"{_display(path)} does not exist, but {DESCRIPTOR} lists it as dataset "
            f"{resource['name']!r}; restore the file from the course repository."
        ) from None
    return _frame(path, stamp, json.dumps(resource, sort_keys=True))


def load(name: str) -> pd.DataFrame:
    """Return dataset `name` as a typed DataFrame, validated against datapackage.json.

    Parsing is cached until the file changes, but every call returns a fresh copy, so a
    learner who edits the frame does not change what the next `load` returns.
    """
    data_dir, resource = _resource(name)
    return _load_checked(data_dir, resource).copy(deep=True)


def validate_all() -> dict[str, int]:
    """Validate every dataset (for instructors who edit the CSVs); return row counts by name.

    Raises the first dataset's error: fix it and run again.
    """
    data_dir = find_data_dir()
    return {
        resource["name"]: len(_load_checked(data_dir, resource))
        for resource in _descriptor(data_dir)["resources"]
    }


def catalogue() -> list[tuple[str, str, str]]:
    """(name, file, title) of every dataset, in datapackage.json order (for `data list`)."""
    resources = _descriptor(find_data_dir())["resources"]
    return [(r["name"], r["path"], r.get("title", "")) for r in resources]


def validate_each() -> list[tuple[str, int | DefenceCourseError]]:
    """Validate every dataset and keep going: (name, row count or the error) for each."""
    data_dir = find_data_dir()
    results: list[tuple[str, int | DefenceCourseError]] = []
    for resource in _descriptor(data_dir)["resources"]:
        try:
            results.append((resource["name"], len(_load_checked(data_dir, resource))))
        except (DataValidationError, DataNotFoundError) as error:
            results.append((resource["name"], error))
    return results


# --------------------------------------------------------------------------------------------
# Human-readable provenance
# --------------------------------------------------------------------------------------------


def _citation(resource: dict[str, Any]) -> str:
    """One line naming where the data come from (primary sources, not transcription repos)."""
    titles = [
        s["title"] for s in resource.get("sources", []) if not s.get("role", "").startswith(
            "provenance")
    ]
    return "; ".join(titles) or resource.get("title", resource["name"])


def source(name: str) -> str:
    """Return a one-line citation for dataset `name`, for a figure caption or a print()."""
    _, resource = _resource(name)
    return _citation(resource)


def _wrap(items: list[str], bullet: str = "  - ") -> list[str]:
    """Indent a list of lines as bullets."""
    return [f"{bullet}{item}" for item in items]


def describe(name: str) -> str:
    """Return the human text about dataset `name`: what it is, sources, licence, caveats, columns."""
    data_dir, resource = _resource(name)
    lines = [f"{name}: {resource.get('title', '')}", f"File: {_display(data_dir / resource['path'])}"]
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
