"""Delivery's read model applies a feed page whatever it holds: the same item
version twice on one page (approved, then retired before the poll) must not
stop the feed, and the later change wins."""

from __future__ import annotations

import uuid

import asyncpg

from exam_delivery.items import repository as repo
from shared.contracts import FeedItemVersion, FeedOption
from shared.db import migrate


def version(item_id: str, status: str, seq: int) -> FeedItemVersion:
    return FeedItemVersion(
        item_id=item_id, version=1, domain="ICD", stem="Which code?", key="A", rationale="Because.",
        options=[FeedOption(label=label, text=f"option {label}") for label in "ABCD"],
        status=status, code_set_year=2026, changed_seq=seq, tags=["t"],
    )


async def test_a_page_holding_one_version_twice_applies_and_the_later_change_wins(database_url):
    await migrate(database_url, "delivery", "exam_delivery")
    conn = await asyncpg.connect(database_url)
    try:
        retired, approved = str(uuid.uuid4()), str(uuid.uuid4())
        page = [version(retired, "approved", 11), version(approved, "approved", 12),
                version(retired, "retired", 13)]
        async with conn.transaction():
            await repo.apply_feed(conn, page)
        rows = {r["item_id"]: (r["status"], r["changed_seq"]) for r in await conn.fetch(
            "SELECT item_id::text, status, changed_seq FROM delivery.item_versions")}
        assert rows == {retired: ("retired", 13), approved: ("approved", 12)}
        # Replaying an older page changes nothing: changes only move forward.
        await repo.apply_feed(conn, [version(retired, "approved", 11)])
        assert await conn.fetchval("SELECT status FROM delivery.item_versions WHERE item_id::text = $1",
                                   retired) == "retired"
    finally:
        await conn.close()
