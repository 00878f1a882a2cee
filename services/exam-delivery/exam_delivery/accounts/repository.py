"""SQL of the accounts. Functions take the connection first (the caller owns the
transaction) and return typed rows."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from exam_delivery.rows import many, one

USER_COLUMNS = "id, username, role, display_name, time_multiplier, group_name, disabled, created_at"

INSERT_USER = f"""
INSERT INTO delivery.users
    (id, username, password_hash, role, display_name, time_multiplier, group_name, username_canonical)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING {USER_COLUMNS}
"""

SELECT_BY_USERNAME = """
SELECT id, username, password_hash, role, display_name, disabled, token_gen
FROM delivery.users WHERE username_canonical = $1
"""

SELECT_USER = f"SELECT {USER_COLUMNS} FROM delivery.users WHERE id = $1"

LIST_USERS = f"""
SELECT {USER_COLUMNS} FROM delivery.users
WHERE ($1::text IS NULL OR role = $1)
ORDER BY role, lower(username)
"""

# A search or a page of users, in the list's order (role, then name) with the id as the last
# tie-break, so a page starts right after the (role, lower(username), id) its cursor names.
# q is a plain substring of the username or the display name (no pattern characters).
_USER_FILTER = """
WHERE ($1::text IS NULL OR role = $1)
  AND ($2::text IS NULL OR group_name = $2)
  AND ($3::text IS NULL OR strpos(lower(username), lower($3)) > 0
                        OR strpos(lower(display_name), lower($3)) > 0)
"""
SEARCH_USERS = f"""
SELECT {USER_COLUMNS} FROM delivery.users
{_USER_FILTER}
  AND ($4::text IS NULL OR (role, lower(username), id) > ($4::text, $5::text, $6::uuid))
ORDER BY role, lower(username), id
LIMIT $7
"""
COUNT_SEARCH = f"SELECT count(*) FROM delivery.users {_USER_FILTER}"

# A cohort for many users at once. Only the group changes: no token is revoked.
SET_GROUP = """
UPDATE delivery.users SET group_name = $2, updated_at = now()
WHERE id = ANY($1::uuid[])
RETURNING id
"""

# Deleting a group's candidates with their attempts: the events waiting in the outbox first
# (they name the attempts), then the attempts (their responses and question tools go with
# them), then the accounts. Returns the counts.
GROUP_CANDIDATES = "SELECT id FROM delivery.users WHERE group_name = $1 AND role = 'candidate' FOR UPDATE"
DELETE_OUTBOX_OF = """
DELETE FROM delivery.outbox o USING delivery.attempts a
WHERE o.attempt_id = a.id AND a.candidate_id = ANY($1::uuid[])
"""
DELETE_ATTEMPTS_OF = "DELETE FROM delivery.attempts WHERE candidate_id = ANY($1::uuid[])"
DELETE_USERS = "DELETE FROM delivery.users WHERE id = ANY($1::uuid[])"

# Kept until the last token such an account could hold has expired ($2: the token lifetime).
REVOKE_DELETED_USERS = """
INSERT INTO delivery.revoked_tokens (jti, user_id, expires_at)
SELECT 'deleted:' || id::text, id, now() + make_interval(secs => $2) FROM unnest($1::uuid[]) AS id
ON CONFLICT (jti) DO NOTHING
RETURNING user_id::text, revoked_seq
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
# Several replicas may boot together: one bootstraps the first accounts, the others see its work.
LOCK_BOOTSTRAP = "SELECT pg_advisory_xact_lock(hashtext('mockcert-bootstrap-accounts'))"

# Both kinds of revocation, in one order: token generations of accounts and single
# tokens ended by "Log out" (a jti, with the expiry after which nobody needs it).
DELETED_TOKEN_GEN = 2147483647  # above any generation a token carries (integer column)

