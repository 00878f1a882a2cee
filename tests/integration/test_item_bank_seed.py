"""The sample CPC bank: loaded once, at first start, into an empty bank, as
approved version-1 items of the system author, even with two replicas racing."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

import pytest
from structlog.testing import capture_logs

from item_bank.sample_bank import load_sample_bank
from item_bank.seeding import SYSTEM_AUTHOR, SampleBankRefused, seed_sample_bank
from shared.db import POOL_KEY, create_pool, migrate
from shared.domains import DOMAIN_CODES, DOMAINS
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
        shipped = load_sample_bank()
        assert sum(per_domain.values()) == len(shipped) >= 600  # the API's rules refused none
        assert per_domain == collections.Counter(item["domain"] for item in shipped)
        assert set(per_domain) == set(DOMAIN_CODES)
        for domain in DOMAINS:  # enough for cpc-150 to draw varied forms
            assert per_domain[domain.code] >= 3 * domain.classic_count, (domain.code, per_domain[domain.code])
        settings: Settings = stack.settings["item-bank"]
        assert settings.seed_sample_bank
    # A second start on the same database finds the bank filled and adds nothing.
    async with start_stack(url, services=("item-bank",), seed_sample_bank=True) as again:
        pool = again.apps["item-bank"]
        async with pool[POOL_KEY].acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM item_bank.items") == sum(per_domain.values())


async def test_a_code_set_year_that_refuses_every_sample_item_fails_loudly(pg_server_url):
    """Sample items are written for 2026; a current year of 2024 allows at most 2025."""
    url = await create_database(pg_server_url)
    await migrate(url, "item_bank", "item_bank")
    pool = await create_pool(url, 1, 2)
    try:
        with capture_logs() as logs, pytest.raises(SampleBankRefused) as refused:
            await seed_sample_bank(pool, 2024, generate=fake_bank)
        assert "681 sample items" in str(refused.value)
        assert "code_set_year: a year between 2000 and 2025" in str(refused.value)
        errors = [e for e in logs if e["log_level"] == "error"]
        assert [e["event"] for e in errors] == ["sample_bank_refused"]
        assert errors[0]["offered"] == 681 and errors[0]["code_set_year"] == 2024
        assert any("code_set_year: a year between 2000 and 2025" in r for r in errors[0]["reasons"])
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM item_bank.items") == 0
            assert await conn.fetchval("SELECT count(*) FROM item_bank.feed_log") == 0
        # Nothing was written, so a start with a corrected year loads the bank.
        assert await seed_sample_bank(pool, 2026, generate=fake_bank) == 680
    finally:
        await pool.close()


async def test_the_item_bank_still_starts_when_the_sample_bank_is_refused(pg_server_url):
    url = await create_database(pg_server_url)
    with capture_logs() as logs:
        async with start_stack(
            url, services=("item-bank", "exam-delivery"), seed_sample_bank=True, current_code_set_year=2024
        ) as stack:
            _, token = await stack.new_user("instructor")
            status, page = await stack.request("GET", "/api/items?limit=5", token)
            assert status == 200 and page["items"] == []  # up, empty, and the log says why
    events = [(e["event"], e["log_level"]) for e in logs if e["event"].startswith("sample_bank")]
    assert events == [("sample_bank_refused", "error")]
