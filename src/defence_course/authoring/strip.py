"""Strip outputs and execution counts from notebooks, as committed notebooks must be (pre-commit hook)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from defence_course.atomic import atomic_write


def strip_notebook(text: str) -> str:
    """The notebook's JSON without outputs or execution counts (other content untouched)."""
    notebook = json.loads(text)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Strip each notebook given; exit 1 when one changed (so pre-commit shows it), else 0."""
    changed = 0
    for name in argv if argv is not None else sys.argv[1:]:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        stripped = strip_notebook(text)
        if stripped != text:
            atomic_write(path, stripped)
            print(f"stripped outputs from {path}")
            changed += 1
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
