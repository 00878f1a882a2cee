"""HTTP handlers of the item bank: decode, call the service, encode.

Every /api route is for staff (instructors and admins); candidates get 403.
The feed is service-to-service only.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from item_bank import service, transfer
from item_bank.schemas import (
    AuditList,
    BulkIn,
    BulkOut,
    DiffOut,
    DiffQuery,
    DomainOut,
    ExportQuery,
    FeedQuery,
    ImportQuery,
    ImportReport,
    ItemIn,
    ItemOut,
    ItemPage,
    LintOut,
    RolloverPage,
    RolloverQuery,
    SearchQuery,
    TagList,
    TagsQuery,
    TemplateQuery,
    TransitionIn,
    VersionList,
)
from shared.auth import ANY_USER, SERVICE, STAFF
from shared.contracts import FeedPage
from shared.db import POOL_KEY
from shared.domains import DOMAIN_BY_CODE, DOMAINS
from shared.errors import Problem, field_problem, validation_problem
from shared.settings import Settings
from shared.web import (
    REQUEST_ID_HEADER,
    REQUEST_ID_KEY,
    SECURITY_HEADERS,
    SETTINGS_KEY,
    RouteTable,
    json_response,
    principal,
    read_json,
    read_query,
)

routes = RouteTable("items")
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
    async with request.app[POOL_KEY].acquire() as conn:
        page = await service.search(conn, query, _year(request))
    return json_response(page)


@routes.get(
    "/api/items/rollover",
    roles=STAFF,
    query=RolloverQuery,
    response=RolloverPage,
    summary="Approved versions in service written for an older code-set year",
)
async def rollover(request: web.Request) -> web.Response:
    query = read_query(request, RolloverQuery)
    async with request.app[POOL_KEY].acquire() as conn:
        page = await service.rollover(conn, query.year or _year(request), query.cursor, query.limit)
    return json_response(page)


_EXPORT_TYPES = {
    "jsonl": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv", "csv"),
    "moodle": ("application/xml", "xml"),
    "qti": ("application/zip", "zip"),
}


@routes.get(
    "/api/items/export",
    roles=STAFF,
    query=ExportQuery,
    content_type="application/x-ndjson",
    summary="The latest version of every item the filters select (those of the item list: domain, tag, "
    "status, author, code_set_year, q) as JSON lines, CSV, Moodle XML or a QTI 2.1 package, with id, "
    "version and status",
)
async def export_items(request: web.Request) -> web.StreamResponse:
    query = read_query(request, ExportQuery)
    ctype, extension = _EXPORT_TYPES[query.format]
    filters = service.search_filters(
        domain=query.domain,
        tag=query.tag,
        status=query.status,
        author=query.author,
        code_set_year=query.code_set_year,
        q=query.q,
    )
    charset = "" if query.format == "qti" else "; charset=utf-8"
    name = "mockcert-items" + ("-moodle" if query.format == "moodle" else "-qti" if query.format == "qti" else "")
    response = web.StreamResponse(
        headers={
            "Content-Type": f"{ctype}{charset}",
            "Content-Disposition": f'attachment; filename="{name}.{extension}"'
            if query.format in ("moodle", "qti")
            else f'attachment; filename="mockcert-items.{query.format}"',
            "Cache-Control": "no-store",
            REQUEST_ID_HEADER: request[REQUEST_ID_KEY],
            **SECURITY_HEADERS,
        }
    )
    started = False

    async def write(chunk: bytes) -> None:
        nonlocal started
        if not started:
            await response.prepare(request)
            started = True
        await response.write(chunk)

    await service.export(request.app[POOL_KEY], filters, query.format, write)
    if not started:
        await response.prepare(request)
    await response.write_eof()
    return response


@routes.get(
    "/api/items/import/template",
    roles=STAFF,
    query=TemplateQuery,
    content_type="text/csv",
    summary="A file to start an import from: the CSV header or JSON-lines shape, with one example item",
)
async def import_template(request: web.Request) -> web.Response:
    query = read_query(request, TemplateQuery)
    ctype = "text/csv" if query.format == "csv" else "application/x-ndjson"
    return web.Response(
        body=transfer.template(query.format, _year(request)),
        headers={
            "Content-Type": f"{ctype}; charset=utf-8",
            "Content-Disposition": f'attachment; filename="mockcert-items-template.{query.format}"',
        },
    )


@routes.post(
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
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.tags_in_use(conn, query.prefix, query.limit)
    return json_response(out)


routes.get(
    "/api/tags",
    roles=STAFF,
    query=TagsQuery,
    response=TagList,
    summary="Tags in use on the items' latest versions, by prefix, most used first (tag autocomplete)",
)(_tags)
routes.get(
    "/api/items/tags",
    roles=STAFF,
    query=TagsQuery,
    response=TagList,
    summary="The same as /api/tags, under the items' path",
)(_tags)


def import_routes(settings: Settings) -> RouteTable:
    """The import endpoint takes up to `max_import_bytes`, larger than any other body."""
    table = RouteTable("items")

    @table.post(
        "/api/items/import",
        roles=STAFF,
        query=ImportQuery,
        response=ImportReport,
        max_body=settings.max_import_bytes,
        summary="Import JSON lines (application/x-ndjson), CSV (text/csv), Moodle XML (application/xml) or a "
        "QTI 2.1 package (application/zip), or say ?format=; new rows arrive as drafts, rows naming an item "
        "of this bank update it; ?dry_run=true reports without writing",
    )
    async def import_items(request: web.Request) -> web.Response:
        query = read_query(request, ImportQuery)
        fmt = query.format or transfer.FORMATS.get(request.content_type)
        if fmt is None:
            raise Problem(
                415,
                "send JSON lines as application/x-ndjson, CSV as text/csv, Moodle XML as application/xml or a "
                "QTI package as application/zip (or add ?format=)",
            )
        if query.domain is not None and query.domain not in DOMAIN_BY_CODE:
            raise field_problem("domain", f"unknown domain {query.domain!r}")
        data = await request.read()
        try:
            # Parsing and checking a large file is CPU work: off the event loop.
            rows = await asyncio.get_running_loop().run_in_executor(
                None, transfer.parse, data, fmt, _year(request), query.domain
            )
        except transfer.FileProblem as exc:
            raise validation_problem(exc.errors, detail=f"the file cannot be read: {exc}") from None
        report = await service.import_rows(request.app[POOL_KEY], principal(request), rows, dry_run=query.dry_run)
        return json_response(report)

    return table


@routes.get(
    "/api/items/{item_id}",
    roles=STAFF,
    response=ItemOut,
    summary="The current (latest) version, with the version in service and the count of versions",
)
async def get_item(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.get(conn, item_id)
    return json_response(out)


@routes.put(
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


@routes.get("/api/items/{item_id}/versions", roles=STAFF, response=VersionList, summary="Every version")
async def list_versions(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.versions(conn, item_id)
    return json_response(out)


@routes.post(
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


@routes.get(
    "/api/items/{item_id}/audit",
    roles=STAFF,
    response=AuditList,
    summary="Who did what to the item and when, oldest first",
)
async def audit(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.audit(conn, item_id)
    return json_response(out)


@routes.get(
    "/api/items/{item_id}/diff",
    roles=STAFF,
    query=DiffQuery,
    response=DiffOut,
    summary="What changed between two versions, field by field, word by word",
)
async def diff(request: web.Request) -> web.Response:
    item_id = service.parse_item_id(request.match_info["item_id"])
    query = read_query(request, DiffQuery)
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.diff(conn, item_id, query.from_, query.to)
    return json_response(out)


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
    async with request.app[POOL_KEY].acquire() as conn:
        page = await service.feed(conn, query.cursor, query.limit)
    return json_response(page)
