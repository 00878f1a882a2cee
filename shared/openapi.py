"""OpenAPI 3.1 built from the declared endpoints and their msgspec Structs.

The document is derived, never written by hand, so it cannot drift from what
the handlers decode and encode.

Two documents per service: the public one (`/openapi.json`, published by the
entry as `/openapi/<service>.json`) lists only the routes the entry serves; the
internal one (`/internal/openapi.json`, service token only, never reachable
through the entry, which refuses `/internal/*`) lists the service-to-service
routes (`/internal/*`) and `/metrics`.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from shared.errors import ProblemBody
from shared.web import Endpoint

_PARAM_RE = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def is_internal(path: str) -> bool:
    """A service-to-service route or the metrics: never served through the entry."""
    return path in ("/internal", "/metrics") or path.startswith("/internal/")


def build_openapi(title: str, version: str, endpoints: list[Endpoint], *, internal: bool = False) -> dict[str, Any]:
    """The public document, or with `internal` the document of the internal routes only."""
    endpoints = [ep for ep in endpoints if ep.in_schema and is_internal(ep.path) == internal]
    types: list[Any] = [ProblemBody]
    for ep in endpoints:
        for kind in (ep.body, ep.response, ep.query):
            if kind is not None:
                types.append(kind)
    schemas, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}"
    )
    by_type = dict(zip(types, schemas, strict=True))
    problem_ref = by_type[ProblemBody]
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        if not ep.in_schema:
            continue
        path = _PARAM_RE.sub(lambda m: "{" + m.group(1) + "}", ep.path)
        op: dict[str, Any] = {
            "operationId": f"{ep.method.lower()}_{ep.handler.__name__}",
            "summary": ep.summary or (ep.handler.__doc__ or "").strip().split("\n")[0],
            "tags": list(ep.tags),
            "x-roles": sorted(ep.roles),
            "responses": {},
        }
        if "public" not in ep.roles:
            op["security"] = [{"bearer": []}]
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PARAM_RE.findall(ep.path)
        ]
        if ep.query is not None:
            # Through the reference msgspec gave this very type: two query types with one short
            # name get distinct component names, and a lookup by __name__ would miss both.
            ref = by_type[ep.query].get("$ref", "")
            qschema = components.get(ref.rsplit("/", 1)[-1], {})
            required = set(qschema.get("required", []))
            for name, prop in qschema.get("properties", {}).items():
                params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
        if params:
            op["parameters"] = params
        if ep.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": by_type[ep.body]}}}
        ok: dict[str, Any] = {"description": "success"}
        if ep.response is not None:
            ok["content"] = {ep.content_type: {"schema": by_type[ep.response]}}
        op["responses"][str(ep.status)] = ok
        problem = {"content": {"application/problem+json": {"schema": problem_ref}}}
        if ep.body is not None or ep.query is not None:
            op["responses"]["422"] = {"description": "a field is invalid", **problem}
            op["responses"]["400"] = {"description": "malformed body", **problem}
        if "public" not in ep.roles:
            op["responses"]["401"] = {"description": "no valid token", **problem}
            op["responses"]["403"] = {"description": "role not allowed", **problem}
        if params and any(p["in"] == "path" for p in params):
            op["responses"]["404"] = {"description": "not found", **problem}
        for status, description in ep.problems:
            op["responses"][str(status)] = {"description": description, **problem}
        paths.setdefault(path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
