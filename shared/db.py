"""The asyncpg pool as an app resource, and versioned SQL migrations.

Migrations are `NNN_name.sql` files in a service's `migrations/` folder, applied
in order inside one transaction each, under a PostgreSQL advisory lock keyed by
the schema, so replicas starting together on an empty database do not race.
"""

from __future__ import annotations

import re
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


def _encode_json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=_encode_json, decoder=msgspec.json.decode, schema="pg_catalog")


async def create_pool(dsn: str, min_size: int = 2, max_size: int = 10, *, reset: Reset | None = None) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=init_connection, command_timeout=30,
        max_inactive_connection_lifetime=300, reset=reset,
    )
    async with pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return pool


def pool_ctx(settings: Settings, *, reset: Reset | None = None) -> Callable[[web.Application], AsyncIterator[None]]:
    """The app's one pool, under POOL_KEY; `reset` replaces asyncpg's reset query on release."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        _log.info("db_connect", pool_max=settings.db_pool_max)  # never the DSN: it may hold a password
        pool = await create_pool(settings.database_url, settings.db_pool_min, settings.db_pool_max, reset=reset)
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
    # Session-level lock: held across the per-file transactions below.
    await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"mockcert-migrate:{schema}")
    try:
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
                await conn.execute(sql)
                await conn.execute(
                    f"INSERT INTO {schema}.schema_migrations (version, name) VALUES ($1, $2)", version, name
                )
            applied.append(name)
            _log.info("migration_applied", schema=schema, migration=name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"mockcert-migrate:{schema}")
    return applied


async def migrate(dsn: str, schema: str, package: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return await apply_migrations(conn, schema, package)
    finally:
        await conn.close()


def sql_file(package: str, name: str) -> str:
    return Path(str(resources.files(package).joinpath(name))).read_text(encoding="utf-8")
