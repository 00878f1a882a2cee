"""HTTP handlers of a blueprint's standard: decode, call, encode."""

from __future__ import annotations

from aiohttp import web

from scoring.analysis.loop import ENGINE_KEY
from scoring.standard import schemas as s
from scoring.standard import service
from shared.auth import ADMIN
from shared.db import POOL_KEY
from shared.web import RouteTable, json_response, principal, read_json, read_query

routes = RouteTable("scoring")


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
    out = await service.describe(request.app[POOL_KEY], q.blueprint_id, engine.blueprint_now(q.blueprint_id))
    return json_response(out)


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
    engine = request.app[ENGINE_KEY]
    await engine.current()
    pool = request.app[POOL_KEY]
    state = engine.irt.get("2pl")
    scale = None if state is None else service.Scale(state.calibration_id, state.references.get(body.blueprint_id))
    await service.reset(pool, scale, engine.blueprint_now(body.blueprint_id), body, principal(request))
    await engine.refresh()
    return json_response(await service.describe(pool, body.blueprint_id, engine.blueprint_now(body.blueprint_id)))
