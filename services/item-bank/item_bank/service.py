"""Rules of the item bank: authoring, versions, review, search and the delivery feed.

Every write is one transaction that first locks the item's row, so two
instructors acting on the same item at once are serialised; the feed rows a
write produces are appended in the same transaction.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

from item_bank import cursors, transfer
from item_bank import repository as repo
from item_bank.diff import diff_versions
from item_bank.lint import lint_item
from item_bank.schemas import (
    AuditEntry,
    AuditList,
    DiffOut,
    FieldErrorOut,
    ImportReport,
    ImportRow,
    ItemIn,
    ItemOut,
    ItemPage,
    LintFindingOut,
    LintOut,
    Option,
    RolloverPage,
    SearchQuery,
    TransitionIn,
    VersionList,
    VersionOut,
)
from item_bank.transfer import Row
from item_bank.validation import ItemContent, check_item, clean_tag
from item_bank.workflow import check_editable, check_transition
from shared.auth import Principal
from shared.contracts import FeedItemVersion, FeedOption, FeedPage
from shared.errors import FieldError, Problem, field_problem, not_found, uuid_or_404, validation_problem
from shared.times import iso_utc

_log = structlog.get_logger("mockcert.item_bank")


iso = iso_utc


def parse_item_id(raw: str) -> uuid.UUID:
    return uuid_or_404(raw, "item")


def _options(raw: list[dict[str, str]]) -> list[Option]:
    return [Option(label=o["label"], text=o["text"]) for o in raw]  # type: ignore[arg-type]


def item_out(row: asyncpg.Record) -> ItemOut:
    return ItemOut(
        id=str(row["item_id"]),
        version=row["version"],
        status=row["status"],
        domain=row["domain"],
        stem=row["stem"],
        options=_options(row["options"]),
        key=row["key"],
        rationale=row["rationale"],
        tags=list(row["tags"]),
        code_set_year=row["code_set_year"],
        references=list(row["refs"]),
        versions=row["latest_version"],
        approved_version=row["approved_version"],
        author=row["author_id"],
        author_name=row["author_name"],
        created_by=row["created_by"],
        created_by_name=row["created_by_name"],
        created_at=iso(row["item_created_at"]),
        updated_at=iso(row["created_at"]),
        status_changed_at=iso(row["status_changed_at"]),
    )


def version_out(row: asyncpg.Record) -> VersionOut:
    return VersionOut(
        version=row["version"],
        status=row["status"],
        in_service=row["approved_version"] == row["version"],
        domain=row["domain"],
        stem=row["stem"],
        options=_options(row["options"]),
        key=row["key"],
        rationale=row["rationale"],
        tags=list(row["tags"]),
        code_set_year=row["code_set_year"],
        references=list(row["refs"]),
        author=row["author_id"],
        author_name=row["author_name"],
        created_at=iso(row["created_at"]),
        status_changed_at=iso(row["status_changed_at"]),
    )


def checked(body: ItemIn, current_year: int) -> ItemContent:
    content, errors = check_item(body, current_year)
    if content is None:
        raise validation_problem(errors)
    return content


def lint(body: ItemIn) -> LintOut:
    """The linter's findings on a draft as the editor has it (no database: the rules are pure)."""
    found = lint_item(body)
    return LintOut(
        errors=sum(1 for f in found if f.level == "error"),
        warnings=sum(1 for f in found if f.level == "warning"),
        findings=[LintFindingOut(f.level, f.field, f.rule, f.message) for f in found],
    )


def check_lint_for_review(version: asyncpg.Record) -> None:
    """A version with lint errors (an invalid code, two keys, repeated options) does not go to review."""
    errors = [f for f in lint_item(dict(version)) if f.level == "error"]
    if errors:
        raise Problem(
            422,
            "fix these before submitting for review: "
            + "; ".join(f"{e.field}: {e.message}" for e in errors),
            errors=[FieldError(e.field, e.message) for e in errors],
        )


def _actor(user: Principal) -> tuple[str, str]:
    return user.id, user.username or user.id


# ------------------------------------------------------------------ writes


async def create_item(
    conn: asyncpg.Connection, user: Principal, content: ItemContent, action: str = "created"
) -> uuid.UUID:
    """Insert a new item as version 1, draft. Call inside a transaction."""
    actor_id, actor_name = _actor(user)
    item_id = uuid.uuid4()
    await repo.insert_item(conn, item_id, actor_id, actor_name)
    await repo.insert_version(
        conn,
        item_id,
        1,
        content,
        status="draft",
        author_id=actor_id,
        author_name=actor_name,
        item_author_id=actor_id,
    )
    await repo.insert_audit(
        conn, item_id, 1, action, actor_id=actor_id, actor_name=actor_name, to_status="draft"
    )
    return item_id


async def create(pool: asyncpg.Pool, user: Principal, body: ItemIn, current_year: int) -> ItemOut:
    content = checked(body, current_year)
    async with pool.acquire() as conn:
        async with conn.transaction():
            item_id = await create_item(conn, user, content)
        row = await repo.get_current(conn, item_id)
    return item_out(row)


