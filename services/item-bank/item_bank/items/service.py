"""Rules of the items: authoring, versions, review, bulk actions, search and the delivery feed.

Every function takes the pool and owns its transaction. Every write is one transaction that
first locks the item's row, so two instructors acting on the same item at once are
serialised; the feed rows a write produces are appended in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from item_bank.items import cursors
from item_bank.items import repository as repo
from item_bank.items import search as search_terms
from item_bank.items.diff import diff_versions
from item_bank.items.repository import OptionRow, VersionRow
from item_bank.items.schemas import (
    AuditEntry,
    AuditList,
    BulkIn,
    BulkOut,
    BulkResult,
    DiffOut,
    ItemIn,
    ItemOut,
    ItemPage,
    LintFindingOut,
    LintOut,
    Option,
    RolloverPage,
    SearchQuery,
    TagList,
    TagOut,
    TransitionIn,
    VersionList,
    VersionOut,
)
from item_bank.items.validation import NO_RATIONALE, ItemContent, check_item, clean_tag
from item_bank.items.workflow import check_editable, check_transition
from item_bank.lint import lint_item
from shared.auth import Principal
from shared.contracts import FeedItemVersion, FeedOption, FeedPage
from shared.errors import FieldError, Problem, field_problem, not_found, uuid_or_404, validation_problem
from shared.times import iso_utc

iso = iso_utc


def parse_item_id(raw: str) -> uuid.UUID:
    return uuid_or_404(raw, "item")


def _options(options: list[OptionRow]) -> list[Option]:
    return [Option(label=o.label, text=o.text) for o in options]


def item_out(row: VersionRow) -> ItemOut:
    return ItemOut(
        id=str(row.item_id),
        version=row.version,
        status=row.status,
        domain=row.domain,
        stem=row.stem,
        options=_options(row.options),
        key=row.key,
        rationale=row.rationale,
        tags=list(row.tags),
        code_set_year=row.code_set_year,
        references=list(row.refs),
        versions=row.latest_version,
        approved_version=row.approved_version,
        author=row.author_id,
        author_name=row.author_name,
        created_by=row.created_by,
        created_by_name=row.created_by_name,
        created_at=iso(row.item_created_at),
        updated_at=iso(row.created_at),
        status_changed_at=iso(row.status_changed_at),
    )


def version_out(row: VersionRow) -> VersionOut:
    return VersionOut(
        version=row.version,
        status=row.status,
        in_service=row.approved_version == row.version,
        domain=row.domain,
        stem=row.stem,
        options=_options(row.options),
        key=row.key,
        rationale=row.rationale,
        tags=list(row.tags),
        code_set_year=row.code_set_year,
        references=list(row.refs),
        author=row.author_id,
        author_name=row.author_name,
        created_at=iso(row.created_at),
        status_changed_at=iso(row.status_changed_at),
    )


async def _current(conn: asyncpg.Connection, item_id: uuid.UUID) -> ItemOut:
    """The item as it is now (after a write, read on the same connection)."""
    row = await repo.get_current(conn, item_id)
    if row is None:
        raise not_found("no such item")
    return item_out(row)


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


def check_lint_for_review(version: VersionRow) -> None:
    """A version with lint errors (an invalid code, two keys, repeated options) does not go to review."""
    errors = [f for f in lint_item(version) if f.level == "error"]
    if version.rationale.strip() == NO_RATIONALE:
        raise field_problem("rationale", "write the rationale (the imported question had none) before review")
    if errors:
        raise Problem(
            422,
            "fix these before submitting for review: "
            + "; ".join(f"{e.field}: {e.message}" for e in errors),
            errors=[FieldError(e.field, e.message) for e in errors],
        )


def actor(user: Principal) -> tuple[str, str]:
    """Who acts, as the audit records them: the user's id and name."""
    return user.id, user.username or user.id


# ------------------------------------------------------------------ writes


async def create_item(
    conn: asyncpg.Connection, user: Principal, content: ItemContent, action: str = "created"
) -> uuid.UUID:
    """Insert a new item as version 1, draft. Call inside a transaction."""
    actor_id, actor_name = actor(user)
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
        return await _current(conn, item_id)


async def update(
    pool: asyncpg.Pool, user: Principal, item_id: uuid.UUID, body: ItemIn, current_year: int
) -> ItemOut:
    """A new version (draft). The approved version, if any, stays in service until this one is approved."""
    content = checked(body, current_year)
    async with pool.acquire() as conn:
        async with conn.transaction():
            await write_version(conn, user, item_id, content, base_version=body.base_version)
        return await _current(conn, item_id)


