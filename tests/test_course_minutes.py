"""Every place that states a lesson's minutes agrees with the lesson, and every class plan adds up.

The lesson's front matter (`teaching:` and `exercises:` in text/lessons/NN-slug.md, read by
defence_course.authoring.notebooks, which shows them under the lesson's title) is the source;
README.md, lesson 00's table and the instructor guide's session table repeat it, and the guide's 50-
and 75-minute plans must spend exactly 50 and 75 minutes in class while accounting for every minute
of the lesson and of its exercise (in class or as homework).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from defence_course.authoring.notebooks import lesson_metadata

REPO = Path(__file__).resolve().parents[1]
SLUG = re.compile(r"`(?:lessons/)?(\d\d-[a-z0-9-]+?)(?:\.ipynb)?`")
PLAN_HEADING = re.compile(r"^### (\d\d) · .*\(lesson (\d+) min \+ exercise (\d+) min\)$", re.MULTILINE)
SESSIONS = (50, 75)
KINDS = ("lesson", "exercise", "class")
NONE = "\N{EN DASH}"  # a table cell with no minutes

Minutes = dict[str, tuple[int, int]]


def lesson_minutes(root: Path = REPO) -> Minutes:
    """Each lesson's (teaching, exercise) minutes, from the front matter of its text source."""
    found = {}
    for md in sorted((root / "text" / "lessons").glob("*.md")):
        meta = lesson_metadata(md)
        found[md.stem] = (meta.teaching, meta.exercises)
    return found


def _first_number(cell: str) -> int:
    """The minutes a cell states: `65 min`, `80 min, in two sittings`, or none (an en dash)."""
    match = re.match(r"\d+", cell)
    return int(match.group()) if match else 0


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _columns(header: list[str]) -> tuple[int, int] | int | None:
    """Where a minutes table keeps its numbers: one `Minutes (teaching + exercise)` column, or two."""
    combined = [i for i, c in enumerate(header) if c.lower().startswith("minutes")]
    if combined:
        return combined[0]
    teaching = [i for i, c in enumerate(header) if c.lower() == "teaching"]
    exercise = [i for i, c in enumerate(header) if c.lower() in ("exercise", "exercises")]
    return (teaching[0], exercise[0]) if teaching and exercise else None


def table_minutes(text: str) -> Minutes:
    """(teaching, exercise) per lesson from the Markdown tables whose rows name a lesson's notebook.

    README writes `65 + 35` in one "Minutes" column; lesson 00 and the guide have a Teaching and an
    Exercise(s) column (`65 min | 35 min`).
    """
    found: Minutes = {}
    columns: tuple[int, int] | int | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        cells = _cells(line)
        columns = _columns(cells) if columns is None else columns
        slug = SLUG.search(line)
        if slug is None or columns is None:
            continue
        if isinstance(columns, int):
            numbers = [int(n) for n in re.findall(r"\d+", cells[columns])]
            found[slug.group(1)] = (numbers[0], numbers[1] if len(numbers) > 1 else 0)
        else:
            found[slug.group(1)] = (_first_number(cells[columns[0]]), _first_number(cells[columns[1]]))
    return found


def _spent(cell: str) -> tuple[int, int]:
    """(in class, homework) minutes of a plan cell: `10`, `homework 5`, `10 + homework 10` or none."""
    in_class = homework = 0
    for part in (p.strip() for p in cell.split("+")):
        if part in ("", NONE):
            continue
        if not re.fullmatch(r"(homework )?\d+", part):
            raise ValueError(f"plan cell {cell!r}: write minutes as 10, 'homework 10' or '10 + homework 5'")
        if part.startswith("homework"):
            homework += int(part.split()[1])
        else:
            in_class += int(part)
    return in_class, homework


def _plan_rows(block: str) -> list[tuple[str, str, list[str]]]:
    """The (part, kind, session cells) rows of the first table in a plan's block of the guide."""
    rows = []
    for line in block.splitlines():
        cells = _cells(line)
        if line.startswith("|") and len(cells) == 2 + len(SESSIONS) and cells[1] in KINDS:
            rows.append((cells[0], cells[1], cells[2:]))
    return rows


def plan_problems(guide: str, minutes: Minutes) -> list[str]:
    """What is wrong with the guide's plans: a missing lesson, wrong minutes, a plan that does not add up."""
    problems = []
    headings = list(PLAN_HEADING.finditer(guide))
    planned = {m.group(1) for m in headings}
    problems += [f"no 50/75-minute plan for {slug}" for slug in minutes if slug[:2] not in planned]
    slugs = {slug[:2]: slug for slug in minutes}
    for index, heading in enumerate(headings):
        number, stated = heading.group(1), (int(heading.group(2)), int(heading.group(3)))
        slug = slugs.get(number, number)
        if minutes.get(slug) != stated:
            problems.append(f"plan {number} states {stated} minutes, the lesson says {minutes.get(slug)}")
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(guide)
        problems += _session_problems(number, _plan_rows(guide[heading.end():end]), stated)
    return problems


