"""Grading a class: specs, plain answers, the comparison engine, the sandbox, and `grade()`.

Layout: spec (check specs), plain (answers as plain data), compare (the engine), submissions
(finding and reading notebooks), rows (grades from a run), journal (resume), outputs (CSV and
feedback files), bwrap + sandbox + zygote + framing (running learners' code isolated),
grader (`grade()`: the run).

Names load on first use (PEP 562): the sandbox runs `python -m defence_course.grading.zygote`,
and importing this package must not import the zygote before runpy executes it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "grade": "grader",
    "GradingError": "errors",
    "SubmissionProblem": "submissions",
    "SYMLINK_PROBLEM": "submissions",
    "read_submission": "submissions",
    "CSV_COLUMNS": "outputs",
    "Summary": "summary",
    "csv_plain": "csvcells",
    "csv_text": "csvcells",
    "feedback_name": "outputs",
    "STATUSES": "records",
    "GIB": "sandbox",
    "Limits": "sandbox",
    "choose_mode": "sandbox",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` when it is first used."""
    if name in _EXPORTS:
        return getattr(import_module(f"defence_course.grading.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
