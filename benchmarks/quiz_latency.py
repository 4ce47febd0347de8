"""Click-to-feedback latency of a quiz question in real JupyterLab, against a bare-widget anchor.

Run: `.venv/bin/python benchmarks/quiz_latency.py [--clicks 30]` (needs /usr/bin/chromium).

What is timed, inside the browser with performance.now(): from the click on "Check answer" to
the first DOM change of the feedback widget, i.e. a kernel round trip, grading, the atomic
progress write (fsync), and the render. The anchor is a plain ipywidgets Button whose callback
sets a Label: the floor of any kernel-side widget feedback on this machine, measured in the
same run so the ratio is fair. Answers alternate wrong/right so each click changes the feedback.
A script, not a test: timings depend on the machine and stay out of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from defence_course.quiz import load_quiz  # noqa: E402
from tests.browser.jlab import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    copy_course,
    notebook,
    open_notebook,
    restart_and_run_all,
    start_jupyterlab,
)

ANCHOR = """\
import ipywidgets as widgets
anchor_label = widgets.Label("0")
anchor_label.add_class("bench-anchor-label")
anchor_button = widgets.Button(description="Anchor")
anchor_button.add_class("bench-anchor-button")
anchor_count = [0]

def anchor_click(_button):
    anchor_count[0] += 1
    anchor_label.value = str(anchor_count[0])

anchor_button.on_click(anchor_click)
widgets.HBox([anchor_button, anchor_label])
"""
QUIZ = 'from defence_course.quiz import show_quiz\nshow_quiz("00-start-here", "q1")'

# Resolve with the milliseconds from the click to the first change under `target` that shows
# the text `want` (the reply to this click, not a late re-render of the previous one).
TIME_CLICK = """([button, target, want]) => new Promise((resolve, reject) => {
    const b = document.querySelector(button), t = document.querySelector(target);
    if (!b || !t) { reject(new Error('missing ' + button + ' or ' + target)); return; }
    const observer = new MutationObserver(() => {
        if (!t.textContent.includes(want)) return;  // only the reply to this click counts
        observer.disconnect(); resolve(performance.now() - start);
    });
    observer.observe(t, {subtree: true, childList: true, characterData: true});
    const start = performance.now();
    b.click();
    setTimeout(() => { observer.disconnect(); reject(new Error('no feedback in 10 s')); }, 10000);
})"""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no numpy needed for a handful of samples)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def q1_answers() -> list[str]:
    """A wrong and the right option of lesson 00's q1, read from its bank (edits cannot break this)."""
    question = load_quiz("00-start-here").question("q1")
    wrong = next(o.text for o in question.options if not o.correct)
    right = next(o.text for o in question.options if o.correct)
    return [wrong, right]


def measure(page: Page, clicks: int) -> tuple[list[float], list[float]]:
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    anchor: list[float] = []
    quiz: list[float] = []
    answers = q1_answers()
    verdicts = ["Not quite", "Correct"]
    q1 = notebook(page).locator(".dc-q-q1")
    for i in range(clicks + 2):  # two warm-up rounds are dropped
        a = page.evaluate(TIME_CLICK, [f"{panel} .bench-anchor-button",
                                       f"{panel} .bench-anchor-label", str(i + 1)])
        q1.get_by_role("radio", name=answers[i % 2], exact=True).check()
        page.wait_for_timeout(150)  # let the choice reach the kernel before timing Check
        q = page.evaluate(TIME_CLICK, [f"{panel} .dc-q-q1 .dc-check",
                                       f"{panel} .dc-q-q1 .dc-feedback", verdicts[i % 2]])
        if i >= 2:
            anchor.append(float(a))
            quiz.append(float(q))
    return anchor, quiz


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30, help="timed clicks per arm")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"Chromium is not at {CHROMIUM}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        root = copy_course(Path(tmp) / "course")
        home = Path(tmp) / "home"
        home.mkdir()
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(ANCHOR), nbformat.v4.new_code_cell(QUIZ)],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}},
        )
        nbformat.write(nb, root / "lessons" / "bench.ipynb")
        lab = start_jupyterlab(root, home)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                open_notebook(page, lab, "lessons/bench.ipynb")
                restart_and_run_all(page)
                notebook(page).locator(".dc-q-q1 .dc-check").wait_for()
                anchor, quiz = measure(page, args.clicks)
                browser.close()
        finally:
            lab.stop()
    for name, values in (("anchor (Button -> Label)", anchor), ("quiz check -> feedback", quiz)):
        print(f"{name:26s} n={len(values):3d}  median {statistics.median(values):6.1f} ms  "
              f"p95 {percentile(values, 0.95):6.1f} ms  min {min(values):6.1f} ms")
    ratio = statistics.median(quiz) / statistics.median(anchor)
    target = "met" if statistics.median(quiz) < 100 else "NOT met"
    print(f"quiz/anchor median ratio {ratio:.2f}; target median < 100 ms: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
