"""The parts of `create_app` every service shares: middleware, ops endpoints,
its migrations at start (a no-op when already applied), the pool and the client."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from shared.db import Reset, migrate, pool_ctx
from shared.http import client_ctx
from shared.ops import install_ops
from shared.revocation import fetch_from_delivery, revocation_poller_ctx
from shared.settings import Settings
from shared.web import create_base_app


def service_app(
    settings: Settings, *, title: str, schema: str, package: str, pool_reset: Reset | None = None
) -> web.Application:
    """`pool_reset`: what the app's one pool runs on a connection it takes back (None: asyncpg's
    reset query); a service whose connections keep no session state may pass a no-op."""
    app = create_base_app(settings)

    async def migrations(app: web.Application) -> AsyncIterator[None]:
        await migrate(settings.database_url, schema, package)
        yield

    app.cleanup_ctx.append(migrations)
    app.cleanup_ctx.append(pool_ctx(settings, reset=pool_reset))
    app.cleanup_ctx.append(client_ctx)
    if settings.service != "exam-delivery":
        # Delivery owns the accounts and keeps its own list from its database.
        app.cleanup_ctx.append(revocation_poller_ctx(fetch_from_delivery(app, settings),
                                                     settings.revocation_poll_seconds))
    install_ops(app, title)
    return app
