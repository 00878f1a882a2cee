"""Helpers to run the real apps on real loopback ports inside a test."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from mockcert.sandbox import bound_socket
from mockcert.sandbox import free_port as free_port  # the tests import it from here too
from shared import event_signing
from shared.settings import Settings

TEST_JWT_SECRET = "test-jwt-secret-" + "x" * 40
TEST_SERVICE_SECRET = "test-service-secret-" + "y" * 40
# Delivery's event key pair, made fresh for each test run (services started in a subprocess get it
# through MOCKCERT_EVENT_SIGNING_KEY / MOCKCERT_EVENT_VERIFY_KEY, see `event_key_env`).
TEST_EVENT_SIGNING_KEY = event_signing.new_signing_key()
TEST_EVENT_VERIFY_KEY = event_signing.verify_key_for(TEST_EVENT_SIGNING_KEY)
ADMIN_PASSWORD = "admin-password-for-tests"


def make_settings(service: str, database_url: str, ports: dict[str, int], **overrides: Any) -> Settings:
    base = dict(
        service=service,
        host="127.0.0.1",
        port=ports[service],
        database_url=database_url,
        mode="production",
        jwt_secret=TEST_JWT_SECRET,
        service_secret=TEST_SERVICE_SECRET,
        event_signing_key=TEST_EVENT_SIGNING_KEY if service == "exam-delivery" else "",
        event_verify_key=TEST_EVENT_VERIFY_KEY if service == "scoring" else "",
        item_bank_url=f"http://127.0.0.1:{ports['item-bank']}",
        delivery_url=f"http://127.0.0.1:{ports['exam-delivery']}",
        scoring_url=f"http://127.0.0.1:{ports['scoring']}",
        admin_user="admin",
        admin_password=ADMIN_PASSWORD,
        db_pool_min=1,
        db_pool_max=5,
        # Tests start attempt after attempt for one candidate; the product's default
        # cool-down (an hour) is tested with explicit policies (test_attempt_policy.py).
        attempt_cooldown_seconds=0,
    )
    base.update(overrides)
    settings = Settings(**base)  # type: ignore[arg-type]
    settings.check()
    return settings


def event_key_env() -> dict[str, str]:
    """The event keys for services started as processes (each service reads only its own)."""
    return {"MOCKCERT_EVENT_SIGNING_KEY": TEST_EVENT_SIGNING_KEY, "MOCKCERT_EVENT_VERIFY_KEY": TEST_EVENT_VERIFY_KEY}


def service_factories() -> dict[str, Any]:
    from exam_delivery.app import create_app as delivery_app
    from item_bank.app import create_app as item_bank_app
    from scoring.app import create_app as scoring_app

    return {"item-bank": item_bank_app, "exam-delivery": delivery_app, "scoring": scoring_app}


@dataclass
class Stack:
    base_url: str
    urls: dict[str, str]
    settings: dict[str, Settings]
    session: aiohttp.ClientSession
    runners: dict[str, web.AppRunner] = field(default_factory=dict)
    apps: dict[str, web.Application] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    async def login(self, username: str, password: str) -> str:
        async with self.session.post(f"{self.base_url}/api/auth/login",
                                     json={"username": username, "password": password}) as resp:
            assert resp.status == 200, await resp.text()
            return str((await resp.json())["token"])

    async def admin_token(self) -> str:
        if "admin" not in self._tokens:
            self._tokens["admin"] = await self.login("admin", ADMIN_PASSWORD)
        return self._tokens["admin"]

    async def new_account(self, role: str, **extra: Any) -> tuple[str, str, str]:
        """Create a user with a random name; return (user_id, username, password)."""
        username = f"{role}-{uuid.uuid4().hex[:10]}"
        password = "pw" + secrets.token_urlsafe(12)  # never "-…": the CLI tests pass it as an argument
        body = {"username": username, "password": password, "role": role, "display_name": username, **extra}
        async with self.session.post(f"{self.base_url}/api/users", json=body,
                                     headers=auth(await self.admin_token())) as resp:
            assert resp.status == 201, await resp.text()
            user_id = str((await resp.json())["id"])
        return user_id, username, password

    async def new_user(self, role: str, **extra: Any) -> tuple[str, str]:
        """Create a user with a random name; return (user_id, token)."""
        user_id, username, password = await self.new_account(role, **extra)
        return user_id, await self.login(username, password)

    async def request(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> tuple[int, Any]:
        headers = kwargs.pop("headers", {})
        if token:
            headers.update(auth(token))
        async with self.session.request(method, f"{self.base_url}{path}", headers=headers, **kwargs) as resp:
            ctype = resp.headers.get("Content-Type", "")
            body: Any = await resp.json(content_type=None) if "json" in ctype else await resp.text()
            return resp.status, body


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def start_stack(database_url: str, services: tuple[str, ...] = ("item-bank", "exam-delivery", "scoring"),
                      **overrides: Any) -> AsyncIterator[Stack]:
    from mockcert.entry import create_entry_app

    # Sockets bound now and listened on later: a port chosen and released could meanwhile become
    # the ephemeral port of one of this process's own outgoing connections.
    sockets = {name: bound_socket() for name in ("item-bank", "exam-delivery", "scoring", "entry")}
    ports = {name: int(sockets[name].getsockname()[1]) for name in ("item-bank", "exam-delivery", "scoring")}
    for name in ports:
        if name not in services:
            sockets.pop(name).close()  # free for a test that starts this service itself
    factories = service_factories()
    settings = {name: make_settings(name, database_url, ports, **overrides) for name in ports}
    runners: dict[str, web.AppRunner] = {}
    apps: dict[str, web.Application] = {}
    entry_port = int(sockets["entry"].getsockname()[1])
    try:
        for name in services:
            app = factories[name](settings[name])
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
            runners[name] = runner  # cleaned up below even if its start-up fails half-way
            await runner.setup()
            await web.SockSite(runner, sockets[name]).start()
            apps[name] = app
        entry = create_entry_app({n: [f"http://127.0.0.1:{p}"] for n, p in ports.items()},
                                 settings["item-bank"])
        entry_runner = web.AppRunner(entry, access_log=None, shutdown_timeout=1)
        await entry_runner.setup()
        await web.SockSite(entry_runner, sockets["entry"]).start()
        runners["entry"] = entry_runner
        async with aiohttp.ClientSession() as session:
            yield Stack(
                base_url=f"http://127.0.0.1:{entry_port}",
                urls={n: f"http://127.0.0.1:{p}" for n, p in ports.items()},
                settings=settings,
                session=session,
                runners=runners,
                apps=apps,
            )
    finally:
        for runner in reversed(list(runners.values())):
            await runner.cleanup()
        for sock in sockets.values():
            sock.close()


async def serve_again(runner: web.AppRunner, port: int, timeout: float = 10.0) -> None:
    """Listen on a port a stopped service had, as a restart on the same address does.

    While the service was down, clients kept connecting to it, and a client socket can hold that
    very port as its own (ephemeral) local port for a moment: binding then fails with EADDRINUSE
    until the connection attempt is over. Retry briefly instead of failing on that race."""
    import asyncio
    import errno
    import time

    deadline = time.monotonic() + timeout
    while True:
        site = web.TCPSite(runner, "127.0.0.1", port)
        try:
            await site.start()
            return
        except OSError as exc:
            await site.stop()  # the runner registered it on start: forget it
            if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)
