"""Exception types shared by the course package, so callers can catch the course's own errors."""


class DefenceCourseError(Exception):
    """Base class for every error the course package raises on purpose.

    Messages are written for the person who can fix the problem (a learner, an
    instructor editing a content file), and say what to change.
    """


class DataNotFoundError(DefenceCourseError):
    """The data folder, its datapackage.json or one of its CSV files cannot be found."""
