"""A class's quiz results, shared only by the learner's choice: export one learner, sum up a class.

A learner runs `defence-course progress export FILE` and hands the file in (nothing is sent
anywhere); the instructor runs `defence-course progress FOLDER` over the files handed in and gets a
table and a plot of which questions most learners miss, per lesson. A file that is malformed,
edited after export, or a second file for the same learner is reported and left out.

Layout: format (the export's keys, versions and checksum), export (the learner's file), read (one
handed-in file, validated), aggregate (the class's rows), output (CSV, text and PNG).
"""

from __future__ import annotations

from defence_course.quiz.classprogress.aggregate import (
    ClassReport,
    LeftOut,
    QuestionRow,
    collect,
)
from defence_course.quiz.classprogress.export import (
    build_export,
    default_learner_name,
    export_file_name,
    export_progress,
    export_summary,
)
from defence_course.quiz.classprogress.format import ClassProgressError, RejectedExport
from defence_course.quiz.classprogress.output import plot_png, summarize, table_csv, table_text
from defence_course.quiz.classprogress.read import LearnerExport, read_export

__all__ = [
    "ClassProgressError", "ClassReport", "LearnerExport", "LeftOut", "QuestionRow", "RejectedExport",
    "build_export", "collect", "default_learner_name", "export_file_name", "export_progress",
    "export_summary", "plot_png", "read_export", "summarize", "table_csv", "table_text",
]
