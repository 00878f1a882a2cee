"""The client side of service-to-service calls.

Each outgoing call carries the service's own credential (never a user's token)
and the current request id, so one user action can be followed across logs.
`call_service` is the one way a service calls another: credential, timeout, the
whole answer read, and "no answer at all" told apart from an answer
(`ServiceUnreachable`); `decode_reply` turns an answer's body into its Struct or a
`MalformedReply`. What a status means stays with the caller.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TypeVar

import aiohttp
import msgspec
import structlog
from aiohttp import web

from shared.auth import issue_service_token
from shared.settings import Settings

CLIENT_KEY = web.AppKey("http_client", aiohttp.ClientSession)


async def _on_request_start(
    session: aiohttp.ClientSession, ctx: SimpleNamespace, params: aiohttp.TraceRequestStartParams
) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and "X-Request-ID" not in params.headers:
        params.headers["X-Request-ID"] = request_id


class ServiceAuth:
    """Issues a short-lived service token and renews it before it expires."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._token = ""
        self._issued = 0.0

    def header(self) -> dict[str, str]:
        now = time.monotonic()
        if not self._token or now - self._issued > 1800:
            self._token = issue_service_token(self.settings, ttl_seconds=3600)
            self._issued = now
        return {"Authorization": f"Bearer {self._token}"}


T = TypeVar("T")


class ServiceUnreachable(Exception):
    """No answer at all from the other service: connection refused or reset, or the timeout.
    `kind` names what happened (the exception's class name), for logs and reasons."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class MalformedReply(Exception):
    """An answer whose body is not the expected message."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


async def call_service(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    auth: ServiceAuth,
    *,
    timeout: float,
    params: Mapping[str, str] | None = None,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One call with this service's credential (then `headers`, in order), `data` sent as given;
    the status and the whole body. The request id rides along (the session's trace)."""
    try:
        async with session.request(
            method,
            url,
            params=params,
            data=data,
            headers={**auth.header(), **(headers or {})},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as resp:
            return Reply(resp.status, await resp.read())
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise ServiceUnreachable(type(exc).__name__) from exc


def decode_reply(decoder: msgspec.json.Decoder[T], body: bytes) -> T:
    try:
        return decoder.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise MalformedReply(str(exc)) from exc


def make_client_session(timeout: float = 10.0) -> aiohttp.ClientSession:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_on_request_start)
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout), trace_configs=[trace])


async def client_ctx(app: web.Application) -> AsyncIterator[None]:
    session = make_client_session()
    app[CLIENT_KEY] = session
    yield
    await session.close()
