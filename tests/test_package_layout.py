"""The package's shape: no import cycle between its modules, and the names notebooks use."""

from __future__ import annotations

import ast
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


def test_names_notebooks_use_still_import() -> None:
    from defence_course.checks import checker
    from defence_course.data import describe, list_datasets, load, source
    from defence_course.plotting import colours, use_course_style
    from defence_course.quiz import show_progress, show_quiz

    assert all(callable(f) for f in (checker, describe, list_datasets, load, source, colours,
                                     use_course_style, show_progress, show_quiz))
