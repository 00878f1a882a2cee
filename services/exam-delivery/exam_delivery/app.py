"""Exam delivery: accounts, blueprints, form assembly, timed attempts, the candidates' pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import structlog
from aiohttp import web

from exam_delivery import accounts_handlers, handlers, pages
from exam_delivery.accounts_service import LoginThrottle, bootstrap_accounts, revocations_after
from exam_delivery.background import background_ctx
from exam_delivery.state import delivery_ctx
from shared.app_base import service_app
from shared.db import POOL_KEY
from shared.loops import run_loop
from shared.revocation import PAGE_SIZE
from shared.settings import Settings
from shared.web import install

SCHEMA = "delivery"
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
    app = service_app(settings, title="mockcert exam delivery", schema=SCHEMA, package="exam_delivery",
                      # Delivery owns the accounts: other replicas' revocations come from its own table.
                      revocations=lambda app: lambda after: revocations_after(app[POOL_KEY], after, PAGE_SIZE))
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
    install(app, handlers.routes)
    install(app, handlers.internal)
    install(app, pages.routes)
    pages.install_static(app)
    return app
