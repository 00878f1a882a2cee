"""Wire messages of blueprints and their attempt policies."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Count = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Seconds = Annotated[int, msgspec.Meta(ge=1, le=7 * 24 * 3600)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
DomainCode = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


# ---------------------------------------------------------------- blueprints


class BlueprintDomain(msgspec.Struct, forbid_unknown_fields=True):
    code: DomainCode
    count: Count


class BlueprintPart(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    question_count: Count
    time_limit_seconds: Seconds


ReviewMode = Literal["immediate", "after_date", "never"]
MaxAttempts = Annotated[int, msgspec.Meta(ge=1, le=1000)]
CooldownSeconds = Annotated[int, msgspec.Meta(ge=0, le=366 * 24 * 3600)]
Time = Annotated[str, msgspec.Meta(min_length=10, max_length=40)]


class AttemptPolicyIn(msgspec.Struct, forbid_unknown_fields=True):
    """A blueprint's attempt policy; a field left out takes the service's default."""

    max_attempts: MaxAttempts | None = None  # None: no limit
    cooldown_seconds: CooldownSeconds | None = None  # None: MOCKCERT_ATTEMPT_COOLDOWN_SECONDS
    review_mode: ReviewMode = "immediate"
    review_after: Time | None = None  # ISO 8601; required with review_mode "after_date"
    min_answered_share: Share = 0.5


class AttemptPolicyOut(msgspec.Struct):
    blueprint_id: str
    max_attempts: int | None
    cooldown_seconds: int
    review_mode: str
    review_after: str | None
    min_answered_share: float
    default: bool  # no policy set for this blueprint: the service's defaults
    updated_at: str | None = None


class Eligibility(msgspec.Struct):
    """Whether the caller may start an attempt at a blueprint now, and if not, when."""

    blueprint_id: str
    can_start: bool
    attempts_used: int
    max_attempts: int | None
    attempts_remaining: int | None  # None: no limit
    cooldown_seconds: int
    next_attempt_at: str | None  # during a cool-down: when the next attempt is allowed
    reason: str  # "" when can_start
    review_mode: str
    review_after: str | None


class BlueprintIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    time_limit_seconds: Seconds
    cut_score_percent: Percent
    domains: Annotated[list[BlueprintDomain], msgspec.Meta(min_length=1, max_length=64)]
    id: Slug | None = None
    question_count: Count | None = None  # the sum of the domain counts; checked when given
    parts: Annotated[list[BlueprintPart], msgspec.Meta(max_length=10)] = []
    shuffle_options: bool | None = None
    target_difficulty: Share | None = None
    policy: AttemptPolicyIn | None = None  # None: the service's defaults
    code_book: bool = True  # the exam screen offers the open code book


class BlueprintOut(msgspec.Struct):
    id: str
    name: str
    question_count: int
    time_limit_seconds: int
    cut_score_percent: float
    domains: list[BlueprintDomain]
    parts: list[BlueprintPart]
    builtin: bool
    available: bool  # the approved bank can fill it now
    shuffle_options: bool | None = None
    target_difficulty: float | None = None
    created_at: str = ""
    policy: AttemptPolicyOut | None = None
    code_book: bool = True