async def write_version(
    conn: asyncpg.Connection,
    user: Principal,
    item_id: uuid.UUID,
    content: ItemContent,
    *,
    base_version: int | None,
    action: str = "edited",
    comment: str = "",
) -> int:
    """Write the item's next version as a draft; return its number. Call inside a transaction."""
    actor_id, actor_name = actor(user)
    item = await repo.lock_item(conn, item_id)
    if item is None:
        raise not_found("no such item")
    latest = item.latest_version
    if base_version is not None and base_version != latest:
        raise Problem(
            409,
            f"the item changed since version {base_version} "
            f"(it is at version {latest}); reload it and edit again",
        )
    current = await repo.get_version(conn, item_id, latest)
    assert current is not None
    check_editable(current.status)
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
        item_author_id=item.created_by,
    )
    await repo.set_pointers(conn, item_id, new_version, item.approved_version)
    await repo.insert_audit(
        conn,
        item_id,
        new_version,
        action,
        actor_id=actor_id,
        actor_name=actor_name,
        to_status="draft",
        comment=comment,
    )
    return new_version


async def transition(pool: asyncpg.Pool, user: Principal, item_id: uuid.UUID, body: TransitionIn) -> ItemOut:
    actor_id, actor_name = actor(user)
    async with pool.acquire() as conn:
        async with conn.transaction():
            item = await repo.lock_item(conn, item_id)
            if item is None:
                raise not_found("no such item")
            latest = item.latest_version
            target = body.version if body.version is not None else latest
            version = await repo.get_version(conn, item_id, target)
            if version is None:
                raise field_problem("version", f"this item has no version {target}", status=404)
            approved = item.approved_version
            move = check_transition(
                current=version.status,
                to=body.to,
                comment=body.comment,
                actor_id=actor_id,
                version_author=version.author_id,
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
                from_status=version.status,
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
        return await _current(conn, item_id)


# ------------------------------------------------------------------ reads


async def get(pool: asyncpg.Pool, item_id: uuid.UUID) -> ItemOut:
    async with pool.acquire() as conn:
        return await _current(conn, item_id)


async def versions(pool: asyncpg.Pool, item_id: uuid.UUID) -> VersionList:
    async with pool.acquire() as conn:
        rows = await repo.list_versions(conn, item_id)
    if not rows:
        raise not_found("no such item")
    return VersionList(
        id=str(item_id), approved_version=rows[0].approved_version, versions=[version_out(r) for r in rows]
    )


async def audit(pool: asyncpg.Pool, item_id: uuid.UUID) -> AuditList:
    async with pool.acquire() as conn:
        rows = await repo.list_audit(conn, item_id)
    if not rows:
        raise not_found("no such item")
    return AuditList(
        id=str(item_id),
        entries=[
            AuditEntry(
                version=r.version,
                action=r.action,
                from_status=r.from_status,
                to_status=r.to_status,
                actor=r.actor_id,
                actor_name=r.actor_name,
                comment=r.comment,
                at=iso(r.at),
            )
            for r in rows
        ],
    )


def _as_mapping(row: VersionRow) -> dict[str, Any]:
    return {
        "domain": row.domain,
        "stem": row.stem,
        "options": [{"label": o.label, "text": o.text} for o in row.options],
        "key": row.key,
        "rationale": row.rationale,
        "tags": list(row.tags),
        "code_set_year": row.code_set_year,
        "references": list(row.refs),
    }


async def diff(pool: asyncpg.Pool, item_id: uuid.UUID, from_version: int, to_version: int) -> DiffOut:
    async with pool.acquire() as conn:
        before = await repo.get_version(conn, item_id, from_version)
        after = await repo.get_version(conn, item_id, to_version)
        exists = before is not None or after is not None or await repo.get_current(conn, item_id) is not None
    if before is None or after is None:
        if not exists:
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


def search_filters(
    *,
    domain: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    author: str | None = None,
    code_set_year: int | None = None,
    older_than_year: int | None = None,
    q: str | None = None,
) -> repo.Filters | None:
    """The repository's filters for what a person typed; None when the text holds nothing to find."""
    terms = search_terms.parse(q) if q and q.strip() else None
    if terms is not None and terms.empty:
        return None
    return repo.Filters(
        domain=domain,
        tag=clean_tag(tag) if tag else None,
        status=status,
        author=author,
        code_set_year=code_set_year,
        older_than_year=older_than_year,
        tsquery=terms.tsquery if terms else None,
        codes=list(terms.codes) if terms and terms.codes else None,
        id_prefix=terms.id_prefix if terms else None,
    )


async def search(pool: asyncpg.Pool, query: SearchQuery, current_year: int) -> ItemPage:
    after = cursors.decode_time_id(query.cursor) if query.cursor else None
    filters = search_filters(
        domain=query.domain,
        tag=query.tag,
        status=query.status,
        author=query.author,
        code_set_year=query.code_set_year,
        older_than_year=current_year if query.stale_code_set else None,
        q=query.q,
    )
    if filters is None:
        return ItemPage(items=[], next_cursor=None, total=0)
    async with pool.acquire() as conn:
        rows = await repo.search(conn, filters, after=after, limit=query.limit + 1)
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        total = await repo.count_search(conn, filters)
    next_cursor = cursors.encode_time_id(rows[-1].created_at, rows[-1].item_id) if more else None
    return ItemPage(items=[item_out(r) for r in rows], next_cursor=next_cursor, total=total)


async def tags_in_use(pool: asyncpg.Pool, prefix: str, limit: int) -> TagList:
    async with pool.acquire() as conn:
        rows = await repo.tags_in_use(conn, clean_tag(prefix), limit)
    return TagList(tags=[TagOut(tag=r.tag, items=r.items) for r in rows])


async def rollover(pool: asyncpg.Pool, year: int, cursor: str | None, limit: int) -> RolloverPage:
    after = cursors.decode_int_id(cursor) if cursor else None
    async with pool.acquire() as conn:
        rows = await repo.rollover(conn, year, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        total = await repo.count_rollover(conn, year)
    next_cursor = cursors.encode_int_id(rows[-1].code_set_year, rows[-1].item_id) if more else None
    return RolloverPage(
        current_code_set_year=year,
        items=[version_out(r) for r in rows],
        item_ids=[str(r.item_id) for r in rows],
        next_cursor=next_cursor,
        total=total,
    )


async def feed(pool: asyncpg.Pool, cursor: int, limit: int) -> FeedPage:
    async with pool.acquire() as conn:
        rows = await repo.read_feed(conn, cursor, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        FeedItemVersion(
            item_id=str(r.item_id),
            version=r.version,
            domain=r.domain,
            stem=r.stem,
            options=[FeedOption(label=o.label, text=o.text) for o in r.options],
            key=r.key,
            rationale=r.rationale,
            status=r.feed_status,
            code_set_year=r.code_set_year,
            changed_seq=r.seq,
            tags=list(r.tags),
        )
        for r in rows
    ]
    return FeedPage(items=items, next_cursor=rows[-1].seq if rows else cursor, has_more=more)


# ------------------------------------------------------------------ bulk actions

_BULK_MOVES = {"submit_for_review": "in_review", "approve": "approved", "return": "draft", "retire": "retired"}


def check_bulk(body: BulkIn) -> None:
    """Refuse the whole request for what no item could do: a return without a comment, tags missing."""
    if body.action == "return" and not body.comment.strip():
        raise field_problem("comment", "say why in a comment when sending versions back to draft")
    if body.action == "tag" and not [t for t in body.tags if t.strip()]:
        raise field_problem("tags", "name at least one tag to add")


async def bulk(pool: asyncpg.Pool, user: Principal, body: BulkIn, current_year: int) -> BulkOut:
    """Do one action to many items, each in its own transaction, exactly as one at a time would:
    the workflow refuses per item (self-approval, an illegal move) and the report says which."""
    check_bulk(body)
    results: list[BulkResult] = []
    seen: set[str] = set()
    for raw in body.ids:
        if raw in seen:
            continue
        seen.add(raw)
        try:
            item_id = uuid.UUID(raw)
        except ValueError:
            results.append(BulkResult(id=raw, ok=False, error="not an item id"))
            continue
        try:
            results.append(await _bulk_one(pool, user, item_id, body, current_year))
        except Problem as exc:
            detail = exc.detail or exc.title
            if exc.errors and exc.status == 422:
                detail = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
            results.append(BulkResult(id=str(item_id), ok=False, error=detail))
    done = sum(1 for r in results if r.ok)
    return BulkOut(action=body.action, done=done, refused=len(results) - done, results=results)


async def _bulk_one(
    pool: asyncpg.Pool, user: Principal, item_id: uuid.UUID, body: BulkIn, current_year: int
) -> BulkResult:
    async with pool.acquire() as conn:
        current = await repo.get_current(conn, item_id)
    if current is None:
        raise not_found("no such item")
    if body.action == "tag":
        tags = list(current.tags)
        added = [t for t in dict.fromkeys(clean_tag(t) for t in body.tags) if t and t not in tags]
        if not added:
            return BulkResult(id=str(item_id), ok=True, status=current.status, version=current.version)
        mapping = _as_mapping(current)
        mapping["tags"] = tags + added
        mapping["options"] = _options(current.options)
        content = checked(ItemIn(**mapping), current_year)
        async with pool.acquire() as conn:
            async with conn.transaction():
                tagged = await write_version(
                    conn, user, item_id, content, base_version=current.version, action="tagged",
                    comment="tags added: " + ", ".join(added),
                )
        return BulkResult(id=str(item_id), ok=True, status="draft", version=tagged)
    to = _BULK_MOVES[body.action]
    version = None
    if body.action == "retire" and current.approved_version is not None:
        version = current.approved_version  # the version in service, even under a newer draft
    out = await transition(pool, user, item_id, TransitionIn(to=to, comment=body.comment, version=version))  # type: ignore[arg-type]
    return BulkResult(id=str(item_id), ok=True, status=out.status if version is None else to,
                      version=version or out.version)
