"""The sample CPC bank: loaded once, at first start, into an empty bank, as
approved version-1 items of the system author, even with two replicas racing."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

from item_bank.seeding import SYSTEM_AUTHOR, seed_sample_bank

from shared.db import create_pool, migrate
from shared.domains import DOMAIN_CODES
from shared.settings import Settings
from tests.conftest import create_database
from tests.support import start_stack


def fake_bank(n: int = 680) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        rows.append(
            {
                "domain": DOMAIN_CODES[i % len(DOMAIN_CODES)],
                "stem": f"Sample question number {i}: which option is the right one here?",
                "options": [{"label": label, "text": f"Answer {label}{i}"} for label in "ABCD"],
                "key": "ABCD"[i % 4],
                "rationale": f"Answer {'ABCD'[i % 4]}{i} is right because the sample says so; "
                "the others are not.",
                "tags": ["sample", f"batch-{i % 5}"],
                "code_set_year": 2026,
                "references": ["ICD-10-CM Official Guidelines I.A"],
            }
        )
    rows.append({"domain": "ICD", "stem": "broken", "options": [], "key": "A", "rationale": "x", "tags": []})
    return rows


async def test_two_replicas_seed_once_with_audit_and_feed(pg_server_url):
    url = await create_database(pg_server_url)
    await migrate(url, "item_bank", "item_bank")
    pools = [await create_pool(url, 1, 2), await create_pool(url, 1, 2)]
    try:
        loaded = await asyncio.gather(*(seed_sample_bank(p, 2026, generate=fake_bank) for p in pools))
        assert sorted(loaded) == [0, 680]  # one replica loaded them; the broken row was refused
        assert await seed_sample_bank(pools[0], 2026, generate=fake_bank) == 0  # never twice
        async with pools[0].acquire() as conn:
            counts = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM item_bank.items) AS items,"
                " (SELECT count(*) FROM item_bank.item_versions WHERE status = 'approved' AND version = 1"
                "   AND author_id = $1 AND is_latest) AS approved,"
                " (SELECT count(*) FROM item_bank.items WHERE approved_version = 1) AS in_service,"
                " (SELECT count(*) FROM item_bank.audit WHERE action = 'seeded' AND actor_id = $1) AS audit,"
                " (SELECT count(*) FROM item_bank.feed_log WHERE status = 'approved') AS feed,"
                " (SELECT max(seq) FROM item_bank.feed_log) AS max_seq",
                SYSTEM_AUTHOR,
            )
            assert dict(counts) == {
                "items": 680,
                "approved": 680,
                "in_service": 680,
                "audit": 680,
                "feed": 680,
                "max_seq": 680,
            }
            found = await conn.fetchval(
                "SELECT count(*) FROM item_bank.item_versions"
                " WHERE search @@ websearch_to_tsquery('english', 'Sample question')"
            )
            assert found == 680  # the generated search column is filled by COPY too
    finally:
        for pool in pools:
            await pool.close()


async def test_the_sample_bank_is_loaded_at_first_start(pg_server_url):
    url = await create_database(pg_server_url)
    async with start_stack(url, services=("item-bank", "exam-delivery"), seed_sample_bank=True) as stack:
        _, token = await stack.new_user("instructor")
        per_domain: collections.Counter[str] = collections.Counter()
        cursor = None
        while True:
            path = "/api/items?status=approved&limit=200" + (f"&cursor={cursor}" if cursor else "")
            status, page = await stack.request("GET", path, token)
            assert status == 200, page
            for entry in page["items"]:
                assert entry["version"] == 1 and entry["author"] == SYSTEM_AUTHOR
                assert entry["approved_version"] == 1
                per_domain[entry["domain"]] += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sum(per_domain.values()) >= 600
        assert set(per_domain) == set(DOMAIN_CODES)
        settings: Settings = stack.settings["item-bank"]
        assert settings.seed_sample_bank
    # A second start on the same database finds the bank filled and adds nothing.
    async with start_stack(url, services=("item-bank",), seed_sample_bank=True) as again:
        pool = again.apps["item-bank"]
        from shared.db import POOL_KEY

        async with pool[POOL_KEY].acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM item_bank.items") == sum(per_domain.values())
