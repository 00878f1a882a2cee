"""HTTP handlers of the question tools: decode, call the service, encode."""

from __future__ import annotations

from aiohttp import web

from exam_delivery.attempts.service import parse_position, parse_uuid
from exam_delivery.context import DELIVERY_KEY
from exam_delivery.tools import service as tools
from exam_delivery.tools.schemas import ToolsIn, ToolsOut
from shared.auth import CANDIDATE
from shared.web import RouteTable, json_response, principal, read_json

routes = RouteTable("delivery")


@routes.put(
    "/api/attempts/{attempt_id}/tools/{position}",
    roles=CANDIDATE,
    body=ToolsIn,
    response=ToolsOut,
    max_body=32768,
    summary="Save the question's tools (options struck out, highlights in the stem, a note); "
    "a field left out is kept; 409 once answers are closed",
    problems=((409, "the attempt is submitted, its time is over, or the question's part is not open"),),
)
async def put_tools(request: web.Request) -> web.Response:
    attempt_id = parse_uuid(request.match_info["attempt_id"])
    position = parse_position(request.match_info["position"])
    body = await read_json(request, ToolsIn)
    d = request.app[DELIVERY_KEY]
    return json_response(await tools.put(d.pool, d.catalog, attempt_id, principal(request).id, position, body))
