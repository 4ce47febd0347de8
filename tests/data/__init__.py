"""Tests of defence_course.data."""
