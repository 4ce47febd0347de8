"""Load the course's data files as typed pandas DataFrames, validated against data/datapackage.json.

One module per job: descriptor (datapackage.json), validator (one CSV against its schema),
frames (typed DataFrames, cached), citations (source lines and descriptions), errors.
"""

from __future__ import annotations

from defence_course.data.citations import describe, source
from defence_course.data.descriptor import catalogue, list_datasets
from defence_course.data.errors import DataPackageError, DataValidationError, UnknownDatasetError
from defence_course.data.frames import load, validate_all, validate_each
from defence_course.errors import DataNotFoundError
from defence_course.paths import DATA_ENV as DATA_DIR_ENV
from defence_course.paths import find_data_dir

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

