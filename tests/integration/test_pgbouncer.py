"""Debian's PgBouncer in transaction mode in front of the test database, with every service's
DATABASE_URL pointing at it (MOCKCERT_PGBOUNCER=1): the migrations (two replicas at once), the
sample bank loaded with COPY, an attempt started, saved and submitted, another expired by the
sweeper, both delivered by the outbox and scored, a disabled account refused by every service.
PgBouncer's admin console (SHOW POOLS, SHOW STATS) shows that the traffic went through it and
that it never opened more server connections than its pool allows, while the services held
more client connections than that.

In transaction mode consecutive statements outside a transaction may run on different server
connections: a cached prepared statement, a session-level advisory lock or a statement name
made twice would break here (see shared/db.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg
import asyncpg.connection
import pytest

from mockcert.database import SCHEMAS
from mockcert.sandbox import create_database, free_port
from shared.db import POOL_KEY, migrate, migration_files
from tests.delivery_support import pass_deadlines, wait_for, wait_for_bank
from tests.support import Stack, start_stack

POOL_SIZE = 5  # server connections PgBouncer may open per database: fewer than the services' clients
LIMIT = 600  # the short blueprint's time limit: nothing falls due unless the test moves the deadline


# ---------------------------------------------------------------- PgBouncer, started for the module


@dataclass
class Server:
    """Where the PostgreSQL server is, taken from its URL (TCP or a socket folder)."""

    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> Server:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        host = parts.hostname or query.get("host", "127.0.0.1")
        return cls(host=host, port=int(parts.port or query.get("port", 5432)),
                   user=unquote(parts.username or query.get("user", "postgres")),
                   password=unquote(parts.password or query.get("password", "")))


@dataclass
class Bouncer:
    port: int
    user: str
    log: Path

    def url(self, database: str) -> str:
        """A client's URL for `database` through PgBouncer (trust: no password asked)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"


def pgbouncer_exe() -> str:
    exe = shutil.which("pgbouncer") or next((p for p in ("/usr/sbin/pgbouncer",) if Path(p).exists()), None)
    if exe is None:
        pytest.fail("pgbouncer is missing: `make test` installs Debian's pgbouncer (scripts/system-deps.sh)")
    return exe


def pgbouncer_ini(server: Server, port: int, folder: Path) -> str:
    target = f"host={server.host} port={server.port} user={server.user}"
    if server.password:
        target += f" password={server.password}"
    return "\n".join([
        "[databases]",
        f"* = {target}",  # every database of the test server, each with a pool of its own
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder / 'userlist.txt'}",
        f"admin_users = {server.user}",
        "pool_mode = transaction",
        f"default_pool_size = {POOL_SIZE}",
        "min_pool_size = 0",
        "reserve_pool_size = 0",
        f"max_db_connections = {POOL_SIZE}",
        "max_client_conn = 200",
        "log_connections = 0",
        "log_disconnections = 0",
        "",
    ])


