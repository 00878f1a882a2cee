"""Import and export: files in, rows checked, items created or updated; items out, streamed.

Every function takes the pool and owns its transactions (the import's chunks, each update,
the export's one read-only snapshot). The formats are pure modules of this package
(`transfer`: JSON lines and CSV; `moodle_qti`: Moodle XML and QTI 2.1).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import msgspec
import structlog

from item_bank.interchange import moodle_qti, transfer
from item_bank.interchange.import_rows import FileProblem, Row
from item_bank.interchange.schemas import ExportQuery, ExportRow, FieldErrorOut, ImportReport, ImportRow
from item_bank.items import repository as repo
from item_bank.items.repository import ExportedVersion, VersionRow
from item_bank.items.schemas import Option
from item_bank.items.service import actor, search_filters, write_version
from item_bank.items.validation import ItemContent
from item_bank.items.workflow import EDITABLE_FROM
from shared.auth import Principal
from shared.domains import DOMAIN_BY_CODE
from shared.errors import Problem, field_problem, validation_problem

_log = structlog.get_logger("mockcert.item_bank")

IMPORT_CHUNK = 250
_STORE_ERRORS = (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError)
# The report of a large file (200,000 rows fit in the 32 MiB limit) is built in slices of this many
# rows, the event loop given a turn between them: other requests never wait for a whole file.
ROWS_PER_TURN = 500


async def _turn(index: int) -> None:
    """Yield to the event loop once every ROWS_PER_TURN rows."""
    if index and index % ROWS_PER_TURN == 0:
        await asyncio.sleep(0)


def _records(user: Principal, item_id: uuid.UUID, content: ItemContent) -> tuple[tuple[Any, ...], ...]:
    actor_id, actor_name = actor(user)
    return (
        (item_id, actor_id, actor_name, 1, None),
        (
            item_id,
            1,
            *repo.content_args(content),
            "draft",
            actor_id,
            actor_name,
            actor_id,
            content.options_text(),
        ),
        (item_id, 1, "imported", None, "draft", actor_id, actor_name, ""),
    )


def _warnings(row: Row) -> list[FieldErrorOut]:
    return [FieldErrorOut(w.field, w.message) for w in row.warnings]


def _stored_content(record: VersionRow) -> ItemContent:
    return ItemContent(
        domain=record.domain,
        stem=record.stem,
        options=tuple((o.label, o.text) for o in record.options),
        key=record.key,
        rationale=record.rationale,
        tags=tuple(record.tags),
        code_set_year=record.code_set_year,
        references=tuple(record.refs),
    )


_KEEP_FIELDS = {"tags": "tags", "code_set_year": "code_set_year", "references": "references"}


def import_decision(row: Row, current: VersionRow) -> tuple[str, ItemContent | None, list[FieldErrorOut]]:
    """What a row naming an existing item does to it: unchanged, updated (with this content) or refused."""
    assert row.content is not None
    stored = _stored_content(current)
    content = row.content
    keep = {f: getattr(stored, f) for f in row.keep if f in _KEEP_FIELDS}
    if keep:
        content = msgspec.structs.replace(content, **keep)
    if content == stored:
        return "unchanged", None, []
    if row.base_version is not None and row.base_version != current.version:
        return "refused", None, [FieldErrorOut(
            "version",
            f"the item changed since this row was exported (version {row.base_version}; it is now at "
            f"version {current.version}): export it again and redo the change",
        )]
    if current.status not in EDITABLE_FROM:
        return "refused", None, [FieldErrorOut(
            "id", "the item's latest version is in review: send it back to draft before importing a change"
        )]
    return "updated", content, []


def _refused(row: Row, errors: list[FieldErrorOut]) -> ImportRow:
    return ImportRow(
        row=row.row,
        status="refused",
        id=str(row.item_id) if row.item_id else None,
        errors=errors,
        warnings=_warnings(row),
        source=row.source,
        not_carried=list(row.not_carried),
    )


def _done(row: Row, status: str, item_id: uuid.UUID, version: int | None) -> ImportRow:
    return ImportRow(
        row=row.row,
        status=status,  # type: ignore[arg-type]
        id=str(item_id),
        warnings=_warnings(row),
        version=version,
        source=row.source,
        not_carried=list(row.not_carried),
    )


async def import_file(
    pool: asyncpg.Pool,
    user: Principal,
    data: bytes,
    fmt: str,
    current_year: int,
    *,
    domain: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read a file in one of the formats (`fmt`: jsonl, csv, xml, moodle, qti), then store its rows."""
    if domain is not None and domain not in DOMAIN_BY_CODE:
        raise field_problem("domain", f"unknown domain {domain!r}")
    try:
        # Parsing and checking a large file is CPU work: off the event loop.
        rows = await asyncio.get_running_loop().run_in_executor(
            None, transfer.parse, data, fmt, current_year, domain
        )
    except FileProblem as exc:
        raise validation_problem(exc.errors, detail=f"the file cannot be read: {exc}") from None
    return await import_rows(pool, user, rows, dry_run=dry_run)


