"""The login guard: a throttle shared by every delivery replica and reserved before the password
is checked, one canonical form of a username, server-side logout, and the last enabled admin.

The stack runs in process (item bank, delivery, scoring, the entry) plus a second delivery replica
on the same database. Logins that need their own client address come from a random loopback
address (Linux answers on all of 127.0.0.0/8), so no test shares another's address counter.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any
from unittest import mock

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from exam_delivery.accounts import service as accounts_service
from exam_delivery.accounts.handlers import THROTTLE_KEY, client_address
from exam_delivery.app import create_app as delivery_app
from shared.db import POOL_KEY
from tests.conftest import create_database
from tests.delivery_support import wait_for
from tests.support import ADMIN_PASSWORD, Stack, auth, free_port, make_settings, start_stack

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
async def gstack(database_url):
    async with start_stack(database_url) as stack:
        yield stack


@pytest.fixture(scope="module")
async def replica_b(gstack: Stack, database_url: str) -> AsyncIterator[str]:
    """A second delivery replica on the same database; its base URL."""
    port = free_port()
    ports = {name: int(url.rsplit(":", 1)[1]) for name, url in gstack.urls.items()} | {"exam-delivery": port}
    runner = web.AppRunner(delivery_app(make_settings("exam-delivery", database_url, ports)),
                           access_log=None, shutdown_timeout=1)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture(scope="module")
async def db(database_url):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


def loopback_address() -> str:
    n = uuid.uuid4().int
    return f"127.{n % 254 + 1}.{(n >> 8) % 254 + 1}.{(n >> 16) % 253 + 2}"


def from_address(address: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0), limit=0))


async def post_login(session: aiohttp.ClientSession, base: str, username: str, password: str
                     ) -> tuple[int, str | None, dict[str, Any]]:
    async with session.post(f"{base}/api/auth/login", json={"username": username, "password": password}) as resp:
        if resp.status != 200:
            assert resp.headers.get("Content-Type", "").startswith(PROBLEM), resp.status
        return resp.status, resp.headers.get("Retry-After"), await resp.json(content_type=None)


async def create_user(stack: Stack, username: str, password: str, role: str = "candidate") -> tuple[int, Any]:
    return await stack.request("POST", "/api/users", await stack.admin_token(), json={
        "username": username, "password": password, "role": role, "display_name": username})


async def end_window(db: asyncpg.Connection, key: str) -> None:
    """The window of a key passes (as if its five minutes were over)."""
    await db.execute("UPDATE delivery.login_throttle SET window_start = window_start - interval '1 day' "
                     "WHERE key = $1", key)


# ---------------------------------------------------------------- throttle


async def test_fifty_parallel_wrong_passwords_on_two_replicas_verify_at_most_the_limit(
    gstack, replica_b, db, monkeypatch
):
    """50 wrong passwords at once against one account, half to each replica: exactly `limit` reach
    Argon2 (counted at the verification itself) and answer 401; the other 40 are 429 with
    Retry-After. Then the right password is refused too, until the window has passed."""
    verified: Counter[str] = Counter()
    real_verify = accounts_service.verify_password

    async def counting_verify(stored: str | None, password: str) -> bool:
        verified[password] += 1
        return await real_verify(stored, password)

    monkeypatch.setattr(accounts_service, "verify_password", counting_verify)
    username = f"target-{uuid.uuid4().hex[:10]}"
    password = "the-right-password"
    assert (await create_user(gstack, username, password))[0] == 201
    limit = gstack.apps["exam-delivery"][THROTTLE_KEY].limit
    replicas = (gstack.urls["exam-delivery"], replica_b)
    async with from_address(loopback_address()) as session:
        answers = await asyncio.gather(*(
            post_login(session, replicas[i % 2], username, f"wrong-password-{i}") for i in range(50)))
        statuses = Counter(status for status, _, _ in answers)
        assert statuses == Counter({401: limit, 429: 50 - limit}), statuses
        assert sum(n for pw, n in verified.items() if pw.startswith("wrong-password-")) == limit, verified
        for status, retry_after, body in answers:
            if status == 429:
                assert body["status"] == 429 and retry_after is not None and 1 <= int(retry_after) <= 301

        # Locked out: the right password is refused on both replicas, without being verified.
        for base in replicas:
            status, retry_after, _ = await post_login(session, base, username, password)
            assert status == 429 and retry_after is not None
        assert verified[password] == 0
        await end_window(db, f"user:{username}")
        status, _, body = await post_login(session, replicas[1], username, password)
        assert status == 200 and body["username"] == username, body


async def test_a_username_spray_does_not_reset_the_target_and_pruning_keeps_live_windows(gstack, db):
    """Hundreds of other usernames (from several addresses, so the address limit lets them through)
    leave the locked account's counter as it was; the pruner drops only windows that have ended."""
    username = f"sprayed-{uuid.uuid4().hex[:10]}"
    password = "the-right-password"
    assert (await create_user(gstack, username, password))[0] == 201
    limit = gstack.apps["exam-delivery"][THROTTLE_KEY].limit
    base = gstack.urls["exam-delivery"]
    async with from_address(loopback_address()) as session:
        for i in range(limit):
            assert (await post_login(session, base, username, f"wrong-{i}"))[0] == 401
    spray = uuid.uuid4().hex[:8]
    for batch in range(3):
        async with from_address(loopback_address()) as sprayer:
            answers = await asyncio.gather(*(
                post_login(sprayer, base, f"spray-{spray}-{batch}-{i}", "wrong-password") for i in range(80)))
            assert {status for status, _, _ in answers} == {401}
    assert await db.fetchval("SELECT attempts FROM delivery.login_throttle WHERE key = $1",
                             f"user:{username}") == limit

    throttle = gstack.apps["exam-delivery"][THROTTLE_KEY]
    ended = f"user:spray-{spray}-0-0"
    await end_window(db, ended)
    assert await throttle.prune(gstack.apps["exam-delivery"][POOL_KEY]) >= 1
    assert await db.fetchval("SELECT count(*) FROM delivery.login_throttle WHERE key = $1", ended) == 0
    assert await db.fetchval("SELECT count(*) FROM delivery.login_throttle WHERE key LIKE $1",
                             f"user:spray-{spray}-%") == 3 * 80 - 1
    async with from_address(loopback_address()) as session:
        status, _, _ = await post_login(session, base, username, password)
        assert status == 429, "the spray or the pruner gave the locked account its guesses back"


