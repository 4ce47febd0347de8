"""The grader under hostile input the first attack suite left out: names, links, text, the sandbox."""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from defence_course.grading import (
    SYMLINK_PROBLEM,
    GradingError,
    SubmissionProblem,
    csv_plain,
    csv_text,
    feedback_name,
    grade,
    read_submission,
)
from defence_course.grading.sandbox import GIB, Limits, choose_mode
from tests.grading.isolation import MODE

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
AUTOGRADED = ["q1", "q2", "q3", "q4", "q5", "q6"]
needs_bwrap = pytest.mark.usefixtures("bwrap")
SCRATCH = 32 * 1024 * 1024
LIMITS = Limits(timeout=4, memory_bytes=1 * GIB, scratch_bytes=SCRATCH)
LONG_FILE = "L" * 249  # + ".ipynb" = 255 bytes, the usual file-name limit
LONG_FOLDER = "F" * 255
BAD_BYTES_NAME = b"caf\xe9"  # Latin-1 bytes from a zip made on Windows: not UTF-8
FORMULA_NAME = '=HYPERLINK("x","y")'
FORMULA_ANSWER = "=cmd|' /C calc'!A0"

# Learner code, as cells added to the untouched exercise or to the solution.
SURROGATE_ERROR = "eu_members = 1\nraise ValueError('\\ud800 broken text')"
SURROGATE_FUNCTION = "def members_by(year):\n    raise ValueError('\\udcff')"
FOREVER_FUNCTION = "def members_by(year):\n    while True:\n        pass"
FORGED_FRAME = r'''
import os, struct, sys
frame = sys._getframe()
while "nonce" not in frame.f_locals:
    frame = frame.f_back
nonce, fd = frame.f_locals["nonce"], frame.f_locals["result_fd"]
body = (nonce + b'{"answers": {"eu_members": [' + b"[]," * 5_000_000
        + b'[]]}, "cell_errors": [], "timed_out_cell": null}')
view = memoryview(struct.pack(">I", len(body)) + body)
while view:
    view = view[os.write(fd, view):]
os._exit(0)
'''
# Writes a stale reply into the zygote's reply pipe through /proc (the zygote is PID 1 or the
# child's parent): the next student would read it and get `error`.
PROC_INJECT = r'''
import json, os, struct, sys
frame = sys._getframe()
while "request" not in frame.f_locals:
    frame = frame.f_back
request = frame.f_locals["request"]
reached = []
for pid in {1, os.getppid()} - {os.getpid()}:
    for fd in range(0, 16):
        try:
            handle = os.open(f"/proc/{pid}/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            continue
        body = json.dumps({"id": request["id"], "frame": "x", "exit_code": 0}).encode()
        try:
            os.write(handle, struct.pack(">I", len(body)) + body)
            reached.append(f"{pid}/{fd}")
        except OSError:
            pass
    try:
        open(f"/proc/{pid}/mem", "rb").close()
        reached.append(f"{pid}/mem")
    except OSError:
        pass
print("REACHED", reached)
'''
REMOUNT = r'''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
data = os.environ["DEFENCE_COURSE_DATA"]
caps = [l for l in open("/proc/self/status").read().splitlines() if l.startswith("CapEff")]
remounted = libc.mount(b"none", data.encode(), None, 32 | 4096, None) == 0  # REMOUNT|BIND
written = False
try:
    with open(os.path.join(data, "owned.txt"), "w") as handle:
        handle.write("owned")
    written = True
except OSError:
    pass
print("REMOUNT", caps, remounted, written)
'''
SCRATCH_HOG = r'''
import ctypes, os
found = []
try:
    with open("/dev/planted", "w") as handle:
        handle.write("x")
    found.append("dev-writable")
except OSError:
    pass
written = 0
try:
    for i in range(8):
        with open(f"/tmp/fill{i}", "wb") as handle:
            for _ in range(16):
                handle.write(b"x" * 2**20)
                written += 1
except OSError:
    pass
for name in os.listdir("/tmp"):
    if name.startswith("fill"):
        os.unlink(os.path.join("/tmp", name))
libc = ctypes.CDLL(None, use_errno=True)
segment = libc.shmget(0, 2**20, 0o1600 | 0o600)
found.append(f"shm={segment >= 0}")
print("HOG", written, found)
'''
# The zygote reads the captured output after the child ends: as a FIFO it would block it.
OUTPUT_FIFO = """
import os
eu_members = []
os.unlink("output.txt")
os.mkfifo("output.txt")
"""
PROBE = r'''
import os
shm = open("/proc/sysvipc/shm").read().splitlines()[1:]
print("PROBE", sorted(os.listdir("/dev")), len(shm))
'''


