"""Grading a real class around the grader: LMS downloads in and gradebooks out, late work,
anonymous marking, the manual sheet and the class report (one module per concern)."""