async def import_rows(pool: asyncpg.Pool, user: Principal, rows: list[Row], *, dry_run: bool = False) -> ImportReport:
    """Store every valid row; report each row.

    A row without an id, or with an id this bank does not hold, creates a new draft item (under
    that id). A row naming an item of this bank updates it: "unchanged" when its content is the
    item's latest, a new draft version when not (refused if the item changed since the row's
    version, or is in review). A dry run reads the same way and writes nothing.

    New items are written in chunks, each chunk one transaction; should a chunk fail in the
    database, its rows are retried one transaction each, so a row that cannot be stored is
    refused alone and never half-written. Each update is one transaction of its own.
    """
    report: dict[int, ImportRow] = {}
    valid: list[Row] = []
    first_row: dict[uuid.UUID, int] = {}
    for index, row in enumerate(rows):
        await _turn(index)
        if row.content is None:
            report[row.row] = _refused(row, [FieldErrorOut(e.field, e.message) for e in row.errors])
        elif row.item_id is not None and row.item_id in first_row:
            report[row.row] = _refused(
                row, [FieldErrorOut("id", f"the same item is in row {first_row[row.item_id]} already")]
            )
        else:
            if row.item_id is not None:
                first_row[row.item_id] = row.row
            valid.append(row)
    async with pool.acquire() as conn:
        named = [row.item_id for row in valid if row.item_id is not None]
        existing = {r.item_id: r for r in await repo.get_current_many(conn, named)} if named else {}
        creates = [row for row in valid if row.item_id is None or row.item_id not in existing]
        updates = [row for row in valid if row.item_id is not None and row.item_id in existing]
        if dry_run:
            for index, row in enumerate(creates):
                await _turn(index)
                report[row.row] = _done(row, "created", row.item_id, 1) if row.item_id else ImportRow(
                    row=row.row, status="created", warnings=_warnings(row), version=1, source=row.source,
                    not_carried=list(row.not_carried))
            for index, row in enumerate(updates):
                await _turn(index)
                assert row.item_id is not None  # an update names an item of this bank
                current = existing[row.item_id]
                decision, _, errors = import_decision(row, current)
                report[row.row] = (
                    _refused(row, errors) if decision == "refused"
                    else _done(row, decision, current.item_id,
                               current.version + 1 if decision == "updated" else current.version)
                )
        else:
            await _create_rows(conn, user, creates, report)
            for row in updates:
                report[row.row] = await _update_row(conn, user, row)
    ordered = [report[k] for k in sorted(report)]
    counts = Counter(r.status for r in ordered)
    return ImportReport(
        created=counts["created"],
        refused=counts["refused"],
        rows=ordered,
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        dry_run=dry_run,
    )


async def _update_row(conn: asyncpg.Connection, user: Principal, row: Row) -> ImportRow:
    assert row.item_id is not None
    try:
        async with conn.transaction():
            item = await repo.lock_item(conn, row.item_id)
            current = await repo.get_current(conn, row.item_id) if item is not None else None
            if current is None:
                return _refused(row, [FieldErrorOut("id", "no such item")])
            decision, content, errors = import_decision(row, current)
            if decision == "refused":
                return _refused(row, errors)
            if decision == "unchanged" or content is None:
                return _done(row, "unchanged", row.item_id, current.version)
            version = await write_version(
                conn, user, row.item_id, content, base_version=None, action="imported",
                comment="updated from an imported file",
            )
            return _done(row, "updated", row.item_id, version)
    except Problem as exc:
        return _refused(row, [FieldErrorOut("id", exc.detail or exc.title)])
    except _STORE_ERRORS as exc:
        _log.warning("import_row_not_stored", row=row.row, error=type(exc).__name__)
        return _refused(row, [FieldErrorOut("row", "the database refused this row")])


