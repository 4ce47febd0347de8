"""A class's summary as a table (CSV and text) and a plot (PNG), written atomically."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from defence_course.atomic import atomic_write_bytes
from defence_course.quiz.classprogress.aggregate import ClassReport, collect
from defence_course.quiz.classprogress.format import ClassProgressError

CSV_COLUMNS = ("lesson", "title", "number", "question", "learners", "solved", "missed",
               "answer_shown", "not_attempted", "missed_pct")
"""`missed_pct` is (missed + answer_shown) / learners: who did not get it right on their own."""


def table_csv(report: ClassReport) -> str:
    """The per-question table as CSV (one row per question, lessons in order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow([row.bank, row.title, row.number, row.question, row.learners, row.solved,
                         row.missed, row.shown, row.not_attempted, f"{100 * row.missed_share:.0f}"])
    return buffer.getvalue()


def table_text(report: ClassReport) -> str:
    """The same table for the terminal, most-missed questions first within each lesson."""
    lines = [f"{'lesson':<24} {'question':<12} {'solved':>6} {'missed':>6} {'shown':>5} "
             f"{'skipped':>7} {'missed %':>8}"]
    for bank in dict.fromkeys(r.bank for r in report.rows):
        rows = sorted((r for r in report.rows if r.bank == bank),
                      key=lambda r: (-r.missed_share, r.number))
        if all(r.not_attempted == r.learners for r in rows):
            lines.append(f"{bank:<24} (none of its {len(rows)} questions tried yet)")
            continue
        for row in rows:
            lines.append(f"{row.bank:<24} {f'Q{row.number} ({row.question})':<12} {row.solved:>6} "
                         f"{row.missed:>6} {row.shown:>5} {row.not_attempted:>7} "
                         f"{100 * row.missed_share:>7.0f}%")
    return "\n".join(lines)


# Okabe-Ito colours (distinguishable with colour-blindness); the legend names each part too.
_COLOURS = {"solved": "#009E73", "missed": "#D55E00", "answer shown": "#E69F00",
            "not attempted": "#BBBBBB"}
_ATTRS = {"solved": "solved", "missed": "missed", "answer shown": "shown",
          "not attempted": "not_attempted"}


def plot_png(report: ClassReport) -> bytes:
    """One panel per lesson someone tried: each question's learners, solved / missed / not attempted.

    Lessons nobody has tried yet are left out of the plot (the table lists them): an all-grey
    panel says nothing and pushes the lessons that matter down the page.
    """
    from matplotlib.figure import Figure

    banks = [b for b in dict.fromkeys(r.bank for r in report.rows)
             if any(r.bank == b and r.not_attempted < r.learners for r in report.rows)]
    if not banks:
        figure = Figure(figsize=(8, 1.5))
        figure.text(0.5, 0.5, "No learner has tried any quiz question yet.", ha="center", va="center")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        return buffer.getvalue()
    heights = [max(1.2, 0.45 * sum(r.bank == b for r in report.rows) + 0.9) for b in banks]
    figure = Figure(figsize=(8, max(2.5, sum(heights))), layout="constrained")
    axes = figure.subplots(len(banks), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, bank in zip(axes, banks, strict=True):
        rows = sorted((r for r in report.rows if r.bank == bank),
                      key=lambda r: (r.missed_share, -r.number))
        labels = [f"Q{r.number} ({r.question})" for r in rows]
        left = [0.0] * len(rows)
        for part, colour in _COLOURS.items():
            attr = _ATTRS[part]
            share = [100 * getattr(r, attr) / r.learners if r.learners else 0.0 for r in rows]
            ax.barh(labels, share, left=left, color=colour, label=part)
            left = [a + b for a, b in zip(left, share, strict=True)]
        ax.set_xlim(0, 100)
        ax.set_title(f"{rows[0].title} ({bank}): {rows[0].learners} learners, most missed on top",
                     loc="left", fontsize=10)
        ax.set_xlabel("% of learners")
    axes[0].legend(loc="lower right", bbox_to_anchor=(1.0, 1.12), ncols=3, fontsize=8, frameon=False)
    figure.suptitle("Which quiz questions the class misses", fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def summarize(folder: Path, out_csv: Path, out_png: Path) -> ClassReport:
    """Collect a class folder and write its table (CSV) and plot (PNG); raise when nothing counts."""
    report = collect(folder)
    if not report.learners:
        reasons = "\n".join(f"  {item.path}: {item.reason}" for item in report.left_out)
        raise ClassProgressError(f"no valid progress files in {folder}; every file was left out:\n"
                                 f"{reasons}")
    atomic_write_bytes(out_csv, table_csv(report).encode("utf-8"))
    atomic_write_bytes(out_png, plot_png(report))
    return report
