"""The item bank's statistics panel in a real browser: it shows what scoring computed for
the item once attempts are scored, and says so, distinctly, when the scoring call fails."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import numpy as np
import pytest
from playwright.async_api import Route, expect

from mockcert.simulate import BankItem, EventFactory, post_events, synthetic_bank
from shared.auth import issue_service_token
from tests.e2e.conftest import MED_ITEM, artifact, ui_login
from tests.support import TEST_EVENT_SIGNING_KEY, Stack, start_stack

pytestmark = pytest.mark.e2e

CANDIDATES = 60


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
async def scored_item(stack: Stack) -> dict:
    """An instructor's item sat by every one of 60 simulated candidates, and its row from scoring."""
    _, username, password = await stack.new_account("instructor")
    token = await stack.login(username, password)
    status, item = await stack.request(
        "POST",
        "/api/items",
        token,
        json=MED_ITEM,
    )
    assert status == 201, item

    rng = np.random.default_rng(61)
    ours = BankItem(item["id"], 1, "MED", "C", item["rationale"], a=1.4, b=0.0)
    bank = [*synthetic_bank(rng, {"EM": 6, "ICD": 6}), ours]
    factory = EventFactory(bank, {"EM": 4, "ICD": 4, "MED": 1}, blueprint_id="cpc-panel", blueprint_name="cpc-panel")
    events = [factory.event(rng, float(rng.normal(0.0, 1.0))) for _ in range(CANDIDATES)]
    await post_events(
        stack.session, stack.urls["scoring"], issue_service_token(stack.settings["exam-delivery"]), events,
        signing_key=TEST_EVENT_SIGNING_KEY,
    )
    row: dict = {}
    for _ in range(200):
        status, body = await stack.request("GET", f"/api/stats/items?item_id={item['id']}&min_n=0", token)
        if status == 200 and body["items"] and body["items"][0]["n"] == CANDIDATES:
            row = body["items"][0]
            break
        await asyncio.sleep(0.05)
    assert row, "scoring never reported the item's statistics"
    assert row["p"] is not None and row["r_pb"] is not None
    return {"id": item["id"], "login": (username, password), "stats": row}


async def open_item(stack: Stack, page, scored_item: dict) -> None:
    await ui_login(page, stack.base_url, *scored_item["login"])
    await page.wait_for_url(f"{stack.base_url}/instructor")
    await page.goto(f"{stack.base_url}/instructor/items/{scored_item['id']}")


async def test_stats_panel_shows_n_p_and_r_pb_of_scored_attempts(stack, scored_item, page):
    await open_item(stack, page, scored_item)
    want = scored_item["stats"]
    row = page.locator("#stats tbody tr")
    await expect(row).to_have_count(1)
    heads = await page.locator("#stats thead th").all_text_contents()
    cells = await row.locator("td").all_text_contents()
    by_head = dict(zip(heads, cells, strict=True))
    assert by_head["Version"] == "v1"
    assert by_head["Responses (n)"] == str(CANDIDATES)
    p_shown = re.fullmatch(r"(\d+\.\d) %", by_head["Difficulty (p)"])
    assert p_shown and abs(float(p_shown.group(1)) / 100 - want["p"]) <= 0.0005 + 1e-9
    r_shown = re.fullmatch(r"-?\d\.\d\d", by_head["Discrimination (r_pb)"])
    assert r_shown and abs(float(r_shown.group(0)) - want["r_pb"]) <= 0.005 + 1e-9
    assert "No statistics yet." not in await page.locator("#stats").text_content()
    await page.screenshot(path=str(artifact("item-stats-panel.png")), full_page=True)


async def test_stats_panel_says_when_scoring_fails(stack, scored_item, page):
    async def unavailable(route: Route) -> None:
        await route.fulfill(
            status=503,
            content_type="application/problem+json",
            body='{"type": "about:blank", "title": "Service Unavailable", "status": 503}',
        )

    await page.route(re.compile(r"/api/stats/items\?"), unavailable)
    await open_item(stack, page, scored_item)
    panel = page.locator("#stats")
    await expect(panel.get_by_role("alert")).to_contain_text("Statistics could not be loaded")
    await expect(panel).to_contain_text("503")
    assert "No statistics yet." not in await panel.text_content()


