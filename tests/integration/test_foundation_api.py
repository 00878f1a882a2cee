"""Accounts, tokens, the error shape, roles on every route, migrations."""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from collections import Counter

import aiohttp
import asyncpg
import jwt
import pytest
from aiohttp import web

from shared.auth import ADMIN, PUBLIC, issue_service_token
from shared.db import apply_migrations
from shared.web import ENDPOINTS_KEY, RouteTable, create_base_app, install
from tests.conftest import create_database
from tests.support import ADMIN_PASSWORD, auth, free_port, make_settings

PROBLEM = "application/problem+json"


async def raw(stack, method, path, **kwargs):
    async with stack.session.request(method, f"{stack.base_url}{path}", **kwargs) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.json(content_type=None)


def assert_problem(status, ctype, body, expected):
    assert status == expected, body
    assert ctype.startswith(PROBLEM)
    assert body["status"] == expected and body["title"] and "type" in body


async def test_login_right_and_wrong_pairs(stack):
    status, body = await stack.request("POST", "/api/auth/login",
                                       json={"username": "admin", "password": ADMIN_PASSWORD})
    assert status == 200
    assert set(body) >= {"token", "role", "user_id", "expires_at"} and body["role"] == "admin"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body["expires_at"])
    wrong = await raw(stack, "POST", "/api/auth/login", json={"username": "admin", "password": "nope-nope"})
    unknown = await raw(stack, "POST", "/api/auth/login", json={"username": "nobody-here", "password": "nope-nope"})
    assert wrong[0] == unknown[0] == 401
    assert wrong[2] == unknown[2], "the answer must not tell whether the user exists"


async def test_login_is_rate_limited_per_user(stack):
    user_id, _ = await stack.new_user("candidate")
    status, users = await stack.request("GET", "/api/users", await stack.admin_token())
    name = next(u["username"] for u in users["users"] if u["id"] == user_id)
    statuses = []
    for _ in range(12):
        s, _, _ = await raw(stack, "POST", "/api/auth/login", json={"username": name, "password": "wrong-pass"})
        statuses.append(s)
    assert statuses[:10] == [401] * 10 and statuses[-1] == 429


def other_loopback_address() -> str:
    """A random loopback address other than 127.0.0.1 (Linux answers on all of 127.0.0.0/8), so a test
    can be a client of its own address without sharing the throttle of every other test's 127.0.0.1."""
    n = uuid.uuid4().int
    return f"127.{n % 254 + 1}.{(n >> 8) % 254 + 1}.{(n >> 16) % 253 + 2}"


async def test_login_is_rate_limited_per_address(stack):
    """100 failed logins with 100 different usernames from one address (a password spray, which the
    per-user limit never sees) close that address: the 101st gets 429 with Retry-After, and so does a
    real user's correct password from there, while the same user logs in from another address. The
    address is the peer the entry saw: the entry overwrites X-Forwarded-For (mockcert/entry.py) and the
    login handler takes its last entry (accounts_handlers.py), so a client's own header changes nothing."""
    username = f"real-{uuid.uuid4().hex[:10]}"
    password = "the-right-password"
    status, _ = await stack.request("POST", "/api/users", await stack.admin_token(), json={
        "username": username, "password": password, "role": "candidate", "display_name": username})
    assert status == 201
    spray_address, other_address = other_loopback_address(), other_loopback_address()
    assert spray_address != other_address
    url = f"{stack.base_url}/api/auth/login"

    async def login(session, name, secret, headers=None):
        async with session.post(url, json={"username": name, "password": secret}, headers=headers) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.headers.get("Retry-After"), \
                await resp.json(content_type=None)

    def from_address(address):
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))

    async with from_address(spray_address) as sprayer, from_address(other_address) as bystander:
        spray = uuid.uuid4().hex[:8]
        statuses = [(await login(sprayer, f"spray-{spray}-{i}", "wrong-password"))[0] for i in range(100)]
        assert statuses == [401] * 100, Counter(statuses)

        for name, secret, headers in (
            (f"spray-{spray}-next", "wrong-password", None),
            (username, password, None),  # the right password, from the closed address
            (username, password, {"X-Forwarded-For": other_address}),  # a forged header does not help
            (username, password, {"X-Forwarded-For": f"{other_address}, 10.9.8.7"}),
        ):
            status, ctype, retry_after, body = await login(sprayer, name, secret, headers)
            assert_problem(status, ctype, body, 429)
            assert retry_after is not None and 1 <= int(retry_after) <= 301, retry_after

        status, _, _, body = await login(bystander, username, password)
        assert status == 200 and body["username"] == username, body
    # The refusals before the password check counted nothing against the real user.
    status, _, _, body = await login(stack.session, username, password)
    assert status == 200, body


