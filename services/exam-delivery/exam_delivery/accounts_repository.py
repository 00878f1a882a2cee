"""SQL of the accounts. Functions take the connection first: the caller owns the transaction."""

from __future__ import annotations

import uuid

import asyncpg

USER_COLUMNS = "id, username, role, display_name, time_multiplier, group_name, disabled, created_at"

INSERT_USER = f"""
INSERT INTO delivery.users (id, username, password_hash, role, display_name, time_multiplier, group_name)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT DO NOTHING
RETURNING {USER_COLUMNS}
"""

SELECT_BY_USERNAME = """
SELECT id, username, password_hash, role, display_name, disabled, token_gen
FROM delivery.users WHERE lower(username) = lower($1)
"""

SELECT_USER = f"SELECT {USER_COLUMNS} FROM delivery.users WHERE id = $1"

LIST_USERS = f"""
SELECT {USER_COLUMNS} FROM delivery.users
WHERE ($1::text IS NULL OR role = $1)
ORDER BY role, lower(username)
"""

# Disabling, a role change and a password reset revoke the tokens issued before:
# a new token generation, ordered by revoked_seq. SET expressions see the old row.
_REVOKES = "(($6::boolean IS TRUE AND NOT disabled) OR ($7::text IS NOT NULL AND $7::text <> role) OR $5 IS NOT NULL)"
UPDATE_USER = f"""
UPDATE delivery.users SET
    display_name    = COALESCE($2, display_name),
    time_multiplier = COALESCE($3, time_multiplier),
    group_name      = COALESCE($4, group_name),
    password_hash   = COALESCE($5, password_hash),
    disabled        = COALESCE($6, disabled),
    role            = COALESCE($7, role),
    token_gen       = CASE WHEN {_REVOKES} THEN token_gen + 1 ELSE token_gen END,
    revoked_seq     = CASE WHEN {_REVOKES} THEN nextval('delivery.revocation_seq') ELSE revoked_seq END,
    updated_at      = now()
WHERE id = $1
RETURNING {USER_COLUMNS}, token_gen, revoked_seq
"""

LOCK_ACCOUNT_CHANGES = "SELECT pg_advisory_xact_lock(hashtext('mockcert-account-changes'))"

REVOCATIONS_AFTER = """
SELECT id, token_gen, revoked_seq FROM delivery.users
WHERE revoked_seq > $1
ORDER BY revoked_seq
LIMIT $2
"""

COUNT_ADMINS = "SELECT count(*) FROM delivery.users WHERE role = 'admin' AND NOT disabled"
COUNT_USERS = "SELECT count(*) FROM delivery.users"
SELECT_MULTIPLIER = "SELECT time_multiplier, group_name FROM delivery.users WHERE id = $1"


async def insert_user(
    conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
    display_name: str = "", time_multiplier: float = 1.0, group: str = "",
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        INSERT_USER, uuid.uuid4(), username, password_hash, role, display_name, time_multiplier, group
    )


async def by_username(conn: asyncpg.Connection, username: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_BY_USERNAME, username)


async def get_user(conn: asyncpg.Connection, user_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_USER, user_id)


async def list_users(conn: asyncpg.Connection, role: str | None) -> list[asyncpg.Record]:
    return await conn.fetch(LIST_USERS, role)


async def update_user(
    conn: asyncpg.Connection, user_id: uuid.UUID, *, display_name: str | None, time_multiplier: float | None,
    group: str | None, password_hash: str | None, disabled: bool | None, role: str | None,
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        UPDATE_USER, user_id, display_name, time_multiplier, group, password_hash, disabled, role
    )


async def count_admins(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(COUNT_ADMINS))


async def count_users(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(COUNT_USERS))


async def revocations_after(conn: asyncpg.Connection, seq: int, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(REVOCATIONS_AFTER, seq, limit)


async def lock_account_changes(conn: asyncpg.Connection) -> None:
    await conn.execute(LOCK_ACCOUNT_CHANGES)
