"""What every service's app is made of: declared endpoints, one error
middleware, request ids, metrics, auth with default deny, and the JSON helpers.

An endpoint declares its roles next to its path (`@routes.get(path, roles=...)`);
a handler without a declaration is refused, so forgetting the roles can only
close a door, never open one. The declarations also feed the OpenAPI builder.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import asyncpg
import msgspec
import structlog
from aiohttp import web, web_response
from aiohttp.typedefs import Middleware

from shared.auth import PUBLIC, Principal, TokenVerifier
from shared.errors import PROBLEM_CONTENT_TYPE, FieldError, Problem, field_problem, from_msgspec
from shared.metrics import Metrics
from shared.revocation import REVOCATIONS_KEY, Revocations
from shared.settings import Settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
T = TypeVar("T")

SETTINGS_KEY = web.AppKey("settings", Settings)
METRICS_KEY = web.AppKey("metrics", Metrics)
ENDPOINTS_KEY = web.AppKey("endpoints", list)
# aiohttp route objects are not extensible: each app maps its own routes to their declarations.
ROUTE_ENDPOINTS_KEY = web.AppKey("route_endpoints", dict)
TOKENS_KEY = web.AppKey("verified_tokens", TokenVerifier)
PRINCIPAL_KEY = web.RequestKey("principal", Principal)
REQUEST_ID_KEY = web.RequestKey("request_id", str)

REQUEST_ID_HEADER = "X-Request-ID"
_log = structlog.get_logger("mockcert.http")
_encoder = msgspec.json.Encoder()


class Endpoint(msgspec.Struct, frozen=True):
    method: str
    path: str
    handler: Any
    roles: frozenset[str]
    summary: str = ""
    body: Any = None
    response: Any = None
    query: Any = None
    status: int = 200
    tags: tuple[str, ...] = ()
    content_type: str = "application/json"
    max_body: int | None = None
    in_schema: bool = True
    problems: tuple[tuple[int, str], ...] = ()  # other documented refusals: (status, when)


class RouteTable:
    """Collects endpoints with their roles and schemas; `install` adds them to an app."""

    def __init__(self, tag: str = "") -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(self, method: str, path: str, *, roles: Iterable[str], **meta: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            endpoint = Endpoint(method=method, path=path, handler=handler, roles=frozenset(roles),
                                tags=(self.tag,) if self.tag else (), **meta)
            self.endpoints.append(endpoint)
            return handler

        return register

    def get(self, path: str, *, roles: Iterable[str], **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, roles=roles, **meta)

    def post(self, path: str, *, roles: Iterable[str], **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, roles=roles, **meta)

    def put(self, path: str, *, roles: Iterable[str], **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, roles=roles, **meta)

    def patch(self, path: str, *, roles: Iterable[str], **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, roles=roles, **meta)

    def delete(self, path: str, *, roles: Iterable[str], **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, roles=roles, **meta)


def install(app: web.Application, table: RouteTable) -> None:
    for endpoint in table.endpoints:
        resource = app.router.add_resource(endpoint.path)
        route = resource.add_route(endpoint.method, endpoint.handler)
        app[ROUTE_ENDPOINTS_KEY][route] = endpoint
        app[ENDPOINTS_KEY].append(endpoint)


def endpoint_of(request: web.Request) -> Endpoint | None:
    """The declaration of the route the request matched, in the app that serves it."""
    routes = request.app.get(ROUTE_ENDPOINTS_KEY)
    return None if routes is None else routes.get(request.match_info.route)


# ---------------------------------------------------------------- helpers


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=_encoder.encode(data), status=status, content_type="application/json",
                        headers=headers)


def problem_response(problem: Problem) -> web.Response:
    return web.Response(
        body=_encoder.encode(problem.body()),
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=problem.headers,
    )


class BodyDecoders:
    """One msgspec Decoder per body type, built on its first use and kept by the app."""

    def __init__(self) -> None:
        self._by_kind: dict[Any, msgspec.json.Decoder[Any]] = {}

    def __len__(self) -> int:
        return len(self._by_kind)

    def get(self, kind: type[T]) -> msgspec.json.Decoder[T]:
        decoder = self._by_kind.get(kind)
        if decoder is None:
            decoder = self._by_kind[kind] = msgspec.json.Decoder(kind)
        return decoder


DECODERS_KEY = web.AppKey("body_decoders", BodyDecoders)


async def read_json(request: web.Request, kind: type[T]) -> T:
    """Decode the body into `kind`; field-naming 4xx on anything wrong."""
    ctype = request.content_type
    if ctype not in ("application/json", "application/octet-stream", "") and not ctype.endswith("+json"):
        raise Problem(415, "send the body as application/json")
    body = await request.read()
    if not body:
        raise Problem(400, "a JSON body is required", errors=[msgspec_field("body", "required")])
    try:
        value = request.app[DECODERS_KEY].get(kind).decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise from_msgspec(exc) from None
    except UnicodeDecodeError:
        raise Problem(400, "the body is not valid UTF-8", errors=[FieldError("body", "not valid UTF-8")]) from None
    # JSON can carry U+0000 only as the escape `\u0000`, so the byte scan is exact enough to
    # skip the walk on every ordinary body; PostgreSQL text cannot hold NUL.
    if b"\\u0000" in body:
        field = nul_field(msgspec.to_builtins(value))
        if field is not None:
            raise field_problem(field, "must not contain the NUL character")
    return value


def nul_field(value: Any, path: str = "") -> str | None:
    """The path (`tags[0]`, `options[2].text`) of the first string holding U+0000, or None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return name
            found = nul_field(item, name)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = nul_field(item, f"{path}[{index}]" if path else f"body[{index}]")
            if found is not None:
                return found
    return None


