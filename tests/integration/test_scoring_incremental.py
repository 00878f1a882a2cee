"""Statistics that grow with the new results: after many refreshes with results trickling in
(low-answer attempts among them, a blueprint whose length changes, a calibration on the way),
the engine's snapshot is exactly the one an engine started afresh computes over the same
results, and equals the full recompute over the response matrices to 1e-9; a changed key
makes the engine count everything again."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import msgspec
import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from scoring.analysis import repository as repo
from scoring.analysis import schemas as s
from scoring.analysis.frame import Dense, Frame, append_rows
from scoring.analysis.loop import ENGINE_KEY, StatsEngine
from scoring.analysis.snapshot import Snapshot, compute_snapshot
from shared.auth import issue_service_token
from shared.db import POOL_KEY
from shared.web import SETTINGS_KEY
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack
from tests.unit.test_scoring_sufficient import close

ROUNDS = 10
PER_ROUND = 24


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, services=("scoring",), stats_refresh_seconds=3600) as running:
        engine = running.apps["scoring"][ENGINE_KEY]
        await engine.current()
        for task in asyncio.all_tasks():  # the test refreshes when it means to (a tick is at most 40 s)
            if task.get_name() == "scoring-stats-refresh":
                task.cancel()
        engine.auto_calibrate = False
        engine.min_attempts = 100
        yield running


def answers(snap: Snapshot) -> dict:
    out = msgspec.to_builtins({"items": snap.items, "scores": snap.scores, "blueprints": snap.blueprints})
    out.pop("computed_at", None)
    for by in ("none", "week", "month", "blueprint", "group"):
        for low in (False, True):
            out[f"rates-{by}-{low}"] = msgspec.to_builtins(
                snap.pass_rates(s.PassRateQuery(group_by=by, include_low_answer=low), None, None))
    return strip_times(out)


def strip_times(value: object) -> object:
    if isinstance(value, dict):
        return {k: strip_times(v) for k, v in value.items() if k != "computed_at"}
    if isinstance(value, list):
        return [strip_times(v) for v in value]
    return value


async def fresh(stack: Stack) -> StatsEngine:
    """An engine started now over the same database: one full read."""
    app = stack.apps["scoring"]
    engine = StatsEngine(app[POOL_KEY], app[SETTINGS_KEY], auto_calibrate=False)
    await engine.refresh()
    return engine


async def full_recompute(stack: Stack, engine: StatsEngine, include_low: bool) -> Snapshot:
    """The snapshot of the full recompute over every result's response matrix (the path
    that reads and keeps every form), with the engine's calibration and abilities."""
    async with stack.apps["scoring"][POOL_KEY].acquire() as conn:
        rows = await repo.frame_rows(conn, 0, [], 1_000_000)
    frame = append_rows(Frame(), rows)
    dense = Dense()
    dense.sync(frame, engine.meta)
    assert np.array_equal(frame.seq, engine.frame.seq)  # read in the same order
    return compute_snapshot(1, dt.datetime.now(dt.UTC), frame, engine.meta, dense, engine.irt.get("2pl"),
                            engine.theta, engine.theta_se, include_low=include_low)


async def test_trickling_results_give_the_figures_of_a_full_recompute(stack: Stack):
    engine = stack.apps["scoring"][ENGINE_KEY]
    rng = np.random.default_rng(15)
    bank = synthetic_bank(rng, {"EM": 16, "ICD": 16, "HCPCS": 16})
    short = EventFactory(bank, {"EM": 8, "ICD": 8, "HCPCS": 8}, blueprint_id="bp-inc", blueprint_name="inc")
    longer = EventFactory(bank, {"EM": 10, "ICD": 10, "HCPCS": 10}, blueprint_id="bp-inc", blueprint_name="inc")
    other = EventFactory(bank, {"EM": 5, "ICD": 5, "HCPCS": 5}, blueprint_id="bp-other", blueprint_name="other")
    token = issue_service_token(stack.settings["scoring"])
    start = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)
    await engine.refresh()
    assert engine.rebuilds == 1
    at = 0
    for round_ in range(ROUNDS):
        events = []
        for i in range(PER_ROUND):
            at += 1
            factory = other if i % 4 == 0 else (longer if round_ >= 6 else short)  # bp-inc grows to 30
            events.append(factory.event(
                rng, float(rng.normal()), group=("A", "B", "")[i % 3],
                submitted_at=start + dt.timedelta(hours=5 * at),
                omit_rate=0.95 if i % 7 == 3 else 0.02,  # low-answer: fewer than half answered
            ))
        sent = await post_events(stack.session, stack.urls["scoring"], token, events,
                                 signing_key=TEST_EVENT_SIGNING_KEY)
        assert set(sent) == {"accepted"}
        assert await engine.refresh()
        if round_ == 5:
            outcome = await engine.calibrate(force=True)  # abilities and Rudner from here on
            assert outcome.status == "calibrated", outcome.detail
    assert engine.rebuilds == 1  # only the first read counted everything
    assert engine.frame.n == ROUNDS * PER_ROUND and engine.frame.low.sum() > 0
    mine = engine.snapshot
    assert mine is not None
    dist = mine.scores["bp-inc"]
    assert dist.question_count == 30 and dist.other_length_excluded > 0
    assert dist.decision is not None and dist.decision.method == "rudner"
    low = await engine.including_low()
    assert low is not mine and low.blueprints.n_attempts == ROUNDS * PER_ROUND

    # An engine started now, reading everything once, has exactly the same figures.
    again = await fresh(stack)
    try:
        assert again.rebuilds == 1 and again.frame.n == engine.frame.n
        assert answers(await again.current()) == answers(mine)
        assert answers(await again.including_low()) == answers(low)
    finally:
        again.close()

    # And the full recompute over the response matrices agrees to 1e-9.
    close(answers(await full_recompute(stack, engine, False)), answers(mine))
    close(answers(await full_recompute(stack, engine, True)), answers(low))


async def test_a_changed_key_counts_everything_again(stack: Stack):
    engine = stack.apps["scoring"][ENGINE_KEY]
    await engine.refresh()
    before = engine.rebuilds
    async with stack.apps["scoring"][POOL_KEY].acquire() as conn:
        item = await conn.fetchrow("SELECT id, key FROM scoring.item_versions ORDER BY id LIMIT 1")
        other_key = "B" if item["key"] == "A" else "A"
        await conn.execute("UPDATE scoring.item_versions SET key = $2 WHERE id = $1", item["id"], other_key)
    assert await engine.refresh()
    assert engine.rebuilds == before + 1
    assert engine.frame.n == ROUNDS * PER_ROUND
    close(answers(await full_recompute(stack, engine, False)), answers(engine.snapshot))
