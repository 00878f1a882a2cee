"""HTTP handlers of the statistics: decode, read the latest snapshot, encode.

No request computes statistics: they read the snapshot the engine (`loop`) keeps
current; pass-rate tables are computed from its columns and cached per snapshot."""

from __future__ import annotations

from typing import Literal

from aiohttp import web

from scoring.analysis import dates, disclosure, presenters
from scoring.analysis import schemas as s
from scoring.analysis.loop import ENGINE_KEY, StatsEngine
from shared.auth import ADMIN, STAFF
from shared.errors import Problem, field_problem
from shared.web import RouteTable, json_response, read_query

routes = RouteTable("scoring")
PASS_RATE_CACHE_KEY = web.AppKey("pass_rate_cache", dict)
_CACHE_MAX = 256


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
        start = dates.parse_bound(q.from_, "from", end=False)
    except ValueError:
        raise field_problem("from", "a date (2026-11-01) or an ISO 8601 time") from None
    try:
        stop = dates.parse_bound(q.to, "to", end=True)
    except ValueError:
        raise field_problem("to", "a date (2026-11-30) or an ISO 8601 time") from None
    snapshot = await request.app[ENGINE_KEY].current()
    cache = request.app[PASS_RATE_CACHE_KEY]
    key = (snapshot.version, q.blueprint_id, start, stop, q.group_by, q.candidate_group, q.include_low_answer)
    body = cache.get(key)
    if body is None:
        if len(cache) >= _CACHE_MAX or any(k[0] != snapshot.version for k in cache):
            cache.clear()
        body = cache[key] = snapshot.pass_rates(q, start, stop)
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
    engine = request.app[ENGINE_KEY]
    snapshot = await engine.snapshot_for(q.include_low_answer)
    scope = q.blueprint_id or ""
    rows = snapshot.items.get(scope, [])
    selected = [
        it
        for it in rows
        if it.n >= q.min_n
        and (q.item_id is None or it.item_id == q.item_id)
        and (q.flagged is None or bool(it.flags) == q.flagged)
    ]
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


def _calibration_status(
    engine: StatsEngine, status: Literal["calibrated", "insufficient_data"], detail: str, model: str = "2pl"
) -> s.CalibrationStatus:
    """The calibration in use as `/api/stats/irt` and `/api/stats/calibrate` answer it."""
    return s.CalibrationStatus(
        status=status,
        detail=detail,
        calibration=presenters.calibration(engine.irt.get(model), engine.meta, engine.cut_percents()),
        min_attempts=engine.min_attempts,
        min_item_responses=engine.min_item_responses,
        n_attempts=engine.frame.n,
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
    if engine.irt.get(q.model) is None:
        return json_response(_calibration_status(engine, "insufficient_data", "no calibration yet", q.model))
    return json_response(_calibration_status(engine, "calibrated", "latest calibration", q.model))


@routes.post(
    "/api/stats/calibrate",
    roles=ADMIN,
    response=s.CalibrationStatus,
    summary="Calibrate the items now (Rasch and 2PL) if there is enough data",
)
async def calibrate(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    outcome = await engine.calibrate(force=True)
    if outcome.status != "calibrated":
        raise Problem(409, f"not enough data to calibrate: {outcome.detail}")
    return json_response(_calibration_status(engine, outcome.status, outcome.detail))
