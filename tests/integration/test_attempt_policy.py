"""The attempt policy of a blueprint (issue #10, point 5), through the public API against the
real services and PostgreSQL: attempts allowed, cool-down, when the review shows, and
low-answer attempts left out of the statistics unless asked for."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from tests.conftest import create_database
from tests.delivery_support import move_attempts_back, wait_for, wait_for_bank
from tests.support import Stack, auth, start_stack

SMALL = [{"code": "MED", "count": 2}, {"code": "ICD", "count": 2}]


@pytest.fixture(scope="module")
async def pstack(database_url: str):
    async with start_stack(
        database_url,
        seed_sample_bank=True,
        sweep_interval_seconds=0.2,
        outbox_poll_seconds=0.2,
        feed_poll_seconds=0.2,
        stats_refresh_seconds=0.2,
    ) as stack:
        await wait_for_bank(stack)
        yield stack


async def new_blueprint(stack: Stack, policy: dict[str, Any] | None = None, domains=SMALL) -> str:
    body: dict[str, Any] = {
        "name": f"Policy {uuid.uuid4().hex[:6]}",
        "time_limit_seconds": 600,
        "cut_score_percent": 70,
        "domains": domains,
    }
    if policy is not None:
        body["policy"] = policy
    status, out = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json=body)
    assert status == 201, out
    return str(out["id"])


async def sit(stack: Stack, token: str, blueprint_id: str, answer: int = 0) -> str:
    """Start, answer the first `answer` questions (A), submit; the attempt id."""
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    attempt = started["id"]
    for pos in range(1, answer + 1):
        status, body = await stack.request(
            "PUT", f"/api/attempts/{attempt}/responses/{pos}", token, json={"selected": "A"}
        )
        assert status == 200, body
    status, body = await stack.request("POST", f"/api/attempts/{attempt}/submit", token)
    assert status == 200, body
    return str(attempt)


async def scored(stack: Stack, token: str, attempt: str) -> dict[str, Any]:
    async def ready() -> dict[str, Any] | None:
        status, body = await stack.request("GET", f"/api/results/{attempt}", token)
        return body if status == 200 else None

    return await wait_for(ready, what=f"result of {attempt}")


async def start_raw(stack: Stack, token: str, blueprint_id: str) -> tuple[int, dict[str, str], Any]:
    async with stack.session.post(
        f"{stack.base_url}/api/attempts", json={"blueprint_id": blueprint_id}, headers=auth(token)
    ) as resp:
        return resp.status, dict(resp.headers), await resp.json(content_type=None)


def walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(walk_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(walk_keys(v) for v in value)) if value else set()
    return set()


# ---------------------------------------------------------------- the admin's policy


async def test_policy_defaults_and_admin_edits(pstack: Stack) -> None:
    admin = await pstack.admin_token()
    bp = await new_blueprint(pstack)
    status, p = await pstack.request("GET", f"/api/blueprints/{bp}/policy", admin)
    assert status == 200, p
    assert p["default"] is True and p["max_attempts"] is None and p["review_mode"] == "immediate"
    assert p["min_answered_share"] == 0.5
    assert p["cooldown_seconds"] == pstack.settings["exam-delivery"].attempt_cooldown_seconds

    body = {"max_attempts": 3, "cooldown_seconds": 7200, "review_mode": "never", "min_answered_share": 0.6}
    status, p = await pstack.request("PUT", f"/api/blueprints/{bp}/policy", admin, json=body)
    assert status == 200, p
    assert {k: p[k] for k in body} == body and p["default"] is False
    status, listed = await pstack.request("GET", "/api/blueprints", admin)
    assert next(b for b in listed if b["id"] == bp)["policy"]["cooldown_seconds"] == 7200
    status, one = await pstack.request("GET", f"/api/blueprints/{bp}", admin)
    assert one["policy"]["review_mode"] == "never"

    _, cand = await pstack.new_user("candidate")
    status, body = await pstack.request("PUT", f"/api/blueprints/{bp}/policy", cand, json={"max_attempts": 9})
    assert status == 403, body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"review_mode": "after_date"}, "review_after"),
        ({"review_mode": "after_date", "review_after": "next tuesday"}, "review_after"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"cooldown_seconds": -5}, "cooldown_seconds"),
        ({"min_answered_share": 1.5}, "min_answered_share"),
        ({"review_mode": "sometimes"}, "review_mode"),
        ({"retakes": 2}, "retakes"),
    ],
)
async def test_bad_policy_is_refused_naming_the_field(pstack: Stack, body: dict[str, Any], field: str) -> None:
    admin = await pstack.admin_token()
    async with pstack.session.put(
        f"{pstack.base_url}/api/blueprints/cpc-100/policy", json=body, headers=auth(admin)
    ) as resp:
        assert resp.status == 422, await resp.text()
        assert resp.content_type == "application/problem+json"
        problem = await resp.json(content_type=None)
    assert field in [e["field"] for e in problem["errors"]], problem
    # The same rules when the policy comes with a new blueprint, under `policy.`.
    status, problem = await pstack.request(
        "POST",
        "/api/blueprints",
        admin,
        json={"name": "Bad", "time_limit_seconds": 60, "cut_score_percent": 70, "domains": SMALL, "policy": body},
    )
    assert status == 422, problem
    assert f"policy.{field}" in [e["field"] for e in problem["errors"]], problem


async def test_policy_of_an_unknown_blueprint_is_404(pstack: Stack) -> None:
    status, body = await pstack.request("GET", "/api/blueprints/no-such-bp/policy", await pstack.admin_token())
    assert status == 404, body


# ---------------------------------------------------------------- attempts allowed and cool-down


async def test_max_attempts_refused_with_409(pstack: Stack) -> None:
    bp = await new_blueprint(pstack, {"max_attempts": 2, "cooldown_seconds": 0})
    _, token = await pstack.new_user("candidate")
    await sit(pstack, token, bp)
    status, elig = await pstack.request("GET", f"/api/blueprints/{bp}/eligibility", token)
    assert status == 200 and elig["can_start"] and elig["attempts_remaining"] == 1, elig
    await sit(pstack, token, bp)

    status, headers, problem = await start_raw(pstack, token, bp)
    assert status == 409, problem
    assert headers["Content-Type"].startswith("application/problem+json")
    assert "all 2 attempts" in problem["detail"], problem
    assert problem["errors"][0]["field"] == "blueprint_id"
    assert problem["attempts_used"] == 2 and problem["max_attempts"] == 2
    status, elig = await pstack.request("GET", f"/api/blueprints/{bp}/eligibility", token)
    assert elig["can_start"] is False and elig["attempts_remaining"] == 0 and "all 2" in elig["reason"]

    # The limit is per candidate and per blueprint.
    _, other = await pstack.new_user("candidate")
    status, _, body = await start_raw(pstack, other, bp)
    assert status == 201, body
    status, _, body = await start_raw(pstack, token, "cpc-100")
    assert status == 201, body


async def test_simultaneous_starts_cannot_exceed_the_limit(pstack: Stack) -> None:
    bp = await new_blueprint(pstack, {"max_attempts": 1, "cooldown_seconds": 0})
    _, token = await pstack.new_user("candidate")
    outcomes = await asyncio.gather(*(start_raw(pstack, token, bp) for _ in range(6)))
    statuses = sorted(status for status, _, _ in outcomes)
    assert statuses == [201] + [409] * 5, outcomes
    started = next(body for status, _, body in outcomes if status == 201)
    status, _ = await pstack.request("POST", f"/api/attempts/{started['id']}/submit", token)
    assert status == 200
    status, _, problem = await start_raw(pstack, token, bp)
    assert status == 409 and problem["attempts_used"] == 1, problem


async def test_cooldown_refused_with_429_then_allowed(pstack: Stack, database_url: str) -> None:
    bp = await new_blueprint(pstack)
    admin = await pstack.admin_token()
    status, p = await pstack.request("PUT", f"/api/blueprints/{bp}/policy", admin, json={"cooldown_seconds": 120})
    assert status == 200, p
    _, token = await pstack.new_user("candidate")
    attempt = await sit(pstack, token, bp)

    status, headers, problem = await start_raw(pstack, token, bp)
    assert status == 429, problem
    assert headers["Content-Type"].startswith("application/problem+json")
    wait = int(headers["Retry-After"])
    assert 119 <= wait <= 121 and problem["retry_after_seconds"] == wait  # 2 minutes, to the whole second
    assert "2 minutes after your last attempt" in problem["detail"]
    assert problem["next_attempt_at"] in problem["detail"] and problem["errors"][0]["field"] == "blueprint_id"
    status, elig = await pstack.request("GET", f"/api/blueprints/{bp}/eligibility", token)
    assert elig["can_start"] is False and elig["next_attempt_at"] == problem["next_attempt_at"], elig

    # The cool-down passes on the database clock.
    conn = await asyncpg.connect(database_url)
    try:
        await move_attempts_back(conn, [attempt], 121)
    finally:
        await conn.close()
    status, elig = await pstack.request("GET", f"/api/blueprints/{bp}/eligibility", token)
    assert elig["can_start"] is True, elig
    status, _, body = await start_raw(pstack, token, bp)
    assert status == 201, body


async def test_the_product_default_cool_down_holds_without_a_policy(pg_server_url: str) -> None:
    """The stack the other tests use sets no cool-down; the product's own default is an hour."""
    from shared.settings import Settings

    default = Settings().attempt_cooldown_seconds
    assert default == 3600
    url = await create_database(pg_server_url)
    async with start_stack(url, seed_sample_bank=True, feed_poll_seconds=0.2,
                           attempt_cooldown_seconds=default) as stack:
        await wait_for_bank(stack)
        _, token = await stack.new_user("candidate")
        await sit(stack, token, "cpc-100")
        status, headers, problem = await start_raw(stack, token, "cpc-100")
        assert status == 429, problem
        assert 3500 <= int(headers["Retry-After"]) <= 3601  # an hour, to the whole second
        assert "1 hour after your last attempt" in problem["detail"]


