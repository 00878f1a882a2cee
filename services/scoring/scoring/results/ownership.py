"""Whose attempt an id is, for results scoring has not got: asked of delivery, which owns attempts.

Scoring learns of an attempt only when its `attempt.submitted` event arrives, so
before that it cannot tell a candidate's own submitted attempt from someone
else's or from an id nobody has. Delivery's `GET /internal/attempts/{id}` (service
credential only; the entry never serves /internal/) answers owner and state.
"""

from __future__ import annotations

import msgspec
import structlog
from aiohttp import web

from shared.contracts import AttemptOwnership
from shared.errors import Problem
from shared.http import CLIENT_KEY, MalformedReply, ServiceAuth, ServiceUnreachable, call_service, decode_reply
from shared.settings import Settings

_log = structlog.get_logger("mockcert.scoring.ownership")
_decoder = msgspec.json.Decoder(AttemptOwnership)
LOOKUP_TIMEOUT = 5.0


def delivery_unavailable() -> Problem:
    return Problem(503, "results cannot be looked up right now; retry shortly", headers={"Retry-After": "2"})


class DeliveryAttempts:
    """Asks delivery (each replica in turn) whose an attempt is and whether it is closed."""

    def __init__(self, app: web.Application, settings: Settings) -> None:
        self.app = app
        self.auth = ServiceAuth(settings)
        self.urls = [u.strip().rstrip("/") for u in settings.delivery_url.split(",") if u.strip()]

    async def lookup(self, attempt_id: str) -> AttemptOwnership | None:
        """Owner and state; None when delivery has no such attempt. `attempt_id` is a canonical
        UUID. Delivery unreachable or failing: a retryable 503 that says nothing of the id."""
        for base in self.urls:
            try:
                reply = await call_service(
                    self.app[CLIENT_KEY], "GET", f"{base}/internal/attempts/{attempt_id}", self.auth,
                    timeout=LOOKUP_TIMEOUT,
                )
                if reply.status == 200:
                    return decode_reply(_decoder, reply.body)
                if reply.status == 404:
                    return None
                _log.warning("ownership_lookup_failed", status=reply.status)
            except ServiceUnreachable as exc:
                _log.warning("ownership_lookup_failed", error=exc.kind)
            except MalformedReply as exc:
                _log.warning("ownership_lookup_failed", error=type(exc.__cause__).__name__)
        raise delivery_unavailable()


OWNERSHIP_KEY = web.AppKey("attempt_ownership", DeliveryAttempts)
