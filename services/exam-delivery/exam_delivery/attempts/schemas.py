"""Wire messages of attempts: start, state, questions, answers, parts, submission."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from exam_delivery.tools.schemas import QuestionTools
from shared.contracts import Label

# ---------------------------------------------------------------- attempts


class AttemptIn(msgspec.Struct, forbid_unknown_fields=True):
    blueprint_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class AttemptStarted(msgspec.Struct):
    id: str
    blueprint_id: str
    blueprint_name: str
    status: str
    started_at: str
    deadline: str
    seconds_remaining: int
    question_count: int
    time_multiplier: float


class ItemState(msgspec.Struct):
    position: int
    domain: str
    answered: bool
    flagged: bool
    part: int = 1  # 1-based
    locked: bool = False  # in a closed part, or a part not open yet


class PartState(msgspec.Struct):
    number: int  # 1-based
    name: str
    first_position: int
    last_position: int
    closes_at: str
    state: Literal["closed", "open", "upcoming"]


class AttemptOut(msgspec.Struct):
    id: str
    blueprint_id: str
    blueprint_name: str
    status: str
    started_at: str
    deadline: str
    seconds_remaining: int
    question_count: int
    answered_count: int
    flagged_count: int
    items: list[ItemState]
    time_multiplier: float
    submitted_at: str | None = None
    submitted_by: str | None = None
    parts: list[PartState] = []
    current_part: int = 1  # 1-based; 0 once every part is over
    code_book: bool = True  # the blueprint offers the open code book


class AttemptListEntry(msgspec.Struct):
    id: str
    blueprint_id: str
    blueprint_name: str
    status: str
    started_at: str
    deadline: str
    seconds_remaining: int
    question_count: int
    answered_count: int
    submitted_at: str | None = None


class AttemptList(msgspec.Struct):
    attempts: list[AttemptListEntry]


class OptionOut(msgspec.Struct):
    label: str
    text: str


class QuestionOut(msgspec.Struct):
    position: int
    domain: str
    domain_name: str
    stem: str
    options: list[OptionOut]
    selected: str | None
    flagged: bool
    question_count: int
    part: int = 1
    read_only: bool = False  # the attempt is over (review after submission)
    tools: QuestionTools = msgspec.field(default_factory=QuestionTools)  # strike-outs, highlights, note


class QuestionList(msgspec.Struct):
    questions: list[QuestionOut]


class ResponseIn(msgspec.Struct, forbid_unknown_fields=True):
    """`selected` null clears the answer; omitting a field keeps what was saved."""

    selected: Label | None | msgspec.UnsetType = msgspec.UNSET
    flagged: bool | msgspec.UnsetType = msgspec.UNSET


class ResponseOut(msgspec.Struct):
    position: int
    selected: str | None
    flagged: bool
    saved_at: str


class SubmitOut(msgspec.Struct):
    id: str
    status: str


class PartClosed(msgspec.Struct):
    id: str
    part: int
    current_part: int