def run_as(server: Server) -> str | None:
    """PgBouncer refuses to run as root: under root it runs as the user who owns the database's
    socket folder (the only other user who can reach the socket), or as nobody for a TCP server."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwuid(Path(server.host).stat().st_uid).pw_name if server.host.startswith("/") else "nobody"


@contextlib.contextmanager
def running_pgbouncer(server_url: str) -> Iterator[Bouncer]:
    exe = pgbouncer_exe()
    server = Server.from_url(server_url)
    folder = Path(tempfile.mkdtemp(prefix="mockcert-pgbouncer-"))
    port = free_port()
    (folder / "userlist.txt").write_text(f'"{server.user}" ""\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(pgbouncer_ini(server, port, folder))
    user = run_as(server)
    if user is not None:
        for path in (folder, folder / "userlist.txt", ini):
            shutil.chown(path, user)
    log = folder / "pgbouncer.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([exe, *(["-u", user] if user else []), str(ini)], stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"pgbouncer did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)
        yield Bouncer(port=port, user=server.user, log=log)
    finally:
        proc.send_signal(signal.SIGINT)  # PgBouncer's safe shutdown
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


async def admin_console(bouncer: Bouncer, command: str) -> list[dict[str, str | None]]:
    """A SHOW command on PgBouncer's admin console (the `pgbouncer` database), which speaks only
    the simple query protocol: the rows as column -> text."""
    reader, writer = await asyncio.open_connection("127.0.0.1", bouncer.port)
    try:
        params = b"".join(k.encode() + b"\0" + v.encode() + b"\0"
                          for k, v in (("user", bouncer.user), ("database", "pgbouncer"))) + b"\0"
        writer.write(struct.pack("!ii", 8 + len(params), 196608) + params)
        writer.write(b"Q" + struct.pack("!i", 4 + len(command) + 1) + command.encode() + b"\0")
        await writer.drain()
        columns: list[str] = []
        rows: list[dict[str, str | None]] = []
        queried = False
        while True:
            kind, size = struct.unpack("!ci", await reader.readexactly(5))
            body = await reader.readexactly(size - 4)
            if kind == b"E":
                raise AssertionError(f"pgbouncer's console refused {command!r}: {body!r}")
            if kind == b"T":
                (count,), at = struct.unpack_from("!h", body), 2
                for _ in range(count):
                    end = body.index(b"\0", at)
                    columns.append(body[at:end].decode())
                    at = end + 1 + 18
            elif kind == b"D":
                (count,), at = struct.unpack_from("!h", body), 2
                values: list[str | None] = []
                for _ in range(count):
                    (length,) = struct.unpack_from("!i", body, at)
                    at += 4
                    values.append(None if length < 0 else body[at:at + length].decode())
                    at += max(length, 0)
                rows.append(dict(zip(columns, values, strict=True)))
            elif kind == b"Z":
                if queried:
                    return rows
                queried = True  # the first ReadyForQuery ends the log-in; the second, the command
        # (unreachable: the loop returns at the command's ReadyForQuery)
    finally:
        writer.write(b"X" + struct.pack("!i", 4))
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def pool_row(bouncer: Bouncer, database: str) -> dict[str, str | None]:
    rows = [r for r in await admin_console(bouncer, "SHOW POOLS") if r["database"] == database]
    assert len(rows) == 1, rows
    return rows[0]


def server_connections(row: dict[str, str | None]) -> int:
    return sum(int(row[k] or 0) for k in ("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"))


@contextlib.asynccontextmanager
async def sampling(bouncer: Bouncer, database: str) -> AsyncIterator[list[dict[str, int]]]:
    """SHOW POOLS every 50 ms while the block runs: clients and server connections of `database`."""
    samples: list[dict[str, int]] = []
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            rows = [r for r in await admin_console(bouncer, "SHOW POOLS") if r["database"] == database]
            for row in rows:
                samples.append({"clients": int(row["cl_active"] or 0) + int(row["cl_waiting"] or 0),
                                "servers": server_connections(row)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.05)

    task = asyncio.create_task(sample())
    try:
        yield samples
    finally:
        stop.set()
        await task


@pytest.fixture(scope="module")
def bouncer(pg_server_url: str) -> Iterator[Bouncer]:
    with running_pgbouncer(pg_server_url) as running:
        yield running


@pytest.fixture(scope="module")
async def through(bouncer: Bouncer, database_url: str) -> AsyncIterator[Stack]:
    """The stack with every service's DATABASE_URL naming PgBouncer, and no direct URL: its
    migrations at start go through PgBouncer too."""
    async with start_stack(bouncer.url(database_of(database_url)), pgbouncer=True, seed_sample_bank=True,
                           sweep_interval_seconds=0.2, outbox_poll_seconds=0.2,
                           revocation_poll_seconds=0.2) as stack:
        yield stack


# ---------------------------------------------------------------- the tests


async def test_migrations_through_pgbouncer_two_replicas_at_once_leave_no_lock_behind(bouncer, pg_server_url):
    direct = await create_database(pg_server_url)
    url = bouncer.url(database_of(direct))
    # Two replicas of each service migrate their schema at the same time on an empty database.
    results = await asyncio.gather(*(migrate(url, schema, package) for schema, package in SCHEMAS * 2))
    for (schema, package), first, second in zip(SCHEMAS, results[:3], results[3:], strict=True):
        names = [name for _, name, _ in migration_files(package)]
        assert sorted(first + second) == names, (schema, first, second)  # each file applied once
    conn = await asyncpg.connect(direct)
    try:
        for schema, package in SCHEMAS:
            versions = {r["version"] for r in await conn.fetch(f"SELECT version FROM {schema}.schema_migrations")}
            assert versions == {v for v, _, _ in migration_files(package)}, schema
        # No advisory lock is held by any server connection PgBouncer keeps open.
        held = await conn.fetchval(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            " WHERE l.locktype = 'advisory' AND d.datname = $1", database_of(direct))
        assert held == 0
    finally:
        await conn.close()
    # Once more: nothing to apply, and nothing waits for a lock left behind.
    again = await asyncio.wait_for(asyncio.gather(*(migrate(url, s, p) for s, p in SCHEMAS)), timeout=30)
    assert again == [[], [], []]


async def _short_blueprint(stack: Stack) -> str:
    status, out = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json={
        "name": f"Short {uuid.uuid4().hex[:6]}", "time_limit_seconds": LIMIT, "cut_score_percent": 70,
        "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}]})
    assert status == 201, out
    return str(out["id"])


async def _start(stack: Stack, blueprint_id: str) -> tuple[str, str, str]:
    """A new candidate's attempt: (user id, token, attempt id)."""
    user_id, token = await stack.new_user("candidate")
    status, body = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, body
    return user_id, token, str(body["id"])