def msgspec_field(field: str, message: str) -> Any:
    return FieldError(field, message)


def read_query(request: web.Request, kind: type[T]) -> T:
    """Decode query parameters into a Struct (strings converted by msgspec)."""
    params: dict[str, Any] = {}
    for key in request.query:
        values = request.query.getall(key)
        params[key] = values[-1]
        if "\x00" in key or "\x00" in params[key]:
            raise field_problem(key, "must not contain the NUL character")
    try:
        return msgspec.convert(params, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise from_msgspec(exc) from None


def principal(request: web.Request) -> Principal:
    user = request.get(PRINCIPAL_KEY)
    if user is None:
        raise Problem(401, "authentication required")
    return user


# ---------------------------------------------------------------- middlewares

_DB_DOWN = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
    asyncpg.ConnectionDoesNotExistError,
    # asyncpg can leave a connection whose server session died mid-query in an
    # inconsistent state (MagicStack/asyncpg#1069); the pool discards it on release,
    # so for the client this is the same transient outage.
    asyncpg.InternalClientError,
)

SECURITY_HEADERS: Mapping[str, str] = MappingProxyType({
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
})
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# Each middleware does one job. MIDDLEWARES lists them outermost first; that order is the
# one place the request's way through them is decided:
#   request_id        X-Request-ID taken from the caller (or made), bound to every log line,
#                     kept on the request and echoed on the response
#   access            the request's metrics and its log line (debug; server errors and slow
#                     requests at warning), after every answer below is made
#   security_headers  nosniff, no referrer, no framing; pages also get their CSP and no-store
#   problems          any failure below becomes application/problem+json (4xx naming the field,
#                     503 for a dependency down, a bare logged 500 for the unexpected)
#   authorization     the bearer token, its revocation, the endpoint's roles (default deny)
#   body_limit        the endpoint's own body limit (413 for a declared length beyond it, or
#                     when reading past it)
# The order is tested in tests/integration/test_middleware_order.py, each job through the
# real apps (test_foundation_api.py, test_hostile_bodies.py, test_route_declarations.py).


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request.headers.get(REQUEST_ID_HEADER, "")[:64] or uuid.uuid4().hex
    structlog.contextvars.bind_contextvars(request_id=request_id)
    request[REQUEST_ID_KEY] = request_id
    try:
        response = await handler(request)
    finally:
        structlog.contextvars.unbind_contextvars("request_id")
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    response = await handler(request)
    route = _route_name(request)
    elapsed = time.perf_counter() - started
    request.app[METRICS_KEY].observe(request.method, route, response.status, elapsed)
    # Every request at debug (MOCKCERT_LOG_LEVEL=DEBUG shows them; metrics count them all);
    # server errors and slow requests always.
    log = _log.warning if response.status >= 500 or elapsed > 1.0 else _log.debug
    log("request", method=request.method, route=route, status=response.status,
        ms=round(elapsed * 1000, 2), request_id=request.get(REQUEST_ID_KEY))
    return response


@web.middleware
async def security_headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    if response.content_type == "text/html":
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Problem as problem:
        return problem_response(problem)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        detail = {404: "no such resource", 405: "method not allowed here",
                  413: "request body too large"}.get(exc.status, exc.reason)
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return problem_response(Problem(exc.status, detail, headers=headers))
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return problem_response(from_msgspec(exc))
    except asyncio.CancelledError:
        raise
    except asyncpg.DataError as exc:
        # A value the database cannot take (out of range, bad encoding) that no schema caught:
        # the client's input, not our failure.
        _log.warning("data_error", error=type(exc).__name__, path=request.path)
        return problem_response(Problem(422, "a value is out of range or malformed",
                                        errors=[FieldError("body", "a value is out of range or malformed")]))
    except (TimeoutError, *_DB_DOWN) as exc:
        _log.warning("dependency_unavailable", error=type(exc).__name__, path=request.path)
        return problem_response(Problem(503, "a dependency is unavailable; retry shortly",
                                        headers={"Retry-After": "2"}))
    except Exception:
        _log.exception("unhandled_error", method=request.method, path=request.path)
        return problem_response(Problem(500, "an internal error occurred"))


