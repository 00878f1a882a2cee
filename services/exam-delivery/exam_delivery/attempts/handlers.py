"""HTTP handlers of attempts: decode, call the service, encode."""

from __future__ import annotations

from aiohttp import web

from exam_delivery.attempts import service as attempts
from exam_delivery.attempts.schemas import (
    AttemptIn,
    AttemptList,
    AttemptOut,
    AttemptStarted,
    PartClosed,
    QuestionList,
    QuestionOut,
    ResponseIn,
    ResponseOut,
    SubmitOut,
)
from exam_delivery.context import DELIVERY_KEY
from shared.auth import CANDIDATE, SERVICE
from shared.contracts import AttemptOwnership
from shared.web import RouteTable, json_response, principal, read_json

routes = RouteTable("delivery")
internal = RouteTable("internal")


# ---------------------------------------------------------------- attempts


@routes.post(
    "/api/attempts",
    roles=CANDIDATE,
    body=AttemptIn,
    response=AttemptStarted,
    status=201,
    summary="Start an attempt: a form is assembled for this candidate and the clock starts; "
    "409 when the blueprint's attempts are used up, 429 (Retry-After, next_attempt_at) during a cool-down",
    problems=(
        (409, "an attempt is still open, or the blueprint's attempt policy allows no more attempts "
              "(attempts_used, max_attempts)"),
        (429, "the blueprint's cool-down after the last attempt: Retry-After and next_attempt_at say when"),
    ),
)
async def start_attempt(request: web.Request) -> web.Response:
    body = await read_json(request, AttemptIn)
    out = await attempts.start(request.app[DELIVERY_KEY], principal(request).id, body.blueprint_id)
    return json_response(out, status=201)


@routes.get("/api/attempts", roles=CANDIDATE, response=AttemptList, summary="Own attempts, newest first")
async def list_attempts(request: web.Request) -> web.Response:
    return json_response(await attempts.list_own(request.app[DELIVERY_KEY].pool, principal(request).id))


@routes.get(
    "/api/attempts/{attempt_id}",
    roles=CANDIDATE,
    response=AttemptOut,
    summary="State of an attempt: time left, answered and flagged positions, parts",
)
async def get_attempt(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    return json_response(await attempts.get(request.app[DELIVERY_KEY].pool, attempt_id, principal(request).id))


@routes.get(
    "/api/attempts/{attempt_id}/questions",
    roles=CANDIDATE,
    response=QuestionList,
    summary="Every question with the candidate's answers, once the attempt is over (no key)",
)
async def list_questions(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    d = request.app[DELIVERY_KEY]
    return json_response(await attempts.all_questions(d.pool, d.catalog, attempt_id, principal(request).id))


@routes.get(
    "/api/attempts/{attempt_id}/questions/{position}",
    roles=CANDIDATE,
    response=QuestionOut,
    summary="One question (1-based position) with the saved answer; never the key",
)
async def get_question(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    position = attempts.parse_position(request.match_info["position"])
    d = request.app[DELIVERY_KEY]
    return json_response(await attempts.question(d.pool, d.catalog, attempt_id, principal(request).id, position))


@routes.put(
    "/api/attempts/{attempt_id}/responses/{position}",
    roles=CANDIDATE,
    body=ResponseIn,
    response=ResponseOut,
    max_body=4096,
    summary="Save an answer and/or flag; 200 only once committed; 409 after the deadline",
)
async def save_response(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    position = attempts.parse_position(request.match_info["position"])
    body = await read_json(request, ResponseIn)
    out = await attempts.save(request.app[DELIVERY_KEY].pool, attempt_id, principal(request).id, position, body)
    return json_response(out)


@routes.post(
    "/api/attempts/{attempt_id}/parts/{part}/close",
    roles=CANDIDATE,
    response=PartClosed,
    summary="Close a timed part early; its questions cannot be revisited",
)
async def close_part(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    raw = request.match_info["part"]
    # isascii: str.isdigit also accepts '²' and other digits int() refuses.
    part = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    out = await attempts.close_part(request.app[DELIVERY_KEY].pool, attempt_id, principal(request).id, part)
    return json_response(out)


@routes.post(
    "/api/attempts/{attempt_id}/submit",
    roles=CANDIDATE,
    response=SubmitOut,
    summary="Submit the attempt; a second submit is harmless",
)
async def submit_attempt(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    d = request.app[DELIVERY_KEY]
    return json_response(await attempts.submit(d.pool, d.outbox_wake, attempt_id, principal(request).id))


# ---------------------------------------------------------------- service to service


@internal.get(
    "/internal/attempts/{attempt_id}",
    roles=SERVICE,
    response=AttemptOwnership,
    summary="Whose attempt it is and whether it is closed, for scoring's result lookups",
)
async def attempt_ownership(request: web.Request) -> web.Response:
    attempt_id = attempts.parse_uuid(request.match_info["attempt_id"])
    return json_response(await attempts.ownership(request.app[DELIVERY_KEY].pool, attempt_id))