async def update(
    pool: asyncpg.Pool, user: Principal, item_id: uuid.UUID, body: ItemIn, current_year: int
) -> ItemOut:
    """A new version (draft). The approved version, if any, stays in service until this one is approved."""
    content = checked(body, current_year)
    actor_id, actor_name = _actor(user)
    async with pool.acquire() as conn:
        async with conn.transaction():
            item = await repo.lock_item(conn, item_id)
            if item is None:
                raise not_found("no such item")
            latest = item["latest_version"]
            if body.base_version is not None and body.base_version != latest:
                raise Problem(
                    409,
                    f"the item changed since version {body.base_version} "
                    f"(it is at version {latest}); reload it and edit again",
                )
            current = await repo.get_version(conn, item_id, latest)
            assert current is not None
            check_editable(current["status"])
            new_version = latest + 1
            await repo.unset_latest(conn, item_id)
            await repo.insert_version(
                conn,
                item_id,
                new_version,
                content,
                status="draft",
                author_id=actor_id,
                author_name=actor_name,
                item_author_id=item["created_by"],
            )
            await repo.set_pointers(conn, item_id, new_version, item["approved_version"])
            await repo.insert_audit(
                conn,
                item_id,
                new_version,
                "edited",
                actor_id=actor_id,
                actor_name=actor_name,
                to_status="draft",
            )
        row = await repo.get_current(conn, item_id)
    return item_out(row)


async def transition(pool: asyncpg.Pool, user: Principal, item_id: uuid.UUID, body: TransitionIn) -> ItemOut:
    actor_id, actor_name = _actor(user)
    async with pool.acquire() as conn:
        async with conn.transaction():
            item = await repo.lock_item(conn, item_id)
            if item is None:
                raise not_found("no such item")
            latest = item["latest_version"]
            target = body.version if body.version is not None else latest
            version = await repo.get_version(conn, item_id, target)
            if version is None:
                raise field_problem("version", f"this item has no version {target}", status=404)
            approved = item["approved_version"]
            move = check_transition(
                current=version["status"],
                to=body.to,
                comment=body.comment,
                actor_id=actor_id,
                version_author=version["author_id"],
                is_latest=target == latest,
                is_in_service=approved == target,
            )
            if body.to == "in_review":
                check_lint_for_review(version)
            feed: list[tuple[uuid.UUID, int, str]] = []
            if move.enters_service and approved is not None and approved != target:
                # The newly approved version supersedes the one in service.
                await repo.set_status(conn, item_id, approved, "retired")
                await repo.insert_audit(
                    conn,
                    item_id,
                    approved,
                    "transition",
                    actor_id=actor_id,
                    actor_name=actor_name,
                    from_status="approved",
                    to_status="retired",
                    comment=f"superseded by version {target}",
                )
                feed.append((item_id, approved, "retired"))
            await repo.set_status(conn, item_id, target, body.to)
            await repo.insert_audit(
                conn,
                item_id,
                target,
                "transition",
                actor_id=actor_id,
                actor_name=actor_name,
                from_status=version["status"],
                to_status=body.to,
                comment=body.comment.strip(),
            )
            if move.enters_service:
                approved = target
                feed.append((item_id, target, "approved"))
            if move.leaves_service:
                approved = None
                feed.append((item_id, target, "retired"))
            await repo.set_pointers(conn, item_id, latest, approved)
            await repo.append_feed(conn, feed)
        row = await repo.get_current(conn, item_id)
    return item_out(row)


# ------------------------------------------------------------------ reads


async def get(conn: asyncpg.Connection, item_id: uuid.UUID) -> ItemOut:
    row = await repo.get_current(conn, item_id)
    if row is None:
        raise not_found("no such item")
    return item_out(row)


async def versions(conn: asyncpg.Connection, item_id: uuid.UUID) -> VersionList:
    rows = await repo.list_versions(conn, item_id)
    if not rows:
        raise not_found("no such item")
    return VersionList(
        id=str(item_id), approved_version=rows[0]["approved_version"], versions=[version_out(r) for r in rows]
    )


async def audit(conn: asyncpg.Connection, item_id: uuid.UUID) -> AuditList:
    rows = await repo.list_audit(conn, item_id)
    if not rows:
        raise not_found("no such item")
    return AuditList(
        id=str(item_id),
        entries=[
            AuditEntry(
                version=r["version"],
                action=r["action"],
                from_status=r["from_status"],
                to_status=r["to_status"],
                actor=r["actor_id"],
                actor_name=r["actor_name"],
                comment=r["comment"],
                at=iso(r["at"]),
            )
            for r in rows
        ],
    )


def _as_mapping(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "domain": row["domain"],
        "stem": row["stem"],
        "options": row["options"],
        "key": row["key"],
        "rationale": row["rationale"],
        "tags": list(row["tags"]),
        "code_set_year": row["code_set_year"],
        "references": list(row["refs"]),
    }


