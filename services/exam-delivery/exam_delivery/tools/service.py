"""Service of the question tools: the candidate's strike-outs, highlights and note per question.

They are kept with the attempt (so they survive a reload and follow the candidate to another
device), written only while an answer at that position could be (the database's rule,
`delivery.answer_refusal`), never sent to scoring, and hold nothing of the key.
"""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

from exam_delivery.items.service import Catalog
from exam_delivery.tools import marks
from exam_delivery.tools import repository as repo
from exam_delivery.tools.schemas import Highlight, ToolsIn, ToolsOut
from shared.errors import Problem, conflict, field_problem, not_found, validation_problem
from shared.times import iso_utc

_REFUSALS = {
    "closed": "the attempt is over: its tools can no longer change",
    "time_over": "time is over: the tools can no longer change",
    "part_upcoming": "this question's part is not open yet",
    "part_closed": "this question's part is closed: its tools can no longer change",
}


async def put(
    pool: asyncpg.Pool, catalog: Catalog, attempt_id: uuid.UUID, candidate_id: str, position: int, body: ToolsIn
) -> ToolsOut:
    if body.struck is msgspec.UNSET and body.highlights is msgspec.UNSET and body.note is msgspec.UNSET:
        raise field_problem("struck", "send `struck`, `highlights`, `note`, or any of them")
    struck = None if body.struck is msgspec.UNSET else marks.struck_set(body.struck)
    note = None if body.note is msgspec.UNSET else body.note
    cid = uuid.UUID(candidate_id)
    async with pool.acquire() as conn, conn.transaction():
        target = await repo.target(conn, attempt_id, cid, position)
        if target is None:
            raise not_found("no such attempt")
        if target.entry is None or position > target.question_count:
            raise not_found("no such question")
        ranges = None
        if body.highlights is not msgspec.UNSET:
            key = (target.entry.item_id, target.entry.version)
            content = catalog.items.content(*key) or (await catalog.items.contents(conn, [key])).get(key)
            if content is None:
                raise Problem(
                    503, "the question's content is not available yet; retry shortly", headers={"Retry-After": "2"}
                )
            ranges, errors = marks.highlight_ranges(body.highlights, len(content.stem))
            if errors:
                raise validation_problem(errors)
        row = await repo.save_tools(conn, attempt_id, cid, position, struck, ranges, note)
        if row is None:
            why = await repo.refusal(conn, attempt_id, cid, position)
            if why is None:
                raise not_found("no such attempt")
            if why.refusal == "no_question":
                raise not_found("no such question")
            raise conflict(_REFUSALS.get(why.refusal or "", "the tools could not be saved; retry"))
    return ToolsOut(
        position=row.position,
        struck=row.struck,
        highlights=[Highlight(start=s, end=e) for s, e in row.highlights],
        note=row.note,
        saved_at=iso_utc(row.saved_at),
    )
