"""The grader: full marks for solutions, zero for untouched work, and every attack in the issue."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from defence_course.checks import load_spec
from defence_course.grading import CSV_COLUMNS, GradingError, grade
from defence_course.grading.sandbox import GIB, Limits
from tests.grading.isolation import MODE

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "ex02-two-clubs"
SOLUTION = REPO / "solutions" / f"{EXERCISE}.ipynb"
UNTOUCHED = REPO / "exercises" / f"{EXERCISE}.ipynb"
AUTOGRADED = ["q1", "q2", "q3", "q4", "q5", "q6"]
# Without a working bubblewrap the grader falls back to rlimits only (no namespaces): the attacks
# that need isolation (files, sockets, killing processes, escaping children) are then skipped
# (failed under CI=true, see tests/grading/isolation.py),
# and "kill-everyone" is not even run, since it would reach the test runner's own processes.
needs_bwrap = pytest.mark.usefixtures("bwrap")
BWRAP_ONLY = {"kill-everyone", "children", "write-files", "read-answers", "read-solution",
              "socket"}
CLI = [sys.executable, "-m", "defence_course.cli"]
LIMITS = Limits(timeout=4, memory_bytes=1 * GIB)


def notebook(base: Path, *, before: list[str] = (), after: list[str] = ()) -> str:
    """A submission: `base` with extra code cells at the start and/or the end."""
    nb = nbformat.read(base, as_version=4)
    nb.cells = ([nbformat.v4.new_code_cell(c) for c in before] + nb.cells
                + [nbformat.v4.new_code_cell(c) for c in after])
    return nbformat.writes(nb)


def read_rows(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    """grades.csv as {student: {question: row}}."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == CSV_COLUMNS
        out: dict[str, dict[str, dict[str, str]]] = {}
        for row in reader:
            out.setdefault(row["student"], {})[row["question"]] = row
    return out


def total(rows: dict[str, dict[str, str]]) -> float:
    return sum(float(r["points"] or 0) for r in rows.values())


