"""Tests of defence_course.grading."""
