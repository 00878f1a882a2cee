"""The admin's users: search and paging (GET /api/users?q=&role=&group=&limit=&cursor=, the plain
GET unchanged), a group for many users at once (POST /api/users/bulk), deleting a group's
candidates with their attempts in one action (POST /api/users/delete-group), and the group
`simulated` left out of scoring's statistics."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from shared.auth import issue_service_token
from tests.delivery_support import wait_for, wait_for_bank
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, seed_sample_bank=True, feed_poll_seconds=0.2, outbox_poll_seconds=0.2,
                           stats_refresh_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


async def test_search_pages_through_every_match_once(stack: Stack) -> None:
    admin = await stack.admin_token()
    mark = f"zq{uuid.uuid4().hex[:6]}"
    made = set()
    for i in range(5):
        _, name, _ = await stack.new_account("candidate", display_name=f"Pat {mark} {i}")
        made.add(name)
    _, other, _ = await stack.new_account("instructor", display_name=f"Lee {mark}")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        path = f"/api/users?q={mark.upper()}&role=candidate&limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, page = await stack.request("GET", path, admin)
        assert status == 200, page
        assert page["total"] == 5
        assert len(page["users"]) <= 2
        seen += [u["username"] for u in page["users"]]
        pages += 1
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert pages == 3
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    # Without the role, the instructor matches too (by display name).
    status, page = await stack.request("GET", f"/api/users?q={mark}", admin)
    assert status == 200 and page["total"] == 6 and other in {u["username"] for u in page["users"]}
    # The plain list as before: every user, no paging fields.
    status, plain = await stack.request("GET", "/api/users", admin)
    assert status == 200 and "total" not in plain and "next_cursor" not in plain
    assert made | {other} <= {u["username"] for u in plain["users"]}


@pytest.mark.parametrize(("query", "field"), [("cursor=nonsense!", "cursor"), ("limit=0", "limit"),
                                              ("limit=501", "limit"), ("role=owner", "role")])
async def test_bad_search_parameters_are_refused_naming_the_field(stack: Stack, query: str, field: str) -> None:
    status, body = await stack.request("GET", f"/api/users?{query}", await stack.admin_token())
    assert status == 422, body
    assert field in str(body)


async def test_a_group_for_many_users_at_once(stack: Stack) -> None:
    admin = await stack.admin_token()
    ids = [(await stack.new_account("candidate"))[0] for _ in range(3)]
    cohort = f"cohort-{uuid.uuid4().hex[:6]}"
    nobody = str(uuid.uuid4())
    status, out = await stack.request("POST", "/api/users/bulk", admin,
                                      json={"ids": [*ids, nobody, "not-an-id"], "group": cohort})
    assert status == 200, out
    assert out["updated"] == 3 and sorted(out["missing"]) == sorted([nobody, "not-an-id"])
    status, page = await stack.request("GET", f"/api/users?group={cohort}", admin)
    assert status == 200 and sorted(u["id"] for u in page["users"]) == sorted(ids)
    status, out = await stack.request("POST", "/api/users/bulk", admin, json={"ids": [], "group": cohort})
    assert status == 422 and "ids" in str(out)
    _, candidate = await stack.new_user("candidate")
    status, _ = await stack.request("POST", "/api/users/bulk", candidate, json={"ids": ids, "group": "x"})
    assert status == 403


async def test_deleting_a_group_takes_its_candidates_and_their_attempts(stack: Stack, db) -> None:
    await wait_for_bank(stack)
    admin = await stack.admin_token()
    group = f"sim-{uuid.uuid4().hex[:6]}"
    doomed, tokens = [], []
    for _ in range(2):
        user_id, token = await stack.new_user("candidate", group=group)
        status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": "cpc-100"})
        assert status == 201, started
        doomed.append(user_id)
        tokens.append(token)
    staff_id, _, _ = await stack.new_account("instructor", group=group)
    kept_id, _, _ = await stack.new_account("candidate", group="kept")
    status, out = await stack.request("POST", "/api/users/delete-group", admin, json={"group": group})
    assert status == 200, out
    assert out == {"group": group, "deleted_users": 2, "deleted_attempts": 2}
    assert await db.fetchval("SELECT count(*) FROM delivery.users WHERE id = ANY($1::uuid[])",
                             [uuid.UUID(u) for u in doomed]) == 0
    assert await db.fetchval("SELECT count(*) FROM delivery.attempts WHERE candidate_id = ANY($1::uuid[])",
                             [uuid.UUID(u) for u in doomed]) == 0
    for kept in (staff_id, kept_id):  # staff in the group and other groups' candidates stay
        status, _ = await stack.request("GET", f"/api/users/{kept}", admin)
        assert status == 200
    # A deleted account's tokens are refused by every service (each verifies tokens itself),
    # the others within a poll of the revocations, not at the tokens' expiry.
    for token in tokens:
        for path in ("/api/blueprints", "/api/codebook", "/api/results?limit=1"):
            async def refused(path=path, token=token):
                status, body = await stack.request("GET", path, token)
                return status == 401 and body["detail"].startswith("this token was revoked")
            await wait_for(refused, timeout=10, what=f"{path} to refuse a deleted account's token")
    status, out = await stack.request("POST", "/api/users/delete-group", admin, json={"group": "  "})
    assert status == 422 and "group" in str(out)


async def test_the_simulated_group_is_left_out_of_the_statistics(stack: Stack) -> None:
    rng = np.random.default_rng(14)
    bank = synthetic_bank(rng, {"EM": 4})
    factory = EventFactory(bank, {"EM": 4}, blueprint_id="bp-sim", blueprint_name="bp-sim")
    events = [factory.event(rng, float(rng.normal()), group="simulated", omit_rate=0.0) for _ in range(5)]
    events += [factory.event(rng, float(rng.normal()), group="real", omit_rate=0.0) for _ in range(3)]
    token = issue_service_token(stack.settings["exam-delivery"])
    assert set(await post_events(stack.session, stack.urls["scoring"], token, events,
                                 signing_key=TEST_EVENT_SIGNING_KEY)) == {"accepted"}
    admin = await stack.admin_token()

    async def counted() -> dict | None:
        status, body = await stack.request("GET", "/api/stats/pass-rates?blueprint_id=bp-sim&group_by=group", admin)
        return body if status == 200 and body["groups"] else None

    rates = await wait_for(counted, what="the real group's results in the statistics")
    await asyncio.sleep(0.6)  # a few more refreshes: nothing else arrives
    status, rates = await stack.request("GET", "/api/stats/pass-rates?blueprint_id=bp-sim&group_by=group", admin)
    assert status == 200
    assert [(g["label"], g["attempts"]) for g in rates["groups"]] == [("real", 3)]
    status, items = await stack.request("GET", "/api/stats/items?blueprint_id=bp-sim&min_n=0", admin)
    assert status == 200 and {it["n"] for it in items["items"]} == {3}
    # The results themselves are kept: each simulated candidate's result is there.
    status, one = await stack.request("GET", f"/api/results/{events[0].attempt_id}", admin)
    assert status == 200 and one["status"] == "scored"