# ---------------------------------------------------------------- review


async def test_review_never_shows_score_and_areas_but_no_keys(pstack: Stack) -> None:
    bp = await new_blueprint(pstack, {"review_mode": "never", "cooldown_seconds": 0})
    _, token = await pstack.new_user("candidate")
    attempt = await sit(pstack, token, bp, answer=4)
    result = await scored(pstack, token, attempt)
    assert result["review"] == [] and result["review_available"] is False
    assert result["review_mode"] == "never" and result["review_available_at"] is None
    assert {"key", "rationale", "key_original"}.isdisjoint(walk_keys(result)), result
    assert result["question_count"] == 4 and isinstance(result["raw_score"], int)
    assert sum(d["total"] for d in result["domains"]) == 4
    # Admins still see the full review.
    status, full = await pstack.request("GET", f"/api/results/{attempt}", await pstack.admin_token())
    assert status == 200 and len(full["review"]) == 4 and all(r["rationale"] for r in full["review"])


async def test_review_after_a_date_is_hidden_until_then(pstack: Stack) -> None:
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    hidden_bp = await new_blueprint(pstack, {"review_mode": "after_date", "review_after": later, "cooldown_seconds": 0})
    open_bp = await new_blueprint(pstack, {"review_mode": "after_date", "review_after": earlier, "cooldown_seconds": 0})
    _, token = await pstack.new_user("candidate")
    hidden = await scored(pstack, token, await sit(pstack, token, hidden_bp, answer=4))
    assert hidden["review"] == [] and hidden["review_available"] is False
    assert hidden["review_available_at"] == later
    assert {"key", "rationale"}.isdisjoint(walk_keys(hidden))
    shown = await scored(pstack, token, await sit(pstack, token, open_bp, answer=4))
    assert shown["review_available"] is True and len(shown["review"]) == 4
    assert all(r["key"] in "ABCD" and r["rationale"] for r in shown["review"])


