"""Anonymous marking: stable codes instead of names while the instructor marks, names at export.

`lms import --anonymous` stages each student under a code (`S-7KQ3M`), so the class folder,
grades.csv, manual.csv, the feedback files and the report carry codes only, in code order (an
alphabetical order of names would give them away). The codes and the identities behind them
live in one key file, outside the class folder; `lms export` and `lms reveal` map them back.
A code is an HMAC of the student id under a secret kept in the key: the same student gets the
same code on every re-import (regrading keeps working), and nobody can recompute a code from a
name without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write
from defence_course.errors import DefenceCourseError
from defence_course.grading.outputs import feedback_name

__all__ = ["AnonymizeError", "Key", "reveal_feedback"]

KEY_VERSION = 1
CODE = re.compile(r"\bS-[A-Z2-7]{5,}\b")


class AnonymizeError(DefenceCourseError):
    """The key file is missing, damaged or does not hold a code; says what to do."""


class Key:
    """The secret and the code -> identity table of one class (a JSON file, atomic writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.secret = ""
        self.identities: dict[str, dict[str, Any]] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.secret = data["secret"]
                self.identities = dict(data["codes"])
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise AnonymizeError(f"{path}: unreadable key file ({error}); restore it from a "
                                     "backup: without it, codes cannot be mapped back") from None
        if not self.secret:
            self.secret = secrets.token_hex(32)

    def code(self, student: str, identity: dict[str, Any] | None = None) -> str:
        """The student's stable code (recorded with `identity` for the way back)."""
        digest = hmac.new(self.secret.encode(), student.encode(), hashlib.sha256).digest()
        length = 5
        while True:
            code = "S-" + base64.b32encode(digest).decode()[:length]
            owner = self.identities.get(code)
            if owner is None or owner.get("student") == student:
                break
            length += 1  # a collision (1 in 33 million per pair): a longer code
        self.identities[code] = {**(identity or {}), "student": student}
        return code

    def identity(self, code: str) -> dict[str, Any]:
        """Who is behind a code; a code this key never issued is an error, not a guess."""
        try:
            return self.identities[code]
        except KeyError:
            raise AnonymizeError(f"code {code} is not in {self.path}: was the class imported "
                                 "with another key?") from None

    def reveal_text(self, text: str) -> str:
        """Replace every code this key issued in a text by the student id behind it."""
        return CODE.sub(lambda m: self.identities.get(m[0], {}).get("student", m[0]), text)

    def save(self) -> None:
        """Write the key atomically, readable by its owner only from its first byte."""
        atomic_write(self.path, json.dumps({"version": KEY_VERSION, "secret": self.secret,
                                            "codes": self.identities}, indent=1,
                                           ensure_ascii=False), mode=0o600)


def reveal_feedback(feedback: Path, key: Key, out: Path) -> list[Path]:
    """Copy each `<code>.md` feedback file to `out/<student>.md`, with the code replaced."""
    written = []
    for path in sorted(feedback.glob("S-*.md")):
        student = key.identity(path.stem)["student"]
        target = out / feedback_name(student)
        atomic_write(target, key.reveal_text(path.read_text(encoding="utf-8")))
        written.append(target)
    return written
