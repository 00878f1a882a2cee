"""The import graph of the product, read from the source with the standard library (`ast`):
every import counts, including those under `if TYPE_CHECKING:` and inside functions, since
a circle hidden that way is still a circle.

- no import circle among the modules of shared/, mockcert/ and the three services;
- no service package imports another service package (they talk over HTTP only);
- shared/ imports neither a service nor mockcert (it is the ground the others stand on).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "item_bank": ROOT / "services" / "item-bank" / "item_bank",
    "exam_delivery": ROOT / "services" / "exam-delivery" / "exam_delivery",
    "scoring": ROOT / "services" / "scoring" / "scoring",
}
PACKAGES = {"shared": ROOT / "shared", "mockcert": ROOT / "mockcert", **SERVICES}
# Circles known in a package while its restructuring is under way, each as its sorted modules.
# None in exam_delivery; an entry here is to be removed, never added to for a new circle.
KNOWN_CIRCLES: dict[str, list[list[str]]] = {}


def module_files() -> dict[str, Path]:
    """Module name -> source file, for every module of the packages."""
    out: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join((package, *parts))] = path
    return out


def imported_names(module: str, source: str, *, is_package: bool = False) -> Iterator[str]:
    """Every name an import statement of the source reaches, anywhere in it, made absolute."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            yield prefix
            for alias in node.names:
                yield f"{prefix}.{alias.name}"


def graph_of(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the modules among `sources` it imports; `sources`: module -> (text, is a package)."""
    graph: dict[str, set[str]] = {m: set() for m in sources}
    for module, (text, is_package) in sources.items():
        for name in imported_names(module, text, is_package=is_package):
            # `import a.b.c` runs a, a.b and a.b.c: an edge to the deepest one that is ours.
            while name and name not in sources:
                name = name.rpartition(".")[0]
            if name and name != module:
                graph[module].add(name)
    return graph


def import_graph() -> dict[str, set[str]]:
    return graph_of({
        module: (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for module, path in module_files().items()
    })


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def test_the_finder_sees_hidden_imports():
    # A circle through a TYPE_CHECKING import and a function-local one is found, relative imports resolved.
    graph = graph_of({
        "pkg": ("", True),
        "pkg.a": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n", False),
        "pkg.b": ("def f():\n    from . import c\n", False),
        "pkg.c": ("import pkg.a\nimport os.path\n", False),
        "pkg.d": ("from .c import x\n", False),
    })
    assert graph["pkg.b"] == {"pkg", "pkg.c"} and graph["pkg.d"] == {"pkg.c"}
    assert circles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_no_import_circle():
    graph = import_graph()
    assert len(graph) > 100  # the packages were found
    found = circles(graph)
    known = [c for package_circles in KNOWN_CIRCLES.values() for c in package_circles]
    assert "exam_delivery" not in KNOWN_CIRCLES or not KNOWN_CIRCLES["exam_delivery"]
    new = [c for c in found if c not in known]
    assert not new, "import circles:\n" + "\n".join(" <-> ".join(c) for c in new)


def test_no_service_imports_another_and_shared_imports_no_service():
    graph = import_graph()
    wrong = sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if package_of(target) != package_of(module)
        and (
            (package_of(module) in SERVICES and package_of(target) in SERVICES)
            or (package_of(module) == "shared" and package_of(target) in {*SERVICES, "mockcert"})
        )
    )
    assert not wrong, wrong