async def test_review_immediate_by_default(pstack: Stack) -> None:
    bp = await new_blueprint(pstack, {"cooldown_seconds": 0})
    _, token = await pstack.new_user("candidate")
    result = await scored(pstack, token, await sit(pstack, token, bp, answer=4))
    assert result["review_available"] is True and result["review_mode"] == "immediate"
    assert len(result["review"]) == 4


# ---------------------------------------------------------------- low-answer attempts


async def test_low_answer_attempts_are_kept_but_left_out_of_statistics(pstack: Stack) -> None:
    bp = await new_blueprint(pstack, {"cooldown_seconds": 0})
    admin = await pstack.admin_token()
    _, full_token = await pstack.new_user("candidate")
    _, blank_token = await pstack.new_user("candidate")
    full = await scored(pstack, full_token, await sit(pstack, full_token, bp, answer=4))
    blank_id = await sit(pstack, blank_token, bp, answer=1)  # 1 of 4 answered: below the default half
    blank = await scored(pstack, blank_token, blank_id)
    assert full["low_answer"] is False
    assert blank["low_answer"] is True and blank["answered_count"] == 1  # kept and shown to its candidate
    status, mine = await pstack.request("GET", "/api/results", blank_token)
    assert [r["attempt_id"] for r in mine["results"]] == [blank_id] and mine["results"][0]["low_answer"]

    async def rates(include: bool) -> dict[str, Any] | None:
        q = f"/api/stats/pass-rates?blueprint_id={bp}" + ("&include_low_answer=true" if include else "")
        status, body = await pstack.request("GET", q, admin)
        assert status == 200, body
        seen = body["overall"]["attempts"] + body["low_answer_excluded"]
        return body if seen == 2 else None

    default = await wait_for(lambda: rates(False), what="both results in the statistics")
    assert default["overall"]["attempts"] == 1 and default["low_answer_excluded"] == 1
    included = await rates(True)
    assert included is not None and included["overall"]["attempts"] == 2
    assert included["low_answer_excluded"] == 0

    status, items = await pstack.request("GET", f"/api/stats/items?blueprint_id={bp}", admin)
    # Each candidate got a form of 4 items (random forms: they need not share any).
    assert status == 200 and sum(i["n"] for i in items["items"]) == 4, items
    status, items = await pstack.request(
        "GET", f"/api/stats/items?blueprint_id={bp}&include_low_answer=true", admin
    )
    assert status == 200 and sum(i["n"] for i in items["items"]) == 8, items
    status, dist = await pstack.request("GET", f"/api/stats/scores?blueprint_id={bp}", admin)
    assert status == 200 and dist["n"] == 1, dist
    status, dist = await pstack.request("GET", f"/api/stats/scores?blueprint_id={bp}&include_low_answer=1", admin)
    assert status == 200 and dist["n"] == 2, dist
    status, summaries = await pstack.request("GET", "/api/stats/blueprints?include_low_answer=true", admin)
    assert next(b for b in summaries["blueprints"] if b["blueprint_id"] == bp)["attempts"] == 2
    status, summaries = await pstack.request("GET", "/api/stats/blueprints", admin)
    assert next(b for b in summaries["blueprints"] if b["blueprint_id"] == bp)["attempts"] == 1

    status, body = await pstack.request("GET", "/api/stats/pass-rates?include_low_answer=maybe", admin)
    assert status == 422 and body["errors"][0]["field"] == "include_low_answer", body


async def test_the_share_is_the_blueprints(pstack: Stack) -> None:
    """An admin's share replaces the default: with 0.2, one answer of four counts."""
    bp = await new_blueprint(pstack, {"cooldown_seconds": 0, "min_answered_share": 0.2})
    _, token = await pstack.new_user("candidate")
    result = await scored(pstack, token, await sit(pstack, token, bp, answer=1))
    assert result["low_answer"] is False
