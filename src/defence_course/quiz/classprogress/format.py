"""The progress export's format: its name and versions, the keys it holds, its checksum, its errors.

The checksum catches damage and hand edits, not a learner who recomputes it on purpose: quiz
results are formative, so this is an integrity check, not a signature.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from defence_course.errors import DefenceCourseError

EXPORT_FORMAT = "defence-course-progress-export"
EXPORT_VERSION = 2
"""Version 2 adds `revealed` per question ("Show answer" pressed before solving it); version 1
files (no `revealed`) are still read, as never revealed."""
MAX_EXPORT_BYTES = 1 << 20
"""A real export is a few kB; anything this large is not one (and is not read into memory)."""
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""Bank and question ids: the same short slugs the quiz banks use."""
TOP_KEYS = {"format", "version", "learner", "exported", "banks", "sha256"}
QUESTION_KEYS = {1: {"id", "attempts", "solved", "best_score"},
                 2: {"id", "attempts", "solved", "best_score", "revealed"}}


class ClassProgressError(DefenceCourseError):
    """The export or the class summary cannot be made; the message says what to do."""


class RejectedExport(DefenceCourseError):
    """One handed-in file cannot be trusted; the message says why (it is left out of the summary)."""


def digest(body: dict[str, Any]) -> str:
    """SHA-256 of the export without its checksum, in one canonical JSON spelling."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def valid_learner(name: Any) -> bool:
    return (isinstance(name, str) and 0 < len(name) <= 100 and name == name.strip()
            and name.isprintable())
