"""Attempt policy of a blueprint: how many attempts a candidate may start, how
long they wait between two, when the review with keys and rationales is shown,
and below what share of answered questions an attempt stays out of the
statistics.

Blueprints are immutable; their policy is not, so it is read from the database
on every start (never cached per replica: an admin's change holds at once on
every replica). A start is judged against the candidate's attempts at the same
blueprint on the database's clock; two starts at once cannot both pass, since a
candidate has at most one open attempt (`attempts_one_open`).

The review policy and the share travel to scoring in the `attempt.submitted`
event, as they stand at submission: scoring decides what the candidate sees
without asking delivery (see docs/exam-delivery.md).

The rules here are pure; blueprints/service.py reads and stores policies.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from exam_delivery.blueprints.schemas import AttemptPolicyIn, AttemptPolicyOut
from shared.errors import FieldError, Problem, ProblemBody
from shared.settings import Settings
from shared.times import iso_utc

DEFAULT_MIN_ANSWERED_SHARE = 0.5  # fewer than half answered: out of pass rates and item statistics
REVIEW_MODES = ("immediate", "after_date", "never")


@dataclass(frozen=True, slots=True)
class Policy:
    max_attempts: int | None
    cooldown_seconds: int
    review_mode: str
    review_after: dt.datetime | None
    min_answered_share: float
    default: bool = False
    updated_at: dt.datetime | None = None


def default_policy(settings: Settings) -> Policy:
    return Policy(
        max_attempts=None,
        cooldown_seconds=settings.attempt_cooldown_seconds,
        review_mode="immediate",
        review_after=None,
        min_answered_share=DEFAULT_MIN_ANSWERED_SHARE,
        default=True,
    )


def parse_time(raw: str) -> dt.datetime:
    """An ISO 8601 date or time; without a zone, UTC. ValueError when it is neither."""
    value = dt.datetime.fromisoformat(raw.strip())
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def check(body: AttemptPolicyIn, settings: Settings, prefix: str = "") -> tuple[Policy | None, list[FieldError]]:
    """The policy an admin asked for, with the service's defaults for what they left out. Pure."""
    errors: list[FieldError] = []
    review_after = None
    if body.review_mode == "after_date":
        if body.review_after is None:
            errors.append(FieldError(f"{prefix}review_after", "give the date the review is shown from"))
        else:
            try:
                review_after = parse_time(body.review_after)
            except ValueError:
                errors.append(
                    FieldError(f"{prefix}review_after", "an ISO 8601 date or time, e.g. 2026-12-01T09:00:00Z")
                )
    if errors:
        return None, errors
    return (
        Policy(
            max_attempts=body.max_attempts,
            cooldown_seconds=(
                settings.attempt_cooldown_seconds if body.cooldown_seconds is None else body.cooldown_seconds
            ),
            review_mode=body.review_mode,
            review_after=review_after,
            min_answered_share=body.min_answered_share,
        ),
        [],
    )


def to_out(blueprint_id: str, p: Policy) -> AttemptPolicyOut:
    return AttemptPolicyOut(
        blueprint_id=blueprint_id,
        max_attempts=p.max_attempts,
        cooldown_seconds=p.cooldown_seconds,
        review_mode=p.review_mode,
        review_after=iso_utc(p.review_after) if p.review_after else None,
        min_answered_share=p.min_answered_share,
        default=p.default,
        updated_at=iso_utc(p.updated_at) if p.updated_at else None,
    )


# ---------------------------------------------------------------- judging a start


@dataclass(frozen=True, slots=True)
class Verdict:
    can_start: bool
    reason: str = ""
    status: int = 0  # 409: no attempts left; 429: cool-down
    next_at: dt.datetime | None = None
    retry_after: int = 0  # whole seconds until next_at


def _span(seconds: int) -> str:
    if seconds % 86400 == 0 and seconds >= 86400:
        n, unit = seconds // 86400, "day"
    elif seconds % 3600 == 0 and seconds >= 3600:
        n, unit = seconds // 3600, "hour"
    elif seconds % 60 == 0 and seconds >= 60:
        n, unit = seconds // 60, "minute"
    else:
        n, unit = seconds, "second"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def judge(p: Policy, used: int, last_end: dt.datetime | None, now: dt.datetime) -> Verdict:
    """May a candidate with `used` attempts at the blueprint, the last ended at `last_end`, start now? Pure."""
    if p.max_attempts is not None and used >= p.max_attempts:
        return Verdict(
            False,
            f"you have used all {p.max_attempts} attempt{'' if p.max_attempts == 1 else 's'} "
            "this blueprint allows",
            409,
        )
    if last_end is not None and p.cooldown_seconds > 0:
        next_at = last_end + dt.timedelta(seconds=p.cooldown_seconds)
        if now < next_at:
            if next_at.microsecond:  # shown to the second: a client waiting until then is let in
                next_at = next_at.replace(microsecond=0) + dt.timedelta(seconds=1)
            wait = max(1, math.ceil((next_at - now).total_seconds()))
            return Verdict(
                False,
                f"the next attempt at this blueprint is allowed from {iso_utc(next_at)} "
                f"({_span(p.cooldown_seconds)} after your last attempt ended)",
                429,
                next_at,
                wait,
            )
    return Verdict(True)


class AttemptRefusalBody(ProblemBody):
    """problem+json with the policy's figures as extension members (RFC 9457)."""

    attempts_used: int | None = None
    max_attempts: int | None = None
    next_attempt_at: str | None = None
    retry_after_seconds: int | None = None


class AttemptRefused(Problem):
    def __init__(self, verdict: Verdict, p: Policy, used: int) -> None:
        headers = {"Retry-After": str(verdict.retry_after)} if verdict.status == 429 else None
        super().__init__(
            verdict.status,
            verdict.reason,
            errors=[FieldError("blueprint_id", verdict.reason)],
            type_="/problems/attempt-policy",
            headers=headers,
        )
        self.attempts_used = used
        self.max_attempts = p.max_attempts
        self.next_at = verdict.next_at
        self.retry_after = verdict.retry_after if verdict.status == 429 else None

    def body(self) -> AttemptRefusalBody:
        return AttemptRefusalBody(
            type=self.type,
            title=self.title,
            status=self.status,
            detail=self.detail,
            errors=self.errors,
            attempts_used=self.attempts_used,
            max_attempts=self.max_attempts,
            next_attempt_at=iso_utc(self.next_at) if self.next_at else None,
            retry_after_seconds=self.retry_after,
        )
