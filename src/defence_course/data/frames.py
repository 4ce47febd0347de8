"""Typed DataFrames from validated CSV files: `load()`, cached until a file changes."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defence_course.data.citations import citation
from defence_course.data.descriptor import descriptor_of, file_stamp, resource_of
from defence_course.data.errors import DataValidationError, display_path
from defence_course.data.validator import Column, read_rows
from defence_course.errors import DataNotFoundError, DefenceCourseError
from defence_course.paths import DESCRIPTOR, find_data_dir

if TYPE_CHECKING:  # pandas is imported lazily so `defence-course data list` starts fast
    import pandas as pd



def _series(column: Column, values: list[Any]) -> Any:
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
    columns, values = read_rows(path, resource)
    frame = pd.DataFrame({c.name: _series(c, values[c.name]) for c in columns})
    frame.attrs["dataset"] = resource["name"]
    frame.attrs["source"] = citation(resource)
    return frame


def _load_checked(data_dir: Path, resource: dict[str, Any]) -> pd.DataFrame:
    """Return the cached, validated frame for a resource (not yet copied)."""
    path = data_dir / resource["path"]
    try:
        stamp = file_stamp(path)
    except FileNotFoundError:
        raise DataNotFoundError(
            f"{display_path(path)} does not exist, but {DESCRIPTOR} lists it as dataset "
            f"{resource['name']!r}; restore the file from the course repository."
        ) from None
    return _frame(path, stamp, json.dumps(resource, sort_keys=True))


def load(name: str) -> pd.DataFrame:
    """Return dataset `name` as a typed DataFrame, validated against datapackage.json.

    Parsing is cached until the file changes, but every call returns a fresh copy, so a
    learner who edits the frame does not change what the next `load` returns.
    """
    data_dir, resource = resource_of(name)
    return _load_checked(data_dir, resource).copy(deep=True)


def validate_all() -> dict[str, int]:
    """Validate every dataset (for instructors who edit the CSVs); return row counts by name.

    Raises the first dataset's error: fix it and run again.
    """
    data_dir = find_data_dir()
    return {
        resource["name"]: len(_load_checked(data_dir, resource))
        for resource in descriptor_of(data_dir)["resources"]
    }



def validate_each() -> list[tuple[str, int | DefenceCourseError]]:
    """Validate every dataset and keep going: (name, row count or the error) for each."""
    data_dir = find_data_dir()
    results: list[tuple[str, int | DefenceCourseError]] = []
    for resource in descriptor_of(data_dir)["resources"]:
        try:
            results.append((resource["name"], len(_load_checked(data_dir, resource))))
        except (DataValidationError, DataNotFoundError) as error:
            results.append((resource["name"], error))
    return results
