"""The attempt policy as scoring applies it (pure): when a candidate may see the
review with keys and rationales, and which attempts count in the statistics.

Both come with the `attempt.submitted` event, as the blueprint's policy stood
at submission (exam delivery owns the policy; see docs/scoring.md):
- review: "immediate" (the default), "after_date" (from `review_after`) or
  "never" (score and per-area results only). Admins always see the review.
- an attempt with fewer than `min_answered_share` of its questions answered
  (default 0.5: fewer than half) is kept and shown to its candidate, but left
  out of pass rates, score distributions and item statistics unless a reader
  asks for it (`include_low_answer=true`).
"""

from __future__ import annotations

import datetime as dt

from shared.contracts import AttemptSubmitted
from shared.errors import FieldError

DEFAULT_MIN_ANSWERED_SHARE = 0.5
REVIEW_MODES = ("immediate", "after_date", "never")


def parse_after(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a UTC offset is required")
    return parsed.astimezone(dt.UTC)


def validate(event: AttemptSubmitted) -> list[FieldError]:
    errors: list[FieldError] = []
    if event.review_mode not in REVIEW_MODES:
        errors.append(FieldError("review_mode", "must be immediate, after_date or never"))
    if event.review_mode == "after_date":
        try:
            if event.review_after is None:
                raise ValueError("missing")
            parse_after(event.review_after)
        except ValueError:
            errors.append(FieldError("review_after", "an ISO 8601 time with its UTC offset is required"))
    share = event.min_answered_share
    if share is not None and not 0.0 <= share <= 1.0:
        errors.append(FieldError("min_answered_share", "must lie in 0..1"))
    return errors


def review_after(event: AttemptSubmitted) -> dt.datetime | None:
    return parse_after(event.review_after) if event.review_mode == "after_date" and event.review_after else None


def low_answer(answered: int, question_count: int, share: float | None) -> bool:
    """Too few questions answered for the attempt to count in the statistics."""
    share = DEFAULT_MIN_ANSWERED_SHARE if share is None else share
    return answered < share * question_count


def review_open(mode: str, after: dt.datetime | None, now: dt.datetime) -> bool:
    if mode == "never":
        return False
    if mode == "after_date":
        return after is not None and now >= after
    return True
