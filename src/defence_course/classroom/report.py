"""The class report: one self-contained HTML page from grades.csv (no network, nothing to install).

The page is built as an element tree (`xml.etree.ElementTree`), so every value from the class
(student ids, messages quoting their code) is escaped by the serializer, never pasted into
markup. Plots are inline SVG images (`data:` URIs) drawn with matplotlib's object API (no
pyplot state), each with a text description in its `alt` and a caption that says what it
shows. A Content-Security-Policy forbids the page any request: it opens the same offline.
"""

from __future__ import annotations

import base64
import io
import statistics
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from defence_course.atomic import atomic_write
from defence_course.classroom.gradebook import read_grades

__all__ = ["ClassStats", "build_report", "class_stats", "write_report"]

STATUSES = ("passed", "failed", "error", "timeout", "missing", "manual")
#: Below this share of the points, or with a notebook the grader could not run, a student is
#: listed under "Students who may need help".
HELP_SHARE = 0.5
CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0;min-width:24rem}
th,td{border:1px solid #bbb;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f0f0f0}td.num{text-align:right}
caption{text-align:left;font-weight:600;padding:.25rem 0}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#333}img{max-width:100%;height:auto}
.note{color:#444;font-size:.9rem}
"""


@dataclass
class ClassStats:
    """What the report shows, computed once from grades.csv (also used by tests)."""

    exercise: str = ""
    students: list[str] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)
    max_points: float = 0.0
    questions: list[str] = field(default_factory=list)
    pass_rates: dict[str, float] = field(default_factory=dict)
    status_counts: Counter[str] = field(default_factory=Counter)
    failing: list[tuple[str, str, int]] = field(default_factory=list)
    need_help: list[tuple[str, float, str]] = field(default_factory=list)
    pending: int = 0


def class_stats(rows: Sequence[Mapping[str, str]]) -> ClassStats:
    """Totals, pass rates, status counts, most common failing checks, students to help."""
    stats = ClassStats(exercise=rows[0].get("exercise", "") if rows else "")
    per_student: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for row in rows:
        per_student[row["student"]].append(row)
        if row["question"] not in stats.questions:
            stats.questions.append(row["question"])
        stats.status_counts[row["status"]] += 1
    stats.students = list(per_student)
    question_max = {r["question"]: float(r["max_points"] or 0) for r in rows}
    stats.max_points = sum(question_max.values())
    for student, own in per_student.items():
        stats.totals[student] = sum(float(r["points"] or 0) for r in own)
    written = {r["question"] for r in rows if r["status"] == "manual"}
    for question in stats.questions:
        own = [r for r in rows if r["question"] == question]
        if own and question not in written:
            stats.pass_rates[question] = sum(r["status"] == "passed" for r in own) / len(own)
    failing = Counter((r["question"], r["message"]) for r in rows if r["status"] == "failed")
    stats.failing = [(q, m, n) for (q, m), n in failing.most_common(10)]
    stats.pending = sum(r["status"] == "manual" and not (r["points"] or "").strip() for r in rows)
    stats.need_help = _need_help(per_student, stats)
    return stats


def _need_help(per_student: Mapping[str, list[Mapping[str, str]]], stats: ClassStats
               ) -> list[tuple[str, float, str]]:
    """Students under HELP_SHARE of the points, or whose notebook did not run or finish."""
    out = []
    for student, own in per_student.items():
        total = stats.totals[student]
        reasons = []
        if stats.max_points and total < HELP_SHARE * stats.max_points:
            reasons.append(f"{total:g} of {stats.max_points:g} points")
        broken = sorted({r["status"] for r in own if r["status"] in ("error", "timeout")})
        if broken:
            reasons.append("notebook " + " and ".join(
                {"error": "raised an error or could not be read",
                 "timeout": "ran past the time limit"}[s] for s in broken))
        missing = sum(r["status"] == "missing" for r in own)
        if missing > len(own) / 2:
            reasons.append(f"{missing} of {len(own)} answers missing")
        if reasons:
            out.append((student, total, "; ".join(reasons)))
    return sorted(out, key=lambda item: (item[1], item[0]))


# --------------------------------------------------------------------------------------------
# Plots (inline SVG) with their text descriptions
# --------------------------------------------------------------------------------------------


def _svg_uri(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def distribution_plot(stats: ClassStats) -> tuple[str, str]:
    """A histogram of total points, and the sentence that says what it shows."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    totals = list(stats.totals.values())
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.subplots()
    top = max(stats.max_points, max(totals, default=0.0), 1.0)
    if top <= 30:  # one bar per whole point, centred on it
        bins = [i - 0.5 for i in range(int(top) + 2)]
        axes.set_xlim(-0.5, int(top) + 0.5)
    else:
        bins = [i * top / 20 for i in range(21)]
        axes.set_xlim(0, top)
    axes.hist(totals, bins=bins, color="#1f5f8b", edgecolor="white")
    locator = axes.yaxis.get_major_locator()  # matplotlib's AutoLocator, a MaxNLocator
    if isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)
    axes.set_xlabel(f"total points (of {stats.max_points:g})")
    axes.set_ylabel("students")
    description = "No students graded yet."
    if totals:
        description = (f"Histogram of total points for {len(totals)} students: lowest "
                       f"{min(totals):g}, median {statistics.median(totals):g}, highest "
                       f"{max(totals):g}, mean {statistics.fmean(totals):.2f} of "
                       f"{stats.max_points:g} points.")
    return _svg_uri(figure), description


def pass_rate_plot(stats: ClassStats) -> tuple[str, str]:
    """Horizontal bars of each auto-graded question's pass rate, and their description."""
    from matplotlib.figure import Figure

    questions = [q for q in stats.questions if q in stats.pass_rates]
    figure = Figure(figsize=(6.4, 0.45 * len(questions) + 1.0))
    axes = figure.subplots()
    rates = [100 * stats.pass_rates[q] for q in questions]
    axes.barh(questions[::-1], rates[::-1], color="#2e7d32")
    axes.set_xlim(0, 100)
    axes.set_xlabel("students who passed (%)")
    description = "Share of students passing each auto-graded question: " + ", ".join(
        f"{q} {r:.0f}%" for q, r in zip(questions, rates, strict=True)) + "."
    return _svg_uri(figure), description


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _table(parent: ET.Element, header: Sequence[str], rows: Iterable[Sequence[object]],
           caption: str) -> ET.Element:
    table = _el(parent, "table")
    _el(table, "caption", caption)
    head = _el(_el(table, "thead"), "tr")
    for name in header:
        _el(head, "th", name, scope="col")
    body = _el(table, "tbody")
    for row in rows:
        tr = _el(body, "tr")
        for value in row:
            number = isinstance(value, (int, float))
            _el(tr, "td", f"{value:g}" if isinstance(value, float) else str(value),
                **({"class_": "num"} if number else {}))
    return table


def _figure(parent: ET.Element, uri: str, description: str, caption: str) -> None:
    figure = _el(parent, "figure")
    _el(figure, "img", src=uri, alt=description)
    _el(figure, "figcaption", f"{caption} {description}")


def build_report(stats: ClassStats, source: str, totals: Sequence[Mapping[str, Any]] = ()
                 ) -> str:
    """The whole page as text (`<!DOCTYPE html>` + the serialized element tree)."""
    html = ET.Element("html", lang="en")
    head = _el(html, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "meta", **{"http-equiv": "Content-Security-Policy",
                         "content": "default-src 'none'; img-src data:; style-src 'unsafe-inline'"})
    _el(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    title = f"Class report: {stats.exercise}"
    _el(head, "title", title)
    _el(head, "style", CSS)
    body = _el(html, "body")
    _el(body, "h1", title)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    _el(body, "p", f"From {source}, {when}. {len(stats.students)} students, "
                   f"{stats.max_points:g} points in all.", class_="note")
    _section_scores(body, stats)
    _section_questions(body, stats)
    _section_statuses(body, stats)
    _section_help(body, stats)
    if totals:
        _section_late(body, totals)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"


def _section_scores(body: ET.Element, stats: ClassStats) -> None:
    _el(body, "h2", "Score distribution")
    uri, description = distribution_plot(stats)
    _figure(body, uri, description, "Figure 1.")


def _section_questions(body: ET.Element, stats: ClassStats) -> None:
    _el(body, "h2", "Questions")
    if stats.pass_rates:
        uri, description = pass_rate_plot(stats)
        _figure(body, uri, description, "Figure 2.")
    _table(body, ["question", "passed (%)"],
           [(q, round(100 * r)) for q, r in stats.pass_rates.items()], "Pass rate per question")
    _el(body, "h3", "Most common failing checks")
    if stats.failing:
        _table(body, ["question", "first failing check", "students"], stats.failing,
               "The message each failed answer got, most frequent first")
    else:
        _el(body, "p", "No answer failed a check.")


def _section_statuses(body: ET.Element, stats: ClassStats) -> None:
    _el(body, "h2", "Statuses")
    _table(body, ["status", "answers"], [(s, stats.status_counts.get(s, 0)) for s in STATUSES],
           "Answers per status (one per student and question)")
    if stats.pending:
        _el(body, "p", f"{stats.pending} written answer(s) wait for marking in manual.csv.",
            class_="note")


def _section_help(body: ET.Element, stats: ClassStats) -> None:
    _el(body, "h2", "Students who may need help")
    if not stats.need_help:
        _el(body, "p", "Nobody is below half the points or has a notebook that did not run.")
        return
    _table(body, ["student", "points", "why"], stats.need_help,
           f"Below {HELP_SHARE:.0%} of the points, a notebook that did not run or finish, or "
           "most answers missing")


def _section_late(body: ET.Element, totals: Sequence[Mapping[str, Any]]) -> None:
    late = [t for t in totals if int(t["late_days"])]
    _el(body, "h2", "Late work")
    if not late:
        _el(body, "p", "No submission was late.")
        return
    _table(body, ["student", "submitted", "days late", "raw points", "penalty", "points"],
           [(t["student"], t["submitted_at"], int(t["late_days"]), float(t["raw_points"]),
             float(t["late_penalty"]), float(t["points"])) for t in late],
           "Late submissions: the raw score and the penalty applied")


def write_report(grades: Path, out: Path, totals: Sequence[Mapping[str, Any]] = ()) -> ClassStats:
    """Read grades.csv, write the report atomically, return its numbers."""
    stats = class_stats(read_grades(grades))
    atomic_write(out, build_report(stats, grades.name, totals))
    return stats
