"""`mockcert status` finds a running product whatever data dir it was started with: the
launcher's pointer in the per-user runs folder (mockcert/runs.py) leads to its state file;
a pointer whose launcher is gone is dropped; with nothing found it says where it looked."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockcert import cli, runs


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    runtime = tmp_path / "runtime"
    monkeypatch.setenv("MOCKCERT_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("MOCKCERT_DATA_DIR", str(tmp_path / "mine"))
    return {"runtime": runtime, "started": tmp_path / "started-here", "mine": tmp_path / "mine"}


def write_state(data: Path, pid: int) -> Path:
    path = data / "run" / "state.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"launcher_pid": pid, "url": "http://127.0.0.1:9", "processes": {}}))
    return path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_product_started_with_another_data_dir_is_found(folders: dict[str, Path]) -> None:
    path = write_state(folders["started"], os.getpid())  # this process plays the launcher
    runs.register(path, os.getpid())
    assert cli._state() is None  # the data dir's own state only: nothing runs in "mine"
    state = cli._state(anywhere=True)
    assert state is not None and state["url"] == "http://127.0.0.1:9"
    assert state["data_dir"] == str(folders["started"].resolve())
    assert oct(folders["runtime"].stat().st_mode & 0o777) == "0o700"
    runs.unregister(os.getpid())
    assert cli._state(anywhere=True) is None


def test_a_pointer_of_a_stopped_launcher_is_dropped(folders: dict[str, Path]) -> None:
    pid = dead_pid()
    runs.register(write_state(folders["started"], pid), pid)
    assert (folders["runtime"] / f"{pid}.json").exists()
    assert runs.running_states() == []
    assert not (folders["runtime"] / f"{pid}.json").exists()


def test_a_pointer_to_another_launchers_state_is_not_believed(folders: dict[str, Path]) -> None:
    # The state file now belongs to another start (another pid): the pointer leads nowhere.
    path = write_state(folders["started"], dead_pid())
    runs.register(path, os.getpid())
    assert runs.running_states() == []


def test_a_runs_folder_others_may_write_in_is_ignored(folders: dict[str, Path]) -> None:
    runs.register(write_state(folders["started"], os.getpid()), os.getpid())
    folders["runtime"].chmod(0o777)
    try:
        assert runs.running_states() == []
    finally:
        folders["runtime"].chmod(0o700)


def test_not_running_says_where_it_looked(
    folders: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOCKCERT_DATA_DIR")
    monkeypatch.chdir(folders["mine"].parent)  # the default data dir, ./.data
    assert cli.cmd_status(argparse.Namespace(json=False)) == 1
    said = capsys.readouterr().out
    assert said.startswith("not running (looked at ")
    assert str(folders["mine"].parent / ".data" / "run" / "state.json") in said and str(folders["runtime"]) in said


def test_status_with_a_data_dir_named_reports_on_that_data_dir(
    folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """MOCKCERT_DATA_DIR names the product asked about: another one running elsewhere is not it."""
    runs.register(write_state(folders["started"], os.getpid()), os.getpid())
    try:
        assert cli.cmd_status(argparse.Namespace(json=True)) == 1
        out = json.loads(capsys.readouterr().out)
        assert out["running"] is False
        assert out["looked_in"] == [str(folders["mine"] / "run" / "state.json")]
        assert cli.cmd_status(argparse.Namespace(json=False)) == 1
        assert capsys.readouterr().out == f"not running (looked at {folders['mine'] / 'run' / 'state.json'})\n"
    finally:
        runs.unregister(os.getpid())
