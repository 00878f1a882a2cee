"""Ingesting attempt.submitted events, and who may read a result."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import msgspec
import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from shared import event_signing
from shared.auth import issue_service_token
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    """The whole stack, with statistics refreshed every 0.2 s."""
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
def factory() -> EventFactory:
    rng = np.random.default_rng(42)
    bank = synthetic_bank(rng, {"EM": 4, "ICD": 4, "HCPCS": 3})
    return EventFactory(
        bank, {"EM": 3, "ICD": 3, "HCPCS": 2}, blueprint_id="bp-ingest", blueprint_name="ingest", shuffle=True
    )


def service_token(stack) -> str:
    return issue_service_token(stack.settings["exam-delivery"])


async def post_raw(stack, body: bytes, token: str | None) -> tuple[int, dict]:
    """POST a body as delivery would, signed with delivery's event key."""
    headers = {"Content-Type": "application/json",
               event_signing.SIGNATURE_HEADER: event_signing.sign(TEST_EVENT_SIGNING_KEY, body)}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with stack.session.post(
        f"{stack.urls['scoring']}/internal/events", data=body, headers=headers
    ) as resp:
        return resp.status, await resp.json(content_type=None)


async def test_the_same_event_twice_gives_one_result(stack, factory):
    rng = np.random.default_rng(1)
    candidate_id, _ = await stack.new_user("candidate")
    ev = factory.event(rng, 0.5, candidate_id=candidate_id)
    token = service_token(stack)
    first = await post_events(stack.session, stack.urls["scoring"], token, [ev], signing_key=TEST_EVENT_SIGNING_KEY)
    # A retry after a lost ack:
    second = await post_events(stack.session, stack.urls["scoring"], token, [ev], signing_key=TEST_EVENT_SIGNING_KEY)
    assert (first, second) == (["accepted"], ["duplicate"])
    # Another event id for the same attempt (a re-publication) changes nothing either.
    again = msgspec.structs.replace(
        ev,
        event_id=str(uuid.uuid4()),
        responses=[msgspec.structs.replace(r, selected=r.key) for r in ev.responses],
    )
    assert await post_events(stack.session, stack.urls["scoring"], service_token(stack), [again],
                             signing_key=TEST_EVENT_SIGNING_KEY) == [
        "duplicate"
    ]
    admin = await stack.admin_token()
    status, listed = await stack.request("GET", f"/api/results?candidate_id={candidate_id}", admin)
    assert status == 200 and [r["attempt_id"] for r in listed["results"]] == [ev.attempt_id]
    status, result = await stack.request("GET", f"/api/results/{ev.attempt_id}", admin)
    assert status == 200
    right = sum(r.selected == r.key for r in ev.responses)
    assert result["raw_score"] == right  # the first event's answers, not the re-publication's


async def test_concurrent_deliveries_of_one_event_score_it_once(stack, factory):
    rng = np.random.default_rng(2)
    ev = factory.event(rng, 0.0)
    statuses = await post_events(
        stack.session, stack.urls["scoring"], service_token(stack), [ev] * 6, concurrency=6,
        signing_key=TEST_EVENT_SIGNING_KEY,
    )
    assert sorted(statuses) == ["accepted"] + ["duplicate"] * 5


async def test_result_review_and_diagnostic_for_the_candidate(stack, factory):
    rng = np.random.default_rng(3)
    candidate_id, token = await stack.new_user("candidate")
    ev = factory.event(rng, 1.0, candidate_id=candidate_id, group="cohort-7")
    await post_events(stack.session, stack.urls["scoring"], service_token(stack), [ev],
                      signing_key=TEST_EVENT_SIGNING_KEY)
    status, body = await stack.request("GET", f"/api/results/{ev.attempt_id}", token)
    assert status == 200, body
    right = sum(r.selected == r.key for r in ev.responses)
    assert body["status"] == "scored" and body["candidate_id"] == candidate_id
    assert body["raw_score"] == right and body["question_count"] == 8
    assert body["percent"] == pytest.approx(round(100 * right / 8, 2))
    assert body["passed"] is (right >= 0.7 * 8 - 1e-9)
    assert body["cut_used"] == "raw" and body["cut_score_percent"] == 70.0 and body["scaled_score"] is None
    assert [d["code"] for d in body["domains"]] == ["EM", "ICD", "HCPCS"]  # code-book order
    assert sum(d["total"] for d in body["domains"]) == 8
    by_pos = {r.position: r for r in ev.responses}
    bank_keys = {it.item_id: it.key for it in factory.bank}
    for entry in body["review"]:
        sent = by_pos[entry["position"]]
        # The labels the candidate saw, and the item's own options behind them.
        assert (entry["selected"], entry["key"], entry["rationale"]) == (
            sent.selected,
            sent.key,
            sent.rationale,
        )
        assert entry["correct"] is (sent.selected == sent.key)
        assert entry["option_order"] == sent.option_order
        assert entry["key_original"] == bank_keys[sent.item_id]
        if sent.selected is not None:
            assert entry["selected_original"] == sent.option_order["ABCD".index(sent.selected)]
    diag = body["diagnostic"]
    assert diag["weak_domains"] == [d["code"] for d in body["domains"] if d["percent"] < 70]
    assert diag["pace"]["seconds_allowed"] == ev.time_limit_seconds
    assert diag["pace"]["seconds_per_question_allowed"] == pytest.approx(ev.time_limit_seconds / 8, abs=0.1)


