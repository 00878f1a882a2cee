"""Each service's public OpenAPI document lists only public routes; the internal routes
(/internal/*, /metrics) are in an internal document that only services may read and that
the entry never serves."""

from __future__ import annotations

from shared.auth import issue_service_token
from shared.openapi import is_internal
from shared.routing import OPENAPI_PATHS
from shared.web import ENDPOINTS_KEY
from tests.support import auth


async def get_json(stack, url, headers=None):
    async with stack.session.get(url, headers=headers or {}) as resp:
        return resp.status, await resp.json(content_type=None)


async def test_public_documents_list_no_internal_route_and_the_internal_ones_list_the_rest(stack):
    service_token = issue_service_token(stack.settings["exam-delivery"])
    for name, url in stack.urls.items():
        declared = {(e.method.lower(), e.path) for e in stack.apps[name][ENDPOINTS_KEY] if e.in_schema}
        status, public = await get_json(stack, f"{url}/openapi.json")
        assert status == 200
        status, internal = await get_json(stack, f"{url}/internal/openapi.json", auth(service_token))
        assert status == 200 and internal["openapi"].startswith("3.1")
        public_ops = {(m, p) for p, ops in public["paths"].items() for m in ops}
        internal_ops = {(m, p) for p, ops in internal["paths"].items() for m in ops}
        assert not any(is_internal(p) for _, p in public_ops), name
        assert internal_ops and all(is_internal(p) for _, p in internal_ops), name
        assert ("get", "/metrics") in internal_ops and ("get", "/internal/openapi.json") in internal_ops
        # Together they are every declared route (path parameters written without their patterns).
        assert len(public_ops) + len(internal_ops) == len(declared), name
        # Structs only internal routes use are not described in the public document.
        assert "AttemptSubmitted" not in public["components"]["schemas"]
    assert "/internal/feed" in (await get_json(stack, f"{stack.urls['item-bank']}/internal/openapi.json",
                                              auth(service_token)))[1]["paths"]
    assert "/internal/events" in (await get_json(stack, f"{stack.urls['scoring']}/internal/openapi.json",
                                                auth(service_token)))[1]["paths"]


async def test_the_internal_document_is_for_services_only_and_never_through_the_entry(stack):
    admin = await stack.admin_token()
    service_token = issue_service_token(stack.settings["exam-delivery"])
    for url in stack.urls.values():
        status, _ = await get_json(stack, f"{url}/internal/openapi.json")
        assert status == 401
        status, _ = await get_json(stack, f"{url}/internal/openapi.json", auth(admin))
        assert status == 403
    for headers in ({}, auth(service_token)):
        async with stack.session.get(f"{stack.base_url}/internal/openapi.json", headers=headers) as resp:
            assert resp.status == 404
    for path in OPENAPI_PATHS:
        status, doc = await get_json(stack, f"{stack.base_url}{path}")
        assert status == 200 and doc["paths"], path
        assert not any(is_internal(p) for p in doc["paths"]), path
