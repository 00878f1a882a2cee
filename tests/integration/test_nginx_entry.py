"""Debian's nginx with deploy/nginx/nginx.conf (upstream addresses pointed at the test services) in
front of the real services: every route of shared/routing.py reaches the service that owns it,
/api/health answers for the whole system, and request bodies are limited (413, problem+json) at
the entry above the largest body a service takes, while a service's own limit still answers.

The hidden paths (/internal/*, /metrics) under every spelling are checked through the same nginx in
test_entry_paths.py. Which service answered is read from each service's request counters (its
/metrics registry), so nothing but the real apps is involved."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.routing import OPENAPI_PATHS, ROUTES, service_for
from shared.web import METRICS_KEY
from tests.integration.test_entry_paths import raw_request, running_nginx
from tests.support import Stack, auth, start_stack

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "nginx.conf"
MIB = 1 << 20


@pytest.fixture(scope="module")
async def nginx(database_url: str) -> AsyncIterator[tuple[Stack, int]]:
    async with start_stack(database_url) as stack:
        with running_nginx(stack) as port:
            yield stack, port


def public_counts(stack: Stack) -> dict[str, int]:
    """Requests each service has answered on its public routes (background polling uses /internal/*
    and /healthz only, so it never moves these)."""
    counts = {}
    for name, app in stack.apps.items():
        counts[name] = sum(n for (_, route, _), n in app[METRICS_KEY].requests.items()
                           if not route.startswith("/internal") and route != "/healthz")
    return counts


def probe_paths() -> dict[str, str]:
    """Paths under every prefix of the routing table (and the OpenAPI documents), each with the
    service the local entry sends it to."""
    paths: dict[str, str] = {}
    tail = f"nginx-probe-{uuid.uuid4().hex[:8]}"
    for prefix, _ in ROUTES:
        stem = prefix.rstrip("/")
        for path in (prefix, stem or "/", f"{stem}/{tail}", f"{stem}{tail}" if stem else f"/{tail}"):
            paths[path] = service_for(path)
    paths["/api/items/00000000-0000-0000-0000-000000000000/versions"] = "item-bank"
    paths["/static/item-bank/common/mockcert.css"] = "item-bank"
    paths["/static/scoring/scoring.css"] = "scoring"
    paths["/static/common/mockcert.css"] = "exam-delivery"
    paths.update(OPENAPI_PATHS)
    return paths


async def test_every_route_of_the_entry_reaches_its_service_through_nginx(nginx):
    stack, port = nginx
    wrong = []
    for path, owner in probe_paths().items():
        for method in ("GET", "POST"):
            if method == "POST" and path in OPENAPI_PATHS:
                continue  # exact locations rewritten to /openapi.json: GET is the point
            before = public_counts(stack)
            status, headers, _ = await raw_request(port, method, path, body=b"{}" if method == "POST" else b"")
            after = public_counts(stack)
            reached = [name for name in after if after[name] != before[name]]
            if reached != [owner]:
                wrong.append(f"{method} {path}: reached {reached} (status {status}), not {owner}")
            elif status >= 500:
                wrong.append(f"{method} {path}: {status}")
    assert not wrong, "\n".join(wrong)


async def test_api_health_through_nginx_names_every_service(nginx):
    _, port = nginx
    status, headers, body = await raw_request(port, "GET", "/api/health")
    assert status == 200 and headers["content-type"].startswith("application/json"), body
    assert json.loads(body) == {"status": "ok",
                                "services": {"item-bank": "ok", "exam-delivery": "ok", "scoring": "ok"}}
    assert headers["server"] in ("nginx", "mockcert")  # never a version
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"]), headers  # nginx's $request_id, passed on


async def declared_too_large(port: int, target: str, length: int, token: str) -> tuple[int, dict[str, str], bytes]:
    """Headers announcing `length` bytes, then the response (nginx answers before reading the body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {token}"
                f"\r\nContent-Type: application/x-ndjson\r\nContent-Length: {length}\r\n\r\n")
        writer.write(head.encode())
        writer.write(b"x" * 65536)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=30)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return parse(data)


async def chunked_too_large(port: int, target: str, total: int, token: str) -> tuple[int, dict[str, str], bytes]:
    """A chunked body (no length announced) of `total` bytes: nginx counts while it reads."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    response = asyncio.ensure_future(asyncio.wait_for(reader.read(), timeout=60))
    try:
        writer.write((f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                      f"Authorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n").encode())
        chunk = b"x" * MIB
        sent = 0
        with contextlib.suppress(ConnectionError):
            while sent < total and not response.done():
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                sent += len(chunk)
            if not response.done():
                writer.write(b"0\r\n\r\n")
                await writer.drain()
        data = await response
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return parse(data)


def parse(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, payload = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, payload


def assert_entry_refused_the_body(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 413, (status, body[:300])
    assert headers["content-type"].startswith("application/problem+json"), headers
    problem = json.loads(body)
    assert problem["status"] == 413 and problem["errors"][0]["field"] == "body", problem


async def test_bodies_over_the_entry_limit_get_413_problem(nginx):
    stack, port = nginx
    limit = int(re.search(r"client_max_body_size (\d+)m;", CONF.read_text())[1]) * MIB  # type: ignore[index]
    # The entry's limit is above the largest body any service accepts, so it never cuts one short.
    assert limit > max(s.max_import_bytes for s in stack.settings.values())
    _, instructor = await stack.new_user("instructor")
    before = public_counts(stack)
    assert_entry_refused_the_body(*await declared_too_large(port, "/api/items/import", limit + 1, instructor))
    assert_entry_refused_the_body(*await chunked_too_large(port, "/api/items/import", limit + MIB, instructor))
    assert public_counts(stack) == before, "a body over the entry's limit reached a service"


async def test_a_service_limit_below_the_entry_limit_still_answers_through_nginx(nginx):
    stack, port = nginx
    _, instructor = await stack.new_user("instructor")
    # 2 MiB: under nginx's limit, over the item bank's 1 MiB for an item: the service's own 413.
    item = {"domain": "ICD", "stem": "x" * (2 * MIB), "options": [{"label": "A", "text": "a"}], "key": "A"}
    status, headers, body = await raw_request(port, "POST", "/api/items", auth(instructor), json.dumps(item).encode())
    assert status == 413 and headers["content-type"].startswith("application/problem+json"), body[:300]
    assert json.loads(body)["status"] == 413
    # An import of the same size is within the import limit: nginx passes it, the item bank reads it
    # (and reports each row; these rows are not valid items, which is the report's business).
    lines = b"\n".join(json.dumps({"domain": "ICD", "stem": "y" * 1000}).encode() for _ in range(2048))
    status, headers, body = await raw_request(port, "POST", "/api/items/import?format=jsonl", auth(instructor),
                                              lines)
    assert len(lines) > 2 * MIB - 4096
    assert status < 500 and status != 413, (status, body[:300])
