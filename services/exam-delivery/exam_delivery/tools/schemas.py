"""Wire messages of the question tools (strike-out, highlights, a note)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from shared.contracts import Label

MAX_HIGHLIGHTS = 50
MAX_NOTE = 2000
Offset = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]


class Highlight(msgspec.Struct, forbid_unknown_fields=True):
    """A range of the stem's plain text: Unicode code points, `start` included, `end` excluded."""

    start: Offset
    end: Offset


class ToolsIn(msgspec.Struct, forbid_unknown_fields=True):
    """A field left out keeps what was saved; `[]` or `""` clears it."""

    struck: Annotated[list[Label], msgspec.Meta(max_length=4)] | msgspec.UnsetType = msgspec.UNSET
    highlights: Annotated[list[Highlight], msgspec.Meta(max_length=MAX_HIGHLIGHTS)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    note: Annotated[str, msgspec.Meta(max_length=MAX_NOTE)] | msgspec.UnsetType = msgspec.UNSET


class QuestionTools(msgspec.Struct):
    """The tools of one question as stored (in `GET /api/attempts/{id}/questions/{position}`)."""

    struck: list[str] = []
    highlights: list[Highlight] = []
    note: str = ""


class ToolsOut(msgspec.Struct):
    position: int
    struck: list[str]
    highlights: list[Highlight]
    note: str
    saved_at: str