def _session_problems(
    number: str, rows: list[tuple[str, str, list[str]]], stated: tuple[int, int]
) -> list[str]:
    """Each session must spend exactly its length in class and place all lesson and exercise minutes."""
    problems = []
    for column, length in enumerate(SESSIONS):
        in_class = {kind: 0 for kind in KINDS}
        total = {kind: 0 for kind in KINDS}
        for part, kind, cells in rows:
            now, later = _spent(cells[column])
            if kind == "class" and later:
                problems.append(f"plan {number}, {part!r}: class time cannot be homework")
            in_class[kind] += now
            total[kind] += now + later
        if sum(in_class.values()) != length:
            spent = sum(in_class.values())
            problems.append(f"plan {number}: the {length}-minute class spends {spent} minutes")
        for kind, want in zip(("lesson", "exercise"), stated, strict=True):
            if total[kind] != want:
                problems.append(
                    f"plan {number}, {length} min: places {total[kind]} of the {kind}'s {want} minutes")
    return problems


def _guide() -> str:
    return (REPO / "docs" / "instructor-guide.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "source", ["README.md", "text/lessons/00-start-here.md", "docs/instructor-guide.md"]
)
def test_every_minutes_table_agrees_with_the_lessons(source: str) -> None:
    table = table_minutes((REPO / source).read_text(encoding="utf-8"))
    assert table == lesson_minutes(), f"{source}: copy each lesson's header minutes into the table"


def test_every_lesson_has_a_50_and_a_75_minute_plan_that_adds_up() -> None:
    assert plan_problems(_guide(), lesson_minutes()) == []


def test_the_table_check_fails_on_a_lesson_whose_minutes_changed(tmp_path: Path) -> None:
    """As before this test: lesson 04 said 50 + 20 while README and the guide said 50 + 40."""
    (tmp_path / "text" / "lessons").mkdir(parents=True)
    for md in (REPO / "text" / "lessons").glob("*.md"):
        (tmp_path / "text" / "lessons" / md.name).write_text(md.read_text("utf-8"), "utf-8")
    lesson = tmp_path / "text" / "lessons" / "04-did-the-pressure-work.md"
    text = lesson.read_text("utf-8")
    assert "\nteaching: 70\n" in text
    assert "\nexercises: 40\n" in text
    lesson.write_text(text.replace("\nteaching: 70\n", "\nteaching: 50\n", 1)
                      .replace("\nexercises: 40\n", "\nexercises: 20\n", 1), "utf-8")
    readme, changed = table_minutes((REPO / "README.md").read_text("utf-8")), lesson_minutes(tmp_path)
    assert {slug for slug in changed if changed[slug] != readme[slug]} == {"04-did-the-pressure-work"}
    assert "plan 04 states (70, 40) minutes, the lesson says (50, 20)" in plan_problems(_guide(), changed)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ((f"| Discussion (prompts below) | class | {NONE} | 10 |",
          f"| Discussion (prompts below) | class | {NONE} | 15 |"),
         "plan 01: the 75-minute class spends 80 minutes"),
        (("| `ex02-two-clubs` | exercise | homework 40 |", "| `ex02-two-clubs` | exercise | homework 30 |"),
         "plan 02, 50 min: places 30 of the exercise's 40 minutes"),
        (("| Explore: countries, years and sources | lesson | homework 8 | homework 8 |", ""),
         "plan 03, 50 min: places 72 of the lesson's 80 minutes"),
        (("| Wrap-up | class | 5 | 5 |\n| `ex04", "| Wrap-up | class | 5 | homework 5 |\n| `ex04"),
         "plan 04, 'Wrap-up': class time cannot be homework"),
        (("### 05 · What Canada joined (lesson 70 min", "### 05 · What Canada joined (lesson 50 min"),
         "plan 05 states (50, 35) minutes, the lesson says (70, 35)"),
        (("### 07 · A new alignment? (lesson 70 min", "### 07 · A new alignment? (lesson 70 minutes"),
         "no 50/75-minute plan for 07-a-new-alignment"),
    ],
    ids=["class-too-long", "exercise-dropped", "lesson-part-dropped", "class-as-homework",
         "stale-minutes", "plan-missing"],
)
def test_the_plan_check_fails_when_a_plan_drifts(change: tuple[str, str], expected: str) -> None:
    old, new = change
    guide = _guide()
    assert guide.count(old) == 1, old
    assert expected in plan_problems(guide.replace(old, new), lesson_minutes())


def test_a_plan_cell_in_another_form_is_refused() -> None:
    with pytest.raises(ValueError, match="write minutes as 10"):
        _spent("ten")