TOKEN = "dc-orphan-7f3a"
# Attacks, each graded in the same class folder as honest students (see the `graded` fixture).
ATTACKS: dict[str, dict[str, list[str] | str]] = {
    "builtins": {"base": "untouched", "before": [
        "import builtins\nbuiltins.len = lambda x: 27\nbuiltins.sorted = lambda x: x\n"
        "builtins.isinstance = lambda a, b: True\nbuiltins.print = lambda *a, **k: None"]},
    "fake-check": {"base": "untouched", "after": [
        "def check(q):\n    print(q, '✓ all checks passed')\n"
        "import defence_course.grading.compare as c\n"
        "c.grade_question = lambda *a, **k: None\n"
        "c.evaluate = lambda *a, **k: None\ncheck('q1')"]},
    "equals-anything": {"base": "untouched", "after": [
        "class Anything(list):\n"
        "    def __eq__(self, other): return True\n"
        "    def __ne__(self, other): return False\n"
        "    def __len__(self): return 27\n"
        "    def __contains__(self, item): return True\n"
        "    __hash__ = None\n"
        "class Yes(int):\n"
        "    def __eq__(self, other): return True\n"
        "    __hash__ = int.__hash__\n"
        "eu_members = Anything()\neu_not_nato = Anything(['x'])\nnato_not_eu = Anything()\n"
        "category_counts = {'EU+NATO': Yes(0)}\njoins_by_decade = Anything()\n"
        "members_by = lambda year: Anything()"]},
    "fake-output": {"base": "untouched", "after": [
        "print('fake-output,ex02-two-clubs,q1,2,2,passed,all checks passed')\n"
        "import sys\nsys.stdout.write('\\x00\\x00\\x00\\x10{\"answers\": {}}')\n"
        "import os\nfor fd in range(3, 50):\n"
        "    try:\n        os.write(fd, b'\\x00\\x00\\x00\\x02{}')\n"
        "    except OSError:\n        pass"]},
    "sys-exit": {"base": "untouched", "before": ["import sys\nsys.exit(0)"]},
    "os-exit": {"base": "solution", "before": ["import os\nos._exit(0)"]},
    "forever": {"base": "untouched", "after": ["while True:\n    pass"]},
    "solution-then-forever": {"base": "solution", "after": ["while True:\n    pass"]},
    "ignore-alarm": {"base": "untouched", "after": [
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"]},
    "memory": {"base": "untouched", "after": [
        "hog = []\nwhile True:\n    hog.append(bytearray(50 * 1024 * 1024))"]},
    "children": {"base": "untouched", "after": [
        "import subprocess, sys, os\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)  # {TOKEN}'],"
        " start_new_session=True)\n"
        "if os.fork() == 0:\n    os.setsid()\n"
        f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(300)"
        f"  # {TOKEN}'])\n"
        "forks = 0\ntry:\n    while forks < 500:\n"
        "        if os.fork() == 0:\n            import time; time.sleep(300); os._exit(0)\n"
        "        forks += 1\nexcept OSError:\n    pass"]},
    "kill-everyone": {"base": "untouched", "after": [
        "import os, signal\nfor pid in range(2, 400):\n    try:\n"
        "        os.kill(pid, signal.SIGKILL) if pid != os.getpid() else None\n"
        "    except OSError:\n        pass\nos.kill(os.getppid(), signal.SIGKILL)"]},
}


def _write_attack(folder: Path, name: str, spec: dict) -> None:
    base = SOLUTION if spec["base"] == "solution" else UNTOUCHED
    before = list(spec.get("before", []))
    after = list(spec.get("after", []))
    (folder / f"{name}.ipynb").write_text(notebook(base, before=before, after=after),
                                          encoding="utf-8")


@pytest.fixture(scope="module")
def listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, listener: socket.socket) -> dict:
    """One grading run over honest students and every attacker (fast: one sandbox start)."""
    base = tmp_path_factory.mktemp("class")
    # Grade against a throwaway copy of the course, so an attack can never reach the real one.
    course = base / "course"
    for folder in ("instructor", "solutions", "exercises", "data"):
        shutil.copytree(REPO / folder, course / folder)
    subs = base / "submissions"
    subs.mkdir()
    out = base / "out"
    port = listener.getsockname()[1]
    target_files = {
        "spec": course / "instructor" / "checks" / f"{EXERCISE}.yaml",
        "data": course / "data" / "nato_eu_membership.csv",
        "solution": course / "solutions" / f"{EXERCISE}.ipynb",
    }
    before = {k: p.read_bytes() for k, p in target_files.items()}
    attacks = dict(ATTACKS)
    attacks["write-files"] = {"base": "untouched", "after": [
        "import os, pathlib\nwritten = []\n"
        f"for p in ['{out}/grades.csv', '{out}/.grades.ex02-two-clubs.state/x.json',"
        f" '{course}/instructor/checks/ex02-two-clubs.yaml',"
        f" '{course}/data/nato_eu_membership.csv', '{course}/solutions/ex02-two-clubs.ipynb',"
        " '/etc/passwd-dc', '/usr/dc-owned']:\n"
        "    try:\n        pathlib.Path(p).parent.mkdir(parents=True, exist_ok=True)\n"
        "        pathlib.Path(p).write_text('owned')\n        written.append(p)\n"
        "    except OSError:\n        pass\n"
        "eu_members = written"]}
    attacks["read-answers"] = {"base": "untouched", "after": [
        "import yaml\n"
        f"spec = yaml.safe_load(open('{course}/instructor/checks/ex02-two-clubs.yaml'))\n"
        "eu_not_nato = spec['questions'][2]['checks'][2]['equals']"]}
    attacks["read-solution"] = {"base": "untouched", "after": [
        f"import json\nnb = json.load(open('{course}/solutions/ex02-two-clubs.ipynb'))\n"
        "for cell in nb['cells']:\n    if cell['cell_type'] == 'code':\n"
        "        exec(''.join(cell['source']))"]}
    attacks["socket"] = {"base": "untouched", "after": [
        f"import socket\nresults = []\nfor host in [('127.0.0.1', {port}), ('1.1.1.1', 53)]:\n"
        "    try:\n        socket.create_connection(host, timeout=1)\n"
        "        results.append('connected')\n"
        "    except OSError as e:\n        results.append(type(e).__name__)\n"
        "eu_members = results"]}
    attacks["magics"] = {"base": "solution", "before": [
        "%matplotlib inline\n!pip install nothing-at-all\nshell = get_ipython()"], "after": [
        "%%time\nx = 1", "display(eu_members)\nimport matplotlib.pyplot as plt\n"
        "plt.plot([1, 2])\nplt.show()"]}
    attacks["flood-output"] = {"base": "solution", "after": [
        "import sys\nfor _ in range(200):\n    print('x' * 100_000)\n"
        "sys.stderr.write('y' * 10_000_000)"]}
    for name, spec in attacks.items():
        if MODE == "bwrap" or name not in BWRAP_ONLY:
            _write_attack(subs, name, spec)
    (subs / "alice.ipynb").write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    (subs / "zoe.ipynb").write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    (subs / "untouched.ipynb").write_text(UNTOUCHED.read_text(encoding="utf-8"),
                                          encoding="utf-8")
    started = time.monotonic()
    summary = grade(EXERCISE, subs, out / "grades.csv", jobs=2, limits=LIMITS,
                    root=course, progress=False, warn=lambda m: None)
    return {"rows": read_rows(out / "grades.csv"), "out": out, "summary": summary,
            "before": before, "targets": target_files, "seconds": time.monotonic() - started}


def autograded_points(rows: dict[str, dict[str, str]]) -> float:
    return sum(float(rows[q]["points"] or 0) for q in AUTOGRADED)


# -- honest students ---------------------------------------------------------------------------


def test_solution_gets_full_marks(graded: dict) -> None:
    for student in ("alice", "zoe"):
        rows = graded["rows"][student]
        assert {rows[q]["status"] for q in AUTOGRADED} == {"passed"}, rows
        assert autograded_points(rows) == 13
        assert rows["q7"]["status"] == "manual"
        assert rows["q7"]["points"] == ""


def test_ipython_magics_and_display_do_not_break_a_solution(graded: dict) -> None:
    assert autograded_points(graded["rows"]["magics"]) == 13


@pytest.mark.parametrize("name", sorted(p.stem for p in (REPO / "solutions").glob("ex*.ipynb")))
def test_every_solution_full_marks_every_untouched_exercise_zero(tmp_path: Path,
                                                                  name: str) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(REPO / "solutions" / f"{name}.ipynb", subs / "solution.ipynb")
    shutil.copy(REPO / "exercises" / f"{name}.ipynb", subs / "untouched.ipynb")
    grade(name, subs, tmp_path / "g.csv", jobs=2, limits=LIMITS, root=REPO, progress=False,
          warn=lambda m: None)
    rows = read_rows(tmp_path / "g.csv")
    auto = [q for q, r in rows["solution"].items() if r["status"] != "manual"]
    assert auto
    assert {rows["solution"][q]["status"] for q in auto} == {"passed"}, rows["solution"]
    assert sum(float(rows["untouched"][q]["points"]) for q in auto) == 0


def test_untouched_exercise_gets_zero(graded: dict) -> None:
    rows = graded["rows"]["untouched"]
    assert autograded_points(rows) == 0
    assert rows["q1"]["status"] == "missing"
    assert "placeholder" in rows["q1"]["message"]
    assert rows["q7"]["status"] == "missing"


def test_one_row_per_student_and_question(graded: dict) -> None:
    for student, rows in graded["rows"].items():
        assert sorted(rows) == [*AUTOGRADED, "q7"], student
        for row in rows.values():
            assert row["status"] in ("passed", "failed", "error", "timeout", "missing", "manual")


# -- attacks (point 3 of the issue), one test each ---------------------------------------------


@pytest.mark.parametrize("attack", ["builtins", "fake-check", "equals-anything", "fake-output",
                                    "sys-exit", "memory"])
def test_attack_earns_nothing(graded: dict, attack: str) -> None:
    rows = graded["rows"][attack]
    assert autograded_points(rows) == 0, rows


def test_attack_objects_claiming_equality_are_judged_as_plain_data(graded: dict) -> None:
    rows = graded["rows"]["equals-anything"]
    assert rows["q2"]["status"] == "failed"  # a dict is not a Series
    assert rows["q3"]["status"] == "failed"  # ['x'] is not the 4 states


def test_attack_os_exit_is_an_error_not_a_crash_of_the_run(graded: dict) -> None:
    rows = graded["rows"]["os-exit"]
    assert {r["status"] for q, r in rows.items() if q in AUTOGRADED} == {"error"}
    assert "exited with code 0" in rows["q1"]["message"]


def test_attack_sys_exit_is_ignored_like_in_a_notebook(graded: dict) -> None:
    rows = graded["rows"]["sys-exit"]
    assert rows["q1"]["status"] == "missing"  # the rest of the notebook still ran


def test_attack_infinite_loop_times_out(graded: dict) -> None:
    rows = graded["rows"]["forever"]
    assert autograded_points(rows) == 0
    assert rows["q1"]["status"] == "missing"
    assert graded["rows"]["ignore-alarm"]["q1"]["status"] == "timeout"
    assert autograded_points(graded["rows"]["ignore-alarm"]) == 0


def test_answers_before_an_infinite_loop_still_count(graded: dict) -> None:
    rows = graded["rows"]["solution-then-forever"]
    assert autograded_points(rows) == 13


def test_attack_memory_hog_is_stopped(graded: dict) -> None:
    rows = graded["rows"]["memory"]
    assert autograded_points(rows) == 0
    assert graded["summary"].students == len(graded["rows"])


def _orphans() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if TOKEN.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@needs_bwrap
def test_attack_child_processes_leave_nothing_running(graded: dict) -> None:
    assert autograded_points(graded["rows"]["children"]) == 0
    deadline = time.monotonic() + 5
    while _orphans() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _orphans() == []


@needs_bwrap
def test_attack_killing_processes_cannot_touch_other_students(graded: dict) -> None:
    assert autograded_points(graded["rows"]["kill-everyone"]) == 0
    assert autograded_points(graded["rows"]["alice"]) == 13
    assert autograded_points(graded["rows"]["zoe"]) == 13


@needs_bwrap
def test_attack_writing_files_changes_nothing(graded: dict) -> None:
    rows = graded["rows"]["write-files"]
    assert autograded_points(rows) == 0
    for key, path in graded["targets"].items():
        assert path.read_bytes() == graded["before"][key], key
    assert not Path("/etc/passwd-dc").exists()
    assert not Path("/usr/dc-owned").exists()
    assert not (graded["out"] / ".grades.ex02-two-clubs.state" / "x.json").exists()


@needs_bwrap
def test_attack_cannot_read_hidden_checks_or_solutions(graded: dict) -> None:
    assert graded["rows"]["read-answers"]["q3"]["status"] in ("error", "missing")
    assert autograded_points(graded["rows"]["read-answers"]) == 0
    assert autograded_points(graded["rows"]["read-solution"]) == 0


@needs_bwrap
def test_attack_sockets_reach_nothing(graded: dict, listener: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        listener.accept()
    assert autograded_points(graded["rows"]["socket"]) == 0


def test_captured_output_is_capped(graded: dict) -> None:
    assert autograded_points(graded["rows"]["flood-output"]) == 13  # earned, then flooded
    for record in (graded["out"] / f".grades.{EXERCISE}.state").glob("*.json"):
        assert len(json.loads(record.read_text())["output_tail"]) <= 2000


def test_feedback_shows_hidden_results_but_never_their_content(graded: dict) -> None:
    feedback = graded["out"] / f"feedback-{EXERCISE}"
    text = (feedback / "untouched.md").read_text(encoding="utf-8")
    assert re.search(r"- hidden check \d+: failed\. Hint: ", text)  # numbered, hint, no reason
    spec = (REPO / "instructor" / "checks" / f"{EXERCISE}.yaml").read_text(encoding="utf-8")
    assert "Montenegro" in spec
    assert "Montenegro" not in text
    # q6's hidden check calls members_by(2023) and expects a list of 31: neither may leak (its
    # 2004 case is public since issue 21, so the learner's own copy names it).
    assert "2023" not in text
    assert "31 items" not in text
    assert "equals" not in text
    assert sorted(p.stem for p in feedback.glob("*.md")) == sorted(graded["rows"])


def test_summary_reports_students_mean_and_most_failed(graded: dict) -> None:
    summary = graded["summary"]
    assert summary.students == len(graded["rows"])
    assert summary.most_failed
    assert summary.most_failed[0][0] in AUTOGRADED
    assert "mean" in summary.text()


# -- files that are not gradable notebooks ------------------------------------------------------


def test_bad_files_are_error_rows_and_the_run_goes_on(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "empty.ipynb").write_text("")
    (subs / "pdf.ipynb").write_bytes(b"%PDF-1.4\n\x00\x01binary")
    (subs / "corrupt.ipynb").write_text(SOLUTION.read_text(encoding="utf-8")[:500])
    (subs / "old.ipynb").write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0,
                                                "worksheets": [{"cells": []}], "metadata": {}}))
    (subs / "list.ipynb").write_text("[1, 2, 3]")
    (subs / "Émilie Côté").mkdir()
    (subs / "Émilie Côté" / "devoir final.ipynb").write_text(SOLUTION.read_text("utf-8"))
    (subs / "two").mkdir()
    (subs / "two" / "a.ipynb").write_text("{}")
    (subs / "two" / "b.ipynb").write_text("{}")
    summary = grade(EXERCISE, subs, tmp_path / "grades.csv", jobs=1, limits=LIMITS, root=REPO,
                    progress=False, warn=lambda m: None)
    rows = read_rows(tmp_path / "grades.csv")
    assert summary.students == 7
    expected = {"empty": "empty", "pdf": "not valid JSON", "corrupt": "not valid JSON",
                "old": "old notebook format (v3)", "list": "not a notebook",
                "two": "2 notebooks in the folder"}
    for student, words in expected.items():
        assert {r["status"] for r in rows[student].values()} == {"error"}, student
        assert words in rows[student]["q1"]["message"], rows[student]["q1"]["message"]
    assert autograded_points(rows["Émilie Côté"]) == 13
    assert (tmp_path / f"feedback-{EXERCISE}" / "Émilie Côté.md").is_file()


