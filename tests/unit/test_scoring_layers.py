"""Scoring's aggregates depend downwards only: `results` -> `standard` -> `analysis` -> `stats`.

Read from the source (every import, also under TYPE_CHECKING or inside a function): the
statistics never reach into results or standards, the standard never into results, the pure
statistics core and the small shared modules (`wire`, `rows`) into nothing of the service, and
no aggregate into another one's handlers. The whole product's import graph has its own test."""

from __future__ import annotations

import ast
from pathlib import Path

SCORING = Path(__file__).resolve().parents[2] / "services" / "scoring" / "scoring"

# Who may import whom, by the first part below `scoring` ("" for the app's own top-level modules).
ALLOWED: dict[str, set[str]] = {
    "stats": {"stats"},
    "wire": set(),
    "rows": set(),
    "analysis": {"analysis", "stats", "wire", "rows"},
    "standard": {"standard", "analysis", "stats", "wire", "rows"},
    "results": {"results", "standard", "analysis", "stats", "wire", "rows"},
}


def imports_of(path: Path) -> set[str]:
    """The scoring modules `path` imports, as dotted names below `scoring`."""
    package = ("scoring", *path.relative_to(SCORING).parent.parts)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(n.removeprefix("scoring.") for n in names if n.startswith("scoring."))
    return found


def part_of(path: Path) -> str:
    rel = path.relative_to(SCORING).with_suffix("").parts
    return rel[0] if len(rel) > 1 else rel[0] if rel[0] in ALLOWED else ""


def modules() -> list[Path]:
    return sorted(SCORING.rglob("*.py"))


def test_the_aggregates_depend_downwards_only() -> None:
    wrong = []
    for path in modules():
        part = part_of(path)
        if part not in ALLOWED:
            continue  # app.py, __main__.py and pages.py assemble the service
        for name in imports_of(path):
            if name.split(".")[0] not in ALLOWED[part]:
                wrong.append(f"{path.relative_to(SCORING)} imports scoring.{name}")
    assert wrong == []


def test_only_the_app_installs_the_handlers() -> None:
    importers = {
        str(path.relative_to(SCORING))
        for path in modules()
        for name in imports_of(path)
        if name.split(".")[-1] == "handlers"
    }
    assert importers == {"app.py"}


def test_every_aggregate_has_its_layers() -> None:
    for aggregate in ("results", "analysis", "standard"):
        present = {p.stem for p in (SCORING / aggregate).glob("*.py")}
        assert {"handlers", "repository", "schemas"} <= present, aggregate
    assert (SCORING / "results" / "service.py").exists() and (SCORING / "standard" / "service.py").exists()
    assert (SCORING / "analysis" / "loop.py").exists()  # the statistics' service: the engine's loop
