"""The local entry: one origin in front of the three services, as nginx is in
deploy/. It routes by the table in `shared.routing`, spreads requests over the
replicas of a service, and answers for the whole system's health itself so that
a down service yields a 503 with the same shape instead of a proxy error.

It routes, filters and forwards one and the same path: a request target with
dot-segments, empty segments, encoded slashes or backslashes (which the services
or a proxy could resolve to another path than the one checked here) is refused
with a 400 before routing, so no spelling reaches `/internal/*` or `/metrics`."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import sys
from collections.abc import AsyncIterator
from urllib.parse import unquote

import aiohttp
import msgspec
import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from shared.errors import PROBLEM_CONTENT_TYPE, FieldError, ProblemBody, problem_dict
from shared.http import make_client_session
from shared.logging import configure_logging
from shared.ops import system_health
from shared.routing import OPENAPI_PATHS, service_for
from shared.settings import Settings
from shared.web import name_server

_log = structlog.get_logger("mockcert.entry")
UPSTREAMS_KEY = web.AppKey("upstreams", dict)
SESSION_KEY = web.AppKey("session", aiohttp.ClientSession)
HEALTH_SETTINGS_KEY = web.AppKey("health_settings", Settings)
MAX_BODY_KEY = web.AppKey("max_body", int)

_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "content-length", "host", "content-encoding",
}


class Upstreams:
    """Round-robin over a service's replicas; a replica refusing connections is skipped."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self._cycle = itertools.cycle(range(len(urls)))

    def order(self) -> list[str]:
        start = next(self._cycle)
        return self.urls[start:] + self.urls[:start]


def _problem(status: int, detail: str) -> web.Response:
    return web.Response(body=msgspec.json.encode(problem_dict(status, detail)), status=status,
                        content_type=PROBLEM_CONTENT_TYPE)


class BadPath(ValueError):
    pass


# Never public: service-to-service endpoints and the metrics of each service.
_PRIVATE_PREFIXES = ("/internal/", "/metrics/")
_PRIVATE_EXACT = ("/internal", "/metrics")


def checked_path(raw_target: str) -> tuple[str, str]:
    """(decoded path to route and filter on, raw path + query to forward) of a request target.

    Refuses (BadPath) what could mean another path downstream than here: anything but an
    origin-form target, dot-segments (`.`, `..`, also percent-encoded), empty segments (`//`),
    encoded slashes and backslashes (also double-encoded), NUL. What is left decodes to one
    path only, so the path checked here is the path the service routes on."""
    if not raw_target.startswith("/") or "#" in raw_target:
        raise BadPath("the request target must be an absolute path")
    raw_path, sep, query = raw_target.partition("?")
    segments = raw_path[1:].split("/")
    for index, segment in enumerate(segments):
        if segment == "":
            if index == len(segments) - 1:
                continue  # a trailing slash ("/", "/static/")
            raise BadPath("empty path segment (//)")
        once = unquote(segment)
        twice = unquote(once)
        for decoded in (segment, once, twice):
            if decoded in (".", "..") or "/" in decoded or "\\" in decoded or "\x00" in decoded:
                raise BadPath("dot-segment, encoded slash, backslash or NUL in the path")
    return unquote(raw_path), raw_path + sep + query


def _bad_path(detail: str) -> web.Response:
    body = ProblemBody(type="/problems/validation", title="Bad Request", status=400, detail=detail,
                       errors=[FieldError("path", detail)])
    return web.Response(body=msgspec.json.encode(body), status=400, content_type=PROBLEM_CONTENT_TYPE)


def _too_large(limit: int) -> web.Response:
    """A body over the entry's limit, in the services' shape (nginx.conf's @too_large says the same)."""
    body = ProblemBody(type="about:blank", title="Payload Too Large", status=413,
                       detail=f"request body too large (limit {limit >> 20} MiB at the entry)",
                       errors=[FieldError("body", "request body too large")])
    return web.Response(body=msgspec.json.encode(body), status=413, content_type=PROBLEM_CONTENT_TYPE)


def is_private(path: str) -> bool:
    return path in _PRIVATE_EXACT or path.startswith(_PRIVATE_PREFIXES)


