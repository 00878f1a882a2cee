"""The asyncpg pool as an app resource, and versioned SQL migrations.

Migrations are `NNN_name.sql` files in a service's `migrations/` folder, applied
in order inside one transaction each, under a PostgreSQL advisory lock keyed by
the schema, so replicas starting together on an empty database do not race.

Through PgBouncer in transaction mode (`Settings.pgbouncer`), consecutive statements
outside a transaction may run on different server connections, so nothing here keeps
session state: the migration lock is transaction-scoped and taken again in each
file's transaction, the pool's connections have no statement cache and no reset query
(`pool_options`), and the migrations run on `Settings.direct_database_url` when set.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path

import asyncpg
import msgspec
import structlog
from aiohttp import web

from shared.settings import Settings

POOL_KEY = web.AppKey("pool", asyncpg.Pool)
# What the pool runs on a connection it takes back (None: asyncpg's reset query).
Reset = Callable[[asyncpg.Connection], Awaitable[None]]
_log = structlog.get_logger("mockcert.db")
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_FILE_RE = re.compile(r"^(\d{3,})_[a-z0-9_]+\.sql$")
# Transaction-scoped: released at the transaction's end, whichever server connection ran it.
LOCK_MIGRATIONS = "SELECT pg_advisory_xact_lock(hashtext($1))"


def _encode_json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=_encode_json, decoder=msgspec.json.decode, schema="pg_catalog")


class PoolerConnection(asyncpg.Connection):
    """A connection through a transaction pooler. With the statement cache off asyncpg still
    prepares a cursor's statement by name, from a counter of its own process: the same name
    made in two processes can meet on one server connection of the pooler ("prepared
    statement ... already exists"), where the statement outlives its transaction. Here
    every name is unique. (The pooler's `server_lifetime` bounds what stays behind.)"""

    def _get_unique_id(self, prefix: str) -> str:
        return f"__asyncpg_{prefix}_{uuid.uuid4().hex}__"


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


def pool_options(pgbouncer: bool, reset: Reset | None = None) -> dict[str, object]:
    """asyncpg's connection options for a pool (and `reset`, what it runs on release).

    Through PgBouncer in transaction mode a connection's statements may each run on another
    server connection: no statement cache (a cached statement is prepared on one server
    connection and used on another), and no reset query either, which would run on whichever
    server connection PgBouncer lends (there is no session state to reset)."""
    if not pgbouncer:
        return {"reset": reset}
    return {"statement_cache_size": 0, "connection_class": PoolerConnection, "reset": _no_reset}


async def create_pool(dsn: str, min_size: int = 2, max_size: int = 10, *, reset: Reset | None = None,
                      pgbouncer: bool = False) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=init_connection, command_timeout=30,
        max_inactive_connection_lifetime=300, **pool_options(pgbouncer, reset),
    )
    async with pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return pool


def pool_ctx(settings: Settings, *, reset: Reset | None = None) -> Callable[[web.Application], AsyncIterator[None]]:
    """The app's one pool, under POOL_KEY; `reset` replaces asyncpg's reset query on release."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        _log.info("db_connect", pool_max=settings.db_pool_max)  # never the DSN: it may hold a password
        pool = await create_pool(settings.database_url, settings.db_pool_min, settings.db_pool_max, reset=reset,
                                 pgbouncer=settings.pgbouncer)
        app[POOL_KEY] = pool
        yield
        await pool.close()

    return ctx


def migration_files(package: str) -> list[tuple[int, str, str]]:
    folder = resources.files(package).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _FILE_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"duplicate migration versions in {package}")
    return found


async def apply_migrations(conn: asyncpg.Connection, schema: str, package: str) -> list[str]:
    """Apply what is missing; return the names applied (empty when up to date)."""
    if not _SCHEMA_RE.match(schema):
        raise ValueError(f"bad schema name {schema!r}")
    files = migration_files(package)
    applied: list[str] = []
    key = f"mockcert-migrate:{schema}"
    # The lock is transaction-scoped, so it holds on a direct connection and through PgBouncer in
    # transaction mode alike: taken for the schema's creation, then again in each missing file's
    # transaction, which checks under it that no other replica applied the file meanwhile.
    async with conn.transaction():
        await conn.execute(LOCK_MIGRATIONS, key)
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch(f"SELECT version FROM {schema}.schema_migrations")}
    for version, name, sql in files:
        if version in done:
            continue
        async with conn.transaction():
            await conn.execute(LOCK_MIGRATIONS, key)
            if await conn.fetchval(f"SELECT 1 FROM {schema}.schema_migrations WHERE version = $1", version):
                continue  # another replica applied it while this one waited for the lock
            await conn.execute(sql)
            await conn.execute(
                f"INSERT INTO {schema}.schema_migrations (version, name) VALUES ($1, $2)", version, name
            )
        applied.append(name)
        _log.info("migration_applied", schema=schema, migration=name)
    return applied


def migrations_dsn(settings: Settings) -> str:
    """Where the migrations run: PostgreSQL itself when the direct URL is set, else DATABASE_URL."""
    return settings.direct_database_url or settings.database_url


async def migrate(dsn: str, schema: str, package: str) -> list[str]:
    # No statement cache: the URL may name PgBouncer in transaction mode.
    conn = await asyncpg.connect(dsn, statement_cache_size=0)
    try:
        return await apply_migrations(conn, schema, package)
    finally:
        await conn.close()


def sql_file(package: str, name: str) -> str:
    return Path(str(resources.files(package).joinpath(name))).read_text(encoding="utf-8")
