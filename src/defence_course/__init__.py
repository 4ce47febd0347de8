"""Helper package for the Canada-EU defence course: data, quizzes, checks and grading."""

__version__ = "0.1.0"