# A deleted account leaves a row "deleted:<id>" in revoked_tokens (its user row is gone): it is
# followed as a token generation no token reaches, so every token of that account is refused.
REVOCATIONS_AFTER = """
SELECT id::text AS user_id, token_gen, revoked_seq, NULL::text AS jti, NULL::timestamptz AS expires_at
FROM delivery.users WHERE revoked_seq > $1
UNION ALL
SELECT user_id::text,
       CASE WHEN jti LIKE 'deleted:%' THEN 2147483647 ELSE 0 END,
       revoked_seq,
       CASE WHEN jti LIKE 'deleted:%' THEN NULL ELSE jti END,
       CASE WHEN jti LIKE 'deleted:%' THEN NULL ELSE expires_at END
FROM delivery.revoked_tokens WHERE revoked_seq > $1
ORDER BY revoked_seq
LIMIT $2
"""

INSERT_REVOKED_TOKEN = """
INSERT INTO delivery.revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (jti) DO NOTHING
RETURNING revoked_seq
"""

# A revoked token past its expiry is refused by its expiry alone; a margin covers clock skew.
PRUNE_REVOKED_TOKENS = "DELETE FROM delivery.revoked_tokens WHERE expires_at < now() - interval '10 minutes'"

# One attempt reserved against a key, atomically (the upsert locks the row): a window that
# has ended starts again; the count goes one past the limit at most, so "granted" is
# attempts <= limit. Returns the seconds left in the window for Retry-After.
RESERVE_LOGIN = """
INSERT INTO delivery.login_throttle AS t (key, window_start, attempts)
VALUES ($1, now(), 1)
ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN t.window_start <= now() - make_interval(secs => $3)
                        THEN now() ELSE t.window_start END,
    attempts     = CASE WHEN t.window_start <= now() - make_interval(secs => $3)
                        THEN 1 ELSE least(t.attempts + 1, $2 + 1) END
RETURNING attempts, window_start,
          greatest(extract(epoch FROM t.window_start + make_interval(secs => $3) - now()), 0)::float8 AS retry_after
"""

# A success gives back its own reservation only, and only in the window that took it.
RELEASE_LOGIN = """
UPDATE delivery.login_throttle SET attempts = greatest(attempts - 1, 0)
WHERE key = $1 AND window_start = $2
"""

# Windows that have ended; a live window is never dropped.
PRUNE_LOGIN_THROTTLE = "DELETE FROM delivery.login_throttle WHERE window_start <= now() - make_interval(secs => $1)"

COUNT_ADMINS = "SELECT count(*) FROM delivery.users WHERE role = 'admin' AND NOT disabled"
COUNT_USERS = "SELECT count(*) FROM delivery.users"
SELECT_MULTIPLIER = "SELECT time_multiplier, group_name FROM delivery.users WHERE id = $1"


class User(msgspec.Struct, frozen=True):
    """USER_COLUMNS."""

    id: uuid.UUID
    username: str
    role: str
    display_name: str
    time_multiplier: float
    group_name: str
    disabled: bool
    created_at: dt.datetime


class UpdatedUser(User, frozen=True):
    token_gen: int
    revoked_seq: int | None


class Credentials(msgspec.Struct, frozen=True):
    id: uuid.UUID
    username: str
    password_hash: str
    role: str
    display_name: str
    disabled: bool
    token_gen: int


class RevocationRow(msgspec.Struct, frozen=True):
    user_id: str
    token_gen: int
    revoked_seq: int
    jti: str | None
    expires_at: dt.datetime | None


class Reservation(msgspec.Struct, frozen=True):
    attempts: int
    window_start: dt.datetime
    retry_after: float


async def insert_user(
    conn: asyncpg.Connection, *, username: str, canonical: str, password_hash: str, role: str,
    display_name: str = "", time_multiplier: float = 1.0, group: str = "",
) -> User | None:
    return one(User, await conn.fetchrow(
        INSERT_USER, uuid.uuid4(), username, password_hash, role, display_name, time_multiplier, group, canonical
    ))


async def by_canonical_username(conn: asyncpg.Connection, canonical: str) -> Credentials | None:
    return one(Credentials, await conn.fetchrow(SELECT_BY_USERNAME, canonical))


async def get_user(conn: asyncpg.Connection, user_id: uuid.UUID) -> User | None:
    return one(User, await conn.fetchrow(SELECT_USER, user_id))