def notebook(base: Path, *, after: list[str] = ()) -> str:
    nb = nbformat.read(base, as_version=4)
    nb.cells = nb.cells + [nbformat.v4.new_code_cell(c) for c in after]
    return nbformat.writes(nb)


def with_written_answer(base: Path, text: str) -> str:
    """The notebook with every free-text answer cell replaced by `text`."""
    nb = json.loads(base.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and "defence_course" in cell.get("metadata", {}):
            cell["source"] = text
    return json.dumps(nb)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def points(rows: list[dict[str, str]], student: str) -> float:
    return sum(float(r["points"] or 0) for r in rows
               if r["student"] == student and r["question"] in AUTOGRADED)


def by_question(rows: list[dict[str, str]], student: str) -> dict[str, dict[str, str]]:
    return {r["question"]: r for r in rows if r["student"] == student}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run over an honest student and every hostile submission below (on a course copy)."""
    base = tmp_path_factory.mktemp("hardening")
    course = base / "course"
    for folder in ("instructor", "solutions", "exercises", "data"):
        shutil.copytree(REPO / folder, course / folder)
    solution = course / "solutions" / f"{EXERCISE}.ipynb"
    untouched = course / "exercises" / f"{EXERCISE}.ipynb"
    subs = base / "subs"
    subs.mkdir()
    write = {
        "alice": solution.read_text(encoding="utf-8"),
        "surrogate-error": notebook(untouched, after=[SURROGATE_ERROR]),
        "surrogate-function": notebook(untouched, after=[SURROGATE_FUNCTION]),
        "surrogate-answer": with_written_answer(solution, "my answer \ud800 here"),
        "formula-answer": with_written_answer(solution, FORMULA_ANSWER),
        FORMULA_NAME: solution.read_text(encoding="utf-8"),
        LONG_FILE: solution.read_text(encoding="utf-8"),
        "forged-frame": notebook(untouched, after=[FORGED_FRAME]),
        "function-forever": notebook(solution, after=[FOREVER_FUNCTION]),
        "output-fifo": notebook(solution, after=[OUTPUT_FIFO]),
    }
    if MODE == "bwrap":
        write |= {
            "p1-proc-inject": notebook(untouched, after=[PROC_INJECT]),
            "p2-victim": solution.read_text(encoding="utf-8"),
            "r-remount": notebook(untouched, after=[REMOUNT]),
            "s1-scratch-hog": notebook(untouched, after=[SCRATCH_HOG]),
            "s2-probe": notebook(solution, after=[PROBE]),
        }
    for name, text in write.items():
        (subs / f"{name}.ipynb").write_text(text, encoding="utf-8")
    with open(os.path.join(os.fsencode(subs), BAD_BYTES_NAME + b".ipynb"), "w",
              encoding="utf-8") as handle:
        handle.write(solution.read_text(encoding="utf-8"))
    (subs / LONG_FOLDER).mkdir()
    (subs / LONG_FOLDER / "work.ipynb").write_text(solution.read_text(encoding="utf-8"))
    # Links a student's zip could carry: to the solution, to solutions/, and inside a folder.
    (subs / "link-file.ipynb").symlink_to(solution)
    (subs / "link-folder").symlink_to(course / "solutions")
    (subs / "link-inside").mkdir()
    (subs / "link-inside" / f"{EXERCISE}.ipynb").symlink_to(solution)
    data_before = {p.name: p.read_bytes() for p in (course / "data").iterdir()}
    out = base / "out" / "grades.csv"
    summary = grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=course, progress=False,
                    warn=lambda m: None)
    records = {}
    for path in (out.parent / f".grades.{EXERCISE}.state").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        records[record["student"]] = record
    return {"rows": read_csv(out), "summary": summary, "out": out, "subs": subs,
            "course": course, "records": records, "data_before": data_before}


# -- text that is not valid Unicode ------------------------------------------------------------


def test_lone_surrogates_in_a_submission_do_not_stop_the_run(graded: dict) -> None:
    rows = graded["rows"]
    full = points(rows, "alice")
    assert full > 0
    error = by_question(rows, "surrogate-error")
    assert error["q1"]["status"] == "failed"  # eu_members = 1 was defined before the raise
    function = by_question(rows, "surrogate-function")
    assert "ValueError: ?" in function["q6"]["message"]
    assert by_question(rows, "surrogate-answer")["q7"]["status"] == "manual"
    manual = read_csv(graded["out"].parent / "manual.csv")
    assert any(r["answer"] == "my answer ? here" for r in manual)


def test_file_names_that_are_not_utf8_become_readable_ids(graded: dict) -> None:
    assert points(graded["rows"], "caf\\xe9") == points(graded["rows"], "alice")
    feedback = graded["out"].parent / f"feedback-{EXERCISE}"
    # The id holds a backslash, so its feedback file name carries a hash.
    assert any(p.name.startswith("caf_xe9-") for p in feedback.iterdir())


# -- names ---------------------------------------------------------------------------------


def test_long_student_names_get_their_feedback(graded: dict) -> None:
    rows = graded["rows"]
    for student in (LONG_FILE, LONG_FOLDER):
        assert points(rows, student) == points(rows, "alice")
    feedback = sorted((graded["out"].parent / f"feedback-{EXERCISE}").iterdir())
    assert len(feedback) == len({r["student"] for r in rows})
    assert all(len(p.name.encode()) <= 255 for p in feedback)


def test_feedback_names_never_collide_or_grow_too_long() -> None:
    names = {feedback_name(s) for s in ["a\\b", "a_b", "a/b", "a\x00b", "ab", "x" * 255,
                                         "x" * 254, "é" * 127, "a_b-0123456789"]}
    assert len(names) == 9
    assert all(len(n.encode()) <= 255 and "/" not in n for n in names)
    assert feedback_name("Émilie Côté") == "Émilie Côté.md"


# -- links --------------------------------------------------------------------------------


def test_symlinked_submissions_are_errors_and_never_followed(graded: dict) -> None:
    for student in ("link-file", "link-folder", "link-inside"):
        rows = by_question(graded["rows"], student)
        assert {r["status"] for r in rows.values()} == {"error"}, student
        assert rows["q1"]["message"] == SYMLINK_PROBLEM


def test_read_submission_refuses_links_huge_files_and_devices(tmp_path: Path) -> None:
    real = tmp_path / "real.ipynb"
    real.write_text("{}")
    (tmp_path / "link.ipynb").symlink_to(real)
    with pytest.raises(SubmissionProblem, match="symbolic link"):
        read_submission(tmp_path / "link.ipynb")
    huge = tmp_path / "huge.ipynb"
    with open(huge, "wb") as handle:
        handle.truncate(64 * 2**30)  # sparse: 64 GiB that must never be read into memory
    with pytest.raises(SubmissionProblem, match="larger than 20 MB"):
        read_submission(huge)
    os.mkfifo(tmp_path / "pipe.ipynb")
    with pytest.raises(SubmissionProblem, match="not a regular file"):
        read_submission(tmp_path / "pipe.ipynb")
    assert read_submission(real) == b"{}"


# -- spreadsheets ------------------------------------------------------------------------------


def test_cells_a_spreadsheet_would_run_are_quoted(graded: dict) -> None:
    out = graded["out"]
    for path in (out, out.parent / "manual.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path, cell)
    assert any(r["student"] == "'" + FORMULA_NAME for r in graded["rows"])
    manual = read_csv(out.parent / "manual.csv")
    assert any(r["answer"] == "'" + FORMULA_ANSWER for r in manual)


def test_csv_quoting_round_trips_every_text() -> None:
    for text in ["", "'", "''", "'bob", "'=x", "''=x", "=x", "+1", "-1", "@SUM(A1)", "\tx",
                 "bob", "a=b"]:
        assert csv_plain(csv_text(text)) == text
        assert not csv_text(text).startswith(("=", "+", "-", "@", "\t"))
    assert csv_text("'bob") == "'bob"  # an ordinary leading quote is left alone


def test_manual_points_merge_for_a_student_whose_id_was_quoted(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    course = tmp_path / "course"
    for folder in ("instructor", "solutions", "data"):
        shutil.copytree(REPO / folder, course / folder)
    solution = course / "solutions" / f"{EXERCISE}.ipynb"
    (subs / "-bob.ipynb").write_text(solution.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "grades.csv"
    grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=course, progress=False,
          warn=lambda m: None)
    manual = tmp_path / "manual.csv"
    sheet = read_csv(manual)
    assert [r["student"] for r in sheet] == ["'-bob"]
    sheet[0]["points"] = "1"
    with open(manual, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=course, progress=False,
          warn=lambda m: None)
    q7 = [r for r in read_csv(out) if r["question"] == "q7"]
    assert [(r["student"], r["points"]) for r in q7] == [("'-bob", "1")]
    assert [r["points"] for r in read_csv(manual)] == ["1"]
    # Saved by a spreadsheet in a legacy encoding: an instructor's error (exit 2), not a crash.
    manual.write_bytes(manual.read_bytes() + "zoë,ex02-two-clubs,q7,3,,,x\n".encode("cp1252"))
    with pytest.raises(GradingError, match="CSV UTF-8"):
        grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=course, progress=False,
              warn=lambda m: None)


# -- what comes back from the sandbox ---------------------------------------------------------


def test_a_forged_frame_of_millions_of_values_is_refused_before_parsing(graded: dict) -> None:
    rows = by_question(graded["rows"], "forged-frame")
    assert rows["q1"]["status"] == "error"
    assert "too large to check" in rows["q1"]["message"]


def test_a_function_answer_that_never_returns_is_a_timeout(graded: dict) -> None:
    rows = by_question(graded["rows"], "function-forever")
    assert rows["q6"]["status"] == "timeout"
    assert "ran past the time limit" in rows["q6"]["message"]
    # The values were read before the function was called: they keep their points.
    alice = by_question(graded["rows"], "alice")
    for q in AUTOGRADED[:-1]:
        assert rows[q]["status"] == alice[q]["status"], q


def test_a_fifo_in_place_of_the_captured_output_does_not_block_the_sandbox(graded: dict) -> None:
    rows = by_question(graded["rows"], "output-fifo")
    assert rows["q1"]["status"] == "failed"  # eu_members = [] was graded, not an `error`
    alice = by_question(graded["rows"], "alice")
    assert rows["q2"]["status"] == alice["q2"]["status"]


def test_ipython_syntax_is_transformed_in_the_sandbox_not_in_the_grader(tmp_path: Path) -> None:
    """IPython's transformer re-tokenises a cell once per magic line: ~70 s of the grader's CPU
    for this cell when it ran in the trusted parent, where no time limit applies."""
    course = tmp_path / "course"
    for folder in ("instructor", "solutions", "data"):
        shutil.copytree(REPO / folder, course / folder)
    solution = course / "solutions" / f"{EXERCISE}.ipynb"
    subs = tmp_path / "subs"
    subs.mkdir()
    bomb = "".join(f"%time x{i} = 1\n" for i in range(100)) + "y = [1, 2, 3]\n" * 20_000
    (subs / "alice.ipynb").write_text(solution.read_text(encoding="utf-8"), encoding="utf-8")
    (subs / "magic-bomb.ipynb").write_text(notebook(solution, after=[bomb]), encoding="utf-8")
    started = time.monotonic()
    grade(EXERCISE, subs, tmp_path / "grades.csv", jobs=1, limits=LIMITS, root=course,
          progress=False, warn=lambda m: None)
    assert time.monotonic() - started < 40
    rows = read_csv(tmp_path / "grades.csv")
    assert points(rows, "magic-bomb") == points(rows, "alice") > 0  # answers defined before


@pytest.mark.skipif(os.geteuid() != 0, reason="the warning for root")
def test_the_fallback_warns_root_that_submissions_would_run_as_root() -> None:
    mode, warning = choose_mode("rlimits")
    assert mode == "rlimits"
    assert "AS ROOT" in warning


# -- the sandbox itself (bubblewrap) ----------------------------------------------------------


@needs_bwrap
def test_the_zygote_cannot_be_reached_through_proc(graded: dict) -> None:
    assert points(graded["rows"], "p2-victim") == points(graded["rows"], "alice")
    assert "REACHED []" in graded["records"]["p1-proc-inject"]["output_tail"]


@needs_bwrap
def test_learner_code_has_no_capabilities_to_remount_read_only_folders(graded: dict) -> None:
    output = graded["records"]["r-remount"]["output_tail"]
    assert "REMOUNT ['CapEff:\\t0000000000000000'] False False" in output, output
    data = graded["course"] / "data"
    assert {p.name: p.read_bytes() for p in data.iterdir()} == graded["data_before"]


@needs_bwrap
def test_scratch_space_is_bounded_and_nothing_reaches_the_next_student(graded: dict) -> None:
    hog = graded["records"]["s1-scratch-hog"]["output_tail"]
    written = int(hog.split("HOG ")[1].split()[0])
    assert written * 2**20 <= SCRATCH, hog  # /tmp is a tmpfs of LIMITS.scratch_bytes
    assert "dev-writable" not in hog
    probe = graded["records"]["s2-probe"]["output_tail"]
    assert "planted" not in probe
    assert probe.strip().endswith(" 0"), probe  # the shared memory segment was removed
    assert points(graded["rows"], "s2-probe") == points(graded["rows"], "alice")
