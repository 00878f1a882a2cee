"""Messages between services. They evolve safely: new fields get defaults,
existing fields never change type (see docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

import msgspec

# ---------------------------------------------------------------- option labels
# The one home of the four option labels and of the mapping between the labels a candidate saw
# and the item's own (original) labels. An option order lists the original labels in the order
# they were shown under A, B, C, D ("CADB": the original C was shown as A); "ABCD" shuffles nothing.

Label = Literal["A", "B", "C", "D"]
LABELS: tuple[Label, ...] = ("A", "B", "C", "D")
LABEL_INDEX: Mapping[str, int] = MappingProxyType({label: i for i, label in enumerate(LABELS)})
IDENTITY_ORDER = "".join(LABELS)


def shown_label(order: Sequence[str], original: str) -> Label:
    """The label under which the original option `original` was shown, in `order`."""
    return LABELS[order.index(original)]


def original_label(order: Sequence[str], shown: str) -> str:
    """The original label of the option shown as `shown`, in `order` (empty: not shuffled)."""
    return order[LABEL_INDEX[shown]] if order else shown


class FeedOption(msgspec.Struct):
    label: str
    text: str


class FeedItemVersion(msgspec.Struct):
    """One approved (or newly retired) item version, as delivery's read model needs it."""

    item_id: str
    version: int
    domain: str
    stem: str
    options: list[FeedOption]
    key: str
    rationale: str
    status: str  # "approved" or "retired"
    code_set_year: int
    changed_seq: int  # monotonically increasing cursor position
    tags: list[str] = []


class FeedPage(msgspec.Struct):
    items: list[FeedItemVersion]
    next_cursor: int
    has_more: bool


class SubmittedResponse(msgspec.Struct):
    position: int
    item_id: str
    item_version: int
    domain: str
    key: str  # the key as the candidate saw it (under option_order)
    selected: str | None
    option_order: list[str] = []  # original labels as shown A..D, when options were shuffled
    flagged: bool = False
    # The item's own key (its original label): scoring grades and analyses on it and checks
    # it against `key` under `option_order`. Empty only in events from older deliveries.
    item_key: str = ""
    rationale: str = ""


class AttemptSubmitted(msgspec.Struct):
    """The `attempt.submitted` event, published through delivery's outbox.

    Delivery signs the exact bytes it sends (Ed25519, header `X-Mockcert-Event-Signature`,
    see shared/event_signing.py); scoring refuses an event without a valid signature."""

    event_id: str
    attempt_id: str
    candidate_id: str
    blueprint_id: str
    blueprint_name: str
    cut_score_percent: float
    time_limit_seconds: int
    started_at: str
    submitted_at: str
    submitted_by: str  # "candidate" or "sweeper"
    responses: list[SubmittedResponse]
    candidate_group: str = ""
    # The candidate's own deadline (start + time limit x their accommodation); the time they were
    # allowed is deadline - started_at. None only in events from older deliveries.
    deadline: str | None = None
    # The blueprint's attempt policy at submission (scoring decides what the candidate sees).
    review_mode: str = "immediate"  # "immediate", "after_date" (from review_after) or "never"
    review_after: str | None = None
    min_answered_share: float | None = None  # None: scoring's default (0.5)
    type: str = "attempt.submitted"


class EventAck(msgspec.Struct):
    event_id: str
    status: str  # "accepted" or "duplicate"


class ItemStatsSummary(msgspec.Struct):
    item_id: str
    version: int
    n: int
    p: float | None
    r_pb_corrected: float | None
    flags: list[str] = []


class AttemptOwnership(msgspec.Struct):
    """Delivery's `GET /internal/attempts/{id}`: whose attempt it is and whether it is closed,
    so scoring says `pending` only to the owner of a submitted attempt it has not scored yet."""

    attempt_id: str
    candidate_id: str
    status: str  # "in_progress", "submitted" or "expired"
    closed: bool  # submitted, or past its deadline (the server submits it as it stands)
