"""The admin's pages as a newcomer meets them, in a real browser, with only a few attempts scored:
on a 390 px phone the dashboard and the users page stay as wide as the screen (charts scale, wide
tables scroll sideways in their own box); at 1366 px the blueprint picker, the role selects and the
numbers of the half-width tables are not cut or wrapped; the item quality table says why it is empty
and offers to lower the minimum; a result's times are rounded to minutes before hours."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator

import numpy as np
import pytest
from playwright.async_api import Browser, Page, expect

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from shared.auth import issue_service_token
from tests.e2e.conftest import artifact, ui_login
from tests.support import ADMIN_PASSWORD, TEST_EVENT_SIGNING_KEY, Stack, start_stack

pytestmark = pytest.mark.e2e

COUNTS = {"EM": 6, "ANES": 4, "CPT-10000": 6, "RAD": 4, "ICD": 6, "HCPCS": 4}
ATTEMPTS = 12
FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"
# The elements wider than the screen, to name in a failure.
WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.parentElement.closest(".table-wrap"))
  .slice(0, 8)
  .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
async def simulated(stack: Stack) -> int:
    """A handful of attempts, one a week, under a blueprint whose name is long."""
    rng = np.random.default_rng(3)
    bank = synthetic_bank(rng, {code: 3 * n for code, n in COUNTS.items()})
    name = "CPC-style 100 (current form, 2026 code set)"
    factory = EventFactory(bank, COUNTS, blueprint_id="cpc-100", blueprint_name=name)
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    events = [
        factory.event(rng, float(rng.normal(0.3, 1.0)), group="weekday", submitted_at=start + dt.timedelta(days=7 * i))
        for i in range(ATTEMPTS)
    ]
    token = issue_service_token(stack.settings["exam-delivery"])
    await post_events(stack.session, stack.urls["scoring"], token, events, signing_key=TEST_EVENT_SIGNING_KEY)
    admin = await stack.admin_token()
    for _ in range(200):
        status, body = await stack.request("GET", "/api/stats/blueprints", admin)
        if body.get("n_attempts") == len(events):
            break
        await asyncio.sleep(0.05)
    assert body["n_attempts"] == len(events)
    return len(events)


async def _admin_page(stack: Stack, browser: Browser, width: int, height: int):
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    return context, page


async def _fits(page: Page, name: str) -> None:
    await page.screenshot(path=str(artifact(f"admin-390-{name}.png")), full_page=True)
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    wide = await page.evaluate(WIDE)
    assert await page.evaluate(FITS), f"{name}: the page is {width} px wide on a 390 px screen: {wide}"


async def test_admin_pages_fit_a_phone(stack, simulated, browser: Browser):
    context, page = await _admin_page(stack, browser, 390, 844)
    try:
        await page.locator("body[data-loaded='true']").wait_for()
        await expect(page.locator("#trend-chart svg").first).to_be_visible()
        await _fits(page, "dashboard")
        await page.goto(f"{stack.base_url}/admin/users")
        await page.locator("body[data-loaded='true']").wait_for()
        await expect(page.locator("#user-list tbody tr").first).to_be_visible()
        await _fits(page, "users")
        # The table scrolls in its own box, which a keyboard can reach and a screen reader names.
        box = page.locator("#user-list")
        assert await box.get_attribute("tabindex") == "0"
        assert await box.get_attribute("role") == "region" and await box.get_attribute("aria-label")
        assert await box.evaluate("(e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'")
    finally:
        await context.close()


async def test_wide_screen_selects_and_numbers_are_not_cut(stack, simulated, browser: Browser):
    context, page = await _admin_page(stack, browser, 1366, 768)
    try:
        await page.locator("body[data-loaded='true']").wait_for()
        # The blueprint picker shows its whole longest option.
        picker = page.locator("#f-blueprint")
        assert await picker.evaluate("(s) => s.scrollWidth <= s.clientWidth"), "the blueprint select is cut"
        assert await picker.evaluate(
            "(s) => { const c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(s).font;"
            " return Math.max(...[...s.options].map((o) => c.measureText(o.text).width)) < s.clientWidth; }"
        ), "the blueprint select is narrower than its options"
        # Percentages in the tables stay on one line.
        cells = page.locator("td.num")
        await expect(page.locator("#blueprints-table td.num").first).to_be_visible()
        wrapped = await cells.evaluate_all(
            "(cs) => cs.filter((c) => {"
            " if (!/%/.test(c.textContent) || c.querySelector('*') || !c.getClientRects().length) return false;"
            " const r = document.createRange(); r.selectNodeContents(c);"
            " return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1; })"
            ".map((c) => c.textContent)"
        )
        assert not wrapped, f"numbers wrapped: {wrapped}"
        assert await cells.evaluate_all("(cs) => cs.every((c) => getComputedStyle(c).whiteSpace === 'nowrap')")
        await page.goto(f"{stack.base_url}/admin/users")
        await page.locator("body[data-loaded='true']").wait_for()
        selects = page.locator("#user-list select[data-field='role']")
        await expect(selects.first).to_be_visible()
        cut = await selects.evaluate_all(
            "(ss) => ss.filter((s) => { const c = document.createElement('canvas').getContext('2d');"
            " c.font = getComputedStyle(s).font;"
            " return c.measureText(s.options[s.selectedIndex].text).width + 16 > s.clientWidth; })"
            ".map((s) => `${s.value} in ${s.clientWidth} px`)"
        )
        assert not cut, f"role selects cut: {cut}"
    finally:
        await context.close()


async def test_item_quality_says_why_it_is_empty_and_offers_a_lower_minimum(stack, simulated, page: Page):
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/items")
    await page.locator("body[data-loaded='true']").wait_for()
    admin = await stack.admin_token()
    status, out = await stack.request("GET", "/api/stats/items?min_n=1", admin)
    assert status == 200 and out["items"]
    most = max(it["n"] for it in out["items"])
    assert most < 30
    table = page.locator("#items-table")
    await expect(table).to_contain_text(f"No item has 30 responses yet (the most any has is {most})")
    await expect(table).to_contain_text(f"{len(out['items'])} item versions have fewer than 30 responses")
    assert "Nothing to show yet" not in (await table.text_content() or "")
    await table.get_by_role("button", name=f"Show items with at least {most} responses").click()
    await expect(page.get_by_label("Minimum responses")).to_have_value(str(most))
    await expect(page.locator("#items-table tbody tr").first).not_to_contain_text("No item has")
    shown = sum(1 for it in out["items"] if it["n"] >= most)
    await expect(page.locator("#items-table tbody tr")).to_have_count(shown)


async def test_result_times_round_to_minutes_before_hours(stack, page: Page):
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    said = await page.evaluate(
        "import('/static/scoring/result.js').then((m) => [m.span(14385), m.span(3599.6), m.span(3690), m.span(45)])"
    )
    assert said == ["4 h", "1 h", "1 h 2 min", "45 s"], said
    assert not any(re.search(r"\b60 min", s) for s in said)