@web.middleware
async def authorization_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    await _authorize(request)
    return await handler(request)


@web.middleware
async def body_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The app-wide limit is the largest any endpoint accepts; narrowed here to the endpoint's own."""
    endpoint = endpoint_of(request)
    limit = request.app[SETTINGS_KEY].max_body_bytes
    if endpoint is not None and endpoint.max_body is not None:
        limit = endpoint.max_body
    if request.content_length is not None and request.content_length > limit:
        raise Problem(413, f"request body too large (limit {limit} bytes)")
    return await handler(request.clone(client_max_size=limit))


MIDDLEWARES: tuple[Middleware, ...] = (
    request_id_middleware,
    access_middleware,
    security_headers_middleware,
    problem_middleware,
    authorization_middleware,
    body_limit_middleware,
)


def _route_name(request: web.Request) -> str:
    info = request.match_info.route.resource
    if info is None:
        return "unmatched"
    return info.canonical


async def _authorize(request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(401, "use Authorization: Bearer <token>",
                          headers={"WWW-Authenticate": 'Bearer realm="mockcert"'})
        user = request.app[TOKENS_KEY].principal(token.strip())
        if not user.is_service and request.app[REVOCATIONS_KEY].revoked(user):
            raise Problem(401, "this token was revoked; log in again",
                          headers={"WWW-Authenticate": 'Bearer realm="mockcert", error="invalid_token"'})
        request[PRINCIPAL_KEY] = user
    endpoint = endpoint_of(request)
    if any("\x00" in value for value in request.match_info.values()):
        # No resource is named with a NUL (%00); PostgreSQL text could not even hold one.
        raise Problem(404, "no such resource")
    if endpoint is None:
        # Not a declared endpoint: aiohttp's own 404/405 resources pass; anything else is denied.
        if request.match_info.http_exception is not None:
            raise request.match_info.http_exception
        raise Problem(403, "endpoint declares no roles")
    if "public" in endpoint.roles:
        return
    caller = request.get(PRINCIPAL_KEY)
    if caller is None:
        raise Problem(401, "authentication required", headers={"WWW-Authenticate": 'Bearer realm="mockcert"'})
    if caller.role not in endpoint.roles:
        raise Problem(403, "your role may not use this endpoint")


def add_static(app: web.Application, prefix: str, directory: Any) -> None:
    """Static files are public by declaration, like any other endpoint."""
    resource = app.router.add_static(prefix, directory, append_version=False)
    for route in resource:
        app[ROUTE_ENDPOINTS_KEY][route] = Endpoint(method=route.method, path=prefix, handler=None,
                                                   roles=PUBLIC, in_schema=False)


# ---------------------------------------------------------------- the Server header

SERVER_NAME = "mockcert"


async def _name_server(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = SERVER_NAME


def name_server(app: web.Application) -> None:
    """Every response of `app` says `Server: mockcert`, never aiohttp's or Python's version.

    The signal covers every routed response, a proxied upstream header included; the
    module default covers the few aiohttp writes itself before any routing (a malformed
    request line or header gets its 400 straight from the protocol)."""
    web_response.SERVER_SOFTWARE = SERVER_NAME
    app.on_response_prepare.append(_name_server)


def create_base_app(settings: Settings, *, gauges: Mapping[str, str] | None = None) -> web.Application:
    """An app with the shared middleware and metrics; per-endpoint body limits are clamped per request.
    `gauges` names the gauges the service sets on its metrics (name -> help text)."""
    app = web.Application(
        middlewares=MIDDLEWARES,
        client_max_size=max(settings.max_body_bytes, settings.max_import_bytes),
    )
    name_server(app)
    app[SETTINGS_KEY] = settings
    app[METRICS_KEY] = Metrics(settings.service, gauges)
    app[ENDPOINTS_KEY] = []
    app[ROUTE_ENDPOINTS_KEY] = {}
    app[REVOCATIONS_KEY] = Revocations()
    app[TOKENS_KEY] = TokenVerifier(settings)
    app[DECODERS_KEY] = BodyDecoders()
    return app


__all__ = [
    "PUBLIC",
    "RouteTable",
    "Endpoint",
    "create_base_app",
    "install",
    "json_response",
    "name_server",
    "problem_response",
    "read_json",
    "read_query",
    "principal",
]
