"""The pre-commit notebook stripper: outputs and execution counts go, everything else stays."""

from __future__ import annotations

import json
from pathlib import Path

from defence_course.authoring.strip import main

REPO = Path(__file__).resolve().parents[2]


def test_outputs_and_counts_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    cell = {"cell_type": "code", "execution_count": 3, "metadata": {"tags": ["keep"]},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}],
            "source": "print('hi')"}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    assert main([str(path)]) == 1
    stripped = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert stripped["outputs"] == []
    assert stripped["execution_count"] is None
    assert stripped["metadata"] == {"tags": ["keep"]}
    assert main([str(path)]) == 0  # already clean: unchanged


def test_committed_notebooks_are_already_clean() -> None:
    notebooks = sorted(str(p) for folder in ("lessons", "exercises", "solutions")
                       for p in (REPO / folder).glob("*.ipynb"))
    assert notebooks
    texts = [Path(p).read_text(encoding="utf-8") for p in notebooks]
    assert main(notebooks) == 0
    assert [Path(p).read_text(encoding="utf-8") for p in notebooks] == texts
