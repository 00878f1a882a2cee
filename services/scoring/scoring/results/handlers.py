"""HTTP handlers of the results: decode, call, encode."""

from __future__ import annotations

import structlog
from aiohttp import web

from scoring.analysis.loop import ENGINE_KEY
from scoring.results import lookup, service
from scoring.results import schemas as s
from scoring.results.ownership import OWNERSHIP_KEY
from shared import event_signing
from shared.auth import SERVICE
from shared.contracts import AttemptSubmitted, EventAck
from shared.db import POOL_KEY
from shared.errors import FieldError, Problem
from shared.web import SETTINGS_KEY, RouteTable, json_response, principal, read_json, read_query

routes = RouteTable("scoring")
_log = structlog.get_logger("mockcert.scoring.events")
CANDIDATE_OR_ADMIN = frozenset({"candidate", "admin"})


def _ability(app: web.Application) -> service.Ability:
    """Latest EAP estimates from the current snapshot (none before the first one)."""
    snapshot = app[ENGINE_KEY].snapshot

    def lookup(seq: int) -> tuple[float, float] | None:
        return snapshot.ability(seq) if snapshot is not None else None

    return lookup


@routes.post(
    "/internal/events",
    roles=SERVICE,
    body=AttemptSubmitted,
    response=EventAck,
    max_body=8 << 20,
    summary="Ingest an attempt.submitted event (idempotent); acknowledged once stored and scored. "
    f"Only with delivery's Ed25519 signature of the body in the {event_signing.SIGNATURE_HEADER} header",
)
async def ingest_event(request: web.Request) -> web.Response:
    event = await read_json(request, AttemptSubmitted)
    # A service token alone is not enough: the body must carry delivery's signature, so a leaked
    # token cannot forge a submission (or other answers for a real one).
    verify_key = request.app[SETTINGS_KEY].event_verify_key
    signature = request.headers.get(event_signing.SIGNATURE_HEADER)
    if not event_signing.verify(verify_key, await request.read(), signature):
        reason = "no verify key configured" if not verify_key else "missing" if not signature else "invalid"
        _log.warning("event_signature_refused", event_id=event.event_id, attempt_id=event.attempt_id,
                     reason=reason)
        raise Problem(403, f"the event is not verifiably signed by delivery ({reason}); nothing stored",
                      errors=[FieldError(event_signing.SIGNATURE_HEADER, reason)])
    ack = await service.ingest(request.app[POOL_KEY], event)
    return json_response(ack)


@routes.get(
    "/api/results/{attempt_id}",
    roles=CANDIDATE_OR_ADMIN,
    response=s.ResultOut,
    summary="A scored attempt; 202 pending while the caller's own submitted attempt is not scored, "
    "409 while it is open; 404 alike for an unknown id and another candidate's",
)
async def get_result(request: web.Request) -> web.Response:
    result = await lookup.find_result(
        request.app[POOL_KEY], request.match_info["attempt_id"], principal(request), _ability(request.app),
        request.app[OWNERSHIP_KEY].lookup,
    )
    if result is None:
        return json_response(s.Pending(), status=202)
    return json_response(result)


@routes.get(
    "/api/results",
    roles=CANDIDATE_OR_ADMIN,
    query=s.ResultQuery,
    response=s.ResultList,
    summary="Results, newest first (a candidate's own; any for admins)",
)
async def list_results(request: web.Request) -> web.Response:
    q = read_query(request, s.ResultQuery)
    out = await service.list_results(
        request.app[POOL_KEY],
        principal(request),
        q.candidate_id,
        q.blueprint_id,
        q.cursor,
        q.limit,
        _ability(request.app),
    )
    return json_response(out)
