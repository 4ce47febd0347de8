"""Tests of defence_course.authoring."""
