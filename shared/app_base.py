"""The parts of `create_app` every service shares: middleware, ops endpoints,
its migrations at start (a no-op when already applied), the pool, the client and
the list of revoked tokens.

What differs between services comes in as parameters of `service_app`, never as a
check of the service's name: each service's own `create_app` says where its
revocations come from (delivery reads its own accounts table, the others ask
delivery) and how its pool treats a connection handed back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from aiohttp import web

from shared.db import Reset, migrate, migrations_dsn, pool_ctx
from shared.http import client_ctx
from shared.ops import install_ops
from shared.revocation import RevocationSource, revocation_poller_ctx
from shared.settings import Settings
from shared.web import create_base_app


def service_app(
    settings: Settings,
    *,
    title: str,
    schema: str,
    package: str,
    revocations: RevocationSource,
    pool_reset: Reset | None = None,
    gauges: Mapping[str, str] | None = None,
) -> web.Application:
    """The app with everything but the service's own routes and resources.

    `revocations` builds, for the app, the call that reads revocations after a cursor
    (`shared.revocation.from_delivery(settings)` outside delivery); `pool_reset` replaces
    asyncpg's reset query on release (None: asyncpg's own); `gauges` names the gauges the
    service sets on its /metrics (name -> help text)."""
    app = create_base_app(settings, gauges=gauges)

    async def migrations(app: web.Application) -> AsyncIterator[None]:
        await migrate(migrations_dsn(settings), schema, package)
        yield

    app.cleanup_ctx.append(migrations)
    app.cleanup_ctx.append(pool_ctx(settings, reset=pool_reset))
    app.cleanup_ctx.append(client_ctx)
    app.cleanup_ctx.append(revocation_poller_ctx(revocations(app), settings.revocation_poll_seconds))
    install_ops(app, title)
    return app
