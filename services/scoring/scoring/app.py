"""Scoring: results, pass rates, item analysis, IRT, the admins' dashboards.

One package per aggregate, each with its handlers, service, repository and schemas:
`results` (ingest an attempt, read results), `analysis` (the statistics: the engine's
loop, snapshot, calibrations) and `standard` (a blueprint's cut on the ability scale).
"""

from __future__ import annotations

from aiohttp import web

from scoring import pages
from scoring.analysis import handlers as analysis_handlers
from scoring.analysis.loop import engine_ctx
from scoring.results import handlers as results_handlers
from scoring.results.ownership import OWNERSHIP_KEY, DeliveryAttempts
from scoring.standard import handlers as standard_handlers
from shared.app_base import service_app
from shared.revocation import from_delivery
from shared.settings import Settings
from shared.web import install

SCHEMA = "scoring"


def create_app(settings: Settings, **engine_options: object) -> web.Application:
    """`engine_options` tune the statistics engine (thresholds), e.g. in tests."""
    app = service_app(settings, title="mockcert scoring", schema=SCHEMA, package="scoring",
                      revocations=from_delivery(settings))
    app[analysis_handlers.PASS_RATE_CACHE_KEY] = {}
    app[OWNERSHIP_KEY] = DeliveryAttempts(app, settings)
    app.cleanup_ctx.append(engine_ctx(**engine_options))
    install(app, results_handlers.routes)
    install(app, analysis_handlers.routes)
    install(app, standard_handlers.routes)
    install(app, pages.routes)
    pages.install_static(app)
    return app