@web.middleware
async def unrouted_target(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A target the catch-all route cannot take (`*`, as in `OPTIONS *`) gets the problem any other
    malformed target gets, not aiohttp's plain-text 404."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        try:
            checked_path(request.raw_path)
        except BadPath as exc:
            return _bad_path(str(exc))
        return _problem(404, "no such resource")


async def proxy(request: web.Request) -> web.StreamResponse:
    try:
        path, target_path = checked_path(request.raw_path)
    except BadPath as exc:
        _log.info("entry_path_refused", reason=str(exc))
        return _bad_path(str(exc))
    if path == "/api/health":
        health = await system_health(request.app[HEALTH_SETTINGS_KEY], request.app[SESSION_KEY])
        return web.Response(body=msgspec.json.encode(health), status=200 if health.status == "ok" else 503,
                            content_type="application/json")
    if is_private(path):
        return _problem(404, "no such resource")
    if path in OPENAPI_PATHS:
        service = OPENAPI_PATHS[path]
        target_path = "/openapi.json"
    else:
        service = service_for(path)
    limit = request.app[MAX_BODY_KEY]
    if request.content_length is not None and request.content_length > limit:
        return _too_large(limit)  # refused before a byte of it is read
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:  # a chunked body, counted while read
        return _too_large(limit)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
    headers["X-Forwarded-For"] = request.remote or ""
    headers["X-Forwarded-Proto"] = request.scheme
    session = request.app[SESSION_KEY]
    upstreams: Upstreams = request.app[UPSTREAMS_KEY][service]
    last_error: Exception | None = None
    for base in upstreams.order():
        try:
            # A file-like body (its length still sent): aiohttp warns (ResourceWarning) on one of
            # a megabyte or more given as bytes. A new one per try: a failed try may have read it.
            async with session.request(request.method, base + target_path, data=io.BytesIO(body) if body else None,
                                       headers=headers, allow_redirects=False) as upstream:
                payload = await upstream.read()
                out_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP}
                return web.Response(body=payload, status=upstream.status, headers=out_headers)
        except aiohttp.ClientConnectorError as exc:
            # The connection was never made, so nothing reached the service: safe to try the
            # next replica, even for a PUT or POST.
            last_error = exc
            continue
        except aiohttp.ClientConnectionError as exc:
            # Reset or closed after the request may have been received: the service may have
            # acted on it, so replaying it elsewhere could act twice. The client retries.
            last_error = exc
            break
        except TimeoutError as exc:
            last_error = exc
            break
    _log.warning("upstream_unavailable", service=service, error=type(last_error).__name__)
    if isinstance(last_error, TimeoutError):
        return _problem(504, f"{service} did not answer in time")
    return _problem(503 if isinstance(last_error, aiohttp.ClientConnectorError) else 502,
                    f"{service} is unavailable; retry shortly")


def create_entry_app(upstreams: dict[str, list[str]], health_settings: Settings,
                     max_body: int = 40 << 20) -> web.Application:
    app = web.Application(client_max_size=max_body, middlewares=[unrouted_target])
    app[MAX_BODY_KEY] = max_body
    name_server(app)  # the upstream's Server header is replaced too
    app[UPSTREAMS_KEY] = {name: Upstreams(urls) for name, urls in upstreams.items()}
    app[HEALTH_SETTINGS_KEY] = health_settings

    async def session_ctx(app: web.Application) -> AsyncIterator[None]:
        session = make_client_session(timeout=60)
        app[SESSION_KEY] = session
        yield
        await session.close()

    app.cleanup_ctx.append(session_ctx)
    app.router.add_route("*", "/{tail:.*}", proxy)
    return app


def main() -> None:
    configure_logging("entry")
    port = int(os.environ.get("MOCKCERT_HTTP_PORT", "8080"))
    host = os.environ.get("MOCKCERT_HTTP_HOST", "127.0.0.1")
    upstreams = {
        "item-bank": os.environ["MOCKCERT_ITEM_BANK_URL"].split(","),
        "exam-delivery": os.environ["MOCKCERT_EXAM_DELIVERY_URL"].split(","),
        "scoring": os.environ["MOCKCERT_SCORING_URL"].split(","),
    }
    health = Settings(service="item-bank", database_url="-", item_bank_url=upstreams["item-bank"][0],
                      delivery_url=upstreams["exam-delivery"][0], scoring_url=upstreams["scoring"][0])
    app = create_entry_app(upstreams, health)
    try:
        web.run_app(app, host=host, port=port, access_log=None, print=None, reuse_address=True)
    except OSError as exc:
        _log.error("entry_bind_failed", port=port, error=str(exc))
        sys.exit(3)


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
