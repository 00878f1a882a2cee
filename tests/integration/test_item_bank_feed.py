"""The internal feed delivery reads: approved versions entering service and
versions leaving it, in a cursor order no reader can skip through."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import msgspec

from shared.auth import issue_service_token
from shared.contracts import FeedPage


def item(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "HCPCS",
        "stem": f"Which HCPCS Level II code reports an injection of vitamin B12? ({uuid.uuid4().hex[:8]})",
        "options": [
            {"label": "A", "text": "J3420"},
            {"label": "B", "text": "J3490"},
            {"label": "C", "text": "J1030"},
            {"label": "D", "text": "E0100"},
        ],
        "key": "A",
        "rationale": "J3420 is vitamin B12 (cyanocobalamin) up to 1000 mcg; J3490 is unclassified drugs, "
        "J1030 is methylprednisolone and E0100 is a cane.",
        "tags": ["drugs"],
    }
    body.update(overrides)
    return body


class Feed:
    def __init__(self, stack) -> None:
        self.stack = stack
        self.url = f"{stack.urls['item-bank']}/internal/feed"
        self.headers = {"Authorization": f"Bearer {issue_service_token(stack.settings['exam-delivery'])}"}

    async def page(self, cursor: int, limit: int = 1000) -> dict[str, Any]:
        async with self.stack.session.get(
            self.url, params={"cursor": cursor, "limit": limit}, headers=self.headers
        ) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def all_since(self, cursor: int, limit: int = 1000) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        while True:
            page = await self.page(cursor, limit)
            rows += page["items"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return rows

    async def head(self) -> int:
        rows = await self.all_since(0)
        return rows[-1]["changed_seq"] if rows else 0


async def approved_item(stack, author, reviewer, **overrides) -> str:
    status, body = await stack.request("POST", "/api/items", author, json=item(**overrides))
    assert status == 201, body
    item_id = body["id"]
    for token, to in ((author, "in_review"), (reviewer, "approved")):
        status, body = await stack.request(
            "POST", f"/api/items/{item_id}/transitions", token, json={"to": to}
        )
        assert status == 200, body
    return str(item_id)


async def test_feed_follows_approval_supersession_and_retirement(stack):
    feed = Feed(stack)
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    start = await feed.head()

    status, draft = await stack.request("POST", "/api/items", author, json=item())
    assert (await feed.all_since(start)) == []  # drafts are never served

    item_id = await approved_item(stack, author, reviewer)
    rows = await feed.all_since(start)
    assert [(r["item_id"], r["version"], r["status"]) for r in rows] == [(item_id, 1, "approved")]
    row = rows[0]
    assert row["key"] == "A" and row["domain"] == "HCPCS" and row["tags"] == ["drugs"]
    assert [o["label"] for o in row["options"]] == ["A", "B", "C", "D"]
    assert row["changed_seq"] > start
    msgspec.convert(await feed.page(start), FeedPage)  # the wire shape is the shared contract

    # An edit does not touch the feed; the version in service stays.
    mark = row["changed_seq"]
    await stack.request("PUT", f"/api/items/{item_id}", author, json=item(key="B"))
    assert await feed.all_since(mark) == []
    await stack.request("POST", f"/api/items/{item_id}/transitions", author, json={"to": "in_review"})
    await stack.request("POST", f"/api/items/{item_id}/transitions", reviewer, json={"to": "approved"})
    rows = await feed.all_since(mark)
    # The superseded version leaves first, then the new one enters.
    assert [(r["version"], r["status"], r["key"]) for r in rows] == [
        (1, "retired", "A"),
        (2, "approved", "B"),
    ]
    assert rows[0]["changed_seq"] < rows[1]["changed_seq"]

    mark = rows[-1]["changed_seq"]
    await stack.request("POST", f"/api/items/{item_id}/transitions", reviewer, json={"to": "retired"})
    rows = await feed.all_since(mark)
    assert [(r["version"], r["status"]) for r in rows] == [(2, "retired")]


async def test_feed_pages_by_cursor(stack):
    feed = Feed(stack)
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    start = await feed.head()
    ids = [await approved_item(stack, author, reviewer) for _ in range(5)]
    page = await feed.page(start, limit=2)
    assert len(page["items"]) == 2 and page["has_more"] is True
    assert page["next_cursor"] == page["items"][-1]["changed_seq"]
    rows = await feed.all_since(start, limit=2)
    assert [r["item_id"] for r in rows] == ids
    last = await feed.page(rows[-1]["changed_seq"])
    assert last == {"items": [], "next_cursor": rows[-1]["changed_seq"], "has_more": False}


async def test_feed_limits_and_access(stack):
    feed = Feed(stack)
    for params in ({"limit": 0}, {"limit": 1001}, {"cursor": -1}, {"cursor": "x"}):
        async with stack.session.get(feed.url, params=params, headers=feed.headers) as resp:
            assert resp.status == 422, params
    _, instructor = await stack.new_user("instructor")
    async with stack.session.get(feed.url, headers={"Authorization": f"Bearer {instructor}"}) as resp:
        assert resp.status == 403
    async with stack.session.get(feed.url) as resp:
        assert resp.status == 401
    # Never reachable through the public entry.
    status, _ = await stack.request("GET", "/internal/feed", instructor)
    assert status == 404


async def test_concurrent_approvals_never_let_a_reader_skip_a_row(stack):
    feed = Feed(stack)
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    start = await feed.head()
    ids = []
    for _ in range(24):
        status, body = await stack.request("POST", "/api/items", author, json=item())
        ids.append(body["id"])
        await stack.request("POST", f"/api/items/{body['id']}/transitions", author, json={"to": "in_review"})

    seen: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def reader() -> None:
        cursor = start
        while True:
            finished = done.is_set()
            page = await feed.page(cursor, limit=3)
            seen.extend(page["items"])
            cursor = page["next_cursor"]
            if finished and not page["has_more"]:
                return

    async def approve(item_id: str) -> None:
        status, body = await stack.request(
            "POST", f"/api/items/{item_id}/transitions", reviewer, json={"to": "approved"}
        )
        assert status == 200, body

    task = asyncio.create_task(reader())
    await asyncio.gather(*(approve(i) for i in ids))
    done.set()
    await task
    assert sorted(r["item_id"] for r in seen) == sorted(ids)  # each exactly once, none skipped
    seqs = [r["changed_seq"] for r in seen]
    assert seqs == sorted(seqs) and seqs == list(range(start + 1, start + 1 + len(ids)))
