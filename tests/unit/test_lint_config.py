"""`make lint` is ruff and mypy, CI runs it before the README's test command, and mypy checks
shared/, mockcert/ and the three services at the version the dev lock pins."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("item-bank/item_bank", "exam-delivery/exam_delivery", "scoring/scoring")


def _recipe(target: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_make_lint_runs_ruff_and_mypy() -> None:
    recipe = _recipe("lint")
    assert any(line.endswith("ruff check .") for line in recipe), recipe
    assert "$(PY) -m mypy" in recipe, recipe


def test_ci_lints_then_runs_the_readme_test_command() -> None:
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip().startswith("make ")]
    assert commands[0] == "make lint", commands
    assert any(c == "make test" or c.startswith("make test ") for c in commands[1:]), commands
    assert "make test" in (ROOT / "README.md").read_text()


def test_mypy_checks_shared_the_launcher_and_every_service() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    config = pyproject["tool"]["mypy"]
    files = set(config["files"])
    assert {"shared", "mockcert"} | {f"services/{s}" for s in SERVICES} <= files, files
    assert all((ROOT / f).is_dir() for f in files), files
    roots = config["mypy_path"].split(":")
    assert {f"services/{s.split('/')[0]}" for s in SERVICES} <= set(roots), roots
    assert config["explicit_package_bases"] and config["check_untyped_defs"] and config["warn_unused_ignores"]
    # Missing types are forgiven per library only, never for the whole code base.
    assert "ignore_missing_imports" not in config


def test_mypy_is_in_an_extra_the_dev_lock_pins() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_extra = [Requirement(spec).name for spec in project["optional-dependencies"]["test"]]
    assert "mypy" in test_extra
    dev_lock = (ROOT / "requirements" / "dev.lock").read_text()
    assert any(line.startswith("mypy==") for line in dev_lock.splitlines())
