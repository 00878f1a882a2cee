"""HTTP handlers of scoring: decode, call, encode."""

from __future__ import annotations

import structlog
from aiohttp import web

from scoring import analytics, disclosure, lookup, service, standard
from scoring import schemas as s
from scoring.engine import ENGINE_KEY
from scoring.ownership import OWNERSHIP_KEY
from shared import event_signing
from shared.auth import ADMIN, SERVICE, STAFF
from shared.contracts import AttemptSubmitted, EventAck
from shared.db import POOL_KEY
from shared.errors import FieldError, Problem, field_problem
from shared.web import SETTINGS_KEY, RouteTable, json_response, principal, read_json, read_query

routes = RouteTable("scoring")
_log = structlog.get_logger("mockcert.scoring.events")
CANDIDATE_OR_ADMIN = frozenset({"candidate", "admin"})
PASS_RATE_CACHE_KEY = web.AppKey("pass_rate_cache", dict)
_CACHE_MAX = 256


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


@routes.get(
    "/api/stats/pass-rates",
    roles=ADMIN,
    query=s.PassRateQuery,
    response=s.PassRates,
    summary="Pass rates with Wilson 95 % intervals, overall or by week, month, blueprint or group",
)
async def pass_rates(request: web.Request) -> web.Response:
    q = read_query(request, s.PassRateQuery)
    try:
        start = analytics.parse_bound(q.from_, "from", end=False)
    except ValueError:
        raise field_problem("from", "a date (2026-11-01) or an ISO 8601 time") from None
    try:
        stop = analytics.parse_bound(q.to, "to", end=True)
    except ValueError:
        raise field_problem("to", "a date (2026-11-30) or an ISO 8601 time") from None
    snapshot = await request.app[ENGINE_KEY].current()
    cache = request.app[PASS_RATE_CACHE_KEY]
    key = (snapshot.version, q.blueprint_id, start, stop, q.group_by, q.candidate_group, q.include_low_answer)
    body = cache.get(key)
    if body is None:
        if len(cache) >= _CACHE_MAX or any(k[0] != snapshot.version for k in cache):
            cache.clear()
        body = cache[key] = analytics.pass_rate_table(snapshot, q, start, stop)
    return json_response(body)


@routes.get(
    "/api/stats/scores",
    roles=ADMIN,
    query=s.ScoresQuery,
    response=s.ScoreDistribution,
    summary="Score distribution, KR-20, SEM, per-domain means and decision accuracy of a blueprint",
)
async def scores(request: web.Request) -> web.Response:
    q = read_query(request, s.ScoresQuery)
    snapshot = await request.app[ENGINE_KEY].snapshot_for(q.include_low_answer)
    blueprint_id = q.blueprint_id or snapshot.default_blueprint()
    dist = snapshot.scores.get(blueprint_id or "")
    if dist is None:
        raise field_problem("blueprint_id", "no scored attempts for this blueprint yet", status=404)
    return json_response(dist)


@routes.get(
    "/api/stats/blueprints",
    roles=ADMIN,
    query=s.BlueprintsQuery,
    response=s.BlueprintSummaries,
    summary="Every blueprint with scored attempts: n, pass rate, mean, KR-20",
)
async def blueprints(request: web.Request) -> web.Response:
    q = read_query(request, s.BlueprintsQuery)
    snapshot = await request.app[ENGINE_KEY].snapshot_for(q.include_low_answer)
    return json_response(snapshot.blueprints)


@routes.get(
    "/api/stats/items",
    roles=STAFF,
    query=s.ItemsQuery,
    response=s.ItemStatsList,
    summary="Item analysis per item version (p, point-biserials, options, flags, IRT)",
)
async def items(request: web.Request) -> web.Response:
    q = read_query(request, s.ItemsQuery)
    snapshot = await request.app[ENGINE_KEY].snapshot_for(q.include_low_answer)
    scope = q.blueprint_id or ""
    rows = snapshot.items.get(scope, [])
    selected = [
        it
        for it in rows
        if it.n >= q.min_n
        and (q.item_id is None or it.item_id == q.item_id)
        and (q.flagged is None or bool(it.flags) == q.flagged)
    ]
    engine = request.app[ENGINE_KEY]
    return json_response(
        s.ItemStatsList(
            items=selected,
            computed_at=snapshot.computed_at,
            n_attempts=snapshot.n_attempts,
            min_n=q.min_n,
            flag_min_n=engine.flag_min_n,
            scope=scope or "all",
            option_min_n=disclosure.OPTION_MIN_N,
        )
    )


@routes.get(
    "/api/stats/irt",
    roles=STAFF,
    query=s.IrtQuery,
    response=s.CalibrationStatus,
    summary="The latest IRT calibration (2PL or Rasch): item parameters, SEs, fit, cuts on theta",
)
async def irt(request: web.Request) -> web.Response:
    q = read_query(request, s.IrtQuery)
    engine = request.app[ENGINE_KEY]
    await engine.current()
    described = engine.describe(q.model)
    if described is None:
        return json_response(
            s.CalibrationStatus(
                status="insufficient_data",
                detail="no calibration yet",
                min_attempts=engine.min_attempts,
                min_item_responses=engine.min_item_responses,
            )
        )
    return json_response(
        s.CalibrationStatus(
            status="calibrated",
            detail="latest calibration",
            calibration=described,
            min_attempts=engine.min_attempts,
            min_item_responses=engine.min_item_responses,
        )
    )


@routes.post(
    "/api/stats/calibrate",
    roles=ADMIN,
    response=s.CalibrationStatus,
    summary="Calibrate the items now (Rasch and 2PL) if there is enough data",
)
async def calibrate(request: web.Request) -> web.Response:
    status = await request.app[ENGINE_KEY].calibrate(force=True)
    if status.status != "calibrated":
        raise Problem(409, f"not enough data to calibrate: {status.detail}")
    return json_response(status)


@routes.get(
    "/api/stats/standard",
    roles=ADMIN,
    query=s.StandardQuery,
    response=s.Standard,
    summary="A blueprint's standard: theta_c on the reference scale, who set it and why, the link of the "
    "calibration in use, and every change",
)
async def get_standard(request: web.Request) -> web.Response:
    q = read_query(request, s.StandardQuery)
    engine = request.app[ENGINE_KEY]
    await engine.current()
    return json_response(await standard.describe(request.app[POOL_KEY], engine, q.blueprint_id))


@routes.post(
    "/api/stats/standard",
    roles=ADMIN,
    body=s.StandardReset,
    response=s.Standard,
    summary="Reset a blueprint's standard deliberately (re-derive it from the calibration in use, or set "
    "theta_c or a raw cut); audited",
)
async def reset_standard(request: web.Request) -> web.Response:
    body = await read_json(request, s.StandardReset)
    out = await standard.reset(request.app[POOL_KEY], request.app[ENGINE_KEY], body, principal(request))
    return json_response(out)
