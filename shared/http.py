"""The client side of service-to-service calls.

Each outgoing call carries the service's own credential (never a user's token)
and the current request id, so one user action can be followed across logs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import aiohttp
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
        import time

        now = time.monotonic()
        if not self._token or now - self._issued > 1800:
            self._token = issue_service_token(self.settings, ttl_seconds=3600)
            self._issued = now
        return {"Authorization": f"Bearer {self._token}"}


def make_client_session(timeout: float = 10.0) -> aiohttp.ClientSession:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_on_request_start)
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout), trace_configs=[trace])


async def client_ctx(app: web.Application) -> AsyncIterator[None]:
    session = make_client_session()
    app[CLIENT_KEY] = session
    yield
    await session.close()