async def test_a_success_gives_back_only_its_own_reservation(gstack):
    """Wrong passwords stay counted after a success: the right password between guesses does not
    give an attacker a fresh allowance."""
    username = f"mixed-{uuid.uuid4().hex[:10]}"
    password = "the-right-password"
    assert (await create_user(gstack, username, password))[0] == 201
    limit = gstack.apps["exam-delivery"][THROTTLE_KEY].limit
    base = gstack.urls["exam-delivery"]
    async with from_address(loopback_address()) as session:
        for i in range(limit - 1):
            assert (await post_login(session, base, username, f"wrong-{i}"))[0] == 401
        for _ in range(3):
            assert (await post_login(session, base, username, password))[0] == 200
        assert (await post_login(session, base, username, "wrong-last"))[0] == 401
        assert (await post_login(session, base, username, password))[0] == 429


async def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(gstack, db):
    """X-Forwarded-For counts only from the entry (a trusted peer): here the client is the peer, and its
    own header is its own say; the address counted is the peer's."""
    def request_from(peer: str, forwarded: str) -> web.Request:
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda name, default=None: (peer, 4444) if name == "peername" \
            else default
        return make_mocked_request("POST", "/api/auth/login", headers={"X-Forwarded-For": forwarded},
                                   transport=transport)

    assert client_address(request_from("203.0.113.9", "10.1.2.3")) == "203.0.113.9"
    assert client_address(request_from("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request_from("172.18.0.5", "198.51.100.8")) == "198.51.100.8"  # nginx in compose
    address = loopback_address()
    async with from_address(address) as session:
        await post_login(session, gstack.base_url, f"nobody-{uuid.uuid4().hex[:8]}", "wrong-password")
    assert await db.fetchval("SELECT attempts FROM delivery.login_throttle WHERE key = $1", f"addr:{address}") == 1


# ---------------------------------------------------------------- canonical usernames


async def test_spellings_of_one_username_share_its_account_and_lockout(gstack, db):
    hexa = uuid.uuid4().hex[:8]
    username = f"victim{hexa}"
    password = "the-right-password"
    status, created = await create_user(gstack, username, password)
    assert status == 201, created
    for taken in (f"Victim{hexa}", f"VICTIM{hexa}"):
        status, body = await create_user(gstack, taken, "another-password")
        assert status == 409 and body["errors"][0]["field"] == "username", body
    fullwidth = "ｖｉｃｔｉｍ" + "".join(chr(ord(c) + 0xFEE0) for c in hexa)
    for refused in (fullwidth, f"vİctim{hexa}", "ab", "名前はだめ"):
        status, body = await create_user(gstack, refused, "another-password")
        assert status == 422 and body["errors"][0]["field"] == "username", (refused, body)

    base = gstack.urls["exam-delivery"]
    async with from_address(loopback_address()) as session:
        for spelling in (f"VICTIM{hexa}", fullwidth):
            status, _, body = await post_login(session, base, spelling, password)
            assert status == 200 and body["user_id"] == created["id"] and body["username"] == username, body
        # The dotted capital I folds to i + a combining dot: not a name in the set, so refused outright.
        status, _, body = await post_login(session, base, f"vİctim{hexa}", password)
        assert status == 422 and body["errors"][0]["field"] == "username", body
        limit = gstack.apps["exam-delivery"][THROTTLE_KEY].limit
        spellings = (f"VICTIM{hexa}", fullwidth, f"Victim{hexa}")
        for i in range(limit):
            assert (await post_login(session, base, spellings[i % 3], f"wrong-{i}"))[0] == 401
        for spelling in (username, *spellings, f"vİctim{hexa}"):
            status, _, body = await post_login(session, base, spelling, password)
            assert status in (422, 429) and "token" not in body, (spelling, status)
    # Refused attempts are not counted (their reservation is rolled back): the window holds the failures.
    assert await db.fetchval("SELECT attempts FROM delivery.login_throttle WHERE key = $1",
                             f"user:{username}") == limit


# ---------------------------------------------------------------- logout


async def test_logout_ends_that_token_in_every_service_and_only_that_one(gstack, replica_b, db):
    _, username, password = await gstack.new_account("instructor")
    token = await gstack.login(username, password)
    other = await gstack.login(username, password)
    paths = ("/api/items?limit=1", "/api/stats/items", "/api/me")
    for path in paths:
        assert (await gstack.request("GET", path, token))[0] == 200, path
    async with gstack.session.post(f"{gstack.base_url}/api/auth/logout", headers=auth(token)) as resp:
        assert resp.status == 204
    # The replica that took the logout refuses the token from the next request on.
    status, body = await gstack.request("GET", "/api/me", token)
    assert status == 401 and body["detail"].startswith("this token was revoked"), body
    for base, path in [(gstack.base_url, p) for p in paths] + [(replica_b, "/api/me")]:
        async def refused(base=base, path=path) -> bool:
            async with gstack.session.get(base + path, headers=auth(token)) as resp:
                return resp.status == 401
        await wait_for(refused, timeout=10, what=f"{base}{path} to refuse the logged-out token")
    for path in paths:
        assert (await gstack.request("GET", path, other))[0] == 200, f"{path}: another session was ended"
    async with gstack.session.post(f"{gstack.base_url}/api/auth/logout", headers=auth(token)) as resp:
        assert resp.status == 401
    async with gstack.session.post(f"{gstack.base_url}/api/auth/logout") as resp:
        assert resp.status == 401


async def test_logout_keeps_the_revocation_list_bounded(gstack, db):
    """Logged-out tokens past their expiry are pruned by the next logout: their expiry refuses them."""
    stale = uuid.uuid4().hex
    await db.execute("INSERT INTO delivery.revoked_tokens (jti, user_id, expires_at) "
                     "VALUES ($1, $2, now() - interval '1 day')", stale, uuid.uuid4())
    _, token = await gstack.new_user("candidate")
    async with gstack.session.post(f"{gstack.base_url}/api/auth/logout", headers=auth(token)) as resp:
        assert resp.status == 204
    assert await db.fetchval("SELECT count(*) FROM delivery.revoked_tokens WHERE jti = $1", stale) == 0
    assert await db.fetchval("SELECT count(*) FROM delivery.revoked_tokens WHERE expires_at > now()") >= 1


# ---------------------------------------------------------------- last admin


@contextlib.asynccontextmanager
async def fresh_stack(pg_server_url: str) -> AsyncIterator[Stack]:
    async with start_stack(await create_database(pg_server_url), services=("exam-delivery",)) as stack:
        yield stack


async def test_the_last_enabled_admin_cannot_be_demoted_or_disabled_even_by_a_race(pg_server_url):
    async with fresh_stack(pg_server_url) as stack:
        admin_id = (await stack.request("GET", "/api/me", await stack.admin_token()))[1]["id"]
        second_id, second_name, second_password = await stack.new_account("admin")
        accounts = {admin_id: ("admin", ADMIN_PASSWORD), second_id: (second_name, second_password)}
        for _ in range(4):
            # Both enabled admins, each with a fresh token, demote each other at the same moment.
            tokens = {uid: await stack.login(*cred) for uid, cred in accounts.items()}
            (a, ta), (b, tb) = tokens.items()
            answers = await asyncio.gather(
                stack.request("PATCH", f"/api/users/{b}", ta, json={"role": "candidate"}),
                stack.request("PATCH", f"/api/users/{a}", tb, json={"role": "candidate"}),
            )
            statuses = sorted(status for status, _ in answers)
            assert statuses in ([200, 409], [200, 401]), answers
            # (401: the loser's demotion committed first and revoked the other's token on the spot.)
            for status, body in answers:
                if status == 409:
                    assert body["errors"][0]["field"] == "role", body
            status, users = await stack.request("GET", "/api/users?role=admin", tokens[a if answers[0][0] == 200
                                                                                          else b])
            assert status == 200 and [u["disabled"] for u in users["users"]] == [False], users
            survivor = users["users"][0]["id"]
            survivor_token = await stack.login(*accounts[survivor])
            for change, field in (({"role": "instructor"}, "role"), ({"disabled": True}, "disabled"),
                                  ({"disabled": True, "role": "admin"}, "disabled")):
                status, body = await stack.request("PATCH", f"/api/users/{survivor}", survivor_token, json=change)
                assert status == 409 and body["errors"][0]["field"] == field, (change, body)
                assert body["status"] == 409
            # Put the other back as an admin for the next round.
            loser = b if survivor == a else a
            status, body = await stack.request("PATCH", f"/api/users/{loser}", survivor_token, json={"role": "admin"})
            assert status == 200, body
        # With two enabled admins, one may be disabled.
        token = await stack.login("admin", ADMIN_PASSWORD)
        status, body = await stack.request("PATCH", f"/api/users/{second_id}", token, json={"disabled": True})
        assert status == 200 and body["disabled"] is True
