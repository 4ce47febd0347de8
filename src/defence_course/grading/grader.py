"""`grade()`: a class folder in, grades out; resumes where an interrupted run stopped."""

from __future__ import annotations

import ast
import contextlib
import difflib
import hashlib
import importlib.util
import json
import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defence_course import exercise_format
from defence_course.grading.cells import handed_out_lines
from defence_course.grading.errors import GradingError
from defence_course.grading.journal import Journal, journal_for
from defence_course.grading.manual import check_criteria, check_students, read_sheet
from defence_course.grading.outputs import write_outputs
from defence_course.grading.records import Record, Row
from defence_course.grading.rows import build_job, rows_for_problem, rows_for_run, written_answer
from defence_course.grading.sandbox import GIB, Limits, Sandbox, SandboxConfig, SandboxError, choose_mode
from defence_course.grading.spec import ExerciseSpec, load_spec
from defence_course.grading.submissions import (
    Submission,
    SubmissionProblem,
    check_class,
    discover,
    parse_notebook,
    read_submission,
    student_id,
)
from defence_course.grading.summary import Summary
from defence_course.grading.translated import Translations
from defence_course.i18n import using
from defence_course.locking import LockBusyError, file_lock
from defence_course.paths import course_root, grading_data_dir

__all__ = ["GradingPaths", "ResumePlan", "SandboxPool", "grade"]

#: A line starting with % or ! inside a notebook's JSON strings (a source line, or after "\n").
MAGIC_IN_JSON = re.compile(rb'(?:"|\\n)(?:[ ]|\\t)*[%!]')


