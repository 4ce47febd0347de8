"""Validating and typing one CSV file against its schema: every problem names its line and column."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defence_course.data.errors import DataValidationError, display_path
from defence_course.errors import DataNotFoundError
from defence_course.paths import DESCRIPTOR

# Frictionless' defaults, used when a field does not list its own.
_DEFAULT_TRUE = ("true", "True", "TRUE", "1")
_DEFAULT_FALSE = ("false", "False", "FALSE", "0")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Column:
    """One schema field, prepared once so the per-cell loop stays simple."""

    name: str
    kind: str
    required: bool
    constraints: dict[str, Any]
    true_values: frozenset[str]
    false_values: frozenset[str]
    pattern: re.Pattern[str] | None


def _columns(resource: dict[str, Any]) -> list[Column]:
    """Turn the schema's fields into `Column`s."""
    columns = []
    for field in resource["schema"]["fields"]:
        constraints = dict(field.get("constraints", {}))
        pattern = constraints.get("pattern")
        columns.append(
            Column(
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


def _parse(column: Column, text: str) -> Any:
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


def _check_constraints(column: Column, text: str, value: Any) -> None:
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


def _bound(column: Column, bound: Any) -> Any:
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


def read_rows(
    path: Path, resource: dict[str, Any]
) -> tuple[list[Column], dict[str, list[Any]]]:
    """Validate the CSV at `path` against the resource schema; return columns and typed values."""
    columns = _columns(resource)
    names = [c.name for c in columns]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataNotFoundError(
            f"{display_path(path)} does not exist, but {DESCRIPTOR} lists it as dataset "
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


def _cell(path: Path, line: int, column: Column, cell: str) -> Any:
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
