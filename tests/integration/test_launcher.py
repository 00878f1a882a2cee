"""`mockcert run` as a user runs it: embedded PostgreSQL, separate processes,
supervision, a clean stop, and data found again on the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from mockcert import demo_secrets
from shared.auth import issue_user_token
from shared.settings import Settings
from tests.support import free_port

MOCKCERT = str(Path(sys.executable).parent / "mockcert")


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _start(data: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MOCKCERT_MODE")}
    env.update(MOCKCERT_DATA_DIR=str(data), MOCKCERT_HTTP_PORT=str(port), PYTHONUNBUFFERED="1",
               MOCKCERT_RUNTIME_DIR=str(_runtime(data)))
    proc = subprocess.Popen([MOCKCERT, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 180
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if "press Ctrl-C to stop" in line:
            return proc, lines
    proc.kill()
    pytest.fail("mockcert run did not become ready:\n" + "\n".join(lines))


def _state(data: Path) -> dict:
    return json.loads((data / "run" / "state.json").read_text())


def _runtime(data: Path) -> Path:
    """The runs folder of this test's products (mockcert/runs.py), apart from any other run's."""
    return data.parent / "runtime"


def _status(data: Path | None, runtime: Path | None = None) -> dict:
    env = {**os.environ, "MOCKCERT_RUNTIME_DIR": str(runtime or _runtime(data))}
    env.pop("MOCKCERT_DATA_DIR", None)
    if data is not None:  # a named data dir is reported on alone; without one the runs folder is followed
        env["MOCKCERT_DATA_DIR"] = str(data)
    out = subprocess.run([MOCKCERT, "status", "--json"], env=env, capture_output=True, text=True, timeout=30)
    return json.loads(out.stdout)


def _stop(proc: subprocess.Popen[str], sig: int) -> list[str]:
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out.splitlines()


async def test_run_supervise_stop_and_restart(tmp_path):
    data = tmp_path / "data"
    port = free_port()
    proc, lines = _start(data, port)
    pids: list[int] = []
    try:
        url = f"http://127.0.0.1:{port}"
        assert any(f"ready: open {url}" in line for line in lines), lines
        accounts = {ln.split()[1]: ln.split()[2] for ln in lines if ln.startswith("[mockcert]   ")}
        assert {"admin", "instructor", "candidate1"} <= set(accounts), lines
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/api/health") as resp:
                assert resp.status == 200
            async with session.post(f"{url}/api/auth/login",
                                    json={"username": "admin", "password": accounts["admin"]}) as resp:
                assert resp.status == 200
                admin_id = (await resp.json())["user_id"]
            # Demo mode made its own secrets in the data folder (owner-only), and the running services use
            # them: a token minted with the file's secret is accepted, as the benches mint theirs.
            secrets_file = data / "secrets.json"
            assert secrets_file.stat().st_mode & 0o777 == 0o600
            kept = demo_secrets.read(data)
            minted, _ = issue_user_token(Settings(service="exam-delivery", database_url="-", mode="demo",
                                                  jwt_secret=kept.jwt_secret, service_secret=kept.service_secret),
                                         admin_id, "admin", "admin")
            async with session.get(f"{url}/api/users", headers={"Authorization": f"Bearer {minted}"}) as resp:
                assert resp.status == 200

        status = _status(data)
        assert set(status["services"]) >= {"item-bank", "exam-delivery", "scoring", "entry"}
        # Found without a data dir named, naming the one it was started with; another named
        # data dir is reported on alone (not running).
        found = _status(None, _runtime(data))
        assert found["running"] and found["data_dir"] == str(data.resolve())
        assert not _status(tmp_path / "elsewhere", _runtime(data))["running"]
        assert found["url"] == status["url"]
        for name in ("item-bank", "exam-delivery", "scoring"):
            svc = status["services"][name]
            assert svc["health"] == "ok" and _alive(svc["pid"]) and svc["port"] > 0

        # Supervision: a service killed outright comes back by itself.
        victim = status["services"]["scoring"]["pid"]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            st = _status(data)
            svc = st["services"]["scoring"]
            if svc["pid"] != victim and svc["health"] == "ok":
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"scoring was not restarted: {st}")
        assert svc["restarts"] == 1

        state = _state(data)
        pids = [p["pid"] for p in state["processes"].values()] + [state["database_pid"], state["launcher_pid"]]
        assert all(_alive(p) for p in pids)
    finally:
        out = _stop(proc, signal.SIGINT)
    assert any("stopped" in line for line in out)
    time.sleep(0.5)
    left = [p for p in pids if _alive(p)]
    assert not left, f"processes left behind after Ctrl-C: {left}"
    assert not (data / "run" / "state.json").exists()
    gone = _status(None, _runtime(data))
    assert not gone["running"] and gone["looked_in"][1] == str(_runtime(data)), gone
    assert list(_runtime(data).glob("*.json")) == []  # the launcher took its pointer away

    # A second start finds its data: no migration to apply, the same accounts still log in.
    kept_bytes = secrets_file.read_bytes()
    proc, lines = _start(data, port)
    try:
        assert any("migrations: up to date" in line for line in lines), lines
        assert secrets_file.read_bytes() == kept_bytes  # the same secrets: earlier tokens stay valid
        again = {ln.split()[1]: ln.split()[2] for ln in lines if ln.startswith("[mockcert]   ")}
        assert again == accounts
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/api/auth/login",
                                    json={"username": "admin", "password": accounts["admin"]}) as resp:
                assert resp.status == 200
    finally:
        _stop(proc, signal.SIGTERM)


async def test_cli_migrate_and_users_create(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([MOCKCERT, *args], env=env, capture_output=True, text=True, timeout=60)

    first = cli("migrate")
    assert first.returncode == 0, first.stderr
    assert "001_accounts.sql" in first.stdout
    assert cli("migrate").stdout.count("up to date") == 3
    made = cli("users", "create", "--username", "ann.coder", "--password", "long-password-1", "--role",
               "instructor")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["role"] == "instructor"
    assert cli("users", "create", "--username", "ann.coder", "--password", "long-password-1", "--role",
               "instructor").returncode == 1
    assert cli("users", "create", "--username", "x", "--password", "short", "--role", "admin").returncode == 2
