"""The one home of loopback ports and throwaway databases for the launcher, the tests and the benches."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import asyncpg
import pytest

from mockcert import sandbox


def test_a_free_port_can_be_bound_on_loopback():
    port = sandbox.free_port()
    assert 0 < port < 65536
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


async def test_each_database_is_new_empty_and_on_the_same_server(pg_server_url: str):
    first, second = [await sandbox.create_database(pg_server_url, "sandbox") for _ in range(2)]
    names = [urlsplit(u).path.lstrip("/") for u in (first, second)]
    assert names[0] != names[1] and all(n.startswith("sandbox_") and len(n) == 24 for n in names)
    assert {urlsplit(u).netloc for u in (first, second)} == {urlsplit(pg_server_url).netloc}
    conn = await asyncpg.connect(first)
    try:
        assert await conn.fetchval("SELECT current_database()") == names[0]
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        assert tables == 0
    finally:
        await conn.close()


@pytest.mark.parametrize("prefix", ["", "Bench", "t; DROP DATABASE x", "a-b", "x" * 40])
def test_a_database_name_is_only_a_plain_prefix_and_random_hex(prefix: str):
    with pytest.raises(ValueError, match="prefix"):
        sandbox.database_name(prefix)
