"""Role matrix of every scoring route, derived from the endpoints the app declares."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from shared.auth import issue_service_token
from shared.web import ENDPOINTS_KEY

PRINCIPALS = ("anonymous", "candidate", "instructor", "admin", "service")
_PARAM = re.compile(r"\{[^}]+\}")


@pytest.fixture(scope="module")
async def tokens(stack) -> dict[str, str | None]:
    out: dict[str, str | None] = {
        "anonymous": None,
        "admin": await stack.admin_token(),
        "service": issue_service_token(stack.settings["exam-delivery"]),
    }
    for role in ("candidate", "instructor"):
        out[role] = (await stack.new_user(role))[1]
    return out


def scoring_endpoints(stack) -> list:
    return [ep for ep in stack.apps["scoring"][ENDPOINTS_KEY] if ep.handler is not None]


def test_every_scoring_route_declares_roles(stack):
    endpoints = scoring_endpoints(stack)
    paths = {(ep.method, ep.path) for ep in endpoints}
    for expected in [
        ("POST", "/internal/events"),
        ("GET", "/api/results/{attempt_id}"),
        ("GET", "/api/stats/pass-rates"),
        ("GET", "/api/stats/scores"),
        ("GET", "/api/stats/items"),
        ("GET", "/admin"),
    ]:
        assert expected in paths
    for ep in endpoints:
        assert ep.roles, ep.path
        if ep.path.startswith("/internal/"):
            assert ep.roles == {"service"}


async def test_role_matrix(stack, tokens):
    seen = 0
    for ep in scoring_endpoints(stack):
        path = _PARAM.sub(str(uuid.uuid4()), ep.path)
        for who in PRINCIPALS:
            token = tokens[who]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            kwargs = {"json": {}} if ep.method in ("POST", "PUT", "PATCH") else {}
            async with stack.session.request(
                ep.method, f"{stack.urls['scoring']}{path}", headers=headers, **kwargs
            ) as resp:
                status = resp.status
            allowed = "public" in ep.roles or who in ep.roles
            if allowed:
                assert status not in (401, 403) and status < 500, (ep.method, ep.path, who, status)
            else:
                assert status == (401 if who == "anonymous" else 403), (ep.method, ep.path, who, status)
            seen += 1
    assert seen >= 5 * 12


async def test_the_contracts_roles_for_scoring(stack, tokens):
    """The API contract: results to candidates (own) and admins; pass rates and scores to admins;
    item statistics to instructors and admins."""
    roles = {(ep.method, ep.path): ep.roles for ep in scoring_endpoints(stack)}
    assert roles[("GET", "/api/results/{attempt_id}")] == {"candidate", "admin"}
    assert roles[("GET", "/api/stats/pass-rates")] == {"admin"}
    assert roles[("GET", "/api/stats/scores")] == {"admin"}
    assert roles[("GET", "/api/stats/items")] == {"instructor", "admin"}


# ---------------------------------------------------------------- result lookups are no oracle
#
# Delivery's outbox in this stack sends to an address where no scoring listens, so a submitted
# attempt stays "submitted, not scored" until a test brings a scoring instance up there
# (`_score`): every state is held as long as the test needs it.


@pytest.fixture(scope="module")
async def rstack(pg_server_url):
    from tests.conftest import create_database
    from tests.delivery_support import wait_for_bank
    from tests.support import free_port, start_stack

    outbox_port = free_port()
    async with start_stack(await create_database(pg_server_url), seed_sample_bank=True, feed_poll_seconds=0.2,
                           outbox_poll_seconds=0.2, scoring_url=f"http://127.0.0.1:{outbox_port}") as stack:
        stack.settings["outbox-port"] = outbox_port  # type: ignore[assignment]
        await wait_for_bank(stack)
        status, bp = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json={
            "name": f"Lookup drill {uuid.uuid4().hex[:6]}", "time_limit_seconds": 3600, "cut_score_percent": 50,
            "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
        })
        assert status == 201, bp
        stack.settings["lookup-blueprint"] = bp["id"]  # type: ignore[assignment]
        yield stack


async def _start(stack, token: str) -> str:
    status, body = await stack.request("POST", "/api/attempts", token,
                                       json={"blueprint_id": stack.settings["lookup-blueprint"]})
    assert status == 201, body
    return str(body["id"])


async def _submit(stack, token: str, attempt: str) -> None:
    status, body = await stack.request("PUT", f"/api/attempts/{attempt}/responses/1", token, json={"selected": "B"})
    assert status == 200, body
    status, body = await stack.request("POST", f"/api/attempts/{attempt}/submit", token)
    assert status == 200 and body["status"] == "submitted", body


async def _score(stack, attempt: str) -> None:
    """Let delivery's outbox deliver: a scoring instance comes up on the address it sends to,
    until the attempt is scored, then goes again (nothing else gets scored meanwhile by chance:
    the tests below only submit what they score or mean to keep pending)."""
    from aiohttp import web

    from scoring.app import create_app
    from tests.delivery_support import wait_for
    from tests.support import serve_again

    app = create_app(stack.settings["scoring"])
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
    await runner.setup()
    try:
        await serve_again(runner, stack.settings["outbox-port"])
        admin = await stack.admin_token()

        async def scored() -> bool:
            return (await stack.request("GET", f"/api/results/{attempt}", admin))[0] == 200

        await wait_for(scored, timeout=90, what="the outbox to deliver the attempt")
    finally:
        await runner.cleanup()


async def _answers(stack, token: str, ids: list[str]) -> list[tuple[int, object, str | None]]:
    out = []
    for attempt_id in ids:
        async with stack.session.get(f"{stack.base_url}/api/results/{attempt_id}",
                                     headers={"Authorization": f"Bearer {token}"}) as resp:
            out.append((resp.status, await resp.read(), resp.headers.get("Content-Type")))
    return out


async def test_another_candidates_attempt_answers_exactly_as_an_unknown_id(rstack):
    stack = rstack
    _, a_token = await stack.new_user("candidate")
    _, b_token = await stack.new_user("candidate")
    a_attempt = await _start(stack, a_token)
    b_attempt = await _start(stack, b_token)  # B has an attempt of their own too
    unknown = [str(uuid.uuid4()), "not-an-attempt-id", "x" * 150, str(uuid.uuid4()).upper()]
    nothing = (await _answers(stack, b_token, unknown[:1]))[0]
    assert nothing[0] == 404 and nothing[2] == "application/problem+json", nothing
    assert json.loads(nothing[1]) == {"type": "about:blank", "title": "Not Found", "status": 404,
                                      "detail": "no such attempt"}

    def same_as_unknown(answers):
        assert all(answer == nothing for answer in answers), answers

    # A's attempt open, then submitted (not scored), then scored: B sees an unknown id each time.
    same_as_unknown(await _answers(stack, b_token, [a_attempt, *unknown]))
    await _submit(stack, a_token, a_attempt)
    same_as_unknown(await _answers(stack, b_token, [a_attempt, *unknown]))
    assert await stack.request("GET", f"/api/results/{a_attempt}", a_token) == (202, {"status": "pending"})
    await _score(stack, a_attempt)
    status, result = await stack.request("GET", f"/api/results/{a_attempt}", a_token)
    assert status == 200 and result["status"] == "scored" and result["attempt_id"] == a_attempt, result
    same_as_unknown(await _answers(stack, b_token, [a_attempt, *unknown]))
    # B's own open attempt is B's: not a result yet, said as such (409), never "pending".
    status, body = await stack.request("GET", f"/api/results/{b_attempt}", b_token)
    assert status == 409 and body["status"] == 409, body
    # The same answers for the scored attempt through scoring's own address.
    async with stack.session.get(f"{stack.urls['scoring']}/api/results/{a_attempt}",
                                 headers={"Authorization": f"Bearer {b_token}"}) as resp:
        assert (resp.status, await resp.read()) == nothing[:2]


async def test_pending_only_for_the_owners_submitted_attempt(rstack):
    stack = rstack
    _, token = await stack.new_user("candidate")
    attempt = await _start(stack, token)
    status, body = await stack.request("GET", f"/api/results/{attempt}", token)
    assert status == 409 and "not submitted" in body["detail"], body
    await _submit(stack, token, attempt)
    assert await stack.request("GET", f"/api/results/{attempt}", token) == (202, {"status": "pending"})
    # An unknown id is not pending, for the candidate nor anyone.
    status, body = await stack.request("GET", f"/api/results/{uuid.uuid4()}", token)
    assert status == 404 and body["detail"] == "no such attempt", body


async def test_admins_see_every_attempts_state(rstack):
    stack = rstack
    admin = await stack.admin_token()
    _, token = await stack.new_user("candidate")
    attempt = await _start(stack, token)
    assert (await stack.request("GET", f"/api/results/{attempt}", admin))[0] == 409
    await _submit(stack, token, attempt)
    assert await stack.request("GET", f"/api/results/{attempt}", admin) == (202, {"status": "pending"})
    await _score(stack, attempt)
    status, result = await stack.request("GET", f"/api/results/{attempt}", admin)
    assert status == 200 and result["attempt_id"] == attempt, result
    assert (await stack.request("GET", f"/api/results/{uuid.uuid4()}", admin))[0] == 404
    # Instructors keep no access to results.
    _, instructor = await stack.new_user("instructor")
    assert (await stack.request("GET", f"/api/results/{attempt}", instructor))[0] == 403


async def test_delivery_answers_ownership_to_services_only(rstack):
    stack = rstack
    _, token = await stack.new_user("candidate")
    attempt = await _start(stack, token)
    service = {"Authorization": f"Bearer {issue_service_token(stack.settings['scoring'])}"}
    async with stack.session.get(f"{stack.urls['exam-delivery']}/internal/attempts/{attempt}",
                                 headers=service) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["attempt_id"] == attempt and body["status"] == "in_progress" and body["closed"] is False
    for missing in (str(uuid.uuid4()), "nonsense"):
        async with stack.session.get(f"{stack.urls['exam-delivery']}/internal/attempts/{missing}",
                                     headers=service) as resp:
            assert resp.status == 404
    async with stack.session.get(f"{stack.urls['exam-delivery']}/internal/attempts/{attempt}",
                                 headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 403
    # The entry never serves /internal/.
    status, _ = await stack.request("GET", f"/internal/attempts/{attempt}", token)
    assert status == 404


async def test_with_delivery_down_the_owner_gets_a_retryable_503_that_reveals_nothing(rstack):
    from aiohttp import web

    from exam_delivery.app import create_app
    from tests.support import serve_again

    stack = rstack
    _, a_token = await stack.new_user("candidate")
    _, b_token = await stack.new_user("candidate")
    a_attempt = await _start(stack, a_token)
    await _submit(stack, a_token, a_attempt)
    settings = stack.settings["exam-delivery"]
    await stack.runners["exam-delivery"].cleanup()
    try:
        own = await _answers(stack, a_token, [a_attempt])
        others = await _answers(stack, b_token, [a_attempt, str(uuid.uuid4())])
        for status, raw, ctype in own + others:
            assert status == 503 and ctype == "application/problem+json", (status, raw)
        assert own[0][1] == others[0][1] == others[1][1]
        async with stack.session.get(f"{stack.base_url}/api/results/{a_attempt}",
                                     headers={"Authorization": f"Bearer {a_token}"}) as resp:
            assert resp.headers.get("Retry-After")
        # A malformed id needs no lookup: still the plain 404.
        assert (await _answers(stack, b_token, ["nonsense"]))[0][0] == 404
    finally:
        app = create_app(settings)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await runner.setup()
        await serve_again(runner, settings.port)
        stack.runners["exam-delivery"] = runner
        stack.apps["exam-delivery"] = app
    assert await stack.request("GET", f"/api/results/{a_attempt}", a_token) == (202, {"status": "pending"})
