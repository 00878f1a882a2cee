"""Exam delivery: accounts, blueprints, form assembly, timed attempts, the candidates' pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import MappingProxyType

import structlog
from aiohttp import web

from exam_delivery import pages
from exam_delivery.accounts import handlers as accounts_handlers
from exam_delivery.accounts.service import LoginThrottle, bootstrap_accounts, revocations_after
from exam_delivery.attempts import handlers as attempts_handlers
from exam_delivery.background import background_ctx
from exam_delivery.blueprints import handlers as blueprints_handlers
from exam_delivery.context import delivery_ctx, no_reset
from exam_delivery.items import handlers as items_handlers
from exam_delivery.tools import handlers as tools_handlers
from shared.app_base import service_app
from shared.db import POOL_KEY
from shared.loops import run_loop
from shared.revocation import PAGE_SIZE
from shared.settings import Settings
from shared.web import install

SCHEMA = "delivery"
# The gauges delivery sets on its /metrics (name -> help), from the outbox loop.
METRIC_GAUGES = MappingProxyType({
    "mockcert_outbox_pending_events": "Submission events scoring has not acknowledged yet.",
    "mockcert_outbox_oldest_pending_seconds": "Age in seconds of the oldest event scoring has not acknowledged.",
})
_log = structlog.get_logger("mockcert.delivery")


async def login_throttle_pruner(app: web.Application) -> AsyncIterator[None]:
    """Drops login windows that have ended (every replica may; the rows are shared)."""
    throttle = app[accounts_handlers.THROTTLE_KEY]
    task = asyncio.create_task(run_loop("login-throttle-prune", lambda: throttle.prune(app[POOL_KEY]),
                                        max(throttle.window / 5, 1.0)), name="login-throttle-prune")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def create_app(settings: Settings) -> web.Application:
    # One pool for accounts, blueprints and attempts; its connections keep no session state (context.py).
    app = service_app(settings, title="mockcert exam delivery", schema=SCHEMA, package="exam_delivery",
                      # Delivery owns the accounts: other replicas' revocations come from its own table.
                      revocations=lambda app: lambda after: revocations_after(app[POOL_KEY], after, PAGE_SIZE),
                      pool_reset=no_reset, gauges=METRIC_GAUGES)
    app[accounts_handlers.THROTTLE_KEY] = LoginThrottle()

    async def bootstrap(app: web.Application) -> AsyncIterator[None]:
        created = await bootstrap_accounts(app[POOL_KEY], settings)
        for username, password, role in created:
            # Shown once, on the console of the first start, as the contract says.
            _log.warning("account_created", username=username, password=password, role=role)
        yield

    app.cleanup_ctx.append(bootstrap)
    app.cleanup_ctx.append(login_throttle_pruner)
    app.cleanup_ctx.append(delivery_ctx(settings))
    app.cleanup_ctx.append(background_ctx)
    install(app, accounts_handlers.routes)
    install(app, accounts_handlers.internal)
    install(app, blueprints_handlers.routes)
    install(app, attempts_handlers.routes)
    install(app, tools_handlers.routes)
    install(app, items_handlers.internal)
    install(app, attempts_handlers.internal)
    install(app, pages.routes)
    pages.install_static(app)
    return app
