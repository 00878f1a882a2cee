"""No response names the server's software version: every service and the entry say
`Server: mockcert`, on answers of every kind, a proxied upstream's own header included."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from mockcert.entry import create_entry_app
from shared.web import SERVER_NAME
from tests.support import free_port

PATHS = (
    "/healthz",  # public ops endpoint
    "/openapi.json",
    "/api/no-such-path",  # 404 from the router
    "/api/results/" + str(uuid.uuid4()),  # 401/404/202 from a handler
    "/static/no-such-file.js",
)


async def _raw(url: str, request: bytes) -> bytes:
    """Send bytes as they are (a malformed request aiohttp answers before any routing)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), timeout=10)
    finally:
        writer.close()


def _server_lines(raw: bytes) -> list[str]:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    return [line for line in head.split("\r\n")[1:] if line.lower().startswith("server:")]


async def test_every_service_and_the_entry_say_mockcert_without_a_version(stack):
    admin = await stack.admin_token()
    bases = {**stack.urls, "entry": stack.base_url}
    checked = 0
    for name, base in bases.items():
        for path in PATHS:
            for headers in ({}, {"Authorization": f"Bearer {admin}"}, {"Authorization": "Bearer nonsense"}):
                async with stack.session.get(base + path, headers=headers) as resp:
                    await resp.read()
                    assert resp.headers.getall("Server") == [SERVER_NAME], (name, path, resp.status)
                    checked += 1
        async with stack.session.post(base + "/api/auth/login", data=b"{not json",
                                      headers={"Content-Type": "application/json"}) as resp:
            await resp.read()
            assert resp.headers.getall("Server") == [SERVER_NAME], (name, resp.status)
    assert checked == len(bases) * len(PATHS) * 3
    # The entry's own answers: the system health and the refused internal paths.
    for path in ("/api/health", "/internal/revocations", "/metrics"):
        async with stack.session.get(stack.base_url + path) as resp:
            await resp.read()
            assert resp.headers.getall("Server") == [SERVER_NAME], path


async def test_a_malformed_request_gets_no_version_either(stack):
    for base in (*stack.urls.values(), stack.base_url):
        raw = await _raw(base, b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")
        assert raw.split(b"\r\n", 1)[0].endswith(b" 400 Bad Request"), raw[:100]
        assert _server_lines(raw) == [f"Server: {SERVER_NAME}"], raw[:400]
        assert b"aiohttp" not in raw.lower() and b"python" not in raw.lower()


async def test_the_entry_replaces_an_upstreams_server_header(stack):
    """Whatever an upstream says about itself, the entry's answer names only mockcert."""

    async def loud(request: web.Request) -> web.Response:
        return web.json_response({"ok": True}, headers={"Server": "nginx/1.2.3 (Ubuntu) Python/3.11"})

    upstream = web.Application()
    upstream.router.add_get("/api/domains", loud)
    up_runner = web.AppRunner(upstream, access_log=None)
    await up_runner.setup()
    up_port = free_port()
    await web.TCPSite(up_runner, "127.0.0.1", up_port).start()
    up_url = f"http://127.0.0.1:{up_port}"
    entry = create_entry_app({"item-bank": [up_url], "exam-delivery": [up_url], "scoring": [up_url]},
                             stack.settings["item-bank"])
    runner = web.AppRunner(entry, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{up_url}/api/domains") as resp:
                assert resp.headers["Server"].startswith("nginx/1.2.3")  # the upstream really says it
            async with session.get(f"http://127.0.0.1:{port}/api/domains") as resp:
                assert resp.status == 200 and await resp.json() == {"ok": True}
                assert resp.headers.getall("Server") == [SERVER_NAME]
    finally:
        await runner.cleanup()
        await up_runner.cleanup()
