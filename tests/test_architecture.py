"""The package's shape: sub-packages named for the steps data flows through, each importing only from the steps
before it. A cycle (two modules, or two steps, that import each other) hides where a change belongs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "handouts"

# The steps in the order data flows through them. A module may import from its own step and earlier ones.
STEPS = ["base", "content", "config", "text", "figures", "document", "pdf", "post", "html", "check", "writers",
         "record", "build", "web", "cli"]
BASE = {"__init__", "errors", "suggest", "paths", "confine", "dates", "timing", "diskcache", "importcache", "interrupts"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every handouts module a file imports, at the top or inside a function (lazy imports count too)."""
    found: set[str] = set()
    package = _module(path).split(".") if path.name == "__init__.py" else _module(path).split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("handouts"):   # `from handouts import figures`: a name may be a module
                found.update(f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("handouts"))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for target in _imports(path):
            while target not in modules and "." in target:   # handouts.figures.FigureStyle -> handouts.figures
                target = target.rpartition(".")[0]
            if target in modules and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def _step(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BASE or parts[1] == "__main__":
        return "cli" if parts[-1] == "__main__" else "base"
    return parts[1]


def test_every_module_belongs_to_a_step():
    unknown = sorted(m for m in _graph() if _step(m) not in STEPS)
    assert not unknown, f"modules outside the steps {STEPS}: {unknown}"


def test_steps_import_only_earlier_steps():
    wrong = []
    for module, targets in _graph().items():
        for target in targets:
            if STEPS.index(_step(target)) > STEPS.index(_step(module)):
                wrong.append(f"{module} -> {target}")
    assert not wrong, "a step imports a later one:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_content_and_document_need_no_reportlab():
    """Files → model and the per-document context stay free of the renderer, so checks and the HTML twin can use
    them without the PDF side."""
    for path in [*(PACKAGE / "content").glob("*.py"), PACKAGE / "document.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            assert not any(n.split(".")[0] == "reportlab" for n in names), f"{path.name} imports {names}"


def test_a_figure_is_found_without_being_listed():
    """Adding a figure is one decorated function (figures/spec.py) plus its labels: the registry names no
    drawing module, and every figure id comes from a `@figure` in some module of the package."""
    from handouts import figures
    from handouts.figures.registry import REGISTRY

    registry = (PACKAGE / "figures" / "registry.py").read_text(encoding="utf-8")
    for module in ("anatomy", "painscale", "prevention", "selfcare", "treatment", "warning"):
        assert f"import {module}" not in registry and f" {module}," not in registry
    assert set(figures.FIGURE_IDS) == set(REGISTRY)
    for fig_id, spec in REGISTRY.items():
        assert spec.id == fig_id and spec.draw.figure_spec is spec
