"""The `lms` and `report` subcommands: LMS downloads in, gradebooks out, the class report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from defence_course.classroom.lms import MANIFEST

__all__ = ["add_classroom_commands"]


def default_key(folder: Path) -> Path:
    """The anonymous key lives next to the class folder, never inside it."""
    return folder.resolve().parent / f"{folder.resolve().name}.anonymous-key.json"


def _add_late_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("late work (docs/classroom.md, section '2. Late work')")
    group.add_argument("--class", dest="class_dir", type=Path, default=None,
                       help="the class folder `lms import` made (LMS ids, times, late marks)")
    group.add_argument("--due", default=None,
                       help="due date, ISO 8601 with time zone, e.g. 2026-12-01T17:00+01:00")
    group.add_argument("--late-penalty", default="none",
                       help="10%%/day (of the points), 1pt/day, or none (default)")
    group.add_argument("--late-cap", default=None, help="largest total deduction, e.g. 50%%")
    group.add_argument("--grace", type=float, default=0.0, help="grace minutes after the due date")
    group.add_argument("--times", type=Path, default=None,
                       help="CSV of LMS submission times (student or ID, submitted_at); "
                            "default: Moodle's file times, Canvas's own late marks (a Canvas "
                            "zip's file times are when the zip was built)")
    group.add_argument("--extensions", type=Path, default=None,
                       help="CSV of student or ID and due (a personal due date, or excused)")
    group.add_argument("--roster", type=Path, default=None,
                       help="the LMS's roster: Canvas's Gradebook export or Moodle's grading "
                            "worksheet (names, sections; students who never submitted)")


def add_classroom_commands(subcommands: Any) -> None:
    """Register `lms import|export|reveal` and `report`."""
    lms = subcommands.add_parser("lms", help="Canvas/Moodle downloads in, gradebook CSV out")
    actions = lms.add_subparsers(dest="lms_command", required=True, metavar="ACTION")

    imp = actions.add_parser(
        "import", help="lay out an extracted Canvas/Moodle download as a class folder",
        description="One folder per student with the latest submission as EXERCISE.ipynb, and "
                    "submissions.json (LMS ids, late marks, superseded files).")
    imp.add_argument("download", type=Path, help="the extracted bulk download")
    imp.add_argument("class_dir", type=Path, help="the class folder to create for `grade`")
    imp.add_argument("--exercise", required=True, help="the exercise's file stem")
    imp.add_argument("--anonymous", action="store_true",
                     help="stage students under stable codes (names only in the key file)")
    imp.add_argument("--key", type=Path, default=None,
                     help="the anonymous key file (default: CLASS_DIR.anonymous-key.json)")
    imp.set_defaults(handler=_import)

    exp = actions.add_parser(
        "export", help="write the gradebook CSV Canvas or Moodle imports",
        description="Total points per student (late penalty applied, anonymous codes mapped "
                    "back) in the LMS's import format, and totals.csv with the raw score.")
    exp.add_argument("lms", choices=("canvas", "moodle"))
    exp.add_argument("grades", type=Path, help="grades.csv written by `grade`")
    exp.add_argument("--out", type=Path, required=True, help="the CSV to write")
    exp.add_argument("--assignment", default=None,
                     help="Canvas column, e.g. 'Ex02 two clubs (123456)' (default: exercise)")
    exp.add_argument("--manual", type=Path, default=None,
                     help="the marking sheet whose comments go to Moodle's Feedback comments "
                          "(default: manual.csv next to grades.csv)")
    exp.add_argument("--missing", choices=("blank", "0", "excused"), default="blank",
                     help="what roster students with no submission get (default: blank)")
    exp.add_argument("--key", type=Path, default=None, help="the anonymous key file")
    exp.add_argument("--allow-pending", action="store_true",
                     help="export even when written answers are not marked yet")
    _add_late_options(exp)
    exp.set_defaults(handler=_export)

    fb = actions.add_parser(
        "feedback", help="per-student feedback pages, packed for the LMS's bulk upload",
        description="One HTML page per student: their notebook with each question's result, "
                    "checks, rubric marks, comment and late penalty (the total the gradebook "
                    "export writes). canvas/moodle also pack them as each LMS's bulk upload "
                    "expects (docs/classroom.md, section 7).")
    fb.add_argument("target", choices=("canvas", "moodle", "html"))
    fb.add_argument("grades", type=Path, help="grades.csv written by `grade`")
    fb.add_argument("--out", type=Path, default=None,
                    help="the zip to write (default: feedback-EXERCISE-LMS.zip next to grades)")
    fb.add_argument("--html", type=Path, default=None,
                    help="folder for the pages (default: feedback-html-EXERCISE next to grades)")
    fb.add_argument("--manual", type=Path, default=None,
                    help="the marking sheet (default: manual.csv next to grades.csv)")
    fb.add_argument("--key", type=Path, default=None, help="the anonymous key file")
    _add_late_options(fb)
    fb.set_defaults(handler=_feedback)

    rev = actions.add_parser("reveal", help="feedback files named by student instead of code")
    rev.add_argument("feedback", type=Path, help="the feedback folder `grade` wrote")
    rev.add_argument("--key", type=Path, required=True, help="the anonymous key file")
    rev.add_argument("--out", type=Path, required=True, help="folder for the revealed copies")
    rev.set_defaults(handler=_reveal)

    rep = subcommands.add_parser(
        "report", help="one self-contained HTML page about a graded class",
        description="Score distribution, pass rate per question, most common failing checks, "
                    "statuses and the students who may need help; opens offline.")
    rep.add_argument("grades", type=Path, help="grades.csv written by `grade`")
    rep.add_argument("--out", type=Path, default=None,
                     help="the HTML file (default: report-EXERCISE.html next to grades.csv)")
    rep.add_argument("--key", type=Path, default=None, help="the anonymous key file")
    _add_late_options(rep)
    rep.set_defaults(handler=_report)


def _rule(args: argparse.Namespace) -> Any:
    from defence_course.classroom.late import parse_rule

    if args.due is None:
        if args.late_penalty.strip().lower() != "none" or args.late_cap:
            from defence_course.classroom.late import LateError

            raise LateError("--late-penalty needs --due (the due date)")
        return None
    return parse_rule(args.due, args.late_penalty, args.late_cap, args.grace)


def _times(args: argparse.Namespace) -> Any:
    from defence_course.classroom.late import read_times

    return read_times(args.times, _warn) if args.times else None


def _extensions(args: argparse.Namespace) -> Any:
    from defence_course.classroom.late import read_extensions

    return read_extensions(args.extensions, _warn) if args.extensions else None


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    from defence_course.classroom.anonymize import Key
    from defence_course.classroom.lms import check_exercise, same_file_times, stage
    from defence_course.paths import course_root

    check_exercise(args.exercise, course_root())
    key = Key(args.key or default_key(args.class_dir)) if args.anonymous else None
    subs, unknown = stage(args.download, args.class_dir, args.exercise, key)
    for sub in subs:
        if sub.note:
            print(f"{sub.student}: {sub.note}", file=sys.stderr)
        for skipped in sub.skipped:
            print(f"{sub.student}: skipped {skipped} (not a notebook)", file=sys.stderr)
    for name in unknown:
        print(f"skipped {name} (no student's name or LMS id in it)", file=sys.stderr)
    warning = same_file_times(subs)
    if warning:
        _warn(warning)
    if any(s.lms == "canvas" for s in subs):
        print("Canvas: file times in its zip are when the zip was built; lateness comes from "
              "Canvas's late marks unless you pass --times to export/report", file=sys.stderr)
    late = sum(s.late for s in subs)
    none = sum(s.path is None for s in subs)
    print(f"staged {len(subs)} student(s) into {args.class_dir} ({late} marked late by the LMS"
          + (f", {none} without a notebook to grade: see above" if none else "") + ")"
          + (f"; key: {key.path} (keep it private)" if key else ""))
    return 0


def _key_for(args: argparse.Namespace) -> Any:
    from defence_course.classroom.anonymize import Key

    folder = args.class_dir
    anonymous = False
    if folder is not None and (folder / MANIFEST).is_file():
        anonymous = bool(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
                         .get("anonymous"))
    if args.key is not None:
        return Key(args.key)
    return Key(default_key(folder)) if anonymous else None


def _export(args: argparse.Namespace) -> int:
    from defence_course.classroom._io import write_csv
    from defence_course.classroom.gradebook import (
        account,
        class_totals,
        export,
        lateness_warnings,
        read_grades,
        read_roster,
    )
    from defence_course.classroom.late import TOTAL_COLUMNS
    from defence_course.classroom.lms import load_manifest

    rule, times, key, extensions = _rule(args), _times(args), _key_for(args), _extensions(args)
    rows = read_grades(args.grades, _warn)
    assignment = args.assignment or (rows[0]["exercise"] if rows else "assignment")
    warnings = lateness_warnings(args.class_dir, rule, times)
    warnings += export(args.lms, args.grades, args.out, folder=args.class_dir,
                       assignment=assignment, rule=rule, times=times, key=key,
                       roster=args.roster, allow_pending=args.allow_pending,
                       extensions=extensions, missing=args.missing,
                       comments=_comments(args, rows[0]["exercise"] if rows else ""))
    totals_path = args.out.with_name(args.out.stem + "-totals.csv")
    totals = class_totals(args.grades, args.class_dir, rule, times, key=key, extensions=extensions)
    write_csv(totals_path, TOTAL_COLUMNS, totals)
    for warning in warnings:
        _warn(warning)
    print(f"wrote {args.out} ({args.lms}) and {totals_path} (raw points, lateness, points)")
    subs = {s.student: s for s in load_manifest(args.class_dir)} if args.class_dir else {}
    roster = read_roster(args.roster, _warn) if args.roster else {}
    for line in account(args.grades, totals, roster, subs, key):
        print(line)
    return 0


def _comments(args: argparse.Namespace, exercise: str) -> dict[str, str]:
    """The markers' comments per student, for Moodle's `Feedback comments` column."""
    from defence_course.classroom.feedback import marks_by_student

    manual = args.manual or args.grades.with_name("manual.csv")
    out = {}
    for student, marks in marks_by_student(manual, exercise).items():
        text = "\n".join(f"{q}: {row['comment'].strip()}" for q, row in sorted(marks.items())
                         if (row.get("comment") or "").strip())
        if text:
            out[student] = text
    return out


def _reveal(args: argparse.Namespace) -> int:
    from defence_course.classroom.anonymize import Key, reveal_feedback

    written = reveal_feedback(args.feedback, Key(args.key), args.out)
    print(f"wrote {len(written)} feedback file(s) to {args.out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from defence_course.classroom.gradebook import (
        class_totals,
        lateness_warnings,
        missing_students,
        read_grades,
        read_roster,
    )
    from defence_course.classroom.lms import load_manifest
    from defence_course.classroom.report import write_report

    rule, times, key = _rule(args), _times(args), _key_for(args)
    rows = read_grades(args.grades, _warn)
    totals = class_totals(args.grades, args.class_dir, rule, times, key=key,
                          extensions=_extensions(args))
    subs = {s.student: s for s in load_manifest(args.class_dir)} if args.class_dir else {}
    absent = missing_students(read_roster(args.roster, _warn), totals, subs, key) \
        if args.roster else []
    for warning in lateness_warnings(args.class_dir, rule, times):
        _warn(warning)
    out = args.out or args.grades.with_name(
        f"report-{rows[0]['exercise'] if rows else 'class'}.html")
    stats = write_report(args.grades, out, totals, [p.name or p.user_id for p in absent])
    print(f"wrote {out}: {len(stats.students)} students, {len(stats.need_help)} may need help"
          + (f", {len(absent)} never submitted" if absent else ""))
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from defence_course.classroom.feedback import class_feedback, pack_name, write_pack, write_pages
    from defence_course.classroom.gradebook import class_totals, identity, read_grades
    from defence_course.classroom.lms import load_manifest
    from defence_course.grading.spec import load_spec
    from defence_course.paths import course_root

    rule, times, key = _rule(args), _times(args), _key_for(args)
    rows = read_grades(args.grades, _warn)
    exercise = rows[0]["exercise"] if rows else ""
    spec = load_spec(course_root() / "instructor" / "checks" / f"{exercise}.yaml")
    totals = class_totals(args.grades, args.class_dir, rule, times, key=key,
                          extensions=_extensions(args))
    subs = {s.student: s for s in load_manifest(args.class_dir)} if args.class_dir else {}
    pages = class_feedback(spec, args.grades, totals, args.class_dir,
                           {k: s.note for k, s in subs.items()}, manual=args.manual)
    folder = args.html or args.grades.with_name(f"feedback-html-{exercise}")
    write_pages(folder, pages)
    print(f"wrote {len(pages)} feedback page(s) to {folder}")
    if args.target == "html":
        return 0
    entries, left_out = [], []
    for student, text in pages.items():
        who = identity(student, subs, key)
        if who["lms"] != args.target or not who["user_id"]:
            left_out.append(student)
            continue
        entries.append((pack_name(args.target, who, exercise), text))
    if not entries:
        from defence_course.classroom.gradebook import ExportError

        raise ExportError(f"no student of {args.grades} came from a {args.target} download; "
                          "pack for the LMS the class was imported from (the pages are written)")
    out = args.out or args.grades.with_name(f"feedback-{exercise}-{args.target}.zip")
    write_pack(out, entries)
    if left_out:
        _warn(f"{len(left_out)} student(s) not from a {args.target} download, left out of the "
              f"pack: {', '.join(left_out[:10])}")
    print(f"wrote {out}: {len(entries)} feedback file(s) for {args.target}'s bulk upload")
    return 0
