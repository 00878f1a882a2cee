"""The one way a service calls another (shared/http.py `call_service`), and the outbox's signed POST
through it, against a real HTTP server on loopback that records what reaches it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

import aiohttp
import msgspec
import pytest
import structlog
from aiohttp import web

from exam_delivery.clients import ScoringClient
from shared import event_signing
from shared.auth import decode_token
from shared.contracts import AttemptOwnership
from shared.http import (
    MalformedReply,
    ServiceAuth,
    ServiceUnreachable,
    call_service,
    decode_reply,
    make_client_session,
)
from tests.support import TEST_EVENT_VERIFY_KEY, free_port, make_settings


@dataclass
class Seen:
    method: str
    path_qs: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Recorder:
    """A service that records every request and answers each path as told."""

    answers: dict[str, tuple[int, bytes]]
    seen: list[Seen] = field(default_factory=list)
    never: asyncio.Event = field(default_factory=asyncio.Event)  # never set: /hang never answers
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append(Seen(request.method, request.path_qs,
                              [(k.decode(), v.decode()) for k, v in request.raw_headers], await request.read()))
        if request.path == "/hang":
            await self.never.wait()
        status, body = self.answers.get(request.path, (404, b"{}"))
        return web.Response(status=status, body=body, content_type="application/json")


@pytest.fixture
async def recorder():
    rec = Recorder(answers={
        "/ok": (200, b'{"attempt_id": "a", "candidate_id": "c", "status": "submitted", "closed": true}'),
        "/bad": (200, b'{"attempt_id": 5}'),
        "/internal/events": (202, b'{"status": "accepted"}'),
    })
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", rec.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    rec.url = f"http://127.0.0.1:{port}"
    yield rec
    await runner.cleanup()


def _settings(service: str, scoring_url: str = "http://127.0.0.1:1"):
    ports = {"item-bank": 1, "exam-delivery": 2, "scoring": 3}
    return make_settings(service, "postgresql://unused/unused", ports, scoring_url=scoring_url)


async def test_a_call_carries_the_credential_the_request_id_and_the_callers_headers(recorder):
    settings = _settings("scoring")
    session = make_client_session()
    structlog.contextvars.bind_contextvars(request_id="req-12")
    try:
        reply = await call_service(session, "GET", f"{recorder.url}/ok", ServiceAuth(settings), timeout=5,
                                   params={"after": "7"}, headers={"X-One": "1", "X-Two": "2"})
    finally:
        structlog.contextvars.unbind_contextvars("request_id")
        await session.close()
    assert reply.status == 200
    assert decode_reply(msgspec.json.Decoder(AttemptOwnership), reply.body) == AttemptOwnership(
        attempt_id="a", candidate_id="c", status="submitted", closed=True)
    [seen] = recorder.seen
    assert (seen.method, seen.path_qs) == ("GET", "/ok?after=7")
    names = [k for k, _ in seen.headers]
    headers = dict(seen.headers)
    assert names.index("Authorization") < names.index("X-One") < names.index("X-Two")
    assert headers["X-Request-ID"] == "req-12"
    principal = decode_token(settings, headers["Authorization"].removeprefix("Bearer "))
    assert (principal.id, principal.role) == ("scoring", "service")


async def test_any_status_is_an_answer_and_no_answer_is_unreachable(recorder):
    auth = ServiceAuth(_settings("scoring"))
    session = make_client_session()
    try:
        reply = await call_service(session, "GET", f"{recorder.url}/nothing-here", auth, timeout=5)
        assert (reply.status, reply.body) == (404, b"{}")
        with pytest.raises(MalformedReply):
            decode_reply(msgspec.json.Decoder(AttemptOwnership),
                         (await call_service(session, "GET", f"{recorder.url}/bad", auth, timeout=5)).body)
        with pytest.raises(ServiceUnreachable) as refused:
            await call_service(session, "GET", f"http://127.0.0.1:{free_port()}/ok", auth, timeout=5)
        assert isinstance(refused.value.__cause__, aiohttp.ClientConnectionError)
        assert refused.value.kind == type(refused.value.__cause__).__name__
        with pytest.raises(ServiceUnreachable) as timed_out:
            await call_service(session, "GET", f"{recorder.url}/hang", auth, timeout=0.2)
        assert isinstance(timed_out.value.__cause__, TimeoutError)
    finally:
        await session.close()


async def test_the_outbox_posts_the_signed_bytes_with_the_same_headers(recorder):
    settings = _settings("exam-delivery", scoring_url=recorder.url)
    session = make_client_session()
    try:
        auth = ServiceAuth(settings)
        scoring = ScoringClient(session, auth, settings.scoring_url, settings.event_signing_key)
        payload = {"event_id": str(uuid.uuid4()), "responses": [{"position": 1, "selected": "Ä"}], "n": 1.5}
        assert await scoring.deliver(payload) is None  # 202: acknowledged
        recorder.answers["/internal/events"] = (500, b"{}")
        assert await scoring.deliver(payload) == "scoring answered 500"
        gone = ScoringClient(session, auth, f"http://127.0.0.1:{free_port()}", settings.event_signing_key)
        assert await gone.deliver(payload) == "scoring unreachable: ClientConnectorError"
    finally:
        await session.close()
    first, second = recorder.seen
    assert first.body == second.body == msgspec.json.encode(payload)
    assert (first.method, first.path_qs) == ("POST", "/internal/events")
    ours = [(k, v) for k, v in first.headers if k in ("Authorization", "Content-Type", event_signing.SIGNATURE_HEADER)]
    assert [k for k, _ in ours] == ["Authorization", "Content-Type", event_signing.SIGNATURE_HEADER]
    headers = dict(ours)
    assert headers["Content-Type"] == "application/json"
    assert event_signing.verify(TEST_EVENT_VERIFY_KEY, first.body, headers[event_signing.SIGNATURE_HEADER])
    assert decode_token(settings, headers["Authorization"].removeprefix("Bearer ")).role == "service"
