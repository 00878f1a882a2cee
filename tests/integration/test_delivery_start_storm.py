"""Exposure control during a start storm: many candidates press Start at once.

Each start counts its form for exposure before it awaits the INSERT, so starts
running concurrently assemble against each other's forms; a start whose INSERT
stores nothing takes its form back.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter

import asyncpg
import pytest

from exam_delivery.context import DELIVERY_KEY
from tests.delivery_support import wait_for_bank
from tests.support import start_stack

MAX_SHARE = 0.2
STARTS = 40
PER_DOMAIN = 6  # of the sample bank's 40 per domain: 40 >= 6 x (1 + 1 / 0.2), so the cap can always hold


@pytest.fixture(scope="module")
async def sstack(database_url: str):
    async with start_stack(
        database_url,
        seed_sample_bank=True,
        exposure_max_share=MAX_SHARE,
        # Enough connections that every start is in flight at once, as in a real storm.
        db_pool_max=STARTS + 4,
    ) as stack:
        await wait_for_bank(stack)
        yield stack


async def _forms(database_url: str, blueprint_id: str | None = None) -> list[list[str]]:
    """The item ids of the stored forms (of one blueprint, or all)."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT form::text FROM delivery.attempts WHERE $1::text IS NULL OR blueprint_id = $1", blueprint_id
        )
    finally:
        await conn.close()
    return [[e["item_id"] for e in json.loads(r["form"])] for r in rows]


async def _blueprint(stack) -> str:
    status, out = await stack.request(
        "POST",
        "/api/blueprints",
        await stack.admin_token(),
        json={
            "name": f"Storm {uuid.uuid4().hex[:6]}",
            "time_limit_seconds": 3600,
            "cut_score_percent": 70,
            "domains": [{"code": "EM", "count": PER_DOMAIN}, {"code": "ANES", "count": PER_DOMAIN}],
        },
    )
    assert status == 201, out
    return str(out["id"])


async def test_a_start_storm_keeps_every_item_under_the_exposure_cap(sstack, database_url):
    blueprint_id = await _blueprint(sstack)
    tokens = [t for _, t in await asyncio.gather(*(sstack.new_user("candidate") for _ in range(STARTS)))]
    results = await asyncio.gather(
        *(sstack.request("POST", "/api/attempts", t, json={"blueprint_id": blueprint_id}) for t in tokens)
    )
    assert [s for s, _ in results] == [201] * STARTS, results
    forms = await _forms(database_url, blueprint_id)
    assert len(forms) == STARTS and all(len(set(f)) == 2 * PER_DOMAIN for f in forms)
    uses = Counter(item for form in forms for item in form)
    worst = max(uses.values())
    # Every start saw the forms assembled before it, stored or not yet: no item reaches more
    # than MAX_SHARE of the forms. (Assembled against the same counts, a uniform draw of 6 of
    # 40 puts some item on 9 or more of 40 forms almost every time.)
    assert worst / STARTS <= MAX_SHARE, f"an item is on {worst} of {STARTS} forms"
    await _counts_are_the_stored_forms(sstack, database_url)


async def test_starts_that_store_nothing_take_their_form_back(sstack, database_url):
    blueprint_id = await _blueprint(sstack)
    _, token = await sstack.new_user("candidate")
    # One candidate, many starts at once: one attempt is stored, the others are refused
    # (some before assembling, the rest when the INSERT finds the open attempt).
    results = await asyncio.gather(
        *(sstack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id}) for _ in range(8))
    )
    assert sorted(s for s, _ in results) == [201] + [409] * 7
    assert len(await _forms(database_url, blueprint_id)) == 1
    # The refused starts left nothing behind.
    await _counts_are_the_stored_forms(sstack, database_url)


async def _counts_are_the_stored_forms(stack, database_url: str) -> None:
    """Delivery's exposure counts are exactly those of the forms in the database."""
    stored = await _forms(database_url)
    uses = Counter(item for form in stored for item in form)
    exposure = stack.apps["exam-delivery"][DELIVERY_KEY].exposure
    assert len(exposure) == len(stored)
    assert dict(exposure._counts) == dict(uses)
    assert not exposure._held, "no form is left held"
