"""Revoked user tokens, known to every service.

Tokens are verified locally (no call per request), so a token outlives a change
to its holder unless every service hears of it. Delivery owns the accounts: when
an account is disabled, demoted or has its password reset, it raises the
account's token generation. Each token carries the generation it was issued
under (`gen`); a token below its holder's current generation is refused.
Delivery answers with the new generation at once on the replica that made the
change; its other replicas read it from the database, item-bank and scoring from
delivery's `/internal/revocations`, each within a poll interval.

"Log out" ends one token: its `jti` travels the same way, with the token's
expiry, and is forgotten once the token has expired (refused by its expiry
then), so the list stays as small as the tokens logged out and still alive.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Annotated

import msgspec
import structlog
from aiohttp import web

from shared.auth import Principal
from shared.http import CLIENT_KEY, MalformedReply, ServiceAuth, ServiceUnreachable, call_service, decode_reply
from shared.loops import run_loop
from shared.settings import Settings

_log = structlog.get_logger("mockcert.revocation")
PAGE_SIZE = 1000


class Revocation(msgspec.Struct, frozen=True):
    user_id: str
    token_gen: int
    seq: int
    jti: str = ""  # set: this one token is revoked (logged out), until `expires` (Unix seconds)
    expires: int = 0


class RevocationPage(msgspec.Struct):
    revocations: list[Revocation]
    cursor: int


class RevocationQuery(msgspec.Struct, forbid_unknown_fields=True):
    after: Annotated[int, msgspec.Meta(ge=0, le=2**62)] = 0
    limit: Annotated[int, msgspec.Meta(ge=1, le=PAGE_SIZE)] = PAGE_SIZE


class Revocations:
    """The lowest token generation still valid, per user who ever had tokens revoked;
    and the single tokens logged out, until they expire."""

    PRUNE_EVERY = 60.0  # seconds between sweeps of expired single tokens

    def __init__(self) -> None:
        self.min_gen: dict[str, int] = {}
        self.tokens: dict[str, int] = {}  # jti -> expiry (Unix seconds)
        self.cursor = 0
        self._pruned = time.time()

    def apply(self, rows: Iterable[Revocation]) -> None:
        for row in rows:
            if row.jti:
                self.tokens[row.jti] = row.expires
            elif row.token_gen > self.min_gen.get(row.user_id, 0):
                self.min_gen[row.user_id] = row.token_gen
            self.cursor = max(self.cursor, row.seq)
        now = time.time()
        if now - self._pruned >= self.PRUNE_EVERY:
            self.prune(now)

    def prune(self, now: float) -> None:
        """Forget logged-out tokens that have expired: their expiry refuses them now."""
        self.tokens = {jti: exp for jti, exp in self.tokens.items() if exp >= now}
        self._pruned = now

    def revoked(self, user: Principal) -> bool:
        if user.jti and user.jti in self.tokens:
            return True
        floor = self.min_gen.get(user.id)
        return floor is not None and user.gen < floor


REVOCATIONS_KEY = web.AppKey("revocations", Revocations)
_page_decoder = msgspec.json.Decoder(RevocationPage)

Fetch = Callable[[int], Awaitable[RevocationPage]]
# Builds, for an app, its Fetch: where that service reads revocations from.
RevocationSource = Callable[[web.Application], Fetch]


def revocation_poller_ctx(fetch: Fetch, interval: float) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup_ctx that keeps `app[REVOCATIONS_KEY]` current by calling `fetch(cursor)`."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        revocations = app[REVOCATIONS_KEY]

        async def step() -> None:
            while True:
                page = await fetch(revocations.cursor)
                revocations.apply(page.revocations)
                if len(page.revocations) < PAGE_SIZE:
                    return

        try:
            await step()  # before the first request, so a restart does not forget what was revoked
        except Exception as exc:  # the source may be down at boot; the loop keeps trying
            _log.warning("revocations_unavailable_at_start", error=f"{type(exc).__name__}: {exc}")
        task = asyncio.create_task(run_loop("revocations", step, interval), name="revocations")
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    return ctx


def from_delivery(settings: Settings) -> RevocationSource:
    """The source of a service that does not own the accounts: delivery's `/internal/revocations`."""
    return lambda app: fetch_from_delivery(app, settings)


def fetch_from_delivery(app: web.Application, settings: Settings) -> Fetch:
    """Read delivery's `/internal/revocations` with this service's credential, trying each replica."""
    auth = ServiceAuth(settings)
    urls = [u.strip() for u in settings.delivery_url.split(",") if u.strip()]

    async def fetch(cursor: int) -> RevocationPage:
        last: Exception = OSError("no delivery address")
        for base in urls:
            try:
                reply = await call_service(
                    app[CLIENT_KEY], "GET", f"{base}/internal/revocations", auth,
                    timeout=5, params={"after": str(cursor), "limit": str(PAGE_SIZE)},
                )
                if reply.status == 200:
                    return decode_reply(_page_decoder, reply.body)
                last = OSError(f"delivery answered {reply.status}")
            except ServiceUnreachable as exc:
                last = OSError(f"delivery unreachable: {exc.kind}")
            except MalformedReply as exc:
                last = OSError(f"delivery answered a malformed page: {exc}")
        raise last

    return fetch
