"""HTTP handlers of the items: decode, call the service, encode.

Every /api route is for staff (instructors and admins), but the content areas, which every
signed-in user may read; candidates get 403. The feed is service-to-service only.

Two tables, installed on either side of the import and export routes (item_bank/app.py):
aiohttp matches routes in the order they are added, so the fixed paths under /api/items/
come before /api/items/{item_id}, and the OpenAPI documents list the paths in that order.
"""

from __future__ import annotations

from aiohttp import web

from item_bank.items import service
from item_bank.items.schemas import (
    AuditList,
    BulkIn,
    BulkOut,
    DiffOut,
    DiffQuery,
    DomainOut,
    FeedQuery,
    ItemIn,
    ItemOut,
    ItemPage,
    LintOut,
    RolloverPage,
    RolloverQuery,
    SearchQuery,
    TagList,
    TagsQuery,
    TransitionIn,
    VersionList,
)
from shared.auth import ANY_USER, SERVICE, STAFF
from shared.contracts import FeedPage
from shared.db import POOL_KEY
from shared.domains import DOMAINS
from shared.web import SETTINGS_KEY, RouteTable, json_response, principal, read_json, read_query

routes = RouteTable("items")  # /api/domains and /api/items: write, lint, search; the rollover
more_routes = RouteTable("items")  # bulk actions, tags in use, one item and its versions
_DOMAINS = [
    DomainOut(code=d.code, name=d.name, classic_count=d.classic_count, current_count=d.current_count)
    for d in DOMAINS
]


def _year(request: web.Request) -> int:
    return request.app[SETTINGS_KEY].current_code_set_year


@routes.get(
    "/api/domains",
    roles=ANY_USER,
    response=list[DomainOut],
    summary="The 17 CPC content areas (every signed-in user: the exam's review names the areas)",
)
async def list_domains(request: web.Request) -> web.Response:
    return json_response(_DOMAINS)


@routes.post(
    "/api/items",
    roles=STAFF,
    body=ItemIn,
    response=ItemOut,
    status=201,
    summary="Write a new item (version 1, draft)",
)
async def create_item(request: web.Request) -> web.Response:
    body = await read_json(request, ItemIn)
    out = await service.create(request.app[POOL_KEY], principal(request), body, _year(request))
    return json_response(out, status=201, headers={"Location": f"/api/items/{out.id}"})


@routes.post(
    "/api/items/lint",
    roles=STAFF,
    body=ItemIn,
    response=LintOut,
    summary="The item linter's errors and warnings on a draft, each naming its field (nothing is stored)",
)
async def lint_item(request: web.Request) -> web.Response:
    body = await read_json(request, ItemIn)
    return json_response(service.lint(body))


@routes.get(
    "/api/items",
    roles=STAFF,
    query=SearchQuery,
    response=ItemPage,
    summary="Search the latest versions: filters, full text (q), cursor pages, newest first",
)
async def search_items(request: web.Request) -> web.Response:
    query = read_query(request, SearchQuery)
    return json_response(await service.search(request.app[POOL_KEY], query, _year(request)))


@routes.get(
    "/api/items/rollover",
    roles=STAFF,
    query=RolloverQuery,
    response=RolloverPage,
    summary="Approved versions in service written for an older code-set year",
)
async def rollover(request: web.Request) -> web.Response:
    query = read_query(request, RolloverQuery)
    page = await service.rollover(request.app[POOL_KEY], query.year or _year(request), query.cursor, query.limit)
    return json_response(page)


@more_routes.post(
    "/api/items/bulk",
    roles=STAFF,
    body=BulkIn,
    response=BulkOut,
    summary="One action on up to 500 items (send for review, approve, return with a comment, retire, tag), "
    "each item in its own transaction and audit entry; refusals are reported per item",
    problems=((422, "more than 500 ids, a return without a comment, tag without tags"),),
)
async def bulk_items(request: web.Request) -> web.Response:
    body = await read_json(request, BulkIn)
    out = await service.bulk(request.app[POOL_KEY], principal(request), body, _year(request))
    return json_response(out)


async def _tags(request: web.Request) -> web.Response:
    query = read_query(request, TagsQuery)
    return json_response(await service.tags_in_use(request.app[POOL_KEY], query.prefix, query.limit))


more_routes.get(
    "/api/tags",
    roles=STAFF,
    query=TagsQuery,
    response=TagList,
    summary="Tags in use on the items' latest versions, by prefix, most used first (tag autocomplete)",
)(_tags)
more_routes.get(
    "/api/items/tags",
    roles=STAFF,
    query=TagsQuery,
    response=TagList,
    summary="The same as /api/tags, under the items' path",
)(_tags)


@more_routes.get(
    "/api/items/{item_id}",
    roles=STAFF,
    response=ItemOut,
    summary="The current (latest) version, with the version in service and the count of versions",
)
async def get_item(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    return json_response(await service.get(request.app[POOL_KEY], item_id))


@more_routes.put(
    "/api/items/{item_id}",
    roles=STAFF,
    body=ItemIn,
    response=ItemOut,
    summary="Write a new version (draft); the approved one stays in service until it is approved",
)
async def update_item(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    body = await read_json(request, ItemIn)
    out = await service.update(request.app[POOL_KEY], principal(request), item_id, body, _year(request))
    return json_response(out)


@more_routes.get("/api/items/{item_id}/versions", roles=STAFF, response=VersionList, summary="Every version")
async def list_versions(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    return json_response(await service.versions(request.app[POOL_KEY], item_id))


@more_routes.post(
    "/api/items/{item_id}/transitions",
    roles=STAFF,
    body=TransitionIn,
    response=ItemOut,
    summary="Move a version through review; illegal moves 409, approving one's own version 403",
)
async def transition(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    body = await read_json(request, TransitionIn)
    out = await service.transition(request.app[POOL_KEY], principal(request), item_id, body)
    return json_response(out)


@more_routes.get(
    "/api/items/{item_id}/audit",
    roles=STAFF,
    response=AuditList,
    summary="Who did what to the item and when, oldest first",
)
async def audit(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    return json_response(await service.audit(request.app[POOL_KEY], item_id))


@more_routes.get(
    "/api/items/{item_id}/diff",
    roles=STAFF,
    query=DiffQuery,
    response=DiffOut,
    summary="What changed between two versions, field by field, word by word",
)
async def diff(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    query = read_query(request, DiffQuery)
    return json_response(await service.diff(request.app[POOL_KEY], item_id, query.from_, query.to))


internal = RouteTable("internal")


@internal.get(
    "/internal/feed",
    roles=SERVICE,
    query=FeedQuery,
    response=FeedPage,
    summary="Approved versions entering or leaving service since a cursor (delivery's read model)",
)
async def feed(request: web.Request) -> web.Response:
    query = read_query(request, FeedQuery)
    return json_response(await service.feed(request.app[POOL_KEY], query.cursor, query.limit))
