"""Lesson 05's timeline: the EU's eight partnerships and Canada's road to SAFE, each date only as
precise as its source (a day is a dot, a month or a year is a bar: the signing lies somewhere in it).

The lesson calls `partnership_timeline()`; tests call `build_timeline()` and work its controls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from defence_course.data import load
from defence_course.display import show_widget
from defence_course.explore.style import chart_image, show_chart
from defence_course.i18n import N_, _, format_month
from defence_course.plotting import OKABE_ITO

if TYPE_CHECKING:
    import ipywidgets as widgets
    from matplotlib.figure import Figure

__all__ = ["ROAD_LABELS", "TimelineExplorer", "build_timeline", "describe_items", "draw",
           "overlap_groups", "partnership_timeline", "timeline_items"]

# Short labels for the timeline rows of Canada's road to SAFE (load("timeline") holds the full
# event text and its source). Rows are chosen by these dates, so a new SAFE row is not drawn
# until it gets a label here.
ROAD_EVENTS = "SAFE|Security and Defence Partnership signed"
"""Timeline events on Canada's road: those naming SAFE, and the signing of the partnership itself."""
ROAD_LABELS: dict[str, str] = {
    "2025-05-27": N_("SAFE regulation adopted"),
    "2025-06-23": N_("SDP signed; SAFE talks agreed"),
    "2025-09-18": N_("Council mandate to negotiate"),
    "2025-12-01": N_("Negotiations concluded"),
    "2025-12-19": N_("Member states endorse"),
    "2026-02-14": N_("Canada signs SAFE agreement"),
}
PARTNERSHIP, ROAD = "partnership", "road to SAFE"
VIEWS = ((N_("The eight partnerships"), (PARTNERSHIP,)), (N_("Canada's road to SAFE"), (ROAD,)),
         (N_("Both"), (PARTNERSHIP, ROAD)))
STYLE = {PARTNERSHIP: (OKABE_ITO[0], "o"), ROAD: (OKABE_ITO[1], "s")}


def _day(stamp: pd.Timestamp) -> str:
    """'21 May 2024': the form the lesson's prose uses."""
    return format_month(stamp, day=True)


def timeline_items() -> pd.DataFrame:
    """One row per item to draw: the eight SDPs and the dated steps of Canada's road to SAFE."""
    sdp = load("partnerships")
    partnerships = pd.DataFrame({
        "label": sdp["partner"], "group": PARTNERSHIP, "earliest": sdp["earliest"],
        "latest": sdp["latest"], "precision": sdp["precision"],
        "as_reported": sdp["signed_as_reported"], "reliability": sdp["reliability"],
    })
    events = load("timeline")
    steps = events[events["date"].dt.strftime("%Y-%m-%d").isin(ROAD_LABELS)
                   & events["event"].str.contains(ROAD_EVENTS)]
    road = pd.DataFrame({
        "label": steps["date"].dt.strftime("%Y-%m-%d").map(lambda day: _(ROAD_LABELS[day])),
        "group": ROAD,
        "earliest": steps["date"], "latest": steps["date"], "precision": "day",
        "as_reported": steps["date"].map(_day), "reliability": steps["reliability"],
    })
    items = pd.concat([partnerships, road], ignore_index=True)
    return items.sort_values(["earliest", "latest"], kind="stable").reset_index(drop=True)


def overlap_groups(items: pd.DataFrame) -> list[list[str]]:
    """Labels whose date windows overlap, in groups of two or more: their order is not known.

    Items known to the day on the same day are simultaneous, not unordered: a group made only
    of exact days is not reported.
    """
    runs: list[pd.DataFrame] = []
    reach = None
    for index, row in items.sort_values(["earliest", "latest"], kind="stable").iterrows():
        if reach is not None and row["earliest"] <= reach:
            runs[-1] = pd.concat([runs[-1], items.loc[[index]]])
            reach = max(reach, row["latest"])
        else:
            runs.append(items.loc[[index]])
            reach = row["latest"]
    return [list(run["label"]) for run in runs
            if len(run) > 1 and (run["precision"] != "day").any()]


