"""After a blueprint's length changes, /api/stats/scores describes the current length only
(more old results than new), and before any calibration its decision consistency is
Subkoviak's, from those results."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from scoring.analysis.loop import ENGINE_KEY
from scoring.stats import consistency
from shared.auth import issue_service_token
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack

OLD, NEW = 90, 45  # more results on the old length than on the new


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        running.apps["scoring"][ENGINE_KEY].auto_calibrate = False
        yield running


def naive_kr20(events: list, k: int) -> float:
    """Form-averaged KR-20 of these events alone: item variances from who saw each item."""
    ids = sorted({(r.item_id, r.item_version) for ev in events for r in ev.responses})
    col = {iv: j for j, iv in enumerate(ids)}
    X = np.zeros((len(events), len(ids)))
    M = np.zeros_like(X)
    for i, ev in enumerate(events):
        for r in ev.responses:
            j = col[(r.item_id, r.item_version)]
            M[i, j] = 1
            X[i, j] = r.selected == r.key
    n = M.sum(axis=0)
    p = X.sum(axis=0) / n
    var = np.where(n > 1, n * p * (1 - p) / np.maximum(n - 1, 1), 0.0)
    per_form = (M * var).sum(axis=1)
    T = X.sum(axis=1)
    return k / (k - 1) * (1 - per_form.mean() / T.var(ddof=1))


async def test_scores_describe_the_current_length_and_subkoviak_before_calibration(stack):
    rng = np.random.default_rng(16)
    bank = synthetic_bank(rng, {"EM": 14, "ICD": 14, "HCPCS": 14})
    old = EventFactory(bank, {"EM": 8, "ICD": 8, "HCPCS": 8}, blueprint_id="bp-len", blueprint_name="len")
    new = EventFactory(bank, {"EM": 12, "ICD": 12, "HCPCS": 12}, blueprint_id="bp-len", blueprint_name="len")
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    old_events = [old.event(rng, float(rng.normal()), submitted_at=start + dt.timedelta(hours=i))
                  for i in range(OLD)]
    new_events = [new.event(rng, float(rng.normal()), submitted_at=start + dt.timedelta(hours=OLD + i))
                  for i in range(NEW)]
    # An attempt started on the old length before the change, submitted after the new ones.
    straggler = old.event(rng, 0.0, submitted_at=start + dt.timedelta(hours=OLD - 1, minutes=30))
    straggler.submitted_at = (start + dt.timedelta(hours=OLD + NEW + 1)).isoformat()
    token = issue_service_token(stack.settings["exam-delivery"])
    sent = await post_events(stack.session, stack.urls["scoring"], token, old_events + new_events + [straggler],
                             signing_key=TEST_EVENT_SIGNING_KEY)
    assert set(sent) == {"accepted"}
    admin = await stack.admin_token()
    for _ in range(200):
        status, dist = await stack.request("GET", "/api/stats/scores?blueprint_id=bp-len", admin)
        if status == 200 and dist["n"] + dist["other_length_excluded"] == OLD + NEW + 1:
            break
        await asyncio.sleep(0.05)
    assert status == 200
    raws = np.array([sum(r.selected == r.key for r in ev.responses) for ev in new_events], float)
    assert dist["question_count"] == 36 and dist["raw_cut"] == pytest.approx(25.2)
    assert dist["n"] == NEW and dist["other_length_excluded"] == OLD + 1
    assert dist["mean"] == pytest.approx(raws.mean(), abs=1e-3)
    assert sum(b["count"] for b in dist["histogram"]) == NEW
    kr20 = naive_kr20(new_events, 36)
    assert dist["kr20"] == pytest.approx(kr20, abs=1e-3)
    assert [d["items_per_form"] for d in dist["domains"]] == [12, 12, 12]
    # No calibration: Subkoviak's agreement and kappa from the 36-question results.
    sub = consistency.subkoviak(raws, 36, 25.2, kr20)
    decision = dist["decision"]
    assert decision["method"] == "subkoviak" and decision["n"] == NEW
    assert decision["consistency"] == pytest.approx(sub.agreement, abs=1e-3)
    assert decision["kappa"] == pytest.approx(sub.kappa, abs=1e-3)
    assert decision["theta_cut"] is None and decision["calibration_id"] is None and decision["accuracy"] is None
    # The blueprint's summary still counts every result.
    status, summaries = await stack.request("GET", "/api/stats/blueprints", admin)
    assert summaries["blueprints"][0]["attempts"] == OLD + NEW + 1
