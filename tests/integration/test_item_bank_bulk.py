"""Bulk actions: one action on many items, each done as one at a time would be (own transaction,
own audit entry), refused per item where the workflow forbids it; and the tags in use."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import POOL_KEY


def item(n: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "TERM",
        "stem": f"Which suffix means surgical removal in term number {n} of this list? [{uuid.uuid4().hex[:6]}]",
        "options": [
            {"label": "A", "text": "-ectomy"},
            {"label": "B", "text": "-itis"},
            {"label": "C", "text": "-ostomy"},
            {"label": "D", "text": "-algia"},
        ],
        "key": "A",
        "rationale": "-ectomy is excision; -itis inflammation, -ostomy an opening, -algia pain.",
        "tags": ["suffixes"],
    }
    body.update(overrides)
    return body


async def make(stack, token, count: int, **overrides: Any) -> list[str]:
    ids = []
    for n in range(count):
        status, created = await stack.request("POST", "/api/items", token, json=item(n, **overrides))
        assert status == 201, created
        ids.append(created["id"])
    return ids


async def bulk(stack, token, **body: Any) -> tuple[int, Any]:
    return await stack.request("POST", "/api/items/bulk", token, json=body)


async def test_send_three_drafts_for_review_one_refused_with_its_reason(stack):
    _, author = await stack.new_user("instructor")
    drafts = await make(stack, author, 3)
    # The third is already in review: sending it again is an illegal move, refused alone.
    await stack.request("POST", f"/api/items/{drafts[2]}/transitions", author, json={"to": "in_review"})
    status, report = await bulk(stack, author, ids=drafts, action="submit_for_review")
    assert status == 200, report
    assert report["action"] == "submit_for_review" and report["done"] == 2 and report["refused"] == 1
    by_id = {r["id"]: r for r in report["results"]}
    assert [r["id"] for r in report["results"]] == drafts  # in the order asked
    assert by_id[drafts[0]] == {"id": drafts[0], "ok": True, "status": "in_review", "version": 1}
    assert by_id[drafts[2]]["ok"] is False and "already in_review" in by_id[drafts[2]]["error"]
    for item_id in drafts[:2]:
        status, audit = await stack.request("GET", f"/api/items/{item_id}/audit", author)
        assert [(e["action"], e["to_status"]) for e in audit["entries"]] == [
            ("created", "draft"),
            ("transition", "in_review"),
        ]


async def test_approve_refuses_self_approval_per_item_and_return_needs_one_comment(stack):
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    theirs = await make(stack, author, 2)
    mine = await make(stack, reviewer, 1)
    everything = theirs + mine
    status, report = await bulk(stack, author, ids=theirs, action="submit_for_review")
    status, report = await bulk(stack, reviewer, ids=mine, action="submit_for_review")
    assert report["done"] == 1

    status, report = await bulk(stack, reviewer, ids=everything, action="approve", comment="looks right")
    assert status == 200, report
    by_id = {r["id"]: r for r in report["results"]}
    assert by_id[theirs[0]]["ok"] and by_id[theirs[0]]["status"] == "approved"
    assert by_id[mine[0]]["ok"] is False and "another instructor must approve" in by_id[mine[0]]["error"]

    status, problem = await bulk(stack, author, ids=mine, action="return")
    assert status == 422 and problem["errors"][0]["field"] == "comment"
    status, report = await bulk(stack, author, ids=mine, action="return", comment="Cite the guideline, please.")
    assert report["done"] == 1 and report["results"][0]["status"] == "draft"
    status, audit = await stack.request("GET", f"/api/items/{mine[0]}/audit", author)
    assert audit["entries"][-1]["comment"] == "Cite the guideline, please."


async def test_retire_takes_the_version_in_service_even_under_a_newer_draft(stack):
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    ids = await make(stack, author, 2)
    await bulk(stack, author, ids=ids, action="submit_for_review")
    status, report = await bulk(stack, reviewer, ids=ids, action="approve")
    assert report["done"] == 2, report
    status, edited = await stack.request("PUT", f"/api/items/{ids[0]}", author, json=item(9, key="A"))
    assert status == 200 and edited["version"] == 2
    draft_only = (await make(stack, author, 1))[0]
    status, report = await bulk(stack, reviewer, ids=[*ids, draft_only], action="retire")
    by_id = {r["id"]: r for r in report["results"]}
    assert by_id[ids[0]] == {"id": ids[0], "ok": True, "status": "retired", "version": 1}
    assert by_id[ids[1]]["ok"] and by_id[ids[1]]["status"] == "retired"
    assert by_id[draft_only]["ok"] is False and "cannot move" in by_id[draft_only]["error"]
    status, current = await stack.request("GET", f"/api/items/{ids[0]}", author)
    assert current["version"] == 2 and current["status"] == "draft" and current["approved_version"] is None


async def test_tag_writes_a_new_version_and_tags_autocomplete(stack):
    _, author = await stack.new_user("instructor")
    tag = f"bulk-{uuid.uuid4().hex[:6]}"
    ids = await make(stack, author, 2)
    in_review = (await make(stack, author, 1))[0]
    await bulk(stack, author, ids=[in_review], action="submit_for_review")
    status, report = await bulk(stack, author, ids=[*ids, in_review], action="tag", tags=[tag, "Suffixes"])
    assert status == 200, report
    by_id = {r["id"]: r for r in report["results"]}
    assert by_id[ids[0]] == {"id": ids[0], "ok": True, "status": "draft", "version": 2}
    assert by_id[in_review]["ok"] is False and "in review" in by_id[in_review]["error"]
    status, current = await stack.request("GET", f"/api/items/{ids[0]}", author)
    assert current["tags"] == ["suffixes", tag] and current["version"] == 2
    status, audit = await stack.request("GET", f"/api/items/{ids[0]}/audit", author)
    assert audit["entries"][-1]["action"] == "tagged" and tag in audit["entries"][-1]["comment"]
    # Tagging again with tags already there writes nothing.
    status, report = await bulk(stack, author, ids=ids[:1], action="tag", tags=[tag])
    assert report["results"][0] == {"id": ids[0], "ok": True, "status": "draft", "version": 2}
    status, problem = await bulk(stack, author, ids=ids, action="tag")
    assert status == 422 and problem["errors"][0]["field"] == "tags"

    for path in ("/api/tags", "/api/items/tags"):
        status, tags = await stack.request("GET", f"{path}?prefix={tag[:8]}", author)
        assert status == 200, tags
        assert tags["tags"] == [{"tag": tag, "items": 2}]
    status, tags = await stack.request("GET", "/api/items/tags?prefix=SUFF", author)
    assert tags["tags"][0]["tag"] == "suffixes" and tags["tags"][0]["items"] >= 3
    status, problem = await stack.request("GET", "/api/items/tags?limit=0", author)
    assert status in (400, 422) and problem["errors"][0]["field"] == "limit"


async def test_limits_unknown_and_bad_ids(stack):
    _, author = await stack.new_user("instructor")
    status, problem = await bulk(stack, author, ids=[str(uuid.uuid4()) for _ in range(501)], action="retire")
    assert status == 422 and problem["errors"][0]["field"] == "ids"
    status, problem = await bulk(stack, author, ids=[], action="retire")
    assert status == 422 and problem["errors"][0]["field"] == "ids"
    status, problem = await bulk(stack, author, ids=[str(uuid.uuid4())], action="publish")
    assert status == 422 and problem["errors"][0]["field"] == "action"
    missing, real = str(uuid.uuid4()), (await make(stack, author, 1))[0]
    status, report = await bulk(stack, author, ids=[missing, "not-an-id", real, real], action="submit_for_review")
    assert status == 200, report
    assert [(r["id"], r["ok"]) for r in report["results"]] == [(missing, False), ("not-an-id", False), (real, True)]
    assert report["results"][0]["error"] == "no such item"
    _, candidate = await stack.new_user("candidate")
    status, _ = await bulk(stack, candidate, ids=[real], action="retire")
    assert status == 403


async def test_five_hundred_ids_are_taken(stack):
    _, author = await stack.new_user("instructor")
    ids = await make(stack, author, 3)
    padded = ids + [str(uuid.uuid4()) for _ in range(497)]
    status, report = await bulk(stack, author, ids=padded, action="submit_for_review")
    assert status == 200 and report["done"] == 3 and report["refused"] == 497
    async with stack.apps["item-bank"][POOL_KEY].acquire() as conn:
        moved = await conn.fetchval(
            "SELECT count(*) FROM item_bank.audit WHERE item_id = ANY($1::uuid[]) AND to_status = 'in_review'",
            [uuid.UUID(i) for i in ids],
        )
    assert moved == 3