async def list_users(conn: asyncpg.Connection, role: str | None) -> list[User]:
    return many(User, await conn.fetch(LIST_USERS, role))


async def search_users(
    conn: asyncpg.Connection, *, role: str | None, group: str | None, q: str | None,
    after: tuple[str, str, uuid.UUID] | None, limit: int,
) -> list[User]:
    a_role, a_name, a_id = after if after is not None else (None, None, None)
    return many(User, await conn.fetch(SEARCH_USERS, role, group, q, a_role, a_name, a_id, limit))


async def count_search(conn: asyncpg.Connection, *, role: str | None, group: str | None, q: str | None) -> int:
    return int(await conn.fetchval(COUNT_SEARCH, role, group, q))


async def set_group(conn: asyncpg.Connection, ids: list[uuid.UUID], group: str) -> set[uuid.UUID]:
    return {r["id"] for r in await conn.fetch(SET_GROUP, ids, group)}


async def group_candidates(conn: asyncpg.Connection, group: str) -> list[uuid.UUID]:
    return [r["id"] for r in await conn.fetch(GROUP_CANDIDATES, group)]


async def delete_users_and_attempts(
    conn: asyncpg.Connection, ids: list[uuid.UUID], token_ttl_seconds: int
) -> tuple[int, int, list[tuple[str, int]]]:
    """(users deleted, attempts deleted, (user id, revocation number) of each deleted user)."""
    await conn.execute(DELETE_OUTBOX_OF, ids)
    attempts = await conn.execute(DELETE_ATTEMPTS_OF, ids)
    users = await conn.execute(DELETE_USERS, ids)
    revoked = await conn.fetch(REVOKE_DELETED_USERS, ids, float(token_ttl_seconds))
    return int(users.split()[-1]), int(attempts.split()[-1]), [(r["user_id"], r["revoked_seq"]) for r in revoked]


async def update_user(
    conn: asyncpg.Connection, user_id: uuid.UUID, *, display_name: str | None, time_multiplier: float | None,
    group: str | None, password_hash: str | None, disabled: bool | None, role: str | None,
) -> UpdatedUser | None:
    return one(UpdatedUser, await conn.fetchrow(
        UPDATE_USER, user_id, display_name, time_multiplier, group, password_hash, disabled, role
    ))


async def count_admins(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(COUNT_ADMINS))


async def count_users(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(COUNT_USERS))


async def revocations_after(conn: asyncpg.Connection, seq: int, limit: int) -> list[RevocationRow]:
    return many(RevocationRow, await conn.fetch(REVOCATIONS_AFTER, seq, limit))


async def lock_account_changes(conn: asyncpg.Connection) -> None:
    await conn.execute(LOCK_ACCOUNT_CHANGES)


async def lock_bootstrap(conn: asyncpg.Connection) -> None:
    await conn.execute(LOCK_BOOTSTRAP)


async def insert_revoked_token(
    conn: asyncpg.Connection, jti: str, user_id: uuid.UUID, expires_at: dt.datetime
) -> int | None:
    seq = await conn.fetchval(INSERT_REVOKED_TOKEN, jti, user_id, expires_at)
    return None if seq is None else int(seq)


async def prune_revoked_tokens(conn: asyncpg.Connection) -> None:
    await conn.execute(PRUNE_REVOKED_TOKENS)


async def reserve_login(conn: asyncpg.Connection, key: str, limit: int, window_seconds: float) -> Reservation:
    row = one(Reservation, await conn.fetchrow(RESERVE_LOGIN, key, limit, window_seconds))
    assert row is not None  # an upsert always returns its row
    return row


async def release_login(conn: asyncpg.Connection, key: str, window_start: dt.datetime) -> None:
    await conn.execute(RELEASE_LOGIN, key, window_start)


async def prune_login_throttle(conn: asyncpg.Connection, window_seconds: float) -> int:
    status = await conn.execute(PRUNE_LOGIN_THROTTLE, window_seconds)
    return int(status.split()[-1])
