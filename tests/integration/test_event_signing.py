"""A leaked service token alone cannot write a result: scoring stores an `attempt.submitted` event
only with delivery's Ed25519 signature of its exact bytes (shared/event_signing.py).

The forger holds the service token and knows everything delivery knows about an open attempt
(its form, the keys, as /internal/feed once disclosed): unsigned, signed with another key, or a
real signature over other answers, the forged event is refused with a 403 naming the signature
header, and nothing is stored. The candidate's real submission, signed by delivery's outbox,
is then scored as it was answered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import msgspec
import pytest

from exam_delivery.attempts import repository as delivery_repo
from shared import event_signing
from shared.auth import issue_service_token
from shared.contracts import AttemptSubmitted, SubmittedResponse, shown_label
from tests.delivery_support import wait_for, wait_for_bank
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, seed_sample_bank=True) as running:
        await wait_for_bank(running, timeout=60)
        yield running


async def forged_event(database_url: str, attempt: dict, candidate_id: str, selected_key: bool) -> AttemptSubmitted:
    """What a forger can assemble for an open attempt: its form and keys, every answer right (or blank)."""
    conn = await asyncpg.connect(database_url)
    try:
        lines = await delivery_repo.submission_lines(conn, uuid.UUID(attempt["id"]))
    finally:
        await conn.close()
    responses = [
        SubmittedResponse(position=ln.position, item_id=ln.item_id, item_version=ln.version,
                          domain=ln.domain, key=shown_label(ln.option_order, ln.key or ""),
                          selected=shown_label(ln.option_order, ln.key or "") if selected_key else None,
                          option_order=list(ln.option_order), rationale=ln.rationale or "")
        for ln in lines
    ]
    return AttemptSubmitted(
        event_id=str(uuid.uuid4()), attempt_id=attempt["id"], candidate_id=candidate_id, blueprint_id="cpc-100",
        blueprint_name="CPC (current)", cut_score_percent=70.0, time_limit_seconds=14400,
        started_at=attempt["started_at"], submitted_at=attempt["started_at"], submitted_by="candidate",
        responses=responses,
    )


async def post_event(stack: Stack, body: bytes, signature: str | None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {issue_service_token(stack.settings['exam-delivery'])}",
               "Content-Type": "application/json"}
    if signature is not None:
        headers[event_signing.SIGNATURE_HEADER] = signature
    async with stack.session.post(f"{stack.urls['scoring']}/internal/events", data=body, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def stored(database_url: str, attempt_id: str) -> tuple[int, int]:
    conn = await asyncpg.connect(database_url)
    try:
        events = await conn.fetchval("SELECT count(*) FROM scoring.events WHERE attempt_id = $1", attempt_id)
        results = await conn.fetchval("SELECT count(*) FROM scoring.results WHERE attempt_id = $1::text",
                                      attempt_id)
    finally:
        await conn.close()
    return int(events), int(results)


async def test_forged_events_are_refused_and_the_real_one_is_scored(stack, database_url):
    candidate_id, candidate = await stack.new_user("candidate")
    status, attempt = await stack.request("POST", "/api/attempts", candidate, json={"blueprint_id": "cpc-100"})
    assert status == 201, attempt
    perfect = await forged_event(database_url, attempt, candidate_id, selected_key=True)
    perfect_body = msgspec.json.encode(perfect)
    blank_body = msgspec.json.encode(
        msgspec.structs.replace(perfect, responses=[msgspec.structs.replace(r, selected=None)
                                                    for r in perfect.responses]))
    other_key = event_signing.new_signing_key()
    forgeries = {
        "no signature": (perfect_body, None),
        "empty signature": (perfect_body, ""),
        "not base64": (perfect_body, "!!not-a-signature!!"),
        "signed with another key": (perfect_body, event_signing.sign(other_key, perfect_body)),
        # Delivery's own signature, of a blank submission, sent with every answer right.
        "a real signature over other answers": (perfect_body, event_signing.sign(TEST_EVENT_SIGNING_KEY, blank_body)),
        # Delivery's signature of the body, but of another context (a truncated or padded body).
        "a real signature of a prefix": (perfect_body + b" ", event_signing.sign(TEST_EVENT_SIGNING_KEY, perfect_body)),
    }
    for how, (body, signature) in forgeries.items():
        status, problem = await post_event(stack, body, signature)
        assert status == 403, (how, status, problem)
        assert problem["errors"][0]["field"] == event_signing.SIGNATURE_HEADER, (how, problem)
        assert await stored(database_url, attempt["id"]) == (0, 0), how
    status, _ = await stack.request("GET", f"/api/results/{attempt['id']}", candidate)
    assert status != 200

    # The candidate answers every question wrong and submits: delivery's outbox signs the real event.
    lines = {r.position: r.key for r in perfect.responses}
    for position, key in lines.items():
        wrong = next(label for label in "ABCD" if label != key)
        status, body = await stack.request("PUT", f"/api/attempts/{attempt['id']}/responses/{position}", candidate,
                                           json={"selected": wrong})
        assert status == 200, body
    status, body = await stack.request("POST", f"/api/attempts/{attempt['id']}/submit", candidate)
    assert status == 200, body

    async def scored() -> dict | None:
        status, result = await stack.request("GET", f"/api/results/{attempt['id']}", candidate)
        return result if status == 200 else None

    result = await wait_for(scored, timeout=30, what="the real event scored")
    assert result["raw_score"] == 0 and result["passed"] is False
    assert result["question_count"] == len(lines)
    assert await stored(database_url, attempt["id"]) == (1, 1)
    # The forged event, now with a valid signature of itself, is only a duplicate: the real one stands.
    status, ack = await post_event(stack, perfect_body, event_signing.sign(TEST_EVENT_SIGNING_KEY, perfect_body))
    assert (status, ack["status"]) == (200, "duplicate")
    status, again = await stack.request("GET", f"/api/results/{attempt['id']}", candidate)
    assert status == 200 and again["raw_score"] == 0
