"""The package's shape: no import cycle between its modules, and the names notebooks use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "defence_course"


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Every module's imports of other package modules, at any depth in the file."""
    modules = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _subpackages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph one level up: `defence_course.grading.rows -> defence_course.exercise_format`
    becomes `grading -> exercise_format`; imports within one subpackage are not edges."""
    def top(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else parts[0]

    folded: dict[str, set[str]] = {}
    for module, targets in graph.items():
        folded.setdefault(top(module), set()).update(
            top(t) for t in targets if top(t) != top(module))
    return folded


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None (depth-first search). Imports of a package's own
    __init__ by its submodules are not edges: Python runs __init__ first anyway."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_package() -> None:
    graph = _imports()
    assert "defence_course.quiz.banks" in graph  # the walk sees the subpackages
    assert _cycle(graph) is None


def test_the_subpackage_view_finds_a_cycle_between_subpackages() -> None:
    """authoring -> grading -> authoring, through different modules: no module-level cycle,
    a subpackage-level one (the shape issue 18 item 6 removed)."""
    graph = {"p.authoring.exercises": {"p.grading.spec"}, "p.grading.spec": set(),
             "p.grading.rows": {"p.authoring.exercises"}, "p.authoring.selfcheck": set()}
    assert _cycle(graph) is None
    assert _cycle(_subpackages(graph)) == ["authoring", "grading", "authoring"]


def test_no_import_cycle_between_subpackages() -> None:
    """Each concern depends one way: e.g. authoring uses grading's spec, grading never authoring
    (the exercise notebook's format is in exercise_format, which both use)."""
    folded = _subpackages(_imports())
    assert {"authoring", "grading", "quiz", "cli"} <= folded.keys()
    assert _cycle(folded) is None


def _alias_problems(package: Path = PACKAGE) -> list[str]:
    """Second names for one thing: a package name imported under another name, or a module's
    `__all__` listing a name it only imports (packages' __init__ files gather their API)."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("defence_course"):
                imported |= {a.asname or a.name for a in node.names}
                problems += [f"{_module_name(path, package)}: {a.name} imported as {a.asname}"
                             for a in node.names if a.asname and a.asname != a.name]
        exported = next((node.value for node in tree.body if isinstance(node, ast.Assign)
                         and any(getattr(t, "id", "") == "__all__" for t in node.targets)), None)
        if path.name == "__init__.py" or not isinstance(exported, (ast.List, ast.Tuple)):
            continue
        names = {e.value for e in exported.elts if isinstance(e, ast.Constant)}
        problems += [f"{_module_name(path, package)}: __all__ re-exports {name}"
                     for name in sorted(names & imported)]
    return problems


def test_no_second_names_for_one_thing(tmp_path: Path) -> None:
    """Issue 18 item 9: aliases such as `progress_path as default_progress_path` are gone, and the
    check finds one when it is put back."""
    assert _alias_problems() == []
    (tmp_path / "defence_course").mkdir()
    (tmp_path / "defence_course" / "m.py").write_text(
        "from defence_course.paths import progress_path as default_progress_path\n"
        "from defence_course.atomic import atomic_write\n__all__ = ['atomic_write']\n")
    assert _alias_problems(tmp_path / "defence_course") == [
        "defence_course.m: progress_path imported as default_progress_path",
        "defence_course.m: __all__ re-exports atomic_write"]


def test_names_notebooks_use_still_import() -> None:
    from defence_course.checks import checker
    from defence_course.data import describe, list_datasets, load, source
    from defence_course.plotting import colours, use_course_style
    from defence_course.quiz import show_progress, show_quiz

    assert all(callable(f) for f in (checker, describe, list_datasets, load, source, colours,
                                     use_course_style, show_progress, show_quiz))


def _readme_package_block(readme: str) -> str:
    """README's list of the package's modules (the code block after 'The helper package')."""
    after = readme[readme.index("The helper package (`src/defence_course/`)"):]
    return after.split("```")[1]


def _layout_problems(block: str, contributing: str, package: Path = PACKAGE) -> list[str]:
    """Modules and subpackages README's layout or CONTRIBUTING's omit (issue 18: classroom/ and
    tables.py were missing, and lessons were to be written as .ipynb)."""
    entries = re.split(r"\n(?=\S)", block.strip())  # one entry per unindented line
    by_name = {e.split()[0].rstrip("/"): e for e in entries}
    problems = []
    for child in sorted(package.iterdir()):
        name = child.stem if child.suffix == ".py" else child.name
        if child.name.startswith("__") or not (child.suffix == ".py" or (child / "__init__.py").is_file()):
            continue
        if name not in by_name and child.name not in by_name:
            problems.append(f"README's package layout omits {child.name}")
        if re.search(rf"\b{re.escape(name)}\b", contributing) is None:
            problems.append(f"CONTRIBUTING.md's layout omits {child.name}")
        if child.is_dir():
            words = set(re.findall(r"\w+", by_name.get(name, "")))
            problems += [f"README's package layout omits {name}/{m.name}"
                         for m in sorted(child.rglob("*.py"))
                         if m.stem not in words and not m.name.startswith("__")]
    return problems


def test_readme_and_contributing_follow_the_tree() -> None:
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    contributing = (PACKAGE.parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert _layout_problems(_readme_package_block(readme), contributing) == []
    assert "text/lessons/NN-slug.md" in contributing
    assert "Write `lessons/NN-slug.ipynb`" not in contributing
    # The check can fail: the old lists had no classroom/ and no tables.py.
    old = _readme_package_block(readme).replace("tables.py", "").replace("classroom/", "")
    assert {"README's package layout omits tables.py",
            "README's package layout omits classroom"} <= set(_layout_problems(old, contributing))


MAX_LINES = 500


def test_no_module_over_500_lines() -> None:
    """One module per job: quiz/widgets.py (814), data/__init__.py (636), quiz/classprogress.py
    (495, growing) and grading/zygote.py (546: the sweep after each submission is grading/sweep.py)
    were split; a new long module is caught here."""
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert {name for name, n in sizes.items() if n > MAX_LINES} == set()