def _in_window(items: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Items whose date window touches [start, end]."""
    return items[(items["latest"] >= start) & (items["earliest"] <= end)]


def _road_lines(road: pd.DataFrame) -> list[str]:
    """'27 May 2025  SAFE regulation adopted (+27 days)' for each step."""
    gaps = road["earliest"].diff().dt.days
    lines = []
    for (_index, row), gap in zip(road.iterrows(), gaps, strict=True):
        after = "" if pd.isna(gap) else _(" (+{n} days)").format(n=int(gap))
        lines.append("  " + _("{date}: {step}").format(date=row["as_reported"], step=row["label"]) + after)
    return lines


def describe_items(items: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The figure in words (its text alternative): what is shown, how precise, what is unknown."""
    shown = _in_window(items, start, end)
    lines = [_("{start} to {end}: {n} items shown.").format(
        start=format_month(start), end=format_month(end), n=len(shown))]
    sdp = shown[shown["group"] == PARTNERSHIP]
    for precision, words in (("day", N_("exact day")), ("month", N_("month only")),
                             ("year", N_("year only"))):
        rows = sdp[sdp["precision"] == precision]
        if len(rows):
            listed = ", ".join(f"{r.label} ({r.as_reported})" for r in rows.itertuples())
            lines.append(_("Partnerships, {words}: {listed}.").format(words=_(words), listed=listed))
    road = shown[shown["group"] == ROAD]
    if len(road):
        lines += [_("Canada's road to SAFE, days since the step before:"), *_road_lines(road)]
    for group in overlap_groups(shown):
        lines.append(_("Windows overlap, so these cannot be put in order from the data: {items}.")
                     .format(items=", ".join(group)))
    return "\n".join(lines)


def draw(items: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> Figure:
    """One row per item: a dot for an exact day, a hatched bar for a month or a year."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = _in_window(items, start, end).iloc[::-1]
    # 0.3 inch a row: the whole chart and the controls above it fit one screen (issue 21: 837 px).
    fig = Figure(figsize=(9, 0.3 * max(len(shown), 3) + 1.9), layout="constrained")
    ax = fig.subplots()
    row: Any  # pandas-stubs types a row's every field as any cell type; these columns are known
    for y, row in enumerate(shown.itertuples()):
        colour, marker = STYLE[row.group]
        if row.precision == "day":
            ax.plot([row.earliest], [y], marker=marker, markersize=9, color=colour, linestyle="none")
        else:
            width = row.latest - row.earliest + pd.Timedelta(days=1)
            ax.barh(y, width, left=row.earliest, height=0.5, color="white", edgecolor=colour,
                    hatch="///", linewidth=1.5)
        ax.annotate(row.as_reported, (row.latest, y), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=9)
    ax.set_yticks(range(len(shown)), list(shown["label"]))
    right = end + pd.Timedelta(days=(end - start).days // 5 + 30)
    ax.set_xlim(mdates.date2num(start), mdates.date2num(right))
    # At least three dates on any range (January and July alone left one tick on three months).
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    fig.suptitle(_("EU Security and Defence Partnerships and Canada's road to SAFE"), fontweight="bold")
    ax.set_xlabel(_("Date of signature or step (bars: only the month or year is known)"))
    ax.grid(axis="x", alpha=0.3)
    handles = [Line2D([], [], marker=STYLE[PARTNERSHIP][1], color=STYLE[PARTNERSHIP][0],
                      linestyle="none", label=_("Partnership signed (exact day)")),
               Patch(facecolor="white", edgecolor=STYLE[PARTNERSHIP][0], hatch="///",
                     label=_("Partnership signed in this month or year")),
               Line2D([], [], marker=STYLE[ROAD][1], color=STYLE[ROAD][0], linestyle="none",
                      label=_("Step on Canada's road to SAFE"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    return fig


@dataclass
class TimelineExplorer:
    """The explorer's widgets, kept so tests (and curious learners) can work the controls."""

    items: pd.DataFrame
    view: widgets.ToggleButtons
    months: widgets.SelectionRangeSlider
    chart: widgets.Image
    description: widgets.Output
    box: widgets.VBox

    def refresh(self, change: object = None) -> None:
        """Redraw the chart and rewrite its description for the chosen view and months."""
        del change
        first, last = self.months.value
        start, end = first.start_time.normalize(), last.end_time.normalize()
        items = self.items[self.items["group"].isin(self.view.value)]
        show_chart(self.chart, draw(items, start, end))
        self.description.outputs = ()
        self.description.append_stdout(describe_items(items, start, end) + "\n")


def build_timeline() -> TimelineExplorer:
    """Build the explorer (not displayed): a view picker, a month range, the chart and its words."""
    import ipywidgets as widgets

    from defence_course.explore.style import mark_explorer

    items = timeline_items()
    months = pd.period_range(items["earliest"].min(), items["latest"].max(), freq="M")
    explorer = TimelineExplorer(
        items=items,
        view=widgets.ToggleButtons(options=[(_(label), kinds) for label, kinds in VIEWS],
                                   value=VIEWS[2][1], description=_("Show"),
                                   style={"button_width": "180px"}),
        months=widgets.SelectionRangeSlider(
            options=[(format_month(m.to_timestamp(), short=True), m) for m in months],
            index=(0, len(months) - 1),
            description=_("Months"), continuous_update=False,
            layout=widgets.Layout(width="600px")),  # explore.css caps it at the notebook's width
        # Never wider than the notebook: the PNG scales down instead of being cut off on the right.
        chart=chart_image(),
        description=widgets.Output(),
        box=widgets.VBox(),
    )
    heading = widgets.Label(_("The chart in words (updated with the controls):"))
    explorer.box.children = (explorer.view, explorer.months, explorer.chart, heading,
                             explorer.description)
    mark_explorer(explorer.box)  # the chosen view stands out in the dark theme too
    explorer.view.observe(explorer.refresh, names="value")
    explorer.months.observe(explorer.refresh, names="value")
    explorer.refresh()
    return explorer


def partnership_timeline() -> None:
    """Show the interactive timeline in the notebook (lesson 05)."""
    show_widget(build_timeline().box, _("Explorer: the partnerships timeline"))
