"""The solution against its own checks: an author's wrong expected value is named at once.

`make-exercises` grades each solution notebook with the real grader (same sandbox, same
comparison) and reports every auto-graded question it does not pass, with the failing check's
number, whether it is public or hidden, and its reason, instead of a test saying
`{'q1': 0.0} == {'q1': 2.0}` later.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

__all__ = ["solution_problems"]


def solution_problems(root: Path, name: str) -> list[str]:
    """One line per auto-graded question the solution fails (empty when it passes them all)."""
    from defence_course.grading.grader import GradingPaths, grade
    from defence_course.grading.sandbox import Limits

    with tempfile.TemporaryDirectory(prefix="defence-course-selfcheck-") as tmp:
        subs = Path(tmp) / "submissions"
        subs.mkdir()
        shutil.copyfile(root / "solutions" / f"{name}.ipynb", subs / "solution.ipynb")
        out = Path(tmp) / "out" / "grades.csv"
        grade(name, subs, out, jobs=1, limits=Limits(timeout=120), root=root, progress=False,
              warn=lambda message: None)
        record = GradingPaths.resolve(root, name, subs, out, None, None).journal(name).load(
            "solution")
        rows = record.rows if record else ()
    problems = []
    for row in rows:
        if row.status in ("passed", "manual"):
            continue
        failing = [c for c in row.checks if not c.passed]
        if failing:
            first = failing[0]
            where = f"{'public' if first.public else 'hidden'} check {first.number}: {first.message}"
        else:
            where = row.message
        problems.append(f"{name} {row.question}: the solution does not pass its own checks "
                        f"({row.status}): {where}")
    return problems
