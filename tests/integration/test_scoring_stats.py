"""Pass rates, score distribution, item analysis and IRT through the API, on simulated data
with known parameters: freshness, calibration, parameter recovery, and the switch to the
equated cut for results scored after calibration."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from scoring.analysis.loop import ENGINE_KEY
from scoring.stats import rates
from shared.auth import issue_service_token
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack

N = 400
COUNTS = {"EM": 8, "ICD": 8, "HCPCS": 8}


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        engine = running.apps["scoring"][ENGINE_KEY]
        engine.auto_calibrate = False  # the tests calibrate when they mean to
        engine.min_attempts = 300
        yield running


@pytest.fixture(scope="module")
def factory() -> EventFactory:
    rng = np.random.default_rng(2026)
    bank = synthetic_bank(rng, {code: 14 for code in COUNTS})
    # Options shuffled per candidate, as delivery shows them: statistics must still be per original option.
    return EventFactory(bank, COUNTS, blueprint_id="bp-stats", blueprint_name="stats-150", shuffle=True)


async def wait_for_attempts(stack: Stack, token: str, n: int) -> dict:
    for _ in range(200):
        status, body = await stack.request("GET", "/api/stats/blueprints", token)
        assert status == 200
        if body["n_attempts"] >= n:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"statistics did not reach {n} attempts: {body}")


@pytest.fixture(scope="module")
async def loaded(stack: Stack, factory: EventFactory) -> dict:
    """N simulated candidates over eight weeks in two groups; returns what was sent."""
    admin = await stack.admin_token()
    status, problem = await stack.request("POST", "/api/stats/calibrate", admin)
    assert status == 409 and "calibrat" in problem["detail"]  # no data yet
    rng = np.random.default_rng(7)
    start = dt.datetime(2026, 2, 2, 8, 0, tzinfo=dt.UTC)
    events = [
        factory.event(
            rng,
            float(rng.normal()),
            group="A" if i % 2 else "B",
            submitted_at=start + dt.timedelta(hours=3 * i),
        )
        for i in range(N)
    ]
    token = issue_service_token(stack.settings["exam-delivery"])
    assert set(await post_events(stack.session, stack.urls["scoring"], token, events,
                                 signing_key=TEST_EVENT_SIGNING_KEY)) == {"accepted"}
    await wait_for_attempts(stack, admin, N)
    return {"events": events, "admin": admin, "token": token}


async def test_pass_rates_overall_by_group_and_by_week(stack, loaded):
    admin = loaded["admin"]
    status, overall = await stack.request("GET", "/api/stats/pass-rates?blueprint_id=bp-stats", admin)
    assert status == 200 and overall["groups"][0]["attempts"] == N
    n_pass = overall["overall"]["passed"]
    lo, hi = rates.wilson_interval(n_pass, N)
    assert overall["overall"]["ci_low"] == pytest.approx(lo, abs=1e-4)
    assert overall["overall"]["ci_high"] == pytest.approx(hi, abs=1e-4)
    status, by_group = await stack.request("GET", "/api/stats/pass-rates?group_by=group", admin)
    assert {g["label"]: g["attempts"] for g in by_group["groups"]} == {"A": N // 2, "B": N // 2}
    assert sum(g["passed"] for g in by_group["groups"]) == n_pass
    status, weeks = await stack.request("GET", "/api/stats/pass-rates?group_by=week", admin)
    assert sum(g["attempts"] for g in weeks["groups"]) == N
    assert weeks["groups"][0]["label"] == "2026-W06" and weeks["groups"][0]["start"] == "2026-02-02"
    for g in weeks["groups"]:
        assert g["ci_low"] <= g["pass_rate"] <= g["ci_high"]
    status, window = await stack.request("GET", "/api/stats/pass-rates?from=2026-02-02&to=2026-02-03", admin)
    assert (
        window["overall"]["attempts"] == 6 + 8
    )  # every 3 hours: 08:00..23:00 on the 2nd, all day on the 3rd
    status, problem = await stack.request("GET", "/api/stats/pass-rates?from=soon", admin)
    assert status == 422 and problem["errors"][0]["field"] == "from"
    status, problem = await stack.request("GET", "/api/stats/pass-rates?group_by=year", admin)
    assert status == 422 and problem["errors"][0]["field"] == "group_by"


async def test_score_distribution_and_domains(stack, loaded):
    admin = loaded["admin"]
    status, dist = await stack.request("GET", "/api/stats/scores?blueprint_id=bp-stats", admin)
    assert status == 200
    raws = np.array([sum(r.selected == r.key for r in ev.responses) for ev in loaded["events"]], float)
    assert dist["n"] == N and dist["question_count"] == 24
    assert dist["mean"] == pytest.approx(raws.mean(), abs=1e-3)
    assert dist["sd"] == pytest.approx(raws.std(ddof=1), abs=1e-3)
    assert sum(b["count"] for b in dist["histogram"]) == N
    assert dist["raw_cut"] == pytest.approx(16.8)
    assert 0.5 < dist["kr20"] < 1.0 and dist["sem"] == pytest.approx(
        dist["sd"] * np.sqrt(1 - dist["kr20"]), abs=1e-3
    )
    assert [d["code"] for d in dist["domains"]] == ["EM", "ICD", "HCPCS"]  # code-book order
    assert all(d["items_per_form"] == 8 for d in dist["domains"])
    assert dist["cut_used"] == {"raw": N, "equated": 0}
    # Before calibration the decision consistency is Subkoviak's (classical), with no theta cut.
    assert dist["decision"]["method"] == "subkoviak" and dist["decision"]["theta_cut"] is None
    assert 0.5 < dist["decision"]["consistency"] <= 1.0 and dist["decision"]["n"] == N
    status, _ = await stack.request("GET", "/api/stats/scores?blueprint_id=nope", admin)
    assert status == 404


async def test_item_analysis_per_item_version_with_flags_only_above_min_n(stack, loaded, factory):
    _, instructor = await stack.new_user("instructor")
    status, body = await stack.request("GET", "/api/stats/items?blueprint_id=bp-stats&min_n=0", instructor)
    assert status == 200 and len(body["items"]) == len(factory.bank)
    assert body["flag_min_n"] == 30 and body["n_attempts"] == N
    keys = {it.item_id: it.key for it in factory.bank}
    for it in body["items"]:
        assert it["n"] > 150  # 8 of 14 per area: each item on ~57 % of forms
        key_option = next(o for o in it["options"] if o["key"])
        assert key_option["label"] == keys[it["item_id"]] and key_option["share"] == pytest.approx(
            it["p"], abs=1e-4
        )
        assert sum(o["share"] for o in it["options"]) == pytest.approx(1.0, abs=1e-3)
        assert it["r_ci_low"] <= it["r_pb_corrected"] <= it["r_ci_high"]
        assert set(it["flags"]) <= {
            "too_hard",
            "doubtful",
            "review_difficulty",
            "too_easy",
            "weak_discrimination",
            "non_functioning_distractor",
            "possible_miskey",
        }
    hard = [it for it in body["items"] if it["p"] < 0.2]
    assert all("too_hard" in it["flags"] for it in hard)
    one = body["items"][0]["item_id"]
    status, single = await stack.request("GET", f"/api/stats/items?item_id={one}&min_n=0", instructor)
    assert [i["item_id"] for i in single["items"]] == [one]
    status, none = await stack.request("GET", "/api/stats/items?min_n=100000", instructor)
    assert none["items"] == []
    status, flagged = await stack.request("GET", "/api/stats/items?flagged=true", instructor)
    assert all(it["flags"] for it in flagged["items"])


async def test_calibration_recovers_known_parameters_and_switches_new_results_to_the_equated_cut(
    stack, loaded, factory
):
    admin, token = loaded["admin"], loaded["token"]
    status, body = await stack.request("POST", "/api/stats/calibrate", admin)
    assert status == 200 and body["status"] == "calibrated", body
    cal = body["calibration"]
    assert cal["model"] == "2pl" and cal["converged"] and cal["n_attempts"] == N
    truth = {it.item_id: (it.a, it.b) for it in factory.bank}
    est = {it["item_id"]: (it["a"], it["b"]) for it in cal["items"]}
    assert len(est) >= len(truth) - 2  # an item can be dropped if it cannot anchor the scale
    a_true, b_true = np.array([truth[i] for i in est]).T
    a_hat, b_hat = np.array([est[i] for i in est]).T
    assert np.corrcoef(b_true, b_hat)[0, 1] > 0.9
    assert np.sqrt(np.mean((b_true - b_hat) ** 2)) < 0.4
    assert np.corrcoef(a_true, a_hat)[0, 1] > 0.3
    assert all(it["se_b"] > 0 for it in cal["items"])
    assert cal["blueprints"][0]["blueprint_id"] == "bp-stats"
    status, rasch = await stack.request("GET", "/api/stats/irt?model=rasch", admin)
    assert status == 200 and rasch["calibration"]["model"] == "rasch"
    assert len({it["a"] for it in rasch["calibration"]["items"]}) == 1  # one common slope

    # Results scored before calibration keep the raw cut; new ones use the form's equated cut.
    old = loaded["events"][0]
    status, before = await stack.request("GET", f"/api/results/{old.attempt_id}", admin)
    assert before["cut_used"] == "raw" and before["scaled_score"] is None
    rng = np.random.default_rng(99)
    fresh = [factory.event(rng, float(t)) for t in (-1.0, 0.0, 1.5)]
    assert await post_events(stack.session, stack.urls["scoring"], token, fresh,
                             signing_key=TEST_EVENT_SIGNING_KEY) == ["accepted"] * 3
    for ev in fresh:
        status, res = await stack.request("GET", f"/api/results/{ev.attempt_id}", admin)
        assert res["cut_used"] == "equated" and "equated" in res["cut_note"]
        assert 100 <= res["scaled_score"] <= 300 and (res["scaled_score"] >= 200) is res["passed"]
        assert res["passed"] is (res["raw_score"] >= res["raw_cut"] - 1e-6)
        assert res["theta"] is not None and res["theta_se"] > 0
    await wait_for_attempts(stack, admin, N + 3)
    # Every candidate has an EAP ability now, those scored before calibration too (the latest estimate).
    status, before = await stack.request("GET", f"/api/results/{old.attempt_id}", admin)
    assert before["cut_used"] == "raw" and before["theta"] is not None and 0 < before["theta_se"] < 1
    status, listed = await stack.request("GET", "/api/results?blueprint_id=bp-stats&limit=50", admin)
    assert all(r["theta"] is not None for r in listed["results"])
    status, dist = await stack.request("GET", "/api/stats/scores?blueprint_id=bp-stats", admin)
    assert dist["cut_used"] == {"raw": N, "equated": 3}
    decision = dist["decision"]
    assert decision["method"] == "rudner" and decision["n"] == N + 3
    assert 0.5 < decision["consistency"] <= decision["accuracy"] <= 1.0
    status, items = await stack.request("GET", "/api/stats/items?blueprint_id=bp-stats", admin)
    assert sum(it["irt"] is not None for it in items["items"]) == len(est)
