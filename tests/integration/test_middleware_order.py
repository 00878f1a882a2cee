"""The shared middlewares, one job each, in the order `shared.web.MIDDLEWARES` gives: every
answer (a refusal, a failure, a page) carries the request id and the security headers and is
counted; the roles are checked before the body limit; failures are problem+json."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from shared.auth import PUBLIC, issue_user_token
from shared.errors import PROBLEM_CONTENT_TYPE, Problem
from shared.web import METRICS_KEY, MIDDLEWARES, SETTINGS_KEY, RouteTable, create_base_app, install, json_response
from tests.support import free_port, make_settings


def _app() -> web.Application:
    ports = {"item-bank": free_port(), "exam-delivery": 1, "scoring": 2}
    app = create_base_app(make_settings("item-bank", "postgresql://unused/unused", ports))
    routes = RouteTable()

    @routes.post("/small", roles={"admin"}, max_body=16)
    async def small(request: web.Request) -> web.Response:
        return json_response({"got": len(await request.read())})

    @routes.get("/refused", roles=PUBLIC)
    async def refused(request: web.Request) -> web.Response:
        raise Problem(409, "refused on purpose")

    @routes.get("/boom", roles=PUBLIC)
    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("internals")

    @routes.get("/page", roles=PUBLIC)
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><title>x</title>", content_type="text/html")

    install(app, routes)
    return app


async def test_each_answer_passes_every_middleware_in_the_documented_order():
    app = _app()
    assert tuple(app.middlewares) == MIDDLEWARES
    token, _ = issue_user_token(app[SETTINGS_KEY], "u1", "admin", "root")
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    seen: list[tuple[str, int]] = []
    try:
        async with aiohttp.ClientSession() as session:

            async def call(method: str, path: str, rid: str, **kw: object) -> tuple[int, aiohttp.ClientResponse]:
                async with session.request(method, base + path, headers={"X-Request-ID": rid, **kw.pop(
                        "headers", {})}, **kw) as resp:  # type: ignore[arg-type]
                    await resp.read()
                    assert resp.headers["X-Request-ID"] == rid, path
                    assert resp.headers["X-Content-Type-Options"] == "nosniff", path
                    assert resp.headers["X-Frame-Options"] == "DENY", path
                    seen.append((path, resp.status))
                    return resp.status, resp

            # Roles before the body limit: an anonymous oversized body is a 401, not a 413.
            status, resp = await call("POST", "/small", "r1", data=b"x" * 100)
            assert status == 401 and resp.content_type == PROBLEM_CONTENT_TYPE
            status, resp = await call("POST", "/small", "r2", data=b"x" * 100,
                                      headers={"Authorization": f"Bearer {token}"})
            assert status == 413 and resp.content_type == PROBLEM_CONTENT_TYPE
            status, _ = await call("POST", "/small", "r3", data=b"x" * 10, headers={"Authorization": f"Bearer {token}"})
            assert status == 200
            status, resp = await call("GET", "/refused", "r4")
            assert status == 409 and resp.content_type == PROBLEM_CONTENT_TYPE
            status, resp = await call("GET", "/boom", "r5")
            assert status == 500 and resp.content_type == PROBLEM_CONTENT_TYPE
            status, resp = await call("GET", "/page", "r6")
            assert status == 200 and "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
            assert resp.headers["Cache-Control"] == "no-store"
            status, resp = await call("GET", "/nowhere", "r7")
            assert status == 404 and resp.content_type == PROBLEM_CONTENT_TYPE
    finally:
        await runner.cleanup()
    counted = app[METRICS_KEY].requests
    for path, status in seen:
        route = "unmatched" if path == "/nowhere" else path
        method = "POST" if path == "/small" else "GET"
        assert counted[(method, route, status)] >= 1, (path, status)