def _preload_modules(root: Path, exercise: str) -> tuple[str, ...]:
    """Modules the solution imports (read in the trusted parent), to import once per zygote."""
    names = ["pandas", "numpy"]
    path = root / "solutions" / f"{exercise}.ipynb"
    with contextlib.suppress(OSError, ValueError, SubmissionProblem):
        for cell in parse_notebook(path.read_bytes()).code_cells:
            with contextlib.suppress(SyntaxError, ValueError):
                for node in ast.walk(ast.parse(cell)):
                    if isinstance(node, ast.Import):
                        names += [a.name for a in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        names.append(node.module)
    keep = []
    for name in dict.fromkeys(names):
        with contextlib.suppress(ImportError, ValueError):
            if importlib.util.find_spec(name.split(".")[0]) is not None:
                keep.append(name)
    return tuple(keep)


def _handed_out_lines(root: Path, exercise: str) -> frozenset[str]:
    """Every line the exercise hands out (exercise and solution): any other text a student
    wrote outside the answer cells is shown to the marker."""
    sources: list[tuple[str, str]] = []
    for folder in ("exercises", "solutions"):
        with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
            nb = json.loads((root / folder / f"{exercise}.ipynb").read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                source = cell.get("source", "")
                sources.append((str(cell.get("cell_type")),
                                "".join(source) if isinstance(source, list) else source))
    return handed_out_lines(sources)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Progress:
    """A rich progress bar on a terminal; silence otherwise (logs and CI stay clean)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        if enabled and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("grading", total=total)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


@dataclass(frozen=True)
class GradingPaths:
    """Every file and folder one `grade` run reads or writes, checked before anything runs."""

    spec: Path
    submissions: Path
    out: Path
    feedback: Path
    manual: Path

    @classmethod
    def resolve(cls, root: Path, exercise: str, submissions: Path, out: Path,
                feedback: Path | None, manual: Path | None) -> GradingPaths:
        """Fill in the defaults and refuse outputs the run would itself treat as submissions."""
        spec_path = exercise_format.spec_path(root, exercise)
        if not spec_path.is_file():
            known = sorted(p.stem for p in (root / "instructor" / "checks").glob("*.yaml"))
            raise GradingError(f"no instructor checks for {exercise!r} ({spec_path}); known "
                               f"exercises: {', '.join(known) or 'none'}")
        out = out.resolve()
        if out.suffix.lower() != ".csv":
            raise GradingError(f"--out must name a .csv file, got {out}")
        submissions = submissions.resolve()
        feedback = (feedback or out.parent / f"feedback-{exercise}").resolve()
        manual = (manual or out.parent / "manual.csv").resolve()
        for folder, label in ((out.parent, "--out"), (feedback, "--feedback")):
            if folder == submissions or submissions in folder.parents:
                raise GradingError(f"{label} must not be inside the submissions folder "
                                   f"{submissions}")
        return cls(spec_path, submissions, out, feedback, manual)

    def journal(self, exercise: str) -> Journal:
        """The hidden resume folder beside grades.csv (one per output and exercise)."""
        return journal_for(self.out, exercise)


#: Statuses a different limit can change: a time limit (`timeout`), or memory, processes, file
#: or output size (`error`: a MemoryError, a crashed or killed sandbox, a full disk).
LIMITED_STATUSES = frozenset({"timeout", "error"})


def _limited_under_other_limits(record: Record, limits: Mapping[str, float]) -> bool:
    """A student stopped by a limit under other limits is graded again under these ones."""
    return dict(record.limits) != dict(limits) and any(
        row.status in LIMITED_STATUSES for row in record.rows)


def _selected(students: list[Submission], names: Sequence[str] | None) -> frozenset[str] | None:
    """The `--student` names, each checked against the class folder (a typo is an error)."""
    if not names:
        return None
    known = {s.student for s in students}
    chosen = {student_id(name) for name in names}
    unknown = sorted(chosen - known)
    if unknown:
        hints = [difflib.get_close_matches(name, known, n=1) for name in unknown]
        raise GradingError("no submission for --student " + ", ".join(
            f"{name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            for name, hint in zip(unknown, hints, strict=True)))
    return frozenset(chosen)


@dataclass
class ResumePlan:
    """Who is kept from an earlier run (same file, same checks) and who is graded now."""

    records: dict[str, Record] = field(default_factory=dict)
    todo: list[tuple[Submission, bytes | None]] = field(default_factory=list)

    @classmethod
    def make(cls, students: list[Submission], journal: Journal, fingerprint: str,
             limits: Mapping[str, float], only: frozenset[str] | None = None) -> ResumePlan:
        """Read every submission once (for its hash) and compare with the journal.

        A record is kept when the file and the checks are unchanged, unless a limit stopped
        the student under other `limits` (`Limits.resume_key()`: `--timeout`,
        `--cell-timeout`, `--memory`, ...), or the student is named in `only` (`--student`):
        those are graded again. With `only`, everyone else keeps their record, changed or not.
        """
        plan = cls()
        for sub in students:
            record = journal.load(sub.student)
            if only is not None and sub.student not in only:
                if record:
                    plan.records[sub.student] = record
                continue
            data = None
            if sub.path is not None:
                try:
                    data = read_submission(sub.path)
                except SubmissionProblem as problem:
                    sub = Submission(sub.student, None, str(problem))
            if (only is None and record and data is not None
                    and record.sha256 == _sha256(data)
                    and record.fingerprint == fingerprint
                    and not _limited_under_other_limits(record, limits)):
                plan.records[sub.student] = record
            else:
                plan.todo.append((sub, data))
        return plan

    @property
    def needs_sandbox(self) -> bool:
        """True when some submission's code will run."""
        return any(data is not None for _, data in self.todo)


class SandboxPool:
    """Up to `size` sandboxes, started on first use and shared by the grading threads."""

    def __init__(self, config: SandboxConfig, size: int) -> None:
        self.config = config
        self.size = size
        self._idle: queue.Queue[Sandbox] = queue.Queue()
        self.started: list[Sandbox] = []
        self._lock = threading.Lock()

    def acquire(self) -> Sandbox:
        """An idle sandbox, a newly started one while under `size`, or wait for one."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            box = None
            if len(self.started) < self.size:
                box = Sandbox(self.config, len(self.started))
                self.started.append(box)
        if box is None:
            return self._idle.get()
        box.start()
        return box

    def release(self, box: Sandbox) -> None:
        """Give a sandbox back for the next submission."""
        self._idle.put(box)

    def close(self) -> None:
        """Stop every sandbox (and what runs in it)."""
        for box in self.started:
            box.close()


@dataclass
class _Run:
    """One run's fixed inputs, shared by the threads that grade submissions."""

    spec: ExerciseSpec
    fingerprint: str
    pool: SandboxPool
    #: The specs whose hints a French (or other) submission reads.
    translations: Translations | None = None
    interrupted: threading.Event = field(default_factory=threading.Event)
    #: The Markdown the exercise hands out: any other Markdown cell was added by the student.
    handed_out: frozenset[str] = frozenset()
    #: The limits the students are graded under (part of the resume key).
    limits: Mapping[str, float] = field(default_factory=dict)

    def record(self, sub: Submission, data: bytes | None, rows: list[Row],
               begun: float, manual_answers: dict[str, str] | None = None,
               output: str = "", language: str = "en", student_rows: list[Row] | None = None
               ) -> Record:
        """The journal record of one finished student."""
        return Record(sub.student, self.spec.exercise,
                      _sha256(data) if data is not None else "", self.fingerprint, tuple(rows),
                      dict(self.limits), manual_answers or {}, output, sub.note,
                      started_at=begun, finished_at=time.time(), grader_pid=os.getpid(),
                      language=language, student_rows=tuple(student_rows or ()))

    def work(self, sub: Submission, data: bytes | None) -> Record:
        """Grade one student; a grader bug becomes that student's error rows, not a crash."""
        try:
            return self.grade_one(sub, data)
        except (KeyboardInterrupt, SandboxError):
            raise
        except Exception as error:  # a grader bug must not stop the class: report it in the rows
            message = f"the grader failed on this submission ({type(error).__name__}: {error})"
            record = self.record(sub, None, rows_for_problem(sub.student, self.spec,
                                                             message[:300]), time.time())
            return record

    def grade_one(self, sub: Submission, data: bytes | None) -> Record:
        """Parse, run in a sandbox, and grade one submission."""
        begun = time.time()
        if data is None:
            return self.record(sub, data, rows_for_problem(sub.student, self.spec, sub.problem),
                               begun)
        try:
            parsed = parse_notebook(data, self.handed_out)
        except SubmissionProblem as problem:
            return self.record(sub, data, rows_for_problem(sub.student, self.spec, str(problem)),
                               begun)
        box = self.pool.acquire()
        try:
            run = box.run(build_job(parsed, self.spec))
        finally:
            self.pool.release(box)
        if self.interrupted.is_set():
            raise KeyboardInterrupt
        rows = rows_for_run(sub.student, self.spec, parsed, run)
        manual_answers = {r.question: written_answer(parsed, r.question, self.spec)
                          for r in rows if r.status == "manual"}
        student_rows = None
        if parsed.language != "en":  # the student's feedback in their language, hints included
            spec = self.translations.spec(parsed.language) if self.translations else self.spec
            with using(parsed.language):
                student_rows = rows_for_run(sub.student, spec, parsed, run)
        return self.record(sub, data, rows, begun, manual_answers, run.output[-2000:],
                           parsed.language, student_rows)


def _sandbox_config(root: Path, exercise: str, todo: list[tuple[Submission, bytes | None]],
                    mode: str, limits: Limits) -> SandboxConfig:
    """The sandboxes' settings, with the modules worth importing once per zygote."""
    preload = _preload_modules(root, exercise)
    if any(data is not None and b"matplotlib" in data for _, data in todo) and \
            importlib.util.find_spec("matplotlib") is not None:
        # Importing pyplot costs ~0.4 s (font cache) per process: pay it once per sandbox.
        preload = (*preload, "matplotlib.pyplot")
    if any(data is not None and MAGIC_IN_JSON.search(data) for _, data in todo):
        # IPython's transformer for %magic and !shell lines costs ~0.3 s to import and 3 MB
        # more for every fork to copy: only when some submission seems to have such a line.
        # A miss costs time, not correctness: the child then imports it itself.
        preload = (*preload, "IPython.core.inputtransformer2")
    return SandboxConfig(mode, limits, grading_data_dir(root), preload)


def _drain(arrivals: queue.Queue[Future[Record]]) -> list[Future[Record]]:
    """Wait for one finished future, then take every other one already there."""
    done = [arrivals.get()]
    with contextlib.suppress(queue.Empty):
        while True:
            done.append(arrivals.get_nowait())
    return done


def _results(done: list[Future[Record]]) -> tuple[list[Record], BaseException | None]:
    """The records of finished futures, and the first exception one raised (after the rest)."""
    finished: list[Record] = []
    failure: BaseException | None = None
    for future in done:
        try:
            finished.append(future.result())
        except BaseException as error:  # the others are saved first, then the error stops the run
            failure = failure or error
    return finished, failure


def _run_all(run: _Run, plan: ResumePlan, journal: Journal, jobs: int, show: bool) -> bool:
    """Grade the students still to do in parallel, saving each to the journal as it finishes;
    True when interrupted (the finished ones are saved)."""
    bar = _Progress(len(plan.todo), show)
    executor = ThreadPoolExecutor(max_workers=jobs)
    try:
        # Finished futures arrive on a queue: `wait(pending, FIRST_COMPLETED)` locks and
        # re-arms every pending future on each call, O(class size) per student.
        arrivals: queue.Queue[Future[Record]] = queue.Queue()
        for sub, data in plan.todo:
            executor.submit(run.work, sub, data).add_done_callback(arrivals.put)
        remaining = len(plan.todo)
        while remaining:
            done = _drain(arrivals)
            remaining -= len(done)
            # Group commit: every student finished meanwhile is saved with one flush and
            # counted (in the records, the summary, grades.csv) only once the flush returned;
            # the sandboxes keep grading during the flush, so the next group is larger.
            finished, failure = _results(done)
            journal.save_many(finished)
            for record in finished:
                plan.records[record.student] = record
                bar.advance()
            if failure is not None:
                raise failure
    except KeyboardInterrupt:
        run.interrupted.set()
        executor.shutdown(wait=False, cancel_futures=True)
        run.pool.close()
    finally:
        bar.close()
        executor.shutdown(wait=not run.interrupted.is_set(), cancel_futures=True)
        run.pool.close()
    return run.interrupted.is_set()


def grade(exercise: str, submissions: Path, out: Path, *, jobs: int | None = None,
          limits: Limits | None = None, feedback: Path | None = None, regrade: bool = False,
          manual: Path | None = None, sandbox: str = "auto", root: Path | None = None,
          progress: bool | None = None, warn: Callable[[str], None] | None = None,
          students: Sequence[str] | None = None) -> Summary:
    """Grade a class folder for one exercise; see docs/grading.md for every file it writes."""
    root = (root or course_root()).resolve()
    paths = GradingPaths.resolve(root, exercise, submissions, out, feedback, manual)
    spec = load_spec(paths.spec)
    limits = limits or Limits()
    jobs = max(1, jobs or os.cpu_count() or 1)
    warn = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    existing_manual = read_sheet(paths.manual, warn)
    check_criteria(paths.manual, existing_manual,
                   {q.id: q.rubric for q in spec.questions if q.kind == "manual"})
    journal = paths.journal(exercise)
    lock = journal.folder.with_name(journal.folder.name + ".lock")
    busy = (f"another `grade` run is writing {lock.name[1:-5]} (lock {lock}); wait for it to "
            "finish")
    try:
        with file_lock(lock, timeout=0, busy=busy):
            if regrade:
                journal.clear()
            found = discover(paths.submissions, exercise)
            check_class(paths.submissions, exercise, found)
            check_students(paths.manual, existing_manual, exercise, [s.student for s in found])
            translations = Translations.load(root, spec, warn)
            fingerprint = translations.fingerprint()
            plan = ResumePlan.make(found, journal, fingerprint, limits.resume_key(),
                                   _selected(found, students))
            resumed = len(plan.records)
            mode = "none"
            warnings: list[str] = []
            if plan.needs_sandbox:
                mode, warning = choose_mode(sandbox)
                if warning:
                    warn(warning)
                    warnings.append(warning)
            config = _sandbox_config(root, exercise, plan.todo, mode, limits)
            run = _Run(spec, fingerprint, SandboxPool(config, jobs), translations,
                       handed_out=_handed_out_lines(root, exercise),
                       limits=limits.resume_key())
            show = sys.stderr.isatty() if progress is None else progress
            interrupted = _run_all(run, plan, journal, jobs, show)
            for sub, _ in plan.todo:
                if sub.note:
                    warn(f"{sub.student}: {sub.note}")
            ordered = [plan.records[s.student] for s in found if s.student in plan.records]
            results = write_outputs(spec, ordered, paths.out, paths.feedback, paths.manual,
                                    existing_manual, translations.specs)
            return Summary.of(
                results, max_points=spec.max_points, resumed=resumed,
                graded_now=sum(sub.student in plan.records for sub, _ in plan.todo),
                sandbox=f"{mode}, {jobs} job(s), timeout {limits.timeout:g} s, memory "
                        f"{limits.memory_bytes / GIB:g} GiB",
                warnings=warnings, interrupted=interrupted)
    except LockBusyError as error:
        raise GradingError(str(error)) from None
