"""Every file the documents name exists: a module renamed or moved fails here, not in a newcomer's hands.

Read from `docs/*.md` and `README.md`: each backticked path ending in .py, .sql, .conf, .md or .js,
and each relative link to such a file. A backticked name may be written from wherever the text
stands (`tests/unit/test_x.py`, `integration/test_x.py` under tests/, `analysis/loop.py` inside
scoring's package, `006_answer_rule.sql` in a migrations folder): it is found when some file of the
repository ends with it, path segment by path segment; `*` in a name matches any file. A link is
resolved exactly, from the document's folder.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(ROOT.glob("docs/*.md")) + [ROOT / "README.md"]
EXTENSIONS = r"(?:py|sql|conf|md|js)"
NAMED = re.compile(rf"`([\w./*-]+\.{EXTENSIONS})`")
LINKED = re.compile(rf"\]\(([\w./-]+\.{EXTENSIONS})(?:#[^)]*)?\)")
NOT_PROJECT = {".git", ".venv", "node_modules", "__pycache__", ".data", ".mypy_cache", ".pytest_cache",
               ".ruff_cache", ".hypothesis", "build", "artifacts"}
# The specification the product implements, kept beside the repository rather than in it.
SPECIFICATION = {"PSYCHOMETRICS.md"}


def project_files() -> list[str]:
    files: list[str] = []
    stack = [ROOT]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                if entry.name not in NOT_PROJECT and not entry.name.endswith(".egg-info"):
                    stack.append(entry)
            else:
                files.append(entry.relative_to(ROOT).as_posix())
    return files


FILES = project_files()


def found(name: str) -> bool:
    name = name.removeprefix("./")
    if "*" in name:
        return any(fnmatch.fnmatchcase(f, name) or fnmatch.fnmatchcase(f, "*/" + name) for f in FILES)
    return any(f == name or f.endswith("/" + name) for f in FILES)


def named_in(document: Path) -> list[str]:
    return sorted(set(NAMED.findall(document.read_text(encoding="utf-8"))) - SPECIFICATION)


def linked_from(document: Path) -> list[str]:
    return sorted(set(LINKED.findall(document.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_file_a_document_names_exists(document: Path) -> None:
    missing = [name for name in named_in(document) if not found(name)]
    assert not missing, f"{document.relative_to(ROOT)} names files that do not exist: {missing}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_file_a_document_links_exists(document: Path) -> None:
    missing = [link for link in linked_from(document) if not (document.parent / link).resolve().is_file()]
    assert not missing, f"{document.relative_to(ROOT)} links files that do not exist: {missing}"


def test_a_stale_name_is_caught() -> None:
    # The rule itself: names as the documents write them are found, a module that moved away is not.
    assert found("shared/backoff.py") and found("analysis/loop.py") and found("006_answer_rule.sql")
    assert found("integration/test_entry_paths.py") and found("tests/unit/test_item_*.py")
    assert not found("state.py") and not found("scoring/engine.py") and not found("timing.py")
    assert not found("loop.py/x") and not found("hared/backoff.py")
