"""Query parameters are documented from the query type itself, even when two query types share a
short name (msgspec then names their components by module)."""

import msgspec

from shared.openapi import build_openapi
from shared.web import Endpoint


class Query(msgspec.Struct):
    q: str
    limit: int = 10


OtherQuery = msgspec.defstruct("Query", [("cursor", str), ("domain", str, "")], module="elsewhere.schemas")


async def _handler(request):  # pragma: no cover - never called
    return None


def _params(doc, path):
    return {p["name"]: p["required"] for p in doc["paths"][path]["get"]["parameters"]}


def test_two_query_types_with_one_name_each_document_their_own_parameters():
    doc = build_openapi("t", "1", [
        Endpoint("GET", "/a", _handler, frozenset({"admin"}), query=Query),
        Endpoint("GET", "/b", _handler, frozenset({"admin"}), query=OtherQuery),
    ])
    assert _params(doc, "/a") == {"q": True, "limit": False}
    assert _params(doc, "/b") == {"cursor": True, "domain": False}