async def diff(conn: asyncpg.Connection, item_id: uuid.UUID, from_version: int, to_version: int) -> DiffOut:
    before = await repo.get_version(conn, item_id, from_version)
    after = await repo.get_version(conn, item_id, to_version)
    if before is None or after is None:
        if await repo.get_current(conn, item_id) is None:
            raise not_found("no such item")
        missing = "from" if before is None else "to"
        raise field_problem(
            missing, f"this item has no version {from_version if before is None else to_version}", status=404
        )
    return DiffOut(
        id=str(item_id),
        from_version=from_version,
        to_version=to_version,
        changes=diff_versions(_as_mapping(before), _as_mapping(after)),
    )


async def search(conn: asyncpg.Connection, query: SearchQuery, current_year: int) -> ItemPage:
    after = cursors.decode_time_id(query.cursor) if query.cursor else None
    # Search keys in the stored form (NFC), so a decomposed é finds the stored é.
    q = unicodedata.normalize("NFC", query.q).strip() if query.q else None
    rows = await repo.search(
        conn,
        domain=query.domain,
        tag=clean_tag(query.tag) if query.tag else None,
        status=query.status,
        author=query.author,
        code_set_year=query.code_set_year,
        older_than_year=current_year if query.stale_code_set else None,
        q=q or None,
        after=after,
        limit=query.limit + 1,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = cursors.encode_time_id(rows[-1]["created_at"], rows[-1]["item_id"]) if more else None
    return ItemPage(items=[item_out(r) for r in rows], next_cursor=next_cursor)


async def rollover(conn: asyncpg.Connection, year: int, cursor: str | None, limit: int) -> RolloverPage:
    after = cursors.decode_int_id(cursor) if cursor else None
    rows = await repo.rollover(conn, year, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    total = await repo.count_rollover(conn, year)
    next_cursor = cursors.encode_int_id(rows[-1]["code_set_year"], rows[-1]["item_id"]) if more else None
    return RolloverPage(
        current_code_set_year=year,
        items=[version_out(r) for r in rows],
        item_ids=[str(r["item_id"]) for r in rows],
        next_cursor=next_cursor,
        total=total,
    )


async def feed(conn: asyncpg.Connection, cursor: int, limit: int) -> FeedPage:
    rows = await repo.read_feed(conn, cursor, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        FeedItemVersion(
            item_id=str(r["item_id"]),
            version=r["version"],
            domain=r["domain"],
            stem=r["stem"],
            options=[FeedOption(label=o["label"], text=o["text"]) for o in r["options"]],
            key=r["key"],
            rationale=r["rationale"],
            status=r["feed_status"],
            code_set_year=r["code_set_year"],
            changed_seq=r["seq"],
            tags=list(r["tags"]),
        )
        for r in rows
    ]
    return FeedPage(items=items, next_cursor=rows[-1]["seq"] if rows else cursor, has_more=more)


# ------------------------------------------------------------------ import / export

IMPORT_CHUNK = 250
_STORE_ERRORS = (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError)


def _records(user: Principal, item_id: uuid.UUID, content: ItemContent) -> tuple[tuple[Any, ...], ...]:
    actor_id, actor_name = _actor(user)
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


async def import_rows(pool: asyncpg.Pool, user: Principal, rows: list[Row]) -> ImportReport:
    """Store every valid row as a new draft item; report each row.

    Valid rows are written in chunks, each chunk one transaction; should a chunk
    fail in the database, its rows are retried one transaction each, so a row
    that cannot be stored is refused alone and never half-written.
    """
    report: dict[int, ImportRow] = {}
    for row in rows:
        if row.content is None:
            report[row.row] = ImportRow(
                row=row.row,
                status="refused",
                errors=[FieldErrorOut(e.field, e.message) for e in row.errors],
                warnings=_warnings(row),
            )
    valid = [row for row in rows if row.content is not None]
    async with pool.acquire() as conn:
        for start in range(0, len(valid), IMPORT_CHUNK):
            chunk = [(row, uuid.uuid4()) for row in valid[start : start + IMPORT_CHUNK]]
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
                        )
                    else:
                        report[row.row] = ImportRow(
                            row=row.row, status="created", id=str(item_id), warnings=_warnings(row)
                        )
            else:
                for row, item_id in chunk:
                    report[row.row] = ImportRow(
                        row=row.row, status="created", id=str(item_id), warnings=_warnings(row)
                    )
    ordered = [report[k] for k in sorted(report)]
    created = sum(1 for r in ordered if r.status == "created")
    return ImportReport(created=created, refused=len(ordered) - created, rows=ordered)


EXPORT_BATCH = 500


async def export(
    pool: asyncpg.Pool, status: str | None, fmt: str, write: Callable[[bytes], Awaitable[None]]
) -> int:
    """Stream the latest version of every item, in one consistent snapshot; return the count."""
    count = 0
    lines = transfer.csv_lines if fmt == "csv" else transfer.jsonl_lines
    if fmt == "csv":
        await write(transfer.csv_header())
    async with pool.acquire() as conn:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            batch: list[asyncpg.Record] = []
            async for record in repo.export_rows(conn, status, prefetch=EXPORT_BATCH):
                batch.append(record)
                if len(batch) >= EXPORT_BATCH:
                    await write(b"".join(lines(batch)))
                    count += len(batch)
                    batch = []
            if batch:
                await write(b"".join(lines(batch)))
                count += len(batch)
    return count
