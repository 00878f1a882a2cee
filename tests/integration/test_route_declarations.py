"""Each app keeps its own map of routes to their declarations (shared/web.py, under an AppKey):
two apps built in one process never share it, and nothing of a discarded app stays in the module."""

from __future__ import annotations

import gc
import weakref

import aiohttp
from aiohttp import web

from shared.auth import PUBLIC
from shared.web import ROUTE_ENDPOINTS_KEY, RouteTable, create_base_app, install, json_response
from tests.support import free_port, make_settings


def _app(name: str, roles: frozenset[str]) -> web.Application:
    ports = {"item-bank": free_port(), "exam-delivery": 1, "scoring": 2}
    app = create_base_app(make_settings("item-bank", "postgresql://unused/unused", ports))
    routes = RouteTable()

    @routes.get("/probe", roles=roles)
    async def probe(request: web.Request) -> web.Response:
        return json_response({"app": name})

    install(app, routes)
    return app


async def test_two_apps_in_one_process_keep_their_own_declarations():
    open_app, admin_app = _app("open", PUBLIC), _app("admin", frozenset({"admin"}))
    mine = {id(e) for e in open_app[ROUTE_ENDPOINTS_KEY].values()}
    theirs = {id(e) for e in admin_app[ROUTE_ENDPOINTS_KEY].values()}
    assert len(mine) == len(theirs) == 1 and not mine & theirs
    runners, urls = [], []
    try:
        for app in (open_app, admin_app):
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            runners.append(runner)
            urls.append(f"http://127.0.0.1:{port}/probe")
        async with aiohttp.ClientSession() as session:
            async with session.get(urls[0]) as resp:
                assert resp.status == 200 and (await resp.json())["app"] == "open"
            async with session.get(urls[1]) as resp:
                assert resp.status == 401  # the same path, declared for admins in this app
    finally:
        for runner in runners:
            await runner.cleanup()


def test_a_discarded_app_leaves_nothing_behind():
    app = _app("gone", PUBLIC)
    [endpoint] = app[ROUTE_ENDPOINTS_KEY].values()
    handler = weakref.ref(endpoint.handler)
    del app, endpoint
    gc.collect()
    assert handler() is None, "something outside the app still holds its routes' declarations"
