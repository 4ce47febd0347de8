"""Tests of defence_course.quiz."""
