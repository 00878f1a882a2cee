"""The item bank in the shape of every service (docs/architecture.md), read from the source.

`interchange` -> `items` -> the pure `lint` and `rows`, never upwards; the pure rules import no
I/O; handlers never hold a connection or open a transaction (the service takes the pool and
owns it); the repository hands out typed Structs, and no module above it speaks of
`asyncpg.Record`. The whole product's import graph has its own test (test_import_graph.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ITEM_BANK = Path(__file__).resolve().parents[2] / "services" / "item-bank" / "item_bank"

# Who may import whom, by the first part below `item_bank`.
ALLOWED: dict[str, set[str]] = {
    "lint": set(),
    "rows": set(),
    "items": {"items", "lint", "rows"},
    "interchange": {"interchange", "items", "lint"},
}
PURE = [
    "items/validation.py", "items/workflow.py", "items/diff.py", "items/cursors.py", "items/search.py",
    "items/schemas.py", "interchange/transfer.py", "interchange/moodle_qti.py", "interchange/import_rows.py",
    "interchange/schemas.py", "lint.py",
]
IO_MODULES = {"asyncpg", "aiohttp", "shared.db", "shared.http"}


def tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (also under TYPE_CHECKING or inside a function), dotted."""
    found: set[str] = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def part_of(path: Path) -> str:
    return path.relative_to(ITEM_BANK).with_suffix("").parts[0]


def test_the_aggregates_depend_downwards_only() -> None:
    wrong = []
    for path in sorted(ITEM_BANK.rglob("*.py")):
        part = part_of(path)
        if part not in ALLOWED:
            continue  # app.py, pages.py, seeding.py assemble the service; codebook/ stands alone
        for name in imports_of(path):
            if name.startswith("item_bank.") and name.split(".")[1] not in ALLOWED[part]:
                wrong.append(f"{path.relative_to(ITEM_BANK)} imports {name}")
    assert wrong == []


def test_the_rules_are_pure() -> None:
    wrong = [
        f"{module} imports {name}"
        for module in PURE
        for name in imports_of(ITEM_BANK / module)
        if name in IO_MODULES or name.split(".")[0] in IO_MODULES
        or name.split(".")[-1] in ("service", "repository", "handlers")
    ]
    assert wrong == []


def test_each_aggregate_has_its_layers_and_only_the_app_installs_handlers() -> None:
    for aggregate, layers in (("items", {"handlers", "service", "repository", "schemas"}),
                              ("interchange", {"handlers", "service", "schemas"})):
        assert layers <= {p.stem for p in (ITEM_BANK / aggregate).glob("*.py")}, aggregate
    importers = {
        str(path.relative_to(ITEM_BANK))
        for path in ITEM_BANK.rglob("*.py")
        for name in imports_of(path)
        if name.split(".")[-1] == "handlers" and name.startswith("item_bank.")
        and not name.startswith("item_bank.codebook")
    }
    assert importers == {"app.py"}


def calls(path: Path) -> set[str]:
    """The attribute names called anywhere in `path` (`x.acquire()` -> "acquire")."""
    return {
        node.func.attr
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def test_handlers_neither_hold_a_connection_nor_open_a_transaction() -> None:
    for aggregate in ("items", "interchange"):
        found = calls(ITEM_BANK / aggregate / "handlers.py") & {"acquire", "transaction", "fetch", "fetchrow",
                                                                 "execute"}
        assert not found, f"{aggregate}/handlers.py calls {sorted(found)}"


def test_the_service_layer_takes_the_pool_for_every_public_function() -> None:
    for aggregate in ("items", "interchange"):
        for node in ast.walk(tree(ITEM_BANK / aggregate / "service.py")):
            if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_"):
                first = node.args.args[0]
                annotation = ast.unparse(first.annotation) if first.annotation else ""
                # write_version and create_item are steps of a caller's transaction, named so.
                if annotation == "asyncpg.Connection":
                    assert "Call inside a transaction" in (ast.get_docstring(node) or ""), node.name
                else:
                    assert annotation == "asyncpg.Pool", f"{aggregate}.service.{node.name}({first.arg}: {annotation})"


def test_no_record_leaves_the_repository() -> None:
    repository = tree(ITEM_BANK / "items" / "repository.py")
    for node in ast.walk(repository):
        if isinstance(node, ast.AsyncFunctionDef) and node.returns is not None:
            assert "Record" not in ast.unparse(node.returns), node.name
    above = [p for p in ITEM_BANK.rglob("*.py")
             if part_of(p) in ("items", "interchange") and p.name not in ("repository.py",)]
    assert [str(p.relative_to(ITEM_BANK)) for p in above if "Record" in p.read_text(encoding="utf-8")] == []