async def _save_all(stack: Stack, token: str, attempt_id: str, choice: str) -> None:
    for position in range(1, 5):
        status, body = await stack.request("PUT", f"/api/attempts/{attempt_id}/responses/{position}", token,
                                           json={"selected": choice})
        assert status == 200 and body["selected"] == choice, body


async def _scored(stack: Stack, token: str, attempt_id: str) -> dict:
    async def result() -> dict | None:
        status, body = await stack.request("GET", f"/api/results/{attempt_id}", token)
        assert status in (200, 202), (status, body)
        return body if status == 200 else None

    return await wait_for(result, timeout=30, what=f"the result of {attempt_id}")  # type: ignore[no-any-return]


async def test_the_exam_path_runs_through_pgbouncer_in_transaction_mode(through, bouncer, database_url):
    stack = through
    database = database_of(database_url)
    before = {r["database"]: r for r in await admin_console(bouncer, "SHOW STATS")}.get(database)
    async with sampling(bouncer, database) as samples:
        await wait_for_bank(stack)  # the item bank's sample bank (COPY), followed by delivery's feed
        blueprint_id = await _short_blueprint(stack)
        # Six candidates at once: each starts, saves every answer, the first five submit.
        started = await asyncio.gather(*(_start(stack, blueprint_id) for _ in range(6)))
        await asyncio.gather(*(_save_all(stack, token, attempt, "B") for _, token, attempt in started))
        for _, token, attempt in started[:5]:
            status, body = await stack.request("POST", f"/api/attempts/{attempt}/submit", token)
            assert status == 200 and body["status"] == "submitted", body
        # The sixth runs out of time: its deadline moved into the past on the database clock.
        _, late_token, late_attempt = started[5]
        conn = await asyncpg.connect(database_url)
        try:
            await pass_deadlines(conn, [late_attempt])
        finally:
            await conn.close()

        async def expired() -> bool:
            status, body = await stack.request("GET", f"/api/attempts/{late_attempt}", late_token)
            return status == 200 and body["status"] == "expired"

        await wait_for(expired, timeout=30, what="the sweeper to submit the late attempt")
        # The outbox delivers every submission to scoring, which scores it.
        for _, token, attempt in started:
            result = await _scored(stack, token, attempt)
            assert result["status"] == "scored" and result["question_count"] == 4, result
        # A disabled candidate's token is refused by delivery at once and by scoring and the item
        # bank once their revocation pollers (through PgBouncer too) have heard of it.
        user_id, token, attempt = started[0]
        assert (await stack.request("GET", "/api/domains", token))[0] == 200
        status, body = await stack.request("PATCH", f"/api/users/{user_id}", await stack.admin_token(),
                                           json={"disabled": True})
        assert status == 200 and body["disabled"] is True, body
        for path in ("/api/me", f"/api/results/{attempt}", "/api/domains"):
            async def refused(path: str = path) -> bool:
                return (await stack.request("GET", path, token))[0] == 401

            await wait_for(refused, timeout=15, what=f"{path} to refuse the disabled candidate")
    # The traffic went through PgBouncer, in transaction mode, ...
    pool = await pool_row(bouncer, database)
    assert pool["pool_mode"] == "transaction", pool
    stats = {r["database"]: r for r in await admin_console(bouncer, "SHOW STATS")}[database]
    done = int(stats["total_xact_count"] or 0) - int((before or {}).get("total_xact_count") or 0)
    assert done > 6 * 4 + 6, stats  # at least a transaction per save and per start, more in fact
    assert int(stats["total_query_count"] or 0) > done
    # ... over at most POOL_SIZE server connections, while the services held more clients than that.
    assert samples, "no sample of SHOW POOLS"
    assert max(s["servers"] for s in samples) <= POOL_SIZE, samples
    assert max(s["clients"] for s in samples) > POOL_SIZE, samples
    servers = [r for r in await admin_console(bouncer, "SHOW SERVERS") if r["database"] == database]
    assert 0 < len(servers) <= POOL_SIZE, servers


async def test_statement_names_never_meet_on_a_server_connection(through):
    """A cursor's statement is prepared by name even with the statement cache off, and outlives its
    transaction on the server connection PgBouncer lent. Two processes name their statements from
    counters of their own: the counter set back to the same value here is what two replicas that
    started together have. The second cursor lands on the server connection the first used."""
    pool = through.apps["item-bank"][POOL_KEY]
    counter = asyncpg.connection._uid  # type: ignore[attr-defined]
    try:
        async with pool.acquire() as first, pool.acquire() as second:
            for conn in (first, second):
                asyncpg.connection._uid = 0  # type: ignore[attr-defined]  # as in a process just started
                async with conn.transaction():
                    rows = [r async for r in conn.cursor("SELECT generate_series(1, 3) AS n")]
                assert [r["n"] for r in rows] == [1, 2, 3]
    finally:
        # The process's other connections go on with names they have not used yet.
        asyncpg.connection._uid = counter + 1_000_000  # type: ignore[attr-defined]
