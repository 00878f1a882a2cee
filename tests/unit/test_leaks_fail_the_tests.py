"""A leaked socket, file or connection fails the test that leaks it: pytest runs with
`filterwarnings = error` and no exception for ResourceWarning (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LEAKY = '''
import gc
import socket


def test_leaks_a_socket():
    sock = socket.socket()
    del sock
    gc.collect()


def test_leaks_a_file(tmp_path):
    handle = (tmp_path / "f").open("w")
    del handle
    gc.collect()


def test_closes_what_it_opens(tmp_path):
    with socket.socket(), (tmp_path / "g").open("w"):
        pass
'''


def test_a_leaked_resource_fails_its_test(tmp_path):
    (tmp_path / "test_leaky.py").write_text(LEAKY)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
         "-p", "no:cacheprovider", "-q", str(tmp_path / "test_leaky.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "2 failed, 1 passed" in out, out
    assert "ResourceWarning" in out or "PytestUnraisableExceptionWarning" in out, out
