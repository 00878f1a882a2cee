"""HTTP handlers of the item read model's service endpoints: decode, call the service, encode."""

from __future__ import annotations

from aiohttp import web

from exam_delivery.context import DELIVERY_KEY
from exam_delivery.items.schemas import DifficultyUpdate
from exam_delivery.items.service import apply_item_stats
from shared.auth import SERVICE
from shared.contracts import ItemStatsSummary
from shared.web import RouteTable, json_response, read_json

internal = RouteTable("internal")


@internal.post(
    "/internal/item-stats",
    roles=SERVICE,
    body=list[ItemStatsSummary],
    response=DifficultyUpdate,
    summary="Measured difficulties (proportion correct) of item versions, for form assembly",
)
async def item_stats(request: web.Request) -> web.Response:
    body = await read_json(request, list[ItemStatsSummary])
    changed = await apply_item_stats(request.app[DELIVERY_KEY].catalog, body)
    return json_response(DifficultyUpdate(updated=changed))