async def test_a_candidate_asking_for_another_candidates_result_gets_404(stack, factory):
    rng = np.random.default_rng(4)
    owner_id, owner = await stack.new_user("candidate")
    _, other = await stack.new_user("candidate")
    ev = factory.event(rng, 0.0, candidate_id=owner_id)
    await post_events(stack.session, stack.urls["scoring"], service_token(stack), [ev],
                      signing_key=TEST_EVENT_SIGNING_KEY)
    assert (await stack.request("GET", f"/api/results/{ev.attempt_id}", owner))[0] == 200
    theirs = await stack.request("GET", f"/api/results/{ev.attempt_id}", other)
    assert theirs[0] == 404 and theirs[1]["status"] == 404
    # Their own list never shows it, whatever they ask for.
    status, listed = await stack.request("GET", f"/api/results?candidate_id={owner_id}", other)
    assert status == 200 and listed["results"] == []
    # An id nobody has answers exactly as another's result: no oracle (pending is only for the
    # owner's own submitted attempt; see test_scoring_access.py).
    assert await stack.request("GET", f"/api/results/{uuid.uuid4()}", other) == theirs


async def test_an_instructor_reads_item_statistics_but_not_results(stack, factory):
    rng = np.random.default_rng(5)
    ev = factory.event(rng, 0.0)
    await post_events(stack.session, stack.urls["scoring"], service_token(stack), [ev],
                      signing_key=TEST_EVENT_SIGNING_KEY)
    _, instructor = await stack.new_user("instructor")
    assert (await stack.request("GET", f"/api/results/{ev.attempt_id}", instructor))[0] == 403
    assert (await stack.request("GET", "/api/results", instructor))[0] == 403
    item_id = ev.responses[0].item_id
    for _ in range(100):
        status, body = await stack.request("GET", f"/api/stats/items?item_id={item_id}&min_n=0", instructor)
        assert status == 200
        if body["items"]:
            break
        await asyncio.sleep(0.1)
    assert [(i["item_id"], i["version"]) for i in body["items"]] == [(item_id, 1)]
    assert (await stack.request("GET", "/api/stats/pass-rates", instructor))[0] == 403


async def test_events_are_refused_to_users_and_checked_field_by_field(stack, factory):
    rng = np.random.default_rng(6)
    ev = factory.event(rng, 0.0)
    body = msgspec.json.encode(ev)
    assert (await post_raw(stack, body, None))[0] == 401
    admin = await stack.admin_token()
    assert (await post_raw(stack, body, admin))[0] == 403
    # Never reachable through the public entry.
    async with stack.session.post(
        f"{stack.base_url}/internal/events",
        data=body,
        headers={"Authorization": f"Bearer {service_token(stack)}"},
    ) as resp:
        assert resp.status == 404
    bad = msgspec.structs.replace(
        ev, responses=[msgspec.structs.replace(ev.responses[0], selected="E"), *ev.responses[1:]]
    )
    status, problem = await post_raw(stack, msgspec.json.encode(bad), service_token(stack))
    assert status == 422 and problem["errors"][0]["field"].endswith(".selected")
    status, problem = await post_raw(stack, b'{"event_id": "x"}', service_token(stack))
    assert status == 422 and problem["errors"][0]["field"] == "attempt_id"
    # A refused event leaves nothing behind: the same ids, once valid, are accepted.
    assert (await post_raw(stack, body, service_token(stack)))[1]["status"] == "accepted"
