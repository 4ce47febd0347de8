"""Authoring the course: exercises generated from solutions, and the learners' release bundle."""
