"""How a blueprint and the service's settings shape a form, through the public API:
option shuffling (per blueprint, or MOCKCERT_SHUFFLE_OPTIONS), and a target
difficulty that steers forms once difficulties have been posted to
/internal/item-stats."""

from __future__ import annotations

import json
import statistics
import uuid
from typing import Any

import asyncpg
import pytest

from exam_delivery.context import DELIVERY_KEY
from shared.auth import issue_service_token
from shared.settings import load_settings
from tests.conftest import create_database
from tests.delivery_support import wait_for_bank
from tests.support import Stack, auth, start_stack


@pytest.fixture(scope="module")
async def fstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True) as stack:  # shuffling on (the default)
        await wait_for_bank(stack)
        yield stack


async def _blueprint(stack: Stack, domains: list[tuple[str, int]], **fields: Any) -> str:
    body = {
        "name": f"Options {uuid.uuid4().hex[:6]}",
        "time_limit_seconds": 3600,
        "cut_score_percent": 70,
        "domains": [{"code": c, "count": n} for c, n in domains],
    } | fields
    status, out = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json=body)
    assert status == 201, out
    assert out["shuffle_options"] == fields.get("shuffle_options")
    return str(out["id"])


async def _form(database_url: str, attempt_id: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(database_url)
    try:
        text = await conn.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(attempt_id))
    finally:
        await conn.close()
    return list(json.loads(text))


async def _sit(stack: Stack, database_url: str, blueprint_id: str) -> tuple[str, str, list[dict[str, Any]]]:
    """A new candidate starts the blueprint: (token, attempt id, stored form)."""
    _, token = await stack.new_user("candidate")
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    return token, started["id"], await _form(database_url, started["id"])


async def _options_as_shown(stack: Stack, token: str, attempt_id: str, form: list[dict[str, Any]]):
    """Per position: the options the candidate is shown, and the item's own options, in label order."""
    admin = await stack.admin_token()
    out = []
    for pos, entry in enumerate(form, start=1):
        status, q = await stack.request("GET", f"/api/attempts/{attempt_id}/questions/{pos}", token)
        assert status == 200, q
        status, item = await stack.request("GET", f"/api/items/{entry['item_id']}", admin)
        assert status == 200 and item["version"] == entry["version"], item
        written = [(o["label"], o["text"]) for o in sorted(item["options"], key=lambda o: o["label"])]
        out.append(([(o["label"], o["text"]) for o in q["options"]], written))
    return out


async def _assert_written_order(stack: Stack, database_url: str, blueprint_id: str) -> None:
    token, attempt_id, form = await _sit(stack, database_url, blueprint_id)
    assert {e["order"] for e in form} == {"ABCD"}
    for shown, written in await _options_as_shown(stack, token, attempt_id, form):
        assert shown == written
    await stack.request("POST", f"/api/attempts/{attempt_id}/submit", token)


async def _assert_shuffled(stack: Stack, database_url: str, blueprint_id: str) -> None:
    token, attempt_id, form = await _sit(stack, database_url, blueprint_id)
    pairs = await _options_as_shown(stack, token, attempt_id, form)
    # The drill's domains hold no order-sensitive item: each gets one of the 24 orders at random.
    moved = [shown != written for shown, written in pairs]
    assert sum(moved) >= len(form) // 2, "most items get a shuffled order"
    for (shown, written), entry in zip(pairs, form, strict=True):
        assert [label for label, _ in shown] == ["A", "B", "C", "D"]
        by_label = dict(written)
        assert [t for _, t in shown] == [by_label[original] for original in entry["order"]]
    await stack.request("POST", f"/api/attempts/{attempt_id}/submit", token)


DRILL = [("EM", 6), ("ICD", 6)]


async def test_a_blueprint_can_turn_shuffling_off(fstack, database_url):
    await _assert_shuffled(fstack, database_url, await _blueprint(fstack, DRILL))
    await _assert_written_order(fstack, database_url, await _blueprint(fstack, DRILL, shuffle_options=False))


async def test_the_service_setting_turns_shuffling_off_unless_a_blueprint_asks(pg_server_url):
    url = await create_database(pg_server_url)
    env = {"MOCKCERT_MODE": "demo", "DATABASE_URL": url, "MOCKCERT_SHUFFLE_OPTIONS": "0",
           "MOCKCERT_JWT_SECRET": "j" * 40, "MOCKCERT_SERVICE_SECRET": "s" * 40}
    setting = load_settings("exam-delivery", env).shuffle_options
    assert setting is False
    async with start_stack(url, seed_sample_bank=True, shuffle_options=setting) as stack:
        await wait_for_bank(stack)
        await _assert_written_order(stack, url, await _blueprint(stack, DRILL))
        await _assert_shuffled(stack, url, await _blueprint(stack, DRILL, shuffle_options=True))


# ---------------------------------------------------------------- difficulty


async def _post_stats(stack: Stack, stats: list[dict[str, Any]]) -> int:
    url = f"{stack.urls['exam-delivery']}/internal/item-stats"
    headers = auth(issue_service_token(stack.settings["scoring"]))
    async with stack.session.post(url, json=stats, headers=headers) as resp:
        assert resp.status == 200, await resp.text()
        return int((await resp.json())["updated"])


async def test_a_target_difficulty_steers_forms_once_difficulties_are_posted(fstack, database_url):
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT item_id, version FROM delivery.item_versions WHERE domain = 'MED' AND status = 'approved'"
            " ORDER BY item_id"
        )
    finally:
        await conn.close()
    assert len(rows) == 40
    # Proportions correct spread evenly from 0.15 to 0.90 (mean 0.525), as scoring would post them.
    difficulty = {r["item_id"]: round(0.15 + 0.75 * j / 39, 4) for j, r in enumerate(rows)}
    stats = [
        {"item_id": r["item_id"], "version": r["version"], "n": 40, "p": difficulty[r["item_id"]],
         "r_pb_corrected": 0.3}
        for r in rows
    ]
    assert await _post_stats(fstack, stats) == 40
    bank = fstack.apps["exam-delivery"][DELIVERY_KEY].catalog.items.bank
    assert {i.item_id: i.difficulty for i in bank.by_domain["MED"]} == difficulty

    means: dict[float, list[float]] = {}
    for target in (0.6, 0.45):
        blueprint_id = await _blueprint(fstack, [("MED", 10)], target_difficulty=target)
        for _ in range(3):
            token, attempt_id, form = await _sit(fstack, database_url, blueprint_id)
            means.setdefault(target, []).append(statistics.mean(difficulty[e["item_id"]] for e in form))
            await fstack.request("POST", f"/api/attempts/{attempt_id}/submit", token)
    # Steered, each form is near its target (the assembly aims at 0.01; a 40-item domain does
    # not always allow it). Unsteered, a form's mean is 0.525 +/- 0.06: three in a row within
    # 0.04 of 0.6, and three of 0.45, would be a fluke of about 1 in 3,000.
    for target, got in means.items():
        assert all(abs(m - target) <= 0.04 for m in got), (target, got)
    assert statistics.mean(means[0.6]) - statistics.mean(means[0.45]) >= 0.1, means
