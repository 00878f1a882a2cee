"""Rules of the accounts: login, users, accommodations, the bootstrap admin and demo accounts."""

from __future__ import annotations

import secrets
import time
import uuid
from collections import deque

import asyncpg
import structlog

from exam_delivery import accounts_repository as repo
from exam_delivery.accounts_schemas import LoginOut, UserIn, UserOut, UserPatch
from exam_delivery.attempts import move_deadlines
from shared.auth import hash_password, issue_user_token, verify_password
from shared.errors import Problem, field_problem, not_found
from shared.revocation import Revocation, RevocationPage, Revocations
from shared.settings import Settings
from shared.times import iso_utc

_log = structlog.get_logger("mockcert.accounts")


def user_out(row: asyncpg.Record) -> UserOut:
    return UserOut(
        id=str(row["id"]),
        username=row["username"],
        role=row["role"],
        display_name=row["display_name"],
        time_multiplier=float(row["time_multiplier"]),
        group=row["group_name"],
        disabled=row["disabled"],
        created_at=iso_utc(row["created_at"]),
    )


class LoginThrottle:
    """Failed logins per username and per client address in a sliding window.

    Kept in memory: per replica, which bounds guessing to (limit x replicas) per
    window; enough for a brute-force brake without a shared store.
    """

    def __init__(self, limit: int = 10, address_limit: int = 100, window_seconds: float = 300.0) -> None:
        self.limit = limit
        self.address_limit = address_limit
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            q = self._recent(key, now)
            if len(q) >= (self.address_limit if key.startswith("addr:") else self.limit):
                retry = int(self.window - (now - q[0])) + 1
                raise Problem(429, "too many failed logins; wait before trying again",
                              headers={"Retry-After": str(retry)})

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)
        if len(self._failures) > 100_000:  # bound memory under a spray of usernames
            self._failures.clear()

    def succeed(self, key: str) -> None:
        self._failures.pop(key, None)


async def login(
    pool: asyncpg.Pool, settings: Settings, throttle: LoginThrottle, username: str, password: str, address: str
) -> LoginOut:
    keys = (f"user:{username.lower()}", f"addr:{address}")
    throttle.check(*keys)
    async with pool.acquire() as conn:
        row = await repo.by_username(conn, username)
    stored = row["password_hash"] if row is not None and not row["disabled"] else None
    if not await verify_password(stored, password):
        throttle.fail(*keys)
        raise Problem(401, "wrong username or password")
    assert row is not None
    throttle.succeed(keys[0])
    token, expires = issue_user_token(settings, str(row["id"]), row["role"], row["username"], row["token_gen"])
    return LoginOut(token=token, role=row["role"], user_id=str(row["id"]),
                    expires_at=iso_utc(expires), username=row["username"],
                    display_name=row["display_name"])


async def create_user(conn: asyncpg.Connection, body: UserIn) -> UserOut:
    row = await repo.insert_user(
        conn, username=body.username, password_hash=await hash_password(body.password), role=body.role,
        display_name=body.display_name, time_multiplier=body.time_multiplier, group=body.group,
    )
    if row is None:
        raise field_problem("username", "this username is taken", status=409)
    return user_out(row)


def parse_user_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise not_found("no such user") from None


async def patch_user(
    conn: asyncpg.Connection, user_id: uuid.UUID, body: UserPatch, revocations: Revocations
) -> UserOut:
    password_hash = await hash_password(body.password) if body.password is not None else None
    async with conn.transaction():
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
        if body.time_multiplier is not None:
            # An accommodation moves the deadline of the candidate's open attempts, in the same transaction.
            await move_deadlines(conn, user_id, body.time_multiplier)
    if row["revoked_seq"] is not None:
        # This replica refuses the old tokens from the next request on; the others within a poll.
        revocations.apply([Revocation(str(row["id"]), row["token_gen"], row["revoked_seq"])])
    return user_out(row)


async def revocations_after(pool: asyncpg.Pool, seq: int, limit: int) -> RevocationPage:
    async with pool.acquire() as conn:
        rows = await repo.revocations_after(conn, seq, limit)
    out = [Revocation(str(r["id"]), r["token_gen"], r["revoked_seq"]) for r in rows]
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
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('mockcert-bootstrap-accounts'))")
        if await repo.count_admins(conn) > 0:
            return created
        if settings.admin_user and settings.admin_password:
            await repo.insert_user(conn, username=settings.admin_user,
                                   password_hash=await hash_password(settings.admin_password),
                                   role="admin", display_name="Administrator")
            created.append((settings.admin_user, "(from MOCKCERT_ADMIN_PASSWORD)", "admin"))
            _log.info("bootstrap_admin_created", username=settings.admin_user)
        elif settings.demo:
            for username, role, name in DEMO_ACCOUNTS:
                # Letters and digits only: easy to copy, never read as a command-line option.
                password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(14))
                row = await repo.insert_user(conn, username=username, password_hash=await hash_password(password),
                                             role=role, display_name=name,
                                             group="demo" if role == "candidate" else "")
                if row is not None:
                    created.append((username, password, role))
    return created
