"""Authorization beyond roles: another user's resources, forged and expired
tokens on every route of every service, staff reaching for admin powers, and
what a token is worth once its holder is disabled or demoted.

The lead's role matrix (test_foundation_api.py) checks each declared route
against each role; this file adds the owner dimension (candidate B on
candidate A's attempt and result: 404, indistinguishable from an id that does
not exist) and checks that every refusal writes nothing.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid

import asyncpg
import jwt
import pytest

from shared.auth import issue_service_token
from shared.web import ENDPOINTS_KEY
from tests.delivery_support import wait_for, wait_for_bank
from tests.support import auth, start_stack

PROBLEM = "application/problem+json"
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")
TOOLS_OF = "SELECT position, struck, highlights, note, saved_at FROM delivery.question_tools WHERE attempt_id = $1"


@pytest.fixture(scope="module")
async def astack(database_url):
    async with start_stack(database_url, seed_sample_bank=True, feed_poll_seconds=0.2,
                           outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        status, bp = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json={
            "name": "Authz drill", "time_limit_seconds": 3600, "cut_score_percent": 50,
            "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
        })
        assert status == 201, bp
        stack.settings["drill"] = bp["id"]  # type: ignore[assignment]
        yield stack


@pytest.fixture(scope="module")
async def db_conn(database_url):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


async def raw(stack, method, url, token=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers.update(auth(token))
    async with stack.session.request(method, url, headers=headers, **kwargs) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "1"), path)


async def start_attempt(stack, token) -> str:
    status, body = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": stack.settings["drill"]})
    assert status == 201, body
    return body["id"]


async def test_candidate_b_gets_404_on_every_route_and_verb_of_candidate_as_attempt(astack, db_conn):
    stack = astack
    _, a_token = await stack.new_user("candidate")
    _, b_token = await stack.new_user("candidate")
    a_attempt = await start_attempt(stack, a_token)
    await start_attempt(stack, b_token)  # B has an attempt of their own
    status, saved = await stack.request("PUT", f"/api/attempts/{a_attempt}/responses/1", a_token,
                                        json={"selected": "C", "flagged": True})
    assert status == 200, saved
    status, saved = await stack.request("PUT", f"/api/attempts/{a_attempt}/tools/1", a_token,
                                        json={"struck": ["B"], "highlights": [{"start": 0, "end": 3}], "note": "A's"})
    assert status == 200, saved
    before = await db_conn.fetch(
        "SELECT position, selected, flagged, saved_at FROM delivery.responses WHERE attempt_id = $1 ORDER BY 1",
        uuid.UUID(a_attempt))
    tools_before = await db_conn.fetch(TOOLS_OF, uuid.UUID(a_attempt))
    missing = str(uuid.uuid4())

    attempt_routes = [ep for ep in stack.apps["exam-delivery"][ENDPOINTS_KEY] if "{attempt_id}" in ep.path]
    assert {ep.path for ep in attempt_routes} >= {
        "/api/attempts/{attempt_id}", "/api/attempts/{attempt_id}/questions/{position}",
        "/api/attempts/{attempt_id}/responses/{position}", "/api/attempts/{attempt_id}/submit",
        "/api/attempts/{attempt_id}/tools/{position}",
    }
    paths = sorted({ep.path for ep in attempt_routes})
    declared = {(ep.method, ep.path) for ep in attempt_routes}
    checked = 0
    for path in paths:
        for verb in VERBS:
            body = ({"struck": ["A"], "highlights": [{"start": 0, "end": 2}], "note": "B's"} if "/tools/" in path
                    else {"selected": "A", "flagged": False}) if verb in ("PUT", "POST", "PATCH") else None
            theirs = await raw(stack, verb, stack.base_url + fill(path, {"attempt_id": a_attempt}), b_token,
                               json=body)
            nobody = await raw(stack, verb, stack.base_url + fill(path, {"attempt_id": missing}), b_token, json=body)
            where = f"B {verb} {path}"
            if (verb, path) in declared and path.startswith("/api/"):
                assert theirs[0] == 404 and theirs[1].startswith(PROBLEM), (where, theirs)
            # Whatever the answer, it is the one for an attempt that does not exist: no oracle.
            assert theirs[:2] == nobody[:2], (where, theirs, nobody)
            if "json" in theirs[1]:
                assert json.loads(theirs[2]) == json.loads(nobody[2]), where
            else:
                assert theirs[2] == nobody[2], where
            checked += 1
    assert checked == len(paths) * len(VERBS)

    # Nothing B did changed A's attempt.
    after = await db_conn.fetch(
        "SELECT position, selected, flagged, saved_at FROM delivery.responses WHERE attempt_id = $1 ORDER BY 1",
        uuid.UUID(a_attempt))
    assert after == before
    assert await db_conn.fetch(TOOLS_OF, uuid.UUID(a_attempt)) == tools_before
    status, state = await stack.request("GET", f"/api/attempts/{a_attempt}", a_token)
    assert status == 200 and state["status"] == "in_progress" and state["answered_count"] == 1
    # B's own list does not show A's attempt.
    status, listed = await stack.request("GET", "/api/attempts", b_token)
    assert status == 200 and a_attempt not in {a["id"] for a in listed["attempts"]}


async def test_candidate_b_cannot_read_candidate_as_result(astack):
    stack = astack
    a_id, a_token = await stack.new_user("candidate")
    b_id, b_token = await stack.new_user("candidate")
    a_attempt = await start_attempt(stack, a_token)
    missing = str(uuid.uuid4())
    # While A's result does not exist yet, B learns nothing an unknown id would not tell.
    assert (await stack.request("GET", f"/api/results/{a_attempt}", b_token)) == \
        (await stack.request("GET", f"/api/results/{missing}", b_token))
    await stack.request("PUT", f"/api/attempts/{a_attempt}/responses/1", a_token, json={"selected": "B"})
    status, _ = await stack.request("POST", f"/api/attempts/{a_attempt}/submit", a_token)
    assert status == 200

    async def scored():
        status, _ = await stack.request("GET", f"/api/results/{a_attempt}", a_token)
        return status == 200

    await wait_for(scored, timeout=30, what="A's result")
    status, body = await stack.request("GET", f"/api/results/{a_attempt}", b_token)
    assert status == 404 and body["status"] == 404, body
    assert "review" not in body and "raw_score" not in body
    # Asking for A's results by candidate id gives B only B's own (none).
    status, listed = await stack.request("GET", f"/api/results?candidate_id={a_id}", b_token)
    assert status == 200 and listed["results"] == [], listed
    status, listed = await stack.request("GET", "/api/results", b_token)
    assert status == 200 and a_attempt not in {r["attempt_id"] for r in listed["results"]}
    # The questions of A's finished attempt (the review listing) stay A's.
    status, body = await stack.request("GET", f"/api/attempts/{a_attempt}/questions", b_token)
    assert status == 404, body
    # An admin sees it; an instructor does not (results are the candidate's and the admins').
    status, _ = await stack.request("GET", f"/api/results/{a_attempt}", await stack.admin_token())
    assert status == 200
    _, instructor = await stack.new_user("instructor")
    status, _ = await stack.request("GET", f"/api/results/{a_attempt}", instructor)
    assert status == 403
    assert b_id != a_id


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_tokens(stack, candidate_token: str) -> dict[str, str]:
    """Every way a token can be wrong, made from a real candidate token."""
    settings = stack.settings["exam-delivery"]
    claims = jwt.decode(candidate_token, options={"verify_signature": False})
    header, payload, signature = _segments(candidate_token)
    now = int(time.time())
    return {
        "expired": jwt.encode(claims | {"iat": now - 7200, "exp": now - 3600}, settings.jwt_secret,
                              algorithm="HS256"),
        "wrong-secret": jwt.encode(claims, "not-the-secret-" + "z" * 40, algorithm="HS256"),
        "role-raised": ".".join([header, _b64(claims | {"role": "admin"}), signature]),
        "subject-swapped": ".".join([header, _b64(claims | {"sub": str(uuid.uuid4())}), signature]),
        "alg-none": jwt.encode(claims | {"role": "admin"}, None, algorithm="none"),
        "user-signed-as-service": jwt.encode(claims | {"role": "admin"}, settings.service_secret,
                                             algorithm="HS256"),
        "service-claims-user-secret": jwt.encode(
            {"sub": "scoring", "role": "service", "typ": "service", "iss": "mockcert", "iat": now,
             "exp": now + 600}, settings.jwt_secret, algorithm="HS256"),
        "no-expiry": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, settings.jwt_secret,
                                algorithm="HS256"),
        "other-issuer": jwt.encode(claims | {"iss": "elsewhere"}, settings.jwt_secret, algorithm="HS256"),
        "truncated": candidate_token[:-6],
        "garbage": "not.a.token",
        "empty-bearer": "",
    }


async def test_forged_and_expired_tokens_get_401_on_every_route_of_every_service(astack):
    stack = astack
    _, candidate = await stack.new_user("candidate")
    tokens = forged_tokens(stack, candidate)
    values = {"attempt_id": str(uuid.uuid4()), "item_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4()),
              "blueprint_id": "cpc-100", "position": "1", "part": "1"}
    checked = 0
    guarded = [(name, ep) for name, app in stack.apps.items() for ep in app[ENDPOINTS_KEY]
               if "public" not in ep.roles]
    assert len(guarded) > 30
    for name, ep in guarded:
        url = stack.urls[name] + fill(ep.path, values)
        body = {} if ep.method in ("POST", "PUT", "PATCH") else None
        for kind, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}" if token else "Bearer "}
            status, ctype, raw_body = await raw(stack, ep.method, url, headers=headers, json=body)
            where = f"{ep.method} {ep.path} with a {kind} token"
            assert status == 401, (where, status, raw_body[:200])
            assert ctype.startswith(PROBLEM), where
            assert json.loads(raw_body)["status"] == 401
            checked += 1
    assert checked == len(guarded) * len(tokens)


async def test_instructor_on_admin_routes_is_refused_and_writes_nothing(astack, db_conn):
    stack = astack
    victim_id, _ = await stack.new_user("candidate")
    instructor_id, instructor = await stack.new_user("instructor")
    admin_only = {(ep.method, ep.path) for app in stack.apps.values() for ep in app[ENDPOINTS_KEY]
                  if ep.roles == frozenset({"admin"})}
    assert {("POST", "/api/users"), ("PATCH", "/api/users/{user_id}"), ("POST", "/api/blueprints")} <= admin_only
    bodies = {
        ("POST", "/api/users"): {"username": f"sneaky-{uuid.uuid4().hex[:6]}", "password": "long-enough-pw",
                                 "role": "admin", "display_name": "Sneaky"},
        ("PATCH", "/api/users/{user_id}"): {"time_multiplier": 4.0, "role": "admin"},
        ("POST", "/api/blueprints"): {"name": "Sneaky", "time_limit_seconds": 60, "cut_score_percent": 0,
                                      "domains": [{"code": "EM", "count": 1}]},
    }
    counts = "SELECT (SELECT count(*) FROM delivery.users), (SELECT count(*) FROM delivery.blueprints)"
    before = await db_conn.fetchrow(counts)
    users_before = await db_conn.fetch("SELECT id, role, time_multiplier, disabled FROM delivery.users ORDER BY id")
    for method, path in sorted(admin_only):
        for target in (victim_id, instructor_id):  # someone else, and the instructor themself
            url = stack.base_url + fill(path, {"user_id": target, "attempt_id": str(uuid.uuid4())})
            if path.startswith("/internal/"):
                continue
            status, ctype, body = await raw(stack, method, url, instructor, json=bodies.get((method, path)))
            assert status == 403 and ctype.startswith(PROBLEM), (method, path, status, body[:200])
    assert await db_conn.fetchrow(counts) == before
    assert await db_conn.fetch(
        "SELECT id, role, time_multiplier, disabled FROM delivery.users ORDER BY id") == users_before


async def test_candidates_cannot_write_items_nor_raise_their_own_role(astack, db_conn):
    stack = astack
    me, candidate = await stack.new_user("candidate")
    items_before = await db_conn.fetchval("SELECT count(*) FROM item_bank.items")
    item = {"domain": "EM", "stem": "A candidate writes an item?", "key": "A", "rationale": "x" * 30,
            "options": [{"label": lbl, "text": f"option {lbl}"} for lbl in "ABCD"]}
    for method, path, body in (
        ("POST", "/api/items", item),
        ("POST", "/api/items/import", None),
        ("PATCH", f"/api/users/{me}", {"role": "admin"}),
        ("PATCH", f"/api/users/{me}", {"time_multiplier": 4.0}),
        ("POST", "/api/users", {"username": "me-again", "password": "long-enough-pw", "role": "admin"}),
        ("POST", "/api/stats/calibrate", None),
    ):
        status, ctype, raw_body = await raw(stack, method, stack.base_url + path, candidate, json=body)
        assert status == 403 and ctype.startswith(PROBLEM), (method, path, status, raw_body[:200])
    assert await db_conn.fetchval("SELECT count(*) FROM item_bank.items") == items_before
    row = await db_conn.fetchrow("SELECT role, time_multiplier FROM delivery.users WHERE id = $1", uuid.UUID(me))
    assert row["role"] == "candidate" and row["time_multiplier"] == 1.0


async def test_a_disabled_users_token_stops_working(astack):
    """Disabling an account (PATCH disabled=true) must end its access, not only its next log-in."""
    stack = astack
    user_id, token = await stack.new_user("candidate")
    assert (await stack.request("GET", "/api/me", token))[0] == 200
    status, body = await stack.request("PATCH", f"/api/users/{user_id}", await stack.admin_token(),
                                       json={"disabled": True})
    assert status == 200 and body["disabled"] is True
    status, body = await stack.request("GET", "/api/me", token)
    assert status == 401, f"a disabled account's token still answers {status}: {body}"


async def test_a_demoted_admins_token_loses_admin_powers(astack):
    """Demoting an admin (PATCH role) must take effect on the tokens already issued."""
    stack = astack
    user_id, token = await stack.new_user("admin")
    assert (await stack.request("GET", "/api/users", token))[0] == 200
    status, body = await stack.request("PATCH", f"/api/users/{user_id}", await stack.admin_token(),
                                       json={"role": "candidate"})
    assert status == 200 and body["role"] == "candidate"
    status, body = await stack.request("GET", "/api/users", token)
    assert status in (401, 403), f"a demoted admin still lists users ({status})"


async def test_a_revoked_token_is_refused_by_every_service_and_a_new_login_works(astack):
    """Item bank and scoring verify tokens themselves: they must hear of a revocation (within a poll),
    and a fresh login after it, under the new generation, must be accepted everywhere."""
    stack = astack
    username = f"instr-{uuid.uuid4().hex[:8]}"
    admin = await stack.admin_token()
    status, user = await stack.request("POST", "/api/users", admin, json={
        "username": username, "password": "first-password-1", "role": "instructor", "display_name": "I"})
    assert status == 201, user
    old = await stack.login(username, "first-password-1")
    for path in ("/api/items?limit=1", "/api/stats/items", "/api/me"):
        assert (await stack.request("GET", path, old))[0] == 200, path
    status, body = await stack.request("PATCH", f"/api/users/{user['id']}", admin,
                                       json={"password": "second-password-2"})
    assert status == 200, body
    for path in ("/api/items?limit=1", "/api/stats/items", "/api/me"):
        async def refused(path=path):
            status, body = await stack.request("GET", path, old)
            return status == 401 and body["detail"].startswith("this token was revoked")
        await wait_for(refused, timeout=10, what=f"{path} to refuse the revoked token")
    new = await stack.login(username, "second-password-2")
    for path in ("/api/items?limit=1", "/api/stats/items", "/api/me"):
        assert (await stack.request("GET", path, new))[0] == 200, path
    # An edit that revokes nothing (a display name) leaves the new token valid.
    assert (await stack.request("PATCH", f"/api/users/{user['id']}", admin, json={"display_name": "J"}))[0] == 200
    assert (await stack.request("GET", "/api/me", new))[0] == 200


async def test_account_changes_commit_in_revocation_order(astack, db_conn):
    """Pollers follow revocations by number; a change numbered later must never commit before one
    numbered earlier, or a poller would move past the earlier one for good. Account changes are
    serialised: while one is in flight (its lock held here), the next waits."""
    import asyncio

    stack = astack
    user_id, _ = await stack.new_user("candidate")
    admin = await stack.admin_token()
    async with db_conn.transaction():
        await db_conn.execute("SELECT pg_advisory_xact_lock(hashtext('mockcert-account-changes'))")
        change = asyncio.create_task(stack.request("PATCH", f"/api/users/{user_id}", admin,
                                                   json={"disabled": True}))
        await asyncio.sleep(0.5)
        assert not change.done(), "an account change did not wait for the one in flight"
    status, body = await asyncio.wait_for(change, 10)
    assert status == 200 and body["disabled"] is True


async def test_revocations_feed_is_for_services_only(astack):
    stack = astack
    _, candidate = await stack.new_user("candidate")
    delivery = stack.settings["exam-delivery"]
    url = f"http://127.0.0.1:{delivery.port}/internal/revocations"
    assert (await raw(stack, "GET", url, candidate))[0] == 403
    assert (await raw(stack, "GET", url))[0] == 401
    status, _, body = await raw(stack, "GET", url + "?after=-1", issue_service_token(stack.settings["scoring"]))
    assert status == 422 and b"after" in body
    status, _, body = await raw(stack, "GET", url, issue_service_token(stack.settings["scoring"]))
    page = json.loads(body)
    assert status == 200 and page["cursor"] >= len(page["revocations"]) > 0


async def test_service_credentials_are_not_reachable_through_the_entry(astack):
    stack = astack
    service = issue_service_token(stack.settings["scoring"])
    for path in ("/internal/events", "/internal/feed", "/internal/item-stats"):
        for method in ("GET", "POST"):
            status, _, _ = await raw(stack, method, stack.base_url + path, service, json={})
            assert status == 404, (method, path, status)
