"""The instructors' pages as a newcomer meets them, in a real browser: on a 390 px phone the item list
with its results and a bulk report and an item's page (statistics, versions, audit trail) keep the
page itself as wide as the screen, their wide tables scrolling sideways inside their own box; the
search box's own examples find items in the sample bank."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, make_instructor, ui_login
from tests.support import start_stack

FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
async def nstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


async def _fits(page: Page, name: str) -> None:
    await page.screenshot(path=str(artifact(f"instructor-390-{name}.png")), full_page=True)
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert await page.evaluate(FITS), f"{name}: the page is {width} px wide on a 390 px screen"


async def test_instructor_pages_fit_a_phone(nstack, browser: Browser):
    stack = nstack
    username, password = await make_instructor(stack)
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await ui_login(page, stack.base_url, username, password)
        await page.wait_for_url(f"{stack.base_url}/instructor")
        rows = page.locator("#results tbody tr")
        await expect(rows.first).to_be_visible()
        await _fits(page, "list")

        # A bulk action's report under the list (sample items are approved: each is refused, with its reason).
        await rows.first.locator("input[type=checkbox]").check()
        await page.locator("#bulk-bar").get_by_role("button", name="Send for review").click()
        await expect(page.locator("#bulk-report table")).to_be_visible()
        await _fits(page, "bulk-report")

        # An item's page: statistics, version history and audit trail are tables.
        await rows.first.locator("a.item-id").click()
        await page.wait_for_url(f"{stack.base_url}/instructor/items/*")
        await expect(page.locator("#versions table")).to_be_visible()
        await expect(page.locator("#audit table")).to_be_visible()
        await _fits(page, "item")
        assert not errors, errors
    finally:
        await context.close()


async def test_the_search_examples_find_items_in_the_sample_bank(nstack, page: Page):
    """Each example the search box offers (a word, two codes) finds something in the sample bank."""
    stack = nstack
    username, password = await make_instructor(stack)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    box = page.get_by_label("Text in question or options")
    placeholder = await box.get_attribute("placeholder")
    assert placeholder and placeholder.startswith("e.g. "), placeholder
    examples = [e.strip() for e in placeholder.removeprefix("e.g. ").split(",")][:3]  # the last is "an item id"
    for example in examples:
        await page.goto(f"{stack.base_url}/instructor?q={quote(example)}")  # the filters live in the address
        await expect(box).to_have_value(example)
        count = page.locator("#result-count")
        await expect(count).to_have_text(re.compile(r"^\d+ items? match"))
        assert not (await count.text_content() or "").startswith("0 "), f"the example {example!r} finds nothing"
        await expect(page.locator("#results tbody tr").first).to_be_visible()


async def test_the_rollover_page_counts_in_words(nstack, page: Page):
    stack = nstack
    username, password = await make_instructor(stack)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    await page.goto(f"{stack.base_url}/instructor/rollover")
    intro = page.locator("#rollover-intro")
    await expect(intro).to_have_text(re.compile(r"^0 approved items in service were written for a code set older than"))
    assert "(s)" not in (await intro.text_content() or "")
