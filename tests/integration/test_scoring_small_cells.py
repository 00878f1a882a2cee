"""Option-level item statistics are withheld below a floor of responses, whatever `min_n`
the query asks and whoever asks: with one response, an option's share is that candidate's
choice. Item-level aggregates still follow `min_n`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from scoring.analysis.disclosure import OPTION_MIN_N
from shared.auth import issue_service_token
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack

FEW, MANY = 3, OPTION_MIN_N + 2


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
async def scored(stack: Stack) -> dict[str, list[str]]:
    """Two blueprints whose every item is on every form: one sat FEW times, one MANY times."""
    rng = np.random.default_rng(10)
    token = issue_service_token(stack.settings["exam-delivery"])
    sent: dict[str, list[str]] = {}
    for name, count in (("bp-few", FEW), ("bp-many", MANY)):
        bank = synthetic_bank(rng, {"EM": 4})
        factory = EventFactory(bank, {"EM": 4}, blueprint_id=name, blueprint_name=name)
        events = [factory.event(rng, float(rng.normal()), omit_rate=0.0) for _ in range(count)]
        assert set(await post_events(stack.session, stack.urls["scoring"], token, events,
                                     signing_key=TEST_EVENT_SIGNING_KEY)) == {"accepted"}
        sent[name] = [it.item_id for it in bank]
    admin = await stack.admin_token()
    for _ in range(200):
        status, body = await stack.request("GET", "/api/stats/blueprints", admin)
        if status == 200 and body["n_attempts"] >= FEW + MANY:
            return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"statistics did not reach {FEW + MANY} attempts")


@pytest.mark.parametrize("role", ["instructor", "admin"])
@pytest.mark.parametrize("min_n", ["0", "1", "3"])
async def test_option_level_data_is_withheld_below_the_floor_for_everyone(stack, scored, role, min_n):
    _, token = await stack.new_user(role) if role != "admin" else (None, await stack.admin_token())
    status, body = await stack.request("GET", f"/api/stats/items?blueprint_id=bp-few&min_n={min_n}", token)
    assert status == 200, body
    assert body["option_min_n"] == OPTION_MIN_N
    assert sorted(it["item_id"] for it in body["items"]) == sorted(scored["bp-few"])
    for it in body["items"]:
        assert it["n"] == FEW
        assert it["p"] is not None  # item-level aggregates follow min_n
        assert it["options_suppressed"] is True
        assert str(OPTION_MIN_N) in it["suppression_reason"]
        assert [o["label"] for o in it["options"]] == ["A", "B", "C", "D", "omit"]
        assert all(o["share"] is None and o["r_rest"] is None for o in it["options"])
    one = scored["bp-few"][0]
    status, single = await stack.request("GET", f"/api/stats/items?item_id={one}&min_n={min_n}", token)
    assert status == 200 and [it["item_id"] for it in single["items"]] == [one]
    assert single["items"][0]["options_suppressed"] is True
    assert all(o["share"] is None for o in single["items"][0]["options"])


async def test_option_level_data_is_shown_at_or_above_the_floor(stack, scored):
    _, token = await stack.new_user("instructor")
    status, body = await stack.request("GET", "/api/stats/items?blueprint_id=bp-many&min_n=1", token)
    assert status == 200, body
    assert sorted(it["item_id"] for it in body["items"]) == sorted(scored["bp-many"])
    for it in body["items"]:
        assert it["n"] == MANY and it["options_suppressed"] is False and it["suppression_reason"] is None
        assert sum(o["share"] for o in it["options"]) == pytest.approx(1.0, abs=1e-3)
