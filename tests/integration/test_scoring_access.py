"""Role matrix of every scoring route, derived from the endpoints the app declares."""

from __future__ import annotations

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
