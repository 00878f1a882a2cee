"""HTTP handlers of import and export: decode, call the service, encode.

Every route is for staff (instructors and admins). They are installed between the items'
two tables (item_bank/app.py), in the order the OpenAPI documents list them.
"""

from __future__ import annotations

from aiohttp import web

from item_bank.interchange import service, transfer
from item_bank.interchange.schemas import ExportQuery, ImportQuery, ImportReport, TemplateQuery
from shared.auth import STAFF
from shared.db import POOL_KEY
from shared.errors import Problem
from shared.settings import Settings
from shared.web import (
    REQUEST_ID_HEADER,
    REQUEST_ID_KEY,
    SECURITY_HEADERS,
    SETTINGS_KEY,
    RouteTable,
    json_response,
    principal,
    read_query,
)

routes = RouteTable("items")  # the export and the import template


def _year(request: web.Request) -> int:
    return request.app[SETTINGS_KEY].current_code_set_year


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

    await service.export(request.app[POOL_KEY], query, write)
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
        data = await request.read()
        report = await service.import_file(
            request.app[POOL_KEY], principal(request), data, fmt, _year(request),
            domain=query.domain, dry_run=query.dry_run,
        )
        return json_response(report)

    return table