async def test_stats_panel_withholds_option_shares_of_a_rarely_answered_item(stack, page):
    from scoring.analysis.disclosure import OPTION_MIN_N
    from tests.support import TEST_EVENT_SIGNING_KEY

    _, username, password = await stack.new_account("instructor")
    token = await stack.login(username, password)
    body = {**MED_ITEM, "stem": "Which CPT section holds the codes for a rarely given vaccine administration here?"}
    status, item = await stack.request("POST", "/api/items", token, json=body)
    assert status == 201, item
    rng = np.random.default_rng(62)
    ours = BankItem(item["id"], 1, "MED", "C", item["rationale"], a=1.4, b=0.0)
    bank = [*synthetic_bank(rng, {"EM": 3}), ours]
    factory = EventFactory(bank, {"EM": 2, "MED": 1}, blueprint_id="cpc-rare", blueprint_name="cpc-rare")
    events = [factory.event(rng, float(rng.normal(0.0, 1.0))) for _ in range(3)]
    await post_events(stack.session, stack.urls["scoring"], issue_service_token(stack.settings["exam-delivery"]),
                      events, signing_key=TEST_EVENT_SIGNING_KEY)
    for _ in range(200):
        status, stats = await stack.request("GET", f"/api/stats/items?item_id={item['id']}&min_n=0", token)
        if status == 200 and stats["items"] and stats["items"][0]["n"] == 3:
            break
        await asyncio.sleep(0.05)
    assert stats["items"][0]["options_suppressed"] is True
    await open_item(stack, page, {"id": item["id"], "login": (username, password)})
    row = page.locator("#stats tbody tr")
    await expect(row).to_have_count(1)
    heads = await page.locator("#stats thead th").all_text_contents()
    by_head = dict(zip(heads, await row.locator("td").all_text_contents(), strict=True))
    assert by_head["Responses (n)"] == "3"
    assert by_head["Options chosen"] == f"withheld: fewer than {OPTION_MIN_N} responses"
    assert "%" in by_head["Difficulty (p)"]  # the item-level figures are still shown


async def test_flags_say_what_they_mean_and_what_to_do(stack, page):
    """An item the strong candidates get wrong (negative discrimination) is flagged; the item page
    names the flag in words and says what to do, with the editor one click away."""
    _, username, password = await stack.new_account("instructor")
    token = await stack.login(username, password)
    body = {**MED_ITEM, "stem": "Which CPT section reports this immunization administration that strong ones miss?"}
    status, item = await stack.request("POST", "/api/items", token, json=body)
    assert status == 201, item
    rng = np.random.default_rng(63)
    ours = BankItem(item["id"], 1, "MED", "C", item["rationale"], a=-2.0, b=0.0)
    bank = [*synthetic_bank(rng, {"EM": 6, "ICD": 6}), ours]
    factory = EventFactory(bank, {"EM": 4, "ICD": 4, "MED": 1}, blueprint_id="cpc-flag", blueprint_name="cpc-flag")
    events = [factory.event(rng, float(rng.normal(0.0, 1.0))) for _ in range(CANDIDATES)]
    await post_events(stack.session, stack.urls["scoring"], issue_service_token(stack.settings["exam-delivery"]),
                      events, signing_key=TEST_EVENT_SIGNING_KEY)
    flags: list[str] = []
    for _ in range(200):
        status, stats = await stack.request("GET", f"/api/stats/items?item_id={item['id']}&min_n=0", token)
        if status == 200 and stats["items"] and stats["items"][0]["n"] == CANDIDATES:
            flags = stats["items"][0]["flags"]
            break
        await asyncio.sleep(0.05)
    assert "weak_discrimination" in flags, flags
    await open_item(stack, page, {"id": item["id"], "login": (username, password)})
    advice = page.locator("#what-to-do")
    await expect(advice).to_contain_text("Low discrimination")
    await expect(page.locator("#stats tbody .badge.flag", has_text="Low discrimination")).to_have_count(1)
    await advice.get_by_role("link", name="Edit this item").click()
    await page.wait_for_url(f"{stack.base_url}/instructor/items/{item['id']}/edit")