async def test_expired_and_tampered_tokens_refused_over_http(stack):
    token = await stack.admin_token()
    claims = jwt.decode(token, options={"verify_signature": False})
    settings = stack.settings["exam-delivery"]
    expired = jwt.encode(claims | {"exp": 1_000_000, "iat": 999_000}, settings.jwt_secret, algorithm="HS256")
    forged = jwt.encode(claims, "another-secret-" + "q" * 30, algorithm="HS256")
    for bad in (expired, forged, token + "x", "garbage"):
        status, ctype, body = await raw(stack, "GET", "/api/users", headers=auth(bad))
        assert_problem(status, ctype, body, 401)
    status, ctype, body = await raw(stack, "GET", "/api/users", headers={"Authorization": "Basic abc"})
    assert_problem(status, ctype, body, 401)


async def test_service_token_is_not_a_user(stack):
    service = issue_service_token(stack.settings["scoring"])
    status, ctype, body = await raw(stack, "GET", "/api/users", headers=auth(service))
    assert_problem(status, ctype, body, 403)


async def test_problem_shapes_400_404_413_422(stack):
    token = await stack.admin_token()
    status, ctype, body = await raw(stack, "POST", "/api/users", data=b"{not json",
                                    headers={**auth(token), "Content-Type": "application/json"})
    assert_problem(status, ctype, body, 400)
    status, ctype, body = await raw(stack, "GET", "/api/no-such-thing")
    assert_problem(status, ctype, body, 404)
    big = io.BytesIO(b'{"username": "' + b"a" * (2 << 20) + b'"}')  # file-like: no ResourceWarning from aiohttp
    status, ctype, body = await raw(stack, "POST", "/api/users", data=big,
                                    headers={**auth(token), "Content-Type": "application/json"})
    assert_problem(status, ctype, body, 413)
    status, ctype, body = await raw(stack, "POST", "/api/users", headers=auth(token),
                                    json={"username": "okname", "password": "longenough", "role": "wizard"})
    assert_problem(status, ctype, body, 422)
    assert body["errors"][0]["field"] == "role"
    status, ctype, body = await raw(stack, "POST", "/api/users", headers=auth(token),
                                    json={"username": "okname", "password": "longenough", "role": "admin",
                                          "is_superuser": True})
    assert_problem(status, ctype, body, 422)
    assert body["errors"][0]["field"] == "is_superuser"
    status, ctype, body = await raw(stack, "PATCH", "/api/users/not-a-uuid", headers=auth(token),
                                    json={"time_multiplier": 1.5})
    assert_problem(status, ctype, body, 404)
    status, ctype, body = await raw(stack, "POST", "/api/users", headers=auth(token),
                                    json={"username": "okname2", "password": "short", "role": "admin"})
    assert body["errors"][0]["field"] == "password"


async def test_unexpected_exception_is_a_bare_500_logged_with_traceback(database_url, capsys):
    settings = make_settings("item-bank", database_url, {"item-bank": free_port(), "exam-delivery": 1, "scoring": 2})
    app = create_base_app(settings)
    routes = RouteTable()

    @routes.get("/boom", roles=PUBLIC)
    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals: password=hunter2")

    install(app, routes)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.port).start()
    try:
        import aiohttp

        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{settings.port}/boom") as resp:
            body = await resp.json(content_type=None)
            assert resp.status == 500 and resp.headers["Content-Type"].startswith(PROBLEM)
            assert "hunter2" not in str(body) and "RuntimeError" not in str(body)
    finally:
        await runner.cleanup()
    out = capsys.readouterr().out
    assert "unhandled_error" in out and "RuntimeError" in out


async def test_request_id_is_echoed_and_metrics_and_openapi_exist(stack):
    async with stack.session.get(f"{stack.base_url}/api/me", headers={"X-Request-ID": "req-abc-123"}) as resp:
        assert resp.headers["X-Request-ID"] == "req-abc-123"
    for name, url in stack.urls.items():
        async with stack.session.get(f"{url}/healthz") as resp:
            assert resp.status == 200
        async with stack.session.get(f"{url}/metrics") as resp:
            text = await resp.text()
            assert resp.status == 200 and "mockcert_http_requests_total" in text
            assert "mockcert_http_request_duration_seconds_bucket" in text
        async with stack.session.get(f"{url}/openapi.json") as resp:
            doc = await resp.json()
            assert doc["openapi"].startswith("3.1") and doc["paths"], name
    async with stack.session.get(f"{stack.base_url}/openapi/exam-delivery.json") as resp:
        doc = await resp.json()
        assert "/api/auth/login" in doc["paths"]
    async with stack.session.get(f"{stack.base_url}/internal/anything") as resp:
        assert resp.status == 404


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)


