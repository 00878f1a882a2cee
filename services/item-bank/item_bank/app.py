"""The item bank: questions, versions, review workflow, import/export, the feed.

Its aggregates: `items/` (authoring, review, search, bulk actions, the feed) and
`interchange/` (import and export files); `codebook/` serves the code sets from memory."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import structlog
from aiohttp import web

from item_bank import pages
from item_bank.codebook import handlers as codebook
from item_bank.interchange import handlers as interchange_handlers
from item_bank.items import handlers as items_handlers
from item_bank.seeding import SampleBankRefused, seed_sample_bank
from shared.app_base import service_app
from shared.db import POOL_KEY
from shared.revocation import from_delivery
from shared.settings import Settings
from shared.web import install

SCHEMA = "item_bank"
_log = structlog.get_logger("mockcert.item_bank")


def create_app(settings: Settings) -> web.Application:
    app = service_app(settings, title="mockcert item bank", schema=SCHEMA, package="item_bank",
                      revocations=from_delivery(settings))

    async def seed(app: web.Application) -> AsyncIterator[None]:
        if settings.seed_sample_bank:
            try:
                await seed_sample_bank(app[POOL_KEY], settings.current_code_set_year)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                raise  # the database is not usable: do not start half-working
            except SampleBankRefused:
                pass  # logged by the seeding with its reasons; instructors can still author and import
            except Exception:
                # A fault in the optional sample content must not keep the item bank down.
                _log.exception("sample_bank_failed")
        yield

    app.cleanup_ctx.append(seed)
    # In this order: aiohttp matches routes in the order they are added (the fixed paths under
    # /api/items/ before /api/items/{item_id}), and the OpenAPI documents list them so.
    install(app, items_handlers.routes)
    install(app, interchange_handlers.routes)
    install(app, items_handlers.more_routes)
    install(app, interchange_handlers.import_routes(settings))
    install(app, items_handlers.internal)
    install(app, codebook.routes)
    app.cleanup_ctx.append(codebook.start_index)
    install(app, pages.routes)
    pages.install_static(app)
    return app
