"""Scoring: results, pass rates, item analysis, IRT, the admins' dashboards."""

from __future__ import annotations

from aiohttp import web

from shared.app_base import service_app
from shared.settings import Settings

SCHEMA = "scoring"


def create_app(settings: Settings) -> web.Application:
    app = service_app(settings, title="mockcert scoring", schema=SCHEMA, package="scoring")
    return app
