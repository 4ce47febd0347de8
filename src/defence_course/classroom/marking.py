"""The marking page: written answers marked one at a time in JupyterLab, saved to manual.csv.

`mark("ex02-two-clubs", "grades/")` shows one student's written answer with the question, the
model answer (the solution notebook's answer cell), the rubric's criteria (a checkbox for a
1-point criterion, a point picker for a larger one; a picker for the points when the rubric
has no `N pt:` lines), a comment box, Previous / Next, "only unmarked" and the count left.
Each save goes through `grading.manual.save_marks`: under manual.csv's lock and from the
sheet as it is now, so two TAs marking at once lose nothing, and the spreadsheet route keeps
working (re-run `grade` to merge the marks into grades.csv and the feedback).

`MarkingSession` is the page's logic without widgets (tests use it directly); `MarkingPage`
draws it with ipywidgets. HTML fragments are built as element trees, so every value from a
student is escaped by the serializer.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defence_course.exercise_format import META_KEY
from defence_course.grading.manual import Criterion, criteria, read_sheet, save_marks
from defence_course.grading.spec import ExerciseSpec, load_spec
from defence_course.paths import course_root

__all__ = ["Answer", "MarkingPage", "MarkingSession", "mark"]

Key = tuple[str, str, str]
UNMARKED = "—"
#: ipywidgets gives HTML the line height of a button row: text boxes set their own.
CSS_BOX = ("border:1px solid #bbb;border-radius:4px;padding:.5rem .75rem;white-space:pre-wrap;"
           "line-height:1.45")
CSS_TEXT = "line-height:1.45;white-space:normal"


@dataclass(frozen=True)
class Answer:
    """One row of manual.csv as the page shows it."""

    key: Key
    answer: str
    max_points: float
    points: str
    comment: str
    marks: dict[str, str]

    @property
    def marked(self) -> bool:
        """Points filled in (by the page, the spreadsheet or another marker)."""
        return bool(self.points.strip())


def _model_answers(root: Path, exercise: str) -> dict[str, str]:
    """The solution notebook's answer cell per written question ("" when there is none)."""
    try:
        nb = json.loads((root / "solutions" / f"{exercise}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        info = (cell.get("metadata") or {}).get(META_KEY)
        if isinstance(info, dict) and isinstance(info.get("question"), str):
            source = cell.get("source", "")
            out[info["question"]] = "".join(source) if isinstance(source, list) else source
    return out


class MarkingSession:
    """The written answers of one exercise in manual.csv, a position, and saving marks."""

    def __init__(self, exercise: str, grades: Path | str, root: Path | None = None) -> None:
        root = (root or course_root()).resolve()
        grades = Path(grades)
        self.path = grades if grades.suffix == ".csv" else grades / "manual.csv"
        self.spec: ExerciseSpec = load_spec(root / "instructor" / "checks" / f"{exercise}.yaml")
        self.written = [q for q in self.spec.questions if q.kind == "manual"]
        self.criteria: dict[str, list[Criterion]] = {q.id: criteria(q.id, q.rubric)
                                                     for q in self.written}
        self.models = _model_answers(root, exercise)
        self.only_unmarked = False
        self.position = 0
        self.answers: list[Answer] = []
        self.reload()

    def reload(self) -> None:
        """Read manual.csv again (another marker may have saved), keeping the position."""
        current = self.answers[self.position].key if self.answers else None
        order = [q.id for q in self.written]
        rows = read_sheet(self.path)
        keys = sorted((k for k in rows if k[1] == self.spec.exercise and k[2] in order),
                      key=lambda k: (order.index(k[2]), k[0]))
        self.answers = [self._answer(k, rows[k]) for k in keys]
        keys_now = [a.key for a in self.answers]
        self.position = keys_now.index(current) if current in keys_now else 0

    def _answer(self, key: Key, row: dict[str, str]) -> Answer:
        columns = [c.column for c in self.criteria.get(key[2], [])]
        return Answer(key, row.get("answer", ""), self.spec.question(key[2]).points,
                      row.get("points", ""), row.get("comment", ""),
                      {c: row.get(c, "") for c in columns})

    @property
    def current(self) -> Answer | None:
        """The answer on the page (None when manual.csv has no written answer yet)."""
        return self.answers[self.position] if self.answers else None

    def left(self) -> int:
        """Answers with no points yet."""
        return sum(not a.marked for a in self.answers)

    def move(self, step: int) -> bool:
        """Go to the next (1) or previous (-1) answer, unmarked ones only when asked; False
        when there is none that way."""
        index = self.position + step
        while 0 <= index < len(self.answers):
            if not self.only_unmarked or not self.answers[index].marked:
                self.position = index
                return True
            index += step
        return False

    def first_unmarked(self) -> None:
        """With "only unmarked" on, stand on an unmarked answer (this one or the next)."""
        if self.current and self.only_unmarked and self.current.marked:
            self.move(1) or self.move(-1)

    def save(self, marks: dict[str, float | None], points: float | None, comment: str) -> None:
        """Save the current answer: criterion points (their sum is the points) or points."""
        answer = self.current
        if answer is None:
            return
        values = {"comment": comment}
        if self.criteria.get(answer.key[2]):
            given = {c: v for c, v in marks.items() if v is not None}
            for column in marks:
                values[column] = f"{marks[column]:g}" if marks[column] is not None else ""
            values["points"] = f"{sum(given.values()):g}" if given else ""
        else:
            values["points"] = "" if points is None else f"{points:g}"
        save_marks(self.path, answer.key, values)
        self.reload()


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def _html(tag: str, text: str = "", children: tuple[ET.Element, ...] = (), **attrs: str) -> str:
    """An HTML fragment from an element tree: text is escaped by the serializer."""
    element = _element(tag, text, children, **attrs)
    return ET.tostring(element, encoding="unicode", method="html")


def _element(tag: str, text: str = "", children: tuple[ET.Element, ...] = (),
             **attrs: str) -> ET.Element:
    element = ET.Element(tag, {k.rstrip("_"): v for k, v in attrs.items()})
    element.text = text
    element.extend(children)
    return element


def _steps(top: float) -> list[tuple[str, float | None]]:
    """A point picker's choices: not marked, then 0 to `top` in halves."""
    return [(UNMARKED, None)] + [(f"{n / 2:g}", n / 2) for n in range(int(top * 2) + 1)]


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


class MarkingPage:
    """ipywidgets over a MarkingSession: one written answer at a time."""

    def __init__(self, session: MarkingSession) -> None:
        import ipywidgets as widgets

        self.w = widgets
        self.session = session
        self.heading = widgets.HTML()
        self.question = widgets.HTML()
        self.answer = widgets.HTML()
        self.model = widgets.HTML()
        self.rubric = widgets.VBox()
        self.comment = widgets.Textarea(description="Comment", placeholder="for the student",
                                        layout=widgets.Layout(width="100%", height="6em"))
        self.previous = widgets.Button(description="◀ Previous", tooltip="the previous answer")
        self.save = widgets.Button(description="Save", button_style="primary",
                                   tooltip="save the marks and the comment to manual.csv")
        self.save_next = widgets.Button(description="Save and next ▶", button_style="success")
        self.next = widgets.Button(description="Next ▶", tooltip="the next answer, unsaved")
        self.unmarked = widgets.Checkbox(description="only unmarked", indent=False)
        self.status = widgets.HTML()
        self.previous.on_click(lambda _: self._go(-1))
        self.next.on_click(lambda _: self._go(1))
        self.save.on_click(lambda _: self._save(0))
        self.save_next.on_click(lambda _: self._save(1))
        self.unmarked.observe(self._toggle, names="value")
        self.pickers: dict[str, Any] = {}
        buttons = widgets.HBox([self.previous, self.save, self.save_next, self.next,
                                self.unmarked])
        self.widget = widgets.VBox([self.heading, self.question, self.answer, self.model,
                                    self.rubric, self.comment, buttons, self.status])
        self.widget.add_class("defence-course-marking")
        self.show()

    def show(self, message: str = "") -> None:
        """Draw the current answer, its pickers and the count left."""
        answer = self.session.current
        left = self.session.left()
        total = len(self.session.answers)
        status = f"{left} of {total} answer(s) left to mark."
        self.status.value = _html("div", f"{message} {status}".strip(), role="status")
        if answer is None:
            self.heading.value = _html("h3", "No written answers in manual.csv yet: run "
                                             "`defence-course grade` first.")
            return
        student, _, qid = answer.key
        q = self.session.spec.question(qid)
        self.heading.value = _html("h3", f"{qid} · {student} · answer {self.session.position + 1}"
                                         f" of {total}" + (" · marked" if answer.marked else ""))
        self.question.value = _html("div", q.prompt, style=CSS_BOX)
        self.answer.value = _html("div", "", (
            _element("strong", "Answer"),
            _element("div", answer.answer or "(no text)", style=CSS_BOX)))
        self.model.value = _html("details", "", (
            _element("summary", "Model answer"),
            _element("div", self.session.models.get(qid, "") or "(none in the solution)",
                     style=CSS_BOX)))
        self.rubric.children = self._pickers(answer)
        self.comment.value = answer.comment

    def _pickers(self, answer: Answer) -> tuple[Any, ...]:
        """A checkbox per 1-point criterion, a point picker otherwise (or for the points)."""
        w = self.w
        self.pickers = {}
        found = self.session.criteria.get(answer.key[2], [])
        if not found:
            picker = w.Dropdown(options=_steps(answer.max_points),
                                value=_number(answer.points) if answer.marked else None,
                                description=f"Points (of {answer.max_points:g})",
                                style={"description_width": "initial"})
            self.pickers["points"] = picker
            return (picker,)
        rows = []
        for c in found:
            value = _number(answer.marks.get(c.column, ""))
            label = f"{c.column} ({c.points:g} pt)"
            if c.points == 1:
                picker = w.Checkbox(value=bool(value), indent=False, description=label,
                                    layout=w.Layout(width="9rem", flex="0 0 auto"))
            else:
                picker = w.Dropdown(options=_steps(c.points), value=value, description=label,
                                    style={"description_width": "initial"},
                                    layout=w.Layout(width="14rem", flex="0 0 auto"))
            self.pickers[c.column] = picker
            # The criterion in full beside its picker (a widget's description is cut short).
            rows.append(w.HBox([picker, w.HTML(_html("div", c.text, style=CSS_TEXT),
                                               layout=w.Layout(flex="1 1 auto"))]))
        return (w.HTML(_html("strong", "Rubric")), *rows)

    def _values(self) -> tuple[dict[str, float | None], float | None]:
        marks: dict[str, float | None] = {}
        for column, picker in self.pickers.items():
            if column == "points":
                continue
            value = picker.value
            marks[column] = (1.0 if value else 0.0) if isinstance(value, bool) else value
        points = self.pickers["points"].value if "points" in self.pickers else None
        return marks, points

    def _save(self, step: int) -> None:
        from defence_course.errors import DefenceCourseError

        answer = self.session.current
        if answer is None:
            return
        marks, points = self._values()
        try:
            self.session.save(marks, points, self.comment.value)
        except DefenceCourseError as error:
            self.show(f"Not saved: {error}")
            return
        saved = f"Saved {answer.key[2]} for {answer.key[0]}."
        moved = self.session.move(step) if step else True
        self.show(saved if moved else f"{saved} That was the last one.")

    def _go(self, step: int) -> None:
        self.session.reload()
        moved = self.session.move(step)
        self.show("" if moved else ("No earlier answer." if step < 0 else "No further answer."))

    def _toggle(self, change: dict[str, Any]) -> None:
        self.session.only_unmarked = bool(change["new"])
        self.session.reload()
        self.session.first_unmarked()
        self.show()


def mark(exercise: str, grades: Path | str = "grades", root: Path | None = None) -> Any:
    """The marking page for an exercise's written answers (manual.csv in `grades`)."""
    return MarkingPage(MarkingSession(exercise, grades, root)).widget
