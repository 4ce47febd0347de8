"""Share-of-GDP charts start at 0, or the text right after them says why not (issue 11, item 6).

Why: a share of GDP drawn from 1% looks twice its size; a learner compares heights, not labels.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("0*.ipynb"))
SHARE_LABEL = re.compile(r"""(set_ylabel\(|ylabel=)\s*f?["'][^"']*% of GDP""")
FROM_ZERO = re.compile(r"set_ylim\(\s*(0[,)]|0\.0|bottom=0)|ylim=\(0,")
EXPLAINED = re.compile(r"(axis|axes) (do|does) not start at 0")


def share_charts_without_zero(cells: list[dict]) -> list[str]:
    """Plot cells with a '% of GDP' axis that neither start at 0 nor are explained in the text after."""
    problems = []
    for index, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or not SHARE_LABEL.search(source) or FROM_ZERO.search(source):
            continue
        after = []
        for later in cells[index + 1:]:
            if later["cell_type"] == "code":
                break
            after.append("".join(later["source"]))
        if not EXPLAINED.search(" ".join(" ".join(after).split())):
            problems.append(source.splitlines()[0][:70])
    return problems


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_share_of_gdp_chart_starts_at_zero_or_says_why(lesson: Path) -> None:
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    assert share_charts_without_zero(cells) == []


def test_a_chart_from_one_percent_is_reported() -> None:
    chart = {"cell_type": "code", "source": ['fig, ax = plt.subplots()\nax.set_ylabel("% of GDP")\n']}
    text = {"cell_type": "markdown", "source": ["*Figure description:* a line chart."]}
    assert share_charts_without_zero([chart, text]) == ["fig, ax = plt.subplots()"]
    why = {"cell_type": "markdown", "source": ["Its axes do not start at 0, and need not: ..."]}
    assert share_charts_without_zero([chart, why]) == []
