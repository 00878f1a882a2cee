"""Dashboards a person can read: area names on the bars (never their codes), chart text at body
size, a trend of one week that says it is too little data (and a band from two weeks on), the
cut shown as a percentage with how results were decided, item quality from 30 responses with
each item id one click from its page, and "Calibrate now" disabled with its reason."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockcert.simulate import BankItem, EventFactory, post_events, synthetic_bank
from shared.auth import issue_service_token
from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import MED_ITEM, artifact, ui_login
from tests.support import ADMIN_PASSWORD, TEST_EVENT_SIGNING_KEY, Stack, start_stack

pytestmark = pytest.mark.e2e

ONE_WEEK, TWO_WEEKS = 40, 30
CODES = {"EM", "ANES", "ICD", "MED"}


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2, seed_sample_bank=True,
                           feed_poll_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
async def data(stack: Stack) -> dict:
    """`cpc-week`: 40 attempts in one week, with an instructor's item on every form; `cpc-two`:
    30 attempts over two weeks. Not calibrated (fewer attempts than calibration needs)."""
    _, token = await stack.new_user("instructor")
    status, item = await stack.request("POST", "/api/items", token, json=MED_ITEM)
    assert status == 201, item
    rng = np.random.default_rng(14)
    ours = BankItem(item["id"], 1, "MED", "C", item["rationale"], a=1.2, b=0.0)
    bank = [*synthetic_bank(rng, {"EM": 6, "ANES": 6, "ICD": 6}), ours]
    counts = {"EM": 4, "ANES": 4, "ICD": 4, "MED": 1}
    monday = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    week = EventFactory(bank, counts, blueprint_id="cpc-week", blueprint_name="cpc-week")
    two = EventFactory(bank, counts, blueprint_id="cpc-two", blueprint_name="cpc-two")
    events = [week.event(rng, float(rng.normal()), submitted_at=monday + dt.timedelta(hours=2 * i))
              for i in range(ONE_WEEK)]
    events += [two.event(rng, float(rng.normal()), submitted_at=monday + dt.timedelta(days=i % 2 * 7, hours=i))
               for i in range(TWO_WEEKS)]
    await post_events(stack.session, stack.urls["scoring"], issue_service_token(stack.settings["exam-delivery"]),
                      events, signing_key=TEST_EVENT_SIGNING_KEY)
    admin = await stack.admin_token()
    for _ in range(300):
        status, body = await stack.request("GET", "/api/stats/blueprints", admin)
        if status == 200 and body["n_attempts"] == len(events):
            return {"item_id": item["id"], "n": len(events)}
        await asyncio.sleep(0.05)
    raise AssertionError("the statistics never counted every attempt")


async def open_dashboard(stack: Stack, page, blueprint: str) -> None:
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin?blueprint_id={blueprint}")
    await page.locator("body[data-loaded='true']").wait_for()
    await page.locator("#domain-chart svg").wait_for()


async def test_bars_are_named_text_is_body_size_and_the_cut_is_a_percentage(stack, data, page):
    await open_dashboard(stack, page, "cpc-week")
    names = await page.locator("#domain-chart text.bar-name").all_text_contents()
    assert sorted(names) == ["Anesthesia", "Evaluation and Management", "ICD-10-CM", "Medicine"]
    svg_texts = {t.strip() for t in await page.locator("#domain-chart svg text").all_text_contents()}
    assert not CODES & svg_texts, svg_texts  # no code stands for an area on the chart
    sizes = await page.evaluate("""() => {
        const body = getComputedStyle(document.body).fontSize;
        const texts = [...document.querySelectorAll("svg .tick, svg .axis-label, svg .bar-name")];
        return { body, sizes: [...new Set(texts.map((t) => getComputedStyle(t).fontSize))] };
    }""")
    assert sizes["sizes"] == [sizes["body"]], sizes
    kpis = await page.locator("#kpis").text_content()
    assert "Cut used" not in kpis and "equated 0" not in kpis
    cut = page.locator("#kpis .kpi", has_text="Cut score")
    text = await cut.text_content()
    assert "70.0 %" in text and "raw:" in text and "of 13 points" in text and "no calibration" in text, text
    await page.screenshot(path=str(artifact("admin-dashboard-readable.png")), full_page=True)


async def test_one_week_says_too_little_data_two_weeks_draw_a_band(stack, data, page):
    await open_dashboard(stack, page, "cpc-week")
    trend = page.locator("#trend-chart")
    assert "Too little data for a trend" in await trend.locator("figcaption").text_content()
    assert await trend.locator("polygon.band").count() == 0
    assert await trend.locator("rect.band").count() == 1  # the one week's interval
    assert await trend.locator("circle.dot").count() == 1
    await page.get_by_label("Blueprint", exact=True).select_option("cpc-two")
    await trend.locator("polygon.band").wait_for(state="attached")
    assert await trend.locator("circle.dot").count() == 2
    assert "Too little data" not in await trend.locator("figcaption").text_content()


async def test_item_quality_from_30_responses_links_each_item_and_calibrate_waits(stack, data, page):
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/items")
    await page.locator("body[data-loaded='true']").wait_for()
    assert await page.get_by_label("Minimum responses").input_value() == "30"
    admin = await stack.admin_token()
    status, stats = await stack.request("GET", "/api/stats/items?min_n=30", admin)
    assert status == 200
    rows = page.locator("#items-table tbody tr")
    assert await rows.count() == len(stats["items"]) > 0
    assert all(it["n"] >= 30 for it in stats["items"])
    # Every item id in the table is a link to the item's page.
    links = page.locator("#items-table tbody tr td:first-child a")
    assert await links.count() == await rows.count()
    hrefs = await links.evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"/instructor/items/{it['item_id']}" for it in stats["items"])
    # The calibration needs 200 attempts: the button says so and is disabled.
    button = page.get_by_role("button", name="Calibrate now")
    await page.locator("#calibrate-why", has_text="Needs 200 scored attempts").wait_for()
    assert await button.is_disabled()
    assert f"there are {data['n']}" in await page.locator("#calibrate-why").text_content()
    # One click from the table to the item.
    ours = page.locator(f"#items-table a[href='/instructor/items/{data['item_id']}']")
    await ours.click()
    await page.wait_for_url(f"{stack.base_url}/instructor/items/{data['item_id']}")
    await page.locator("#item-id", has_text=data["item_id"]).wait_for()


async def test_blueprints_list_areas_by_name(stack, data, page):
    await wait_for_bank(stack)
    name = "Names drill"
    status, bp = await stack.request(
        "POST", "/api/blueprints", await stack.admin_token(),
        json={"name": name, "time_limit_seconds": 1200, "cut_score_percent": 50,
              "domains": [{"code": "EM", "count": 6}, {"code": "ANES", "count": 4}, {"code": "ICD", "count": 2}]},
    )
    assert status == 201, bp
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/blueprints")
    row = page.locator("#blueprint-list tbody tr", has_text=name)
    await row.wait_for()
    cell = await row.locator("td").nth(4).text_content()
    assert "Evaluation and Management 6" in cell and "Anesthesia 4" in cell and "ICD-10-CM 2" in cell, cell
    assert not {"EM", "ANES", "ICD"} & set(cell.replace(",", " ").split()), cell