async def test_role_matrix_every_route_every_role(stack):
    """Every declared route of every service, called with each role and with no token:
    refused exactly when the declaration says, never a 5xx."""
    tokens = {"admin": await stack.admin_token()}
    for role in ("candidate", "instructor"):
        tokens[role] = (await stack.new_user(role))[1]
    tokens["service"] = issue_service_token(stack.settings["exam-delivery"])
    checked = 0
    for name, app in stack.apps.items():
        for ep in app[ENDPOINTS_KEY]:
            if ep.path == "/api/auth/login":
                continue  # exercised above; repeated bad logins would trip the throttle
            if ep.path == "/api/auth/logout":
                continue  # it would end the tokens of the rest of the matrix (test_login_guard.py)
            url = stack.urls[name] + _fill(ep.path)
            for who in (None, "candidate", "instructor", "admin", "service"):
                headers = auth(tokens[who]) if who else {}
                kwargs = {"json": {}} if ep.method in ("POST", "PUT", "PATCH") else {}
                async with stack.session.request(ep.method, url, headers=headers, **kwargs) as resp:
                    status = resp.status
                allowed = "public" in ep.roles or (who in ep.roles)
                where = f"{ep.method} {ep.path} as {who}: {status}"
                assert status < 500 or ep.path in ("/healthz", "/api/health"), where
                if not allowed:
                    assert status == (401 if who is None else 403), where
                else:
                    assert status not in (401, 403), where
                checked += 1
    assert checked > 0


async def test_every_endpoint_declares_roles(stack):
    for app in stack.apps.values():
        for ep in app[ENDPOINTS_KEY]:
            assert ep.roles, f"{ep.method} {ep.path} declares no roles"
            assert ep.roles <= {"public", "candidate", "instructor", "admin", "service"}
        assert ADMIN  # roles come from shared.auth


async def test_accommodation_patch_and_user_listing(stack):
    token = await stack.admin_token()
    user_id, candidate = await stack.new_user("candidate", group="cohort-a")
    status, body = await stack.request("PATCH", f"/api/users/{user_id}", token, json={"time_multiplier": 1.5})
    assert status == 200 and body["time_multiplier"] == 1.5 and body["group"] == "cohort-a"
    status, body = await stack.request("PATCH", f"/api/users/{user_id}", token, json={"time_multiplier": 9})
    assert status == 422 and body["errors"][0]["field"] == "time_multiplier"
    status, _ = await stack.request("GET", "/api/users", candidate)
    assert status == 403


async def test_migrations_twice_are_a_no_op(pg_server_url):
    url = await create_database(pg_server_url)
    conn = await asyncpg.connect(url)
    try:
        for schema, package in (("item_bank", "item_bank"), ("delivery", "exam_delivery"), ("scoring", "scoring")):
            first = await apply_migrations(conn, schema, package)
            assert first, schema
            assert await apply_migrations(conn, schema, package) == []
    finally:
        await conn.close()


async def test_two_services_starting_at_once_on_an_empty_database_do_not_race(pg_server_url):
    url = await create_database(pg_server_url)
    from tests.support import start_stack

    # Two full stacks (each applies every migration and bootstraps accounts) at the same moment.
    async def boot():
        async with start_stack(url) as s:
            status, body = await s.request("GET", "/api/health")
            return status

    assert await asyncio.gather(boot(), boot()) == [200, 200]
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM delivery.users WHERE role = 'admin'") == 1
        for schema in ("item_bank", "delivery", "scoring"):
            versions = await conn.fetch(f"SELECT version FROM {schema}.schema_migrations")
            assert len(versions) == len({r['version'] for r in versions}) > 0
    finally:
        await conn.close()


@pytest.mark.parametrize("path", ["/api/users", "/api/me"])
async def test_no_token_means_401_with_www_authenticate(stack, path):
    async with stack.session.get(f"{stack.base_url}{path}") as resp:
        assert resp.status == 401 and "Bearer" in resp.headers.get("WWW-Authenticate", "")


async def test_request_id_is_propagated_to_the_services_a_request_calls(stack, capsys):
    capsys.readouterr()
    async with stack.session.get(f"{stack.urls['item-bank']}/api/health",
                                 headers={"X-Request-ID": "trace-me-42"}) as resp:
        assert resp.status == 200
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "trace-me-42" in ln]
    # The item bank's own request line, and one for each /healthz it asked on our behalf.
    assert sum("/healthz" in ln for ln in lines) == 3, lines