async def _create_rows(
    conn: asyncpg.Connection, user: Principal, valid: list[Row], report: dict[int, ImportRow]
) -> None:
    for start in range(0, len(valid), IMPORT_CHUNK):
        chunk = [(row, row.item_id or uuid.uuid4()) for row in valid[start : start + IMPORT_CHUNK]]
        records = [_records(user, item_id, row.content) for row, item_id in chunk]  # type: ignore[arg-type]
        try:
            async with conn.transaction():
                await repo.insert_batch(
                    conn, [r[0] for r in records], [r[1] for r in records], [r[2] for r in records]
                )
        except _STORE_ERRORS:
            for (row, item_id), record in zip(chunk, records, strict=True):
                try:
                    async with conn.transaction():
                        await repo.insert_batch(conn, [record[0]], [record[1]], [record[2]])
                except _STORE_ERRORS as exc:
                    _log.warning("import_row_not_stored", row=row.row, error=type(exc).__name__)
                    report[row.row] = ImportRow(
                        row=row.row,
                        status="refused",
                        errors=[FieldErrorOut("row", "the database refused this row")],
                        source=row.source,
                    )
                else:
                    report[row.row] = _done(row, "created", item_id, 1)
        else:
            for row, item_id in chunk:
                report[row.row] = _done(row, "created", item_id, 1)


EXPORT_BATCH = 500


def export_row(record: ExportedVersion) -> ExportRow:
    """An item's latest version as every export format writes it."""
    return ExportRow(
        id=str(record.item_id),
        version=record.version,
        status=record.status,
        domain=record.domain,
        stem=record.stem,
        options=[Option(label=o.label, text=o.text) for o in record.options],
        key=record.key,
        rationale=record.rationale,
        tags=list(record.tags),
        code_set_year=record.code_set_year,
        references=list(record.refs),
    )


async def export(pool: asyncpg.Pool, query: ExportQuery, write: Callable[[bytes], Awaitable[None]]) -> int:
    """Stream the latest version of every item the list's filters select, in one consistent
    snapshot; return the count. A QTI package is a zip: it is built whole (off the event loop),
    then sent."""
    fmt = query.format
    filters = search_filters(
        domain=query.domain,
        tag=query.tag,
        status=query.status,
        author=query.author,
        code_set_year=query.code_set_year,
        q=query.q,
    )
    count = 0
    state: dict[str, str | None] = {}
    if fmt == "csv":
        lines: Callable[[list[ExportRow]], Any] = transfer.csv_lines
        await write(transfer.csv_header())
    elif fmt == "moodle":
        lines = lambda batch: moodle_qti.moodle_questions(batch, state)  # noqa: E731
        await write(moodle_qti.moodle_header())
    else:
        lines = transfer.jsonl_lines
    collected: list[ExportRow] = []
    if filters is not None:
        async with pool.acquire() as conn:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                batch: list[ExportRow] = []
                async for record in repo.export_rows(conn, filters, prefetch=EXPORT_BATCH):
                    batch.append(export_row(record))
                    if len(batch) >= EXPORT_BATCH:
                        if fmt == "qti":
                            collected += batch
                        else:
                            await write(b"".join(lines(batch)))
                        count += len(batch)
                        batch = []
                if batch:
                    if fmt == "qti":
                        collected += batch
                    else:
                        await write(b"".join(lines(batch)))
                    count += len(batch)
    if fmt == "moodle":
        await write(moodle_qti.moodle_footer())
    elif fmt == "qti":
        package = await asyncio.get_running_loop().run_in_executor(None, moodle_qti.qti_package, collected)
        await write(package)
    return count
