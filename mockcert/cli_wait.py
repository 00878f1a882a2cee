"""`mockcert wait-migrations`: wait until the database holds every migration this build ships.

The services' pods run it as an init container on Kubernetes (deploy/k8s/): the migration
Job applies the migrations once (`mockcert migrate`, under its advisory lock), and a pod
starts its service only when the schema is the one its code expects. It never applies
anything itself, and needs MOCKCERT_DIRECT_DATABASE_URL or DATABASE_URL (it never starts an
embedded database); it asks with asyncpg's statement cache off, so either may name PgBouncer."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from typing import Any

import asyncpg

from mockcert.database import SCHEMAS
from shared.db import migration_files

# One constant per schema: identifiers cannot be $-parameters.
SCHEMA_TABLE_EXISTS = "SELECT to_regclass($1) IS NOT NULL"
APPLIED_VERSIONS = {
    "item_bank": "SELECT version FROM item_bank.schema_migrations",
    "delivery": "SELECT version FROM delivery.schema_migrations",
    "scoring": "SELECT version FROM scoring.schema_migrations",
}


async def pending_migrations(dsn: str) -> list[str]:
    """`schema/NNN_name.sql` for each migration of this build not yet applied."""
    conn = await asyncpg.connect(dsn, timeout=10, statement_cache_size=0)
    try:
        missing: list[str] = []
        for schema, package in SCHEMAS:
            done: set[int] = set()
            if await conn.fetchval(SCHEMA_TABLE_EXISTS, f"{schema}.schema_migrations"):
                done = {int(r["version"]) for r in await conn.fetch(APPLIED_VERSIONS[schema])}
            missing += [f"{schema}/{name}" for version, name, _ in migration_files(package) if version not in done]
        return missing
    finally:
        await conn.close()


async def wait_for_migrations(dsn: str, timeout: float, interval: float = 2.0) -> list[str]:
    """Poll until nothing is pending or the timeout passes; return what is still pending."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            missing = await pending_migrations(dsn)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:  # the database may not answer yet
            missing = [f"database not reachable ({type(exc).__name__})"]
        if not missing or time.monotonic() >= deadline:
            return missing
        sys.stderr.write(f"waiting for migrations: {', '.join(missing[:5])}\n")
        await asyncio.sleep(interval)


def cmd_wait_migrations(args: argparse.Namespace) -> int:
    dsn = os.environ.get("MOCKCERT_DIRECT_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not dsn:
        sys.stderr.write("MOCKCERT_DIRECT_DATABASE_URL or DATABASE_URL is required\n")
        return 2
    missing = asyncio.run(wait_for_migrations(dsn, args.timeout, args.interval))
    if missing:
        sys.stderr.write(f"migrations still pending after {args.timeout:g} s: {', '.join(missing)}\n")
        return 1
    sys.stdout.write("migrations: up to date\n")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("wait-migrations", help="wait until every migration of this build is applied",
                              description=__doc__)
    p.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds (default 600)")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between checks (default 2)")
    p.set_defaults(func=cmd_wait_migrations)
