"""Rules of the accounts: login, users, accommodations, the bootstrap admin and demo accounts.

Service functions take the pool and own their transactions."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
import uuid

import asyncpg
import structlog

from exam_delivery.accounts import repository as repo
from exam_delivery.accounts.repository import DELETED_TOKEN_GEN, User
from exam_delivery.accounts.schemas import (
    BulkGroupIn,
    BulkGroupOut,
    DeleteGroupIn,
    DeleteGroupOut,
    LoginOut,
    UserIn,
    UserList,
    UserOut,
    UserPatch,
    UserQuery,
)
from exam_delivery.accounts.usernames import ALLOWED_DESCRIPTION, allowed, canonical_username
from exam_delivery.attempts.service import move_deadlines
from shared.auth import Principal, hash_password, issue_user_token, verify_password
from shared.errors import Problem, field_problem, not_found, uuid_or_404
from shared.revocation import Revocation, RevocationPage, Revocations
from shared.settings import Settings
from shared.times import iso_utc

_log = structlog.get_logger("mockcert.accounts")


def user_out(row: User) -> UserOut:
    return UserOut(
        id=str(row.id),
        username=row.username,
        role=row.role,
        display_name=row.display_name,
        time_multiplier=row.time_multiplier,
        group=row.group_name,
        disabled=row.disabled,
        created_at=iso_utc(row.created_at),
    )


class LoginThrottle:
    """Login attempts per username and per client address, shared by every replica.

    Each attempt is reserved in PostgreSQL (one atomic upsert per key, both keys in
    one transaction) before the password is verified, so no more than `limit`
    wrong passwords per account, nor `address_limit` per address, are ever
    verified in a window, however many arrive at once and on however many
    replicas. A window starts with a key's first attempt and lasts `window_seconds`;
    a success gives its own reservations back (never another attempt's). Windows
    that have ended are pruned; a live one is never forgotten.
    """

    def __init__(self, limit: int = 10, address_limit: int = 100, window_seconds: float = 300.0) -> None:
        self.limit = limit
        self.address_limit = address_limit
        self.window = window_seconds

    async def reserve(self, conn: asyncpg.Connection, canonical: str, address: str) -> list[tuple[str, dt.datetime]]:
        """Reserve one attempt for the address, then the user; 429 with Retry-After if either is spent.

        A refusal rolls back both reservations: the refused attempt counts against nobody. The
        address comes first in every transaction, so two logins never wait on each other in a cycle."""
        keys = ((f"addr:{address}", self.address_limit), (f"user:{canonical}", self.limit))
        granted: list[tuple[str, dt.datetime]] = []
        async with conn.transaction():
            for key, limit in keys:
                row = await repo.reserve_login(conn, key, limit, self.window)
                if row.attempts > limit:
                    retry = int(row.retry_after) + 1
                    raise Problem(429, "too many failed logins; wait before trying again",
                                  headers={"Retry-After": str(retry)})
                granted.append((key, row.window_start))
        return granted

    async def release(self, conn: asyncpg.Connection, granted: list[tuple[str, dt.datetime]]) -> None:
        """A success: give back this attempt's own reservations (in the windows that took them)."""
        async with conn.transaction():
            for key, window_start in granted:
                await repo.release_login(conn, key, window_start)

    async def prune(self, pool: asyncpg.Pool) -> int:
        async with pool.acquire() as conn:
            return await repo.prune_login_throttle(conn, self.window)


def checked_username(username: str, field: str = "username") -> str:
    """The canonical form of a username, or 422 naming the field when it is outside the character set."""
    canonical = canonical_username(username)
    if not allowed(canonical):
        raise field_problem(field, f"a username is {ALLOWED_DESCRIPTION}")
    return canonical


async def login(
    pool: asyncpg.Pool, settings: Settings, throttle: LoginThrottle, username: str, password: str, address: str
) -> LoginOut:
    # One canonical form keys the throttle and finds the account: no spelling reaches the
    # account past its lockout. A name outside the character set names no account.
    canonical = checked_username(username)
    async with pool.acquire() as conn:
        granted = await throttle.reserve(conn, canonical, address)
        row = await repo.by_canonical_username(conn, canonical)
    stored = row.password_hash if row is not None and not row.disabled else None
    if not await verify_password(stored, password) or row is None:
        raise Problem(401, "wrong username or password")  # the reservation stays: a failure counted
    async with pool.acquire() as conn:
        await throttle.release(conn, granted)
    token, expires = issue_user_token(settings, str(row.id), row.role, row.username, row.token_gen)
    return LoginOut(token=token, role=row.role, user_id=str(row.id),
                    expires_at=iso_utc(expires), username=row.username,
                    display_name=row.display_name)


async def logout(pool: asyncpg.Pool, user: Principal, revocations: Revocations) -> None:
    """End this one token everywhere: recorded with its expiry, followed by every service."""
    if not user.jti:
        raise Problem(400, "this token cannot be ended alone; it expires by itself")
    expires = dt.datetime.fromtimestamp(user.expires, dt.UTC)
    async with pool.acquire() as conn, conn.transaction():
        # Numbered in commit order with the account changes (see patch_user).
        await repo.lock_account_changes(conn)
        seq = await repo.insert_revoked_token(conn, user.jti, parse_user_id(user.id), expires)
        await repo.prune_revoked_tokens(conn)
    if seq is not None:
        revocations.apply([Revocation(user.id, 0, seq, jti=user.jti, expires=user.expires)])


async def create_user(pool: asyncpg.Pool, body: UserIn) -> UserOut:
    canonical = checked_username(body.username)
    password_hash = await hash_password(body.password)
    async with pool.acquire() as conn:
        row = await repo.insert_user(
            conn, username=body.username, canonical=canonical,
            password_hash=password_hash, role=body.role,
            display_name=body.display_name, time_multiplier=body.time_multiplier, group=body.group,
        )
    if row is None:
        raise field_problem("username", "this username is taken", status=409)
    return user_out(row)


def parse_user_id(raw: str) -> uuid.UUID:
    return uuid_or_404(raw, "user")


async def get_user(pool: asyncpg.Pool, user_id: uuid.UUID) -> UserOut:
    async with pool.acquire() as conn:
        row = await repo.get_user(conn, user_id)
    if row is None:
        raise not_found("no such user")
    return user_out(row)


async def list_users(pool: asyncpg.Pool, role: str | None) -> UserList:
    async with pool.acquire() as conn:
        rows = await repo.list_users(conn, role)
    return UserList(users=[user_out(r) for r in rows])


DEFAULT_PAGE = 50


def encode_cursor(row: User) -> str:
    """The place after a row in the list's order, as an opaque string."""
    raw = json.dumps([row.role, row.username.lower(), str(row.id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[str, str, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        role, name, user_id = json.loads(raw)
        if not isinstance(role, str) or not isinstance(name, str):
            raise ValueError("not a cursor")
        return role, name, uuid.UUID(user_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise field_problem("cursor", "not a cursor of this list (use next_cursor of the page before)") from None


async def search_users(pool: asyncpg.Pool, query: UserQuery) -> UserList:
    """A page of the users matching role, group and text; the plain list when none of these is asked."""
    if query.q is None and query.group is None and query.limit is None and query.cursor is None:
        return await list_users(pool, query.role)
    after = decode_cursor(query.cursor) if query.cursor else None
    limit = query.limit or DEFAULT_PAGE
    text = query.q.strip() if query.q is not None and query.q.strip() else None
    async with pool.acquire() as conn:
        rows = await repo.search_users(conn, role=query.role, group=query.group, q=text, after=after,
                                       limit=limit + 1)
        total = await repo.count_search(conn, role=query.role, group=query.group, q=text)
    page = rows[:limit]
    more = len(rows) > limit
    return UserList(users=[user_out(r) for r in page], total=total,
                    next_cursor=encode_cursor(page[-1]) if more and page else None)


async def set_group(pool: asyncpg.Pool, body: BulkGroupIn) -> BulkGroupOut:
    """One group for many users (a cohort). Ids that name no user are listed, the others updated."""
    ids: list[uuid.UUID] = []
    malformed: list[str] = []
    for raw in dict.fromkeys(body.ids):
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            malformed.append(raw)
    async with pool.acquire() as conn, conn.transaction():
        done = await repo.set_group(conn, ids, body.group.strip())
    missing = malformed + [str(i) for i in ids if i not in done]
    return BulkGroupOut(updated=len(done), missing=missing)


async def delete_group(
    pool: asyncpg.Pool, body: DeleteGroupIn, revocations: Revocations, token_ttl_seconds: int
) -> DeleteGroupOut:
    """Delete the candidates of a group with their attempts, in one transaction.

    Only candidates: an instructor or admin in the group keeps the account. Their results
    already in scoring stay there (a result is a record); the group `simulated` is left out
    of scoring's statistics (docs/scoring.md). Every token of a deleted account is revoked, on
    every service, as a disabled account's would be."""
    group = body.group.strip()
    if not group:
        raise field_problem("group", "name a group")
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock_account_changes(conn)
        ids = await repo.group_candidates(conn, group)
        users, attempts, revoked = (
            await repo.delete_users_and_attempts(conn, ids, token_ttl_seconds) if ids else (0, 0, [])
        )
    # This replica refuses their tokens from the next request on; the others within a poll.
    revocations.apply([Revocation(user_id, DELETED_TOKEN_GEN, seq) for user_id, seq in revoked])
    _log.info("group_deleted", group=group, users=users, attempts=attempts)
    return DeleteGroupOut(group=group, deleted_users=users, deleted_attempts=attempts)


async def patch_user(
    pool: asyncpg.Pool, user_id: uuid.UUID, body: UserPatch, revocations: Revocations
) -> UserOut:
    password_hash = await hash_password(body.password) if body.password is not None else None
    async with pool.acquire() as conn, conn.transaction():
        # Revocations are numbered by a sequence and followed by "after this number": one
        # account change at a time makes number order commit order, so no poller can move
        # past a number that commits later. Account changes are rare; this costs nothing.
        await repo.lock_account_changes(conn)
        row = await repo.update_user(
            conn, user_id, display_name=body.display_name, time_multiplier=body.time_multiplier,
            group=body.group, password_hash=password_hash, disabled=body.disabled, role=body.role,
        )
        if row is None:
            raise not_found("no such user")
        if (body.role not in (None, "admin") or body.disabled) and await repo.count_admins(conn) == 0:
            # Under the account-changes lock: two admins demoting each other cannot both pass.
            field = "role" if body.role not in (None, "admin") else "disabled"
            raise field_problem(field, "this change would leave no enabled admin", status=409)
        if body.time_multiplier is not None:
            # An accommodation moves the deadline of the candidate's open attempts, in the same transaction.
            await move_deadlines(conn, user_id, body.time_multiplier)
    if row.revoked_seq is not None:
        # This replica refuses the old tokens from the next request on; the others within a poll.
        revocations.apply([Revocation(str(row.id), row.token_gen, row.revoked_seq)])
    return user_out(row)


async def revocations_after(pool: asyncpg.Pool, seq: int, limit: int) -> RevocationPage:
    async with pool.acquire() as conn:
        rows = await repo.revocations_after(conn, seq, limit)
    out = [Revocation(r.user_id, r.token_gen, r.revoked_seq, jti=r.jti or "",
                      expires=int(r.expires_at.timestamp()) if r.expires_at is not None else 0)
           for r in rows]
    return RevocationPage(revocations=out, cursor=out[-1].seq if out else seq)


_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

DEMO_ACCOUNTS = (
    ("admin", "admin", "Demo Admin"),
    ("instructor", "instructor", "Demo Instructor"),
    ("reviewer", "instructor", "Demo Reviewer"),
    ("candidate1", "candidate", "Demo Candidate 1"),
    ("candidate2", "candidate", "Demo Candidate 2"),
    ("candidate3", "candidate", "Demo Candidate 3"),
)


async def bootstrap_accounts(pool: asyncpg.Pool, settings: Settings) -> list[tuple[str, str, str]]:
    """First start: the bootstrap admin, or demo accounts in demo mode. Returns (user, password, role)
    of accounts created now, so the caller can show the passwords once."""
    created: list[tuple[str, str, str]] = []
    async with pool.acquire() as conn, conn.transaction():
        # Several replicas may boot together: one bootstraps, the others see its work.
        await repo.lock_bootstrap(conn)
        if await repo.count_admins(conn) > 0:
            return created
        if settings.admin_user and settings.admin_password:
            canonical = canonical_username(settings.admin_user)
            if not allowed(canonical):
                raise RuntimeError(f"MOCKCERT_ADMIN_USER must be {ALLOWED_DESCRIPTION}")
            await repo.insert_user(conn, username=settings.admin_user, canonical=canonical,
                                   password_hash=await hash_password(settings.admin_password),
                                   role="admin", display_name="Administrator")
            created.append((settings.admin_user, "(from MOCKCERT_ADMIN_PASSWORD)", "admin"))
            _log.info("bootstrap_admin_created", username=settings.admin_user)
        elif settings.demo:
            for username, role, name in DEMO_ACCOUNTS:
                # Letters and digits only: easy to copy, never read as a command-line option.
                password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(14))
                row = await repo.insert_user(conn, username=username, canonical=canonical_username(username),
                                             password_hash=await hash_password(password),
                                             role=role, display_name=name,
                                             group="demo" if role == "candidate" else "")
                if row is not None:
                    created.append((username, password, role))
    return created