# -- manual grading ---------------------------------------------------------------------------


def test_manual_points_are_merged_on_rerun(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ana maría.ipynb").write_text(SOLUTION.read_text(encoding="utf-8"))
    out = tmp_path / "grades.csv"
    grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=REPO, progress=False,
          warn=lambda m: None)
    manual = tmp_path / "manual.csv"
    with open(manual, encoding="utf-8", newline="") as handle:
        sheet = list(csv.DictReader(handle))
    assert [(r["student"], r["question"], r["points"]) for r in sheet] == [
        ("ana maría", "q7", "")]
    assert "Austria" in sheet[0]["answer"]
    assert sheet[0]["comment"] == ""
    assert "q7.1" in sheet[0]
    assert "1 pt" in (tmp_path / f"rubrics-{EXERCISE}.md").read_text(encoding="utf-8")
    sheet[0]["points"] = "2.5"
    with open(manual, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=REPO, progress=False,
          warn=lambda m: None)
    rows = read_rows(out)["ana maría"]
    assert rows["q7"]["points"] == "2.5"
    assert rows["q7"]["status"] == "manual"
    assert total(rows) == 15.5
    assert "15.5 / 16" in (tmp_path / f"feedback-{EXERCISE}" / "ana maría.md").read_text()
    with open(manual, encoding="utf-8") as handle:
        assert "2.5" in handle.read()  # the instructor's points survive the rewrite
    sheet[0]["points"] = "9"
    with open(manual, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows(sheet)
    with pytest.raises(GradingError, match=r"outside 0\.\.3"):
        grade(EXERCISE, subs, out, jobs=1, limits=LIMITS, root=REPO, progress=False,
              warn=lambda m: None)


def test_capstone_brief_goes_to_manual_csv_with_its_rubric(tmp_path: Path) -> None:
    """ex07: the computed part is graded at full marks; the written brief waits in manual.csv."""
    name = "ex07-a-new-alignment"
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(REPO / "solutions" / f"{name}.ipynb", subs / "kim.ipynb")
    out = tmp_path / "grades.csv"
    grade(name, subs, out, jobs=1, limits=LIMITS, root=REPO, progress=False, warn=lambda m: None)
    rows = read_rows(out)["kim"]
    spec = load_spec(REPO / "instructor" / "checks" / f"{name}.yaml")
    computed = {q.id: q.points for q in spec.questions if q.kind != "manual"}
    assert {q: float(rows[q]["points"]) for q in computed} == computed
    assert rows["q6"]["status"] == "manual"
    assert rows["q6"]["points"] == ""
    with open(tmp_path / "manual.csv", encoding="utf-8", newline="") as handle:
        sheet = list(csv.DictReader(handle))
    assert [(r["student"], r["question"], r["max_points"]) for r in sheet] == [("kim", "q6", "6")]
    # The rubric is not repeated in every row (issue 12): one column per criterion, and the
    # rubric itself once in rubrics-EXERCISE.md next to manual.csv.
    assert [c for c in sheet[0] if c.startswith("q6.")] == ["q6.1", "q6.2", "q6.3", "q6.4", "q6.5"]
    rubrics = (tmp_path / f"rubrics-{name}.md").read_text(encoding="utf-8")
    assert "`q6.2` (2 pt): at least three indicators" in rubrics
    assert "diversification inside NATO" in sheet[0]["answer"]


# -- the command line, exit codes, fallback -------------------------------------------------


def test_cli_exit_codes(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "bob.ipynb").write_text(UNTOUCHED.read_text(encoding="utf-8"))
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([*CLI, "grade", EXERCISE, str(subs), "--out",
                           str(tmp_path / "g.csv"), "--jobs", "1", "--timeout", "5",
                           "--course", str(REPO)], capture_output=True, text=True, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr  # a student scoring 0 is not an error
    assert "Graded 1 student(s)" in done.stdout
    done = subprocess.run([*CLI, "grade", "ex99-nope", str(subs), "--course", str(REPO),
                           "--out", str(tmp_path / "g.csv")], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 2
    assert "ex02-two-clubs" in done.stderr
    done = subprocess.run([*CLI, "grade", EXERCISE, str(tmp_path / "missing"), "--course",
                           str(REPO), "--out", str(tmp_path / "g.csv")], capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode == 2
    assert "not found" in done.stderr


def test_rlimits_fallback_warns_and_still_grades(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_text(SOLUTION.read_text(encoding="utf-8"))
    (subs / "loop.ipynb").write_text(notebook(UNTOUCHED, after=["while True:\n    pass"]))
    warnings: list[str] = []
    grade(EXERCISE, subs, tmp_path / "g.csv", jobs=1, limits=Limits(timeout=2), root=REPO,
          progress=False, sandbox="rlimits", warn=warnings.append)
    assert warnings
    assert "WITHOUT network or filesystem isolation" in warnings[0]
    rows = read_rows(tmp_path / "g.csv")
    assert autograded_points(rows["alice"]) == 13
    assert autograded_points(rows["loop"]) == 0


# -- nothing lost: resume after kill -9 ------------------------------------------------------


@pytest.mark.slow
def test_resume_after_kill_9_keeps_finished_students(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    names = [f"s{i:02d}" for i in range(10)]
    for i, name in enumerate(names):
        sleep = ["import time\ntime.sleep(1.5)"] if i % 2 else []
        (subs / f"{name}.ipynb").write_text(notebook(SOLUTION, before=sleep))
    out = tmp_path / "grades.csv"
    command = [*CLI, "grade", EXERCISE, str(subs), "--out", str(out), "--jobs", "1",
               "--timeout", "20", "--course", str(REPO)]
    state = tmp_path / f".grades.{EXERCISE}.state"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(state.glob("*.json"))) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first = {p.name: json.loads(p.read_text()) for p in state.glob("*.json")}
    assert 3 <= len(first) < 10, "kill -9 should land mid-run"
    assert not out.exists() or len(read_rows(out)) < 10
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"{len(first)} kept from an earlier run" in done.stdout
    second = {p.name: json.loads(p.read_text()) for p in state.glob("*.json")}
    assert len(second) == 10
    for name, record in first.items():  # finished students were not graded again
        assert second[name]["finished_at"] == record["finished_at"]
        assert second[name]["grader_pid"] == record["grader_pid"] == process.pid
    rows = read_rows(out)
    assert sorted(rows) == names
    assert all(autograded_points(r) == 13 for r in rows.values())
    # --regrade starts over
    done = subprocess.run([*command, "--regrade"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "0 kept" in done.stdout


@needs_bwrap
def test_attack_files_left_behind_cannot_reach_the_next_student(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    plant = ("import os\nfor folder in ['/tmp', '/dev/shm', os.getcwd(), '.']:\n    try:\n"
             "        with open(os.path.join(folder, 'dc_helper.py'), 'w') as f:\n"
             "            f.write('import os\\nos._exit(0)\\n')\n    except OSError:\n        pass")
    victim = "try:\n    import dc_helper\nexcept ImportError:\n    pass"
    (subs / "a-planter.ipynb").write_text(notebook(UNTOUCHED, after=[plant]))
    (subs / "b-victim.ipynb").write_text(notebook(SOLUTION, before=[victim], after=[victim]))
    grade(EXERCISE, subs, tmp_path / "g.csv", jobs=1, limits=LIMITS, root=REPO,
          progress=False, warn=lambda m: None)
    rows = read_rows(tmp_path / "g.csv")
    assert autograded_points(rows["b-victim"]) == 13


def test_two_runs_on_the_same_output_never_interleave(tmp_path: Path) -> None:
    import fcntl

    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "bob.ipynb").write_text(UNTOUCHED.read_text(encoding="utf-8"))
    lock = tmp_path / f".grades.{EXERCISE}.state.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(GradingError, match="another `grade` run"):
            grade(EXERCISE, subs, tmp_path / "grades.csv", jobs=1, limits=LIMITS, root=REPO,
                  progress=False, warn=lambda m: None)
    grade(EXERCISE, subs, tmp_path / "grades.csv", jobs=1, limits=LIMITS, root=REPO,
          progress=False, warn=lambda m: None)
    assert (tmp_path / "grades.csv").is_file()
