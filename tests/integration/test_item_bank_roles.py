"""Who may call what, for every route the item bank declares (derived from the
app, so a new route cannot be left out): candidates 403, no token 401, staff
through, the feed for services only; the code book (read-only) for everyone signed in."""

from __future__ import annotations

import re
import uuid

from shared.auth import ANY_USER, PUBLIC, SERVICE, STAFF, issue_service_token
from shared.web import ENDPOINTS_KEY

_PARAM = re.compile(r"\{[^}]+\}")
OPS = {"/healthz", "/api/health", "/metrics", "/openapi.json"}


def declared(stack):
    endpoints = [e for e in stack.apps["item-bank"][ENDPOINTS_KEY] if e.path not in OPS]
    assert len(endpoints) > 15
    return endpoints


async def call(stack, method, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    async with stack.session.request(
        method, f"{stack.urls['item-bank']}{path}", headers=headers, **kwargs
    ) as resp:
        await resp.read()
        return resp.status


async def test_every_item_bank_route_declares_staff_service_or_a_public_page(stack):
    for endpoint in declared(stack):
        if endpoint.roles == PUBLIC:
            # Only page shells (no data) are public.
            assert endpoint.path.startswith("/instructor") and not endpoint.in_schema, endpoint.path
        elif endpoint.path.startswith("/internal/"):
            assert endpoint.roles == SERVICE, endpoint.path
        elif endpoint.path.startswith("/api/codebook") or endpoint.path == "/api/domains":
            # The code book, and the areas' names the exam's review shows: read-only, every signed-in user.
            assert endpoint.roles == ANY_USER and endpoint.method == "GET", endpoint.path
        else:
            assert endpoint.roles == STAFF, endpoint.path


async def test_role_matrix(stack):
    _, candidate = await stack.new_user("candidate")
    _, instructor = await stack.new_user("instructor")
    admin = await stack.admin_token()
    service = issue_service_token(stack.settings["exam-delivery"])
    checked = 0
    for endpoint in declared(stack):
        if endpoint.roles == PUBLIC:
            continue
        path = _PARAM.sub(str(uuid.uuid4()), endpoint.path)
        assert await call(stack, endpoint.method, path) == 401, endpoint.path
        if endpoint.roles == ANY_USER:  # the code book: candidates read it during an attempt
            for token in (candidate, instructor, admin):
                status = await call(stack, endpoint.method, path, token)
                assert status not in (401, 403, 405, 500), (endpoint.method, endpoint.path, status)
            assert await call(stack, endpoint.method, path, service) == 403, endpoint.path
            checked += 1
            continue
        assert await call(stack, endpoint.method, path, candidate) == 403, endpoint.path
        if endpoint.roles == SERVICE:
            for token in (instructor, admin):
                assert await call(stack, endpoint.method, path, token) == 403, endpoint.path
            assert await call(stack, endpoint.method, path, service) == 200, endpoint.path
        else:
            assert await call(stack, endpoint.method, path, service) == 403, endpoint.path
            for token in (instructor, admin):
                status = await call(stack, endpoint.method, path, token)
                assert status not in (401, 403, 405, 500), (endpoint.method, endpoint.path, status)
        checked += 1
    assert checked >= 12


async def test_candidates_are_refused_through_the_entry_too(stack):
    _, candidate = await stack.new_user("candidate")
    for endpoint in declared(stack):
        if endpoint.roles != STAFF:
            continue
        path = _PARAM.sub(str(uuid.uuid4()), endpoint.path)
        status, body = await stack.request(
            endpoint.method, path, candidate, **({"json": {}} if endpoint.method in ("POST", "PUT") else {})
        )
        assert status == 403, (endpoint.path, body)
