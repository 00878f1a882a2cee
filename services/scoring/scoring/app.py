"""Scoring: results, pass rates, item analysis, IRT, the admins' dashboards."""

from __future__ import annotations

from aiohttp import web

from scoring import handlers, pages
from scoring.engine import engine_ctx
from scoring.ownership import OWNERSHIP_KEY, DeliveryAttempts
from shared.app_base import service_app
from shared.revocation import from_delivery
from shared.settings import Settings
from shared.web import install

SCHEMA = "scoring"


def create_app(settings: Settings, **engine_options: object) -> web.Application:
    """`engine_options` tune the statistics engine (thresholds), e.g. in tests."""
    app = service_app(settings, title="mockcert scoring", schema=SCHEMA, package="scoring",
                      revocations=from_delivery(settings))
    app[handlers.PASS_RATE_CACHE_KEY] = {}
    app[OWNERSHIP_KEY] = DeliveryAttempts(app, settings)
    app.cleanup_ctx.append(engine_ctx(**engine_options))
    install(app, handlers.routes)
    install(app, pages.routes)
    pages.install_static(app)
    return app
