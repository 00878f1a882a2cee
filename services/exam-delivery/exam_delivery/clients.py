"""Delivery's clients of the other services, built once per app with everything they need.

`ItemBankClient` reads the item bank's feed; `ScoringClient` delivers the
`attempt.submitted` events, signed over the very bytes sent. Both go through
`shared.http.call_service` (credential, timeout, request id, "no answer" told
apart from an answer); what a status means is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import msgspec

from shared import event_signing
from shared.contracts import FeedPage
from shared.http import MalformedReply, ServiceAuth, ServiceUnreachable, call_service, decode_reply

FEED_PAGE_SIZE = 500
ACCEPTED = (200, 201, 202)
_page_decoder = msgspec.json.Decoder(FeedPage)
_encode = msgspec.json.Encoder().encode


class FeedUnavailable(Exception):
    pass


@dataclass(frozen=True, slots=True)
class ItemBankClient:
    session: aiohttp.ClientSession
    auth: ServiceAuth
    base_url: str

    async def feed_page(self, cursor: int, limit: int = FEED_PAGE_SIZE) -> FeedPage:
        """The page of the feed after `cursor`; FeedUnavailable when the item bank does not give one."""
        try:
            reply = await call_service(
                self.session, "GET", f"{self.base_url}/internal/feed", self.auth,
                timeout=10, params={"cursor": str(cursor), "limit": str(limit)},
            )
        except ServiceUnreachable as exc:
            raise FeedUnavailable(f"item bank unreachable: {exc.kind}") from exc
        if reply.status != 200:
            raise FeedUnavailable(f"item bank answered {reply.status}")
        try:
            return decode_reply(_page_decoder, reply.body)
        except MalformedReply as exc:
            raise FeedUnavailable(f"malformed feed page: {exc}") from exc


@dataclass(frozen=True, slots=True)
class ScoringClient:
    session: aiohttp.ClientSession
    auth: ServiceAuth
    base_url: str
    signing_key: str  # empty: events go unsigned (scoring then refuses them)

    async def deliver(self, payload: object) -> str | None:
        """POST one event to scoring, signed; None when acknowledged, else why not."""
        headers = {"Content-Type": "application/json"}  # after the credential, as call_service puts it
        body = _encode(payload)
        if self.signing_key:
            # Signed at publication, over the very bytes sent: scoring stores nothing it cannot verify.
            headers[event_signing.SIGNATURE_HEADER] = event_signing.sign(self.signing_key, body)
        try:
            reply = await call_service(self.session, "POST", f"{self.base_url}/internal/events", self.auth,
                                       timeout=15, data=body, headers=headers)
        except ServiceUnreachable as exc:
            return f"scoring unreachable: {exc.kind}"
        if reply.status in ACCEPTED:
            return None
        return f"scoring answered {reply.status}"
