"""HTTP handlers of blueprints and their attempt policies: decode, call the service, encode."""

from __future__ import annotations

from aiohttp import web

from exam_delivery.blueprints import service as blueprints
from exam_delivery.blueprints.schemas import AttemptPolicyIn, AttemptPolicyOut, BlueprintIn, BlueprintOut, Eligibility
from exam_delivery.context import DELIVERY_KEY
from shared.auth import ADMIN, ANY_USER, CANDIDATE
from shared.web import RouteTable, json_response, principal, read_json

routes = RouteTable("delivery")


@routes.get(
    "/api/blueprints",
    roles=ANY_USER,
    response=list[BlueprintOut],
    summary="Blueprints, with whether the approved bank can fill each now",
)
async def list_blueprints(request: web.Request) -> web.Response:
    d = request.app[DELIVERY_KEY]
    return json_response(await blueprints.list_all(d.pool, d.settings, d.catalog.items.bank))


@routes.get("/api/blueprints/{blueprint_id}", roles=ANY_USER, response=BlueprintOut, summary="One blueprint")
async def get_blueprint(request: web.Request) -> web.Response:
    d = request.app[DELIVERY_KEY]
    return json_response(await blueprints.get_out(
        d.pool, d.settings, d.blueprints, d.catalog.items.bank, request.match_info["blueprint_id"]
    ))


@routes.get(
    "/api/blueprints/{blueprint_id}/policy",
    roles=ANY_USER,
    response=AttemptPolicyOut,
    summary="The blueprint's attempt policy: attempts allowed, cool-down, review, low-answer share",
)
async def get_policy(request: web.Request) -> web.Response:
    d = request.app[DELIVERY_KEY]
    out = await blueprints.get_policy(d.pool, d.settings, d.blueprints, request.match_info["blueprint_id"])
    return json_response(out)


@routes.put(
    "/api/blueprints/{blueprint_id}/policy",
    roles=ADMIN,
    body=AttemptPolicyIn,
    response=AttemptPolicyOut,
    max_body=4096,
    summary="Set the blueprint's attempt policy (fields left out take the service's defaults)",
)
async def put_policy(request: web.Request) -> web.Response:
    body = await read_json(request, AttemptPolicyIn)
    d = request.app[DELIVERY_KEY]
    out = await blueprints.put_policy(
        d.pool, d.settings, d.blueprints, request.match_info["blueprint_id"], body, principal(request).id
    )
    return json_response(out)


@routes.get(
    "/api/blueprints/{blueprint_id}/eligibility",
    roles=CANDIDATE,
    response=Eligibility,
    summary="Whether the caller may start this blueprint now: attempts left, when the next is allowed",
)
async def get_eligibility(request: web.Request) -> web.Response:
    d = request.app[DELIVERY_KEY]
    out = await blueprints.eligibility(
        d.pool, d.settings, d.blueprints, request.match_info["blueprint_id"], principal(request).id
    )
    return json_response(out)


@routes.post(
    "/api/blueprints",
    roles=ADMIN,
    body=BlueprintIn,
    response=BlueprintOut,
    status=201,
    summary="Define a blueprint; 422 naming the domains the approved bank cannot fill",
)
async def create_blueprint(request: web.Request) -> web.Response:
    body = await read_json(request, BlueprintIn)
    d = request.app[DELIVERY_KEY]
    out = await blueprints.create(d.pool, d.settings, d.blueprints, d.catalog, body, principal(request).id)
    return json_response(out, status=201)
