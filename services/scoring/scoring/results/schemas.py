"""Wire messages of the results endpoints (the event itself is in shared.contracts)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from scoring.wire import Id

Limit = Annotated[int, msgspec.Meta(ge=1, le=500)]


# ---------------------------------------------------------------- results


class Pending(msgspec.Struct):
    status: str = "pending"


class DomainResult(msgspec.Struct):
    code: str
    name: str
    correct: int
    total: int
    percent: float
    below_target: bool  # under the 70 % a candidate should aim for in every area


class ReviewEntry(msgspec.Struct):
    """One question: `selected` and `key` are the labels the candidate saw;
    `option_order` maps them to the item's own options (original label shown
    under A, B, C, D), as `selected_original` and `key_original` are."""

    position: int
    item_id: str
    item_version: int
    domain: str
    selected: str | None
    key: str
    correct: bool
    rationale: str
    option_order: list[str]
    selected_original: str | None
    key_original: str


class Pace(msgspec.Struct):
    seconds_used: int
    seconds_allowed: int
    seconds_per_question_used: float
    seconds_per_question_allowed: float
    share_of_time_used: float
    unanswered: int
    verdict: Literal["timed_out", "rushed", "on_pace"]
    message: str


class FocusEntry(msgspec.Struct):
    code: str
    name: str
    percent: float
    points_lost: int
    reason: str


class Diagnostic(msgspec.Struct):
    target_percent: float
    weak_domains: list[str]
    pace: Pace
    focus: list[FocusEntry]


class ResultOut(msgspec.Struct):
    attempt_id: str
    candidate_id: str
    blueprint_id: str
    blueprint_name: str
    status: str
    raw_score: int
    question_count: int
    answered_count: int
    percent: float
    passed: bool
    cut_score_percent: float  # the cut this result was decided against (the form's own when equated)
    cut_used: Literal["raw", "equated"]
    raw_cut: float  # raw points needed on this form
    blueprint_cut_score_percent: float
    scaled_score: int | None
    theta: float | None  # EAP ability: as scored, else the latest calibration's estimate
    theta_se: float | None
    cut_note: str
    started_at: str
    submitted_at: str
    submitted_by: str
    scored_at: str
    domains: list[DomainResult]
    diagnostic: Diagnostic
    review: list[ReviewEntry]  # empty while the blueprint's policy keeps the review from the candidate
    review_mode: str = "immediate"  # "immediate", "after_date" or "never" (the policy at submission)
    review_available: bool = True
    review_available_at: str | None = None  # with "after_date": when the review opens
    low_answer: bool = False  # too few answered: left out of pass rates and item statistics by default


class ResultSummary(msgspec.Struct):
    attempt_id: str
    candidate_id: str
    candidate_group: str
    blueprint_id: str
    blueprint_name: str
    raw_score: int
    question_count: int
    percent: float
    passed: bool
    cut_used: str
    scaled_score: int | None
    submitted_at: str
    theta: float | None  # EAP ability: as scored, else the latest calibration's estimate
    theta_se: float | None
    low_answer: bool = False


class ResultList(msgspec.Struct):
    results: list[ResultSummary]
    next_cursor: str | None


class ResultQuery(msgspec.Struct, forbid_unknown_fields=True):
    candidate_id: Id | None = None
    blueprint_id: Id | None = None
    limit: Limit = 50
    cursor: Annotated[str, msgspec.Meta(max_length=40)] | None = None
