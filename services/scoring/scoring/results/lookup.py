"""`GET /api/results/{attempt_id}`: what a caller may learn of an attempt id.

A candidate gets one and the same answer (404 "no such attempt") for an id
nobody has, for another candidate's attempt (scored or not, open or not) and for
a malformed id, so the endpoint is no oracle of which attempts exist. `pending`
(None here) only for the caller's own submitted attempt not scored yet; their
own open attempt is a 409 (it has no result before it is submitted). Admins
see any result, and the same states for any attempt.

Scoring holds only scored attempts; for any other id it asks delivery whose the
attempt is (see `scoring.results.ownership`), also when scoring holds another
candidate's result under that id, so even a delivery outage answers another's id
exactly as an unknown one (503, retryable).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from scoring.results import service
from scoring.results.schemas import ResultOut
from shared.auth import Principal
from shared.contracts import AttemptOwnership
from shared.errors import Problem, conflict, not_found, uuid_or_404

Ownership = Callable[[str], Awaitable[AttemptOwnership | None]]
NO_SUCH_ATTEMPT = "no such attempt"
MAX_ID_LENGTH = 100


def no_such_attempt() -> Problem:
    return not_found(NO_SUCH_ATTEMPT)


async def find_result(
    pool: asyncpg.Pool, attempt_id: str, who: Principal, ability: service.Ability, ownership: Ownership
) -> ResultOut | None:
    """The result; None for `pending`; else a Problem (404 no such attempt, 409 not submitted, 503)."""
    if len(attempt_id) > MAX_ID_LENGTH:
        raise no_such_attempt()
    try:
        result = await service.get_result(pool, attempt_id, who, ability)
    except Problem as problem:
        if problem.status != 404:
            raise
        result = None  # another candidate's result: answered below exactly as an unknown id
    if result is not None:
        return result
    canonical = str(uuid_or_404(attempt_id, "attempt"))
    state = await ownership(canonical)
    if state is None or (who.role == "candidate" and state.candidate_id != who.id):
        raise no_such_attempt()
    if not state.closed:
        raise conflict("this attempt is not submitted yet; its result follows its submission")
    return None
