"""A large import file never holds the item bank's event loop for the whole file: its report is
built in slices (item_bank/interchange/service.py, ROWS_PER_TURN), each followed by a turn of the
loop, so the other requests of the item bank (the code book candidates read during an exam, the
instructors' pages) go on while an instructor imports 200,000 rows.

Counted, not timed: a task that takes one step per turn of the loop runs alongside the import."""

from __future__ import annotations

import asyncio
import json
import uuid

from item_bank.interchange import service, transfer
from shared.auth import Principal
from shared.db import POOL_KEY

ROWS = 12_000


def row(number: int) -> bytes:
    body = {
        # Every other row names no content area: refused, the rest new drafts.
        "domain": "EM" if number % 2 else "NOPE",
        "stem": f"Which code reports an established patient's office visit? [{number}]",
        "options": [{"label": label, "text": f"9921{i + 1}"} for i, label in enumerate("ABCD")],
        "key": "C",
        "rationale": "Moderate medical decision making.",
        "tags": ["import-turns"],
    }
    return json.dumps(body).encode()


async def test_a_large_import_report_gives_the_loop_a_turn_every_slice_of_rows(stack):
    rows = transfer.parse(b"\n".join(row(n) for n in range(ROWS)), "jsonl", 2026, None)
    assert len(rows) == ROWS
    instructor = Principal(id=str(uuid.uuid4()), role="instructor", username="importer")
    turns = 0
    done = False

    async def other_requests() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_requests())
    await asyncio.sleep(0)
    start = turns
    report = await service.import_rows(stack.apps["item-bank"][POOL_KEY], instructor, rows, dry_run=True)
    during = turns - start
    done = True
    await ticker
    assert (report.created, report.refused, report.dry_run) == (ROWS // 2, ROWS // 2, True)
    # One turn at least per slice of the refused rows and per slice of the new ones.
    assert during >= ROWS // service.ROWS_PER_TURN - 2, during
