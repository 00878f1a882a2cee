"""The open code book in the exam screen, in a real browser: a candidate in an open attempt
opens it, finds E11.9 from "type 2 diabetes" and reads it, reads the 7th-character table of an
S code, switches to HCPCS with the keyboard, sees that the CPT tab shows nothing of CPT, and
closes it with Esc; keys typed in the panel never answer the question; at 390 px it is a
full-screen sheet without horizontal scrolling."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Browser, Page, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import start_stack


@pytest.fixture(scope="module")
async def cstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        status, bp = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json={
            "name": f"Code book drill {uuid.uuid4().hex[:6]}", "time_limit_seconds": 1800, "cut_score_percent": 50,
            "domains": [{"code": "ICD", "count": 2}, {"code": "HCPCS", "count": 2}],
        })
        assert status == 201, bp
        stack.settings["drill"] = bp["id"]  # type: ignore[assignment]
        yield stack


async def open_attempt(stack, page: Page) -> str:
    """A new candidate, logged in in the browser, on the exam screen of an attempt just started."""
    _, username, password = await stack.new_account("candidate")
    token = await stack.login(username, password)
    status, attempt = await stack.request("POST", "/api/attempts", token,
                                          json={"blueprint_id": stack.settings["drill"]})
    assert status == 201, attempt
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(re.compile(r".*/exam$"))
    await page.goto(f"{stack.base_url}/exam/attempts/{attempt['id']}")
    await expect(page.locator("#options input").first).to_be_visible()
    return str(attempt["id"])


async def test_candidate_searches_reads_codes_and_closes_the_code_book(cstack, page: Page):
    await open_attempt(cstack, page)
    opener = page.get_by_role("button", name="Code book", exact=True)
    await expect(opener).to_have_attribute("aria-expanded", "false")
    await opener.click()
    panel = page.get_by_role("dialog", name="Code book")
    await expect(panel).to_be_visible()
    await expect(opener).to_have_attribute("aria-expanded", "true")
    search = panel.get_by_role("searchbox", name="Search ICD-10-CM")
    await expect(search).to_be_focused()
    await expect(panel).to_contain_text("ICD-10-CM 2026")

    # Words find the code.
    await search.fill("type 2 diabetes")
    await search.press("Enter")
    hits = panel.locator(".codebook-hit")
    await expect(panel.get_by_role("status")).to_contain_text("found for “type 2 diabetes”")
    top = [await hits.nth(i).get_attribute("data-code") for i in range(5)]
    assert "E11.9" in top, top
    e119 = panel.locator('.codebook-hit[data-code="E11.9"]')
    await expect(e119).to_contain_text("Type 2 diabetes mellitus without complications")
    await expect(e119).to_contain_text("Billable")

    # A key typed on a result is the code book's, not the exam's shortcut (A-D answer, N next).
    await e119.focus()
    for key in ("a", "n", "f"):
        await page.keyboard.press(key)
    await expect(page.locator("#options input:checked")).to_have_count(0)
    await expect(page.locator("#flag")).to_have_attribute("aria-pressed", "false")

    # The code's page: title, place in the tabular list, the category's notes that apply.
    await page.keyboard.press("Enter")
    heading = panel.get_by_role("heading", name=re.compile(r"^E11\.9 Type 2 diabetes mellitus without complications"))
    await expect(heading).to_be_visible()
    await expect(heading).to_be_focused()
    await expect(panel.get_by_role("navigation", name="Place in the tabular list")).to_contain_text("E08-E13")
    inherited = panel.get_by_role("region", name="Notes at E11")
    await expect(inherited).to_contain_text("Excludes1")
    await expect(inherited).to_contain_text("type 1 diabetes mellitus (E10.-)")
    await expect(inherited).to_contain_text("Use additional code")
    await page.screenshot(path=str(artifact("code-book-e11.9.png")))
    await panel.get_by_role("button", name="Back to the results").click()
    await expect(e119).to_be_focused()

    # An S code: the 7th-character table, written at the category and shown at the code.
    await search.fill("S72.001")
    await search.press("Enter")
    first = hits.first
    await expect(first).to_have_attribute("data-code", "S72.001")
    await first.click()
    table = panel.get_by_role("table")
    await expect(table).to_be_visible()
    await expect(panel.get_by_role("heading", name="7th characters (written at S72)")).to_be_visible()
    rows = table.locator("tbody tr")
    expected = {"A": "initial encounter for closed fracture", "B": "initial encounter for open fracture type I or II",
                "C": "initial encounter for open fracture type IIIA", "D": "subsequent encounter for closed fracture"}
    for i, (char, meaning) in enumerate(expected.items()):
        await expect(rows.nth(i).locator("th")).to_have_text(char)
        await expect(rows.nth(i).locator("td")).to_contain_text(meaning)
    await expect(rows.last.locator("th")).to_have_text("S")
    await page.screenshot(path=str(artifact("code-book-s72.001.png")))

    # HCPCS by the keyboard: arrow keys move along the tabs.
    icd_tab = panel.get_by_role("tab", name="ICD-10-CM")
    await icd_tab.focus()
    await page.keyboard.press("ArrowRight")
    hcpcs_tab = panel.get_by_role("tab", name="HCPCS")
    await expect(hcpcs_tab).to_be_focused()
    await expect(hcpcs_tab).to_have_attribute("aria-selected", "true")
    hsearch = panel.get_by_role("searchbox", name="Search HCPCS Level II")
    await hsearch.fill("vitamin b-12")
    await hsearch.press("Enter")
    await expect(hits.first).to_have_attribute("data-code", "J3420")
    await hits.first.click()
    await expect(panel.get_by_role("heading", name=re.compile(r"^J3420 "))).to_contain_text("1,000 mcg")

    # CPT: only the word that the manual is the candidate's own; no search, no code, no descriptor.
    cpt_tab = panel.get_by_role("tab", name="CPT")
    await cpt_tab.click()
    await expect(cpt_tab).to_have_attribute("aria-selected", "true")
    tabpanel = panel.get_by_role("tabpanel")
    await expect(tabpanel).to_contain_text("The CPT manual is your own")
    await expect(panel.get_by_role("searchbox")).to_have_count(0)
    await expect(tabpanel.locator(".codebook-hit, .codebook-detail:not([hidden])")).to_have_count(0)
    text = await tabpanel.inner_text()
    assert not re.search(r"\b\d{4}[0-9FTU]\b", text), text  # no CPT code, hence no descriptor

    # Esc closes it and gives focus back to the button.
    await page.keyboard.press("Escape")
    await expect(panel).to_be_hidden()
    await expect(opener).to_be_focused()
    await expect(opener).to_have_attribute("aria-expanded", "false")


async def test_the_code_book_is_a_full_screen_sheet_at_390_px(cstack, browser: Browser):
    ctx = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await open_attempt(cstack, page)
        await page.get_by_role("button", name="Code book", exact=True).click()
        panel = page.get_by_role("dialog", name="Code book")
        await expect(panel).to_be_visible()
        search = panel.get_by_role("searchbox", name="Search ICD-10-CM")
        await search.fill("S52.5")
        await search.press("Enter")
        await panel.locator('.codebook-hit[data-code="S52.50"]').click()
        await expect(panel.get_by_role("table")).to_be_visible()
        box = await panel.bounding_box()
        assert box is not None and box["x"] == 0 and box["width"] == 390, box
        assert await page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
        assert await panel.evaluate("el => el.scrollWidth <= el.clientWidth")
        await page.screenshot(path=str(artifact("code-book-390.png")))
        await panel.get_by_role("button", name="Close the code book").click()
        await expect(panel).to_be_hidden()
    finally:
        await ctx.close()
    assert not errors, errors


async def test_a_full_page_of_results_says_there_are_more(cstack, page: Page):
    """"type 2 diabetes" has far more codes than the 25 shown: the count says so, never "25 codes found"."""
    await open_attempt(cstack, page)
    await page.get_by_role("button", name="Code book", exact=True).click()
    panel = page.get_by_role("dialog", name="Code book")
    search = panel.get_by_role("searchbox", name="Search ICD-10-CM")
    await search.fill("type 2 diabetes")
    await search.press("Enter")
    await expect(panel.get_by_role("status")).to_have_text(
        "More than 25 codes found for “type 2 diabetes”: the 25 closest are shown. "
        "Add words, or type more of the code.")
    await expect(panel.locator(".codebook-hit")).to_have_count(25)
    # A search with fewer codes than that counts them.
    await search.fill("E11.9")
    await search.press("Enter")
    await expect(panel.get_by_role("status")).to_have_text("1 code found for “E11.9”.")
    await expect(panel.locator(".codebook-hit")).to_have_count(1)
