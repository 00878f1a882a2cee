"""The simulator against the full product with the sample bank: cpc-150 through the public API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from mockcert.simulate import Simulation
from tests.support import ADMIN_PASSWORD, Stack, start_stack


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(
        database_url,
        seed_sample_bank=True,
        stats_refresh_seconds=0.2,
        feed_poll_seconds=0.2,
        outbox_poll_seconds=0.2,
    ) as running:
        yield running


async def test_simulated_candidates_sit_cpc_150_on_the_sample_bank(stack):
    admin = await stack.admin_token()
    for _ in range(100):  # the sample bank reaches delivery through the feed
        status, page = await stack.request("GET", "/api/items?limit=1&status=approved", admin)
        if page["items"]:
            break
        await asyncio.sleep(0.1)
    simulation = Simulation(
        stack.base_url,
        "admin",
        ADMIN_PASSWORD,
        blueprint="cpc-150",
        candidates=3,
        seed=9,
        concurrency=3,
        group="sample-sim",
    )
    report = await simulation.run(wait_seconds=30)
    assert (report.submitted, report.failed, report.scored) == (3, 0, 3)
    for attempt_id, _theta, _token in simulation.attempts:
        status, result = await stack.request("GET", f"/api/results/{attempt_id}", admin)
        assert status == 200 and result["question_count"] == 150 and result["answered_count"] == 150
        # Every shown question was recognised in the bank and scored as the simulator answered it.
        assert result["raw_score"] == simulation.intended[attempt_id]
        assert len(result["domains"]) == 17
