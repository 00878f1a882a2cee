"""The item bank: questions, versions, review workflow, import/export, the feed."""

from __future__ import annotations

from aiohttp import web

from shared.app_base import service_app
from shared.settings import Settings

SCHEMA = "item_bank"


def create_app(settings: Settings) -> web.Application:
    app = service_app(settings, title="mockcert item bank", schema=SCHEMA, package="item_bank")
    return app
