"""The house keeps its shape: one-way layers, no import circles, no oversized module, a pure
calculator (DESIGN.md, Architecture; STYLE.md rule 3).

import-linter checks the layers in CI (``lint-imports``, its contracts in pyproject.toml); these
tests check what it does not: circles between modules of one layer (lazy imports count too: a
circle is a design knot whether or not it is resolved at run time), module size, and that the
calculator reads no clock, environment or file.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "ketacost"
MAX_LINES = 600


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ketacost module ``path`` imports, at the top or inside a function."""
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("ketacost"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("ketacost"):
                continue
            for alias in node.names:  # `from . import svg` names a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
    return found


def _exists(module: str) -> bool:
    base = REPO / module.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        # a package's __init__ runs before any of its modules: not an edge of design
        graph[name] = {t for t in _imports(path) if t in modules and t != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    graph = _graph()
    # a package face re-exporting its modules is not a circle of design: leave __init__ out
    inner = {m: {t for t in ts if not _is_package(t)} for m, ts in graph.items()
             if not _is_package(m)}  # fmt: skip
    assert _circles(inner) == []


def _is_package(module: str) -> bool:
    return (REPO / module.replace(".", "/") / "__init__.py").exists()


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_over_600_lines() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}  # fmt: skip
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}


def test_every_module_sits_in_a_layer() -> None:
    layers = {"core", "files", "rules", "inputs", "engine", "documents", "render", "batch", "cli"}
    top = {"__init__", "__main__", "_version", "api"}  # the package's face and its version
    for path in PACKAGE.glob("*.py"):
        assert path.stem in top, path
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == layers


@pytest.mark.parametrize("layer", ["engine", "documents"])
def test_the_calculator_reads_no_clock_environment_or_file(layer: str) -> None:
    banned = ("today()", "now()", "os.environ", "getenv", "open(", "read_text(", "read_bytes(",
              "time.time(", "import os")  # fmt: skip
    for path in (PACKAGE / layer).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert [word for word in banned if word in text] == [], path


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_import_linter_contracts_hold() -> None:
    done = subprocess.run(["lint-imports"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
