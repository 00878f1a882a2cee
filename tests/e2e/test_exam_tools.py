"""The question tools in a real browser: an option struck out (mouse and keyboard), a word of the
stem highlighted, a note written; after a reload, and on another device (a second browser
context), all three are back; a change made offline is sent when the connection returns; a
blueprint without the code book shows no Code book button."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from playwright.async_api import Browser, Page, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import ADMIN_PASSWORD, Stack, start_stack

# Select the first word of four letters or more in the stem (as a drag of the mouse would) and
# return it with its offsets in the stem's text.
SELECT_A_WORD = """() => {
  const stem = document.getElementById("stem");
  const node = stem.firstChild;
  const m = /[A-Za-z]{4,}/.exec(node.textContent);
  const range = document.createRange();
  range.setStart(node, m.index);
  range.setEnd(node, m.index + m[0].length);
  const sel = document.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return [m[0], m.index];
}"""


@pytest.fixture(scope="module")
async def tstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


async def _blueprint(stack: Stack, **extra) -> str:
    status, bp = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json={
        "name": f"Tools drill {uuid.uuid4().hex[:6]}", "time_limit_seconds": 3600, "cut_score_percent": 50,
        "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}], **extra})
    assert status == 201, bp
    return str(bp["id"])


async def _sit(stack: Stack, page: Page, blueprint_id: str) -> tuple[str, str, str, str]:
    """A new candidate logged in on `page` with an attempt open on screen: (token, attempt, username, password)."""
    _, username, password = await stack.new_account("candidate", display_name="Pat Tools")
    token = await stack.login(username, password)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    await page.goto(f"{stack.base_url}/exam/attempts/{started['id']}")
    await _showing(page, 1)
    return token, str(started["id"]), username, password


async def _showing(page: Page, position: int) -> None:
    await expect(page.locator("#q-heading")).to_have_text(f"Question {position} of 4")
    await expect(page.locator(f'#options[data-position="{position}"] input')).to_have_count(4)


async def _server_tools(stack: Stack, token: str, attempt: str, position: int, expected: dict) -> None:
    """Wait until the server holds these tools for the question."""
    for _ in range(150):
        status, q = await stack.request("GET", f"/api/attempts/{attempt}/questions/{position}", token)
        assert status == 200, q
        if all(q["tools"][k] == v for k, v in expected.items()):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the server never held {expected}: {q['tools']}")


async def _all_three_back(page: Page, word: str, note: str) -> None:
    """Option B struck out, the word highlighted, the note there: as they were left."""
    await _showing(page, 1)
    option_b = page.locator("#options li").nth(1)
    await expect(option_b).to_have_class("tool-option struck")
    await expect(option_b.get_by_role("radio")).to_have_accessible_name(re.compile(r"^B\. .*\(struck out\)$"))
    await expect(page.locator("#stem mark")).to_have_text([word])
    await expect(page.locator("#note-flag")).to_have_text(" (written)")
    await page.locator("#question-note summary").click()
    await expect(page.get_by_label("Your note on this question")).to_have_value(note)


async def test_tools_survive_a_reload_and_follow_the_candidate_to_another_device(tstack, page: Page, browser: Browser,
                                                                                 axe):
    stack = tstack
    blueprint = await _blueprint(stack)
    token, attempt, username, password = await _sit(stack, page, blueprint)
    await expect(page.get_by_role("button", name="Code book", exact=True)).to_be_visible()
    tools = page.get_by_role("group", name="Question tools")
    status_line = page.locator("#tools-status")

    # Strike out: the mode shows a button on each option; it toggles a line through the option,
    # which stays selectable.
    mode = tools.get_by_role("button", name="Strike out")
    await expect(mode).to_have_attribute("aria-pressed", "false")
    await expect(page.get_by_role("button", name="Strike out option B")).to_be_hidden()
    await mode.click()
    await expect(mode).to_have_attribute("aria-pressed", "true")
    strike_b = page.get_by_role("button", name="Strike out option B")
    await strike_b.click()
    await expect(strike_b).to_have_attribute("aria-pressed", "true")
    await expect(status_line).to_have_text("Option B struck out.")
    option_b = page.locator("#options li").nth(1)
    await expect(option_b).to_have_class("tool-option struck")
    assert "line-through" in await option_b.locator("label > span").evaluate(
        "(e) => getComputedStyle(e).textDecorationLine")
    # By keyboard: Enter on C's button strikes it, Enter again takes the line off.
    strike_c = page.get_by_role("button", name="Strike out option C")
    await strike_c.focus()
    await page.keyboard.press("Enter")
    await expect(strike_c).to_have_attribute("aria-pressed", "true")
    await page.keyboard.press("Enter")
    await expect(strike_c).to_have_attribute("aria-pressed", "false")
    await expect(status_line).to_have_text("Option C no longer struck out.")
    # A struck option can still be chosen.
    await option_b.get_by_role("radio").check()
    await expect(option_b.get_by_role("radio")).to_be_checked()

    # Highlight: select a word of the stem, press Highlight.
    await tools.get_by_role("button", name="Highlight", exact=True).click()
    await expect(status_line).to_have_text("Select words in the question first, then press Highlight.")
    word, start = await page.evaluate(SELECT_A_WORD)
    await tools.get_by_role("button", name="Highlight", exact=True).click()
    await expect(page.locator("#stem mark")).to_have_text([word])
    await expect(status_line).to_have_text(f"Highlighted: {word}")
    stem = await page.locator("#stem").text_content()

    # A note, in a disclosure, saved after typing stops.
    await page.locator("#question-note summary").click()
    note = "Modifier 50? Check the bilateral rule — ✓"
    await page.get_by_label("Your note on this question").fill(note)
    await expect(page.locator("#note-state")).to_have_text("Note saved.")

    await _server_tools(stack, token, attempt, 1, {
        "struck": ["B"], "highlights": [{"start": start, "end": start + len(word)}], "note": note})
    await axe(page, "exam-tools")
    await page.screenshot(path=str(artifact("exam-tools.png")), full_page=True)

    # Another question has its own (empty) tools; coming back shows question 1's again.
    await page.get_by_role("button", name="Next").click()
    await _showing(page, 2)
    await expect(page.locator("#stem mark")).to_have_count(0)
    await expect(page.locator("#options li.struck")).to_have_count(0)
    await expect(page.locator("#note-flag")).to_have_text("")
    await page.get_by_role("button", name="Previous").click()
    await _showing(page, 1)
    await expect(page.locator("#stem mark")).to_have_text([word])
    assert await page.locator("#stem").text_content() == stem  # the marks never change the text

    # Reload: all three are back.
    await page.reload()
    await _all_three_back(page, word, note)

    # Another device: a second browser context, logged in afresh.
    other = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        device = await other.new_page()
        errors: list[str] = []
        device.on("pageerror", lambda exc: errors.append(str(exc)))
        await ui_login(device, stack.base_url, username, password)
        await device.wait_for_url(f"{stack.base_url}/exam")
        await device.goto(f"{stack.base_url}/exam/attempts/{attempt}")
        await _all_three_back(device, word, note)
        # There, the highlights are cleared and the note changed ...
        await device.get_by_role("button", name="Clear highlights").click()
        await expect(device.locator("#stem mark")).to_have_count(0)
        await device.get_by_label("Your note on this question").fill("Changed on the tablet")
        await expect(device.locator("#note-state")).to_have_text("Note saved.")
        await _server_tools(stack, token, attempt, 1, {"highlights": [], "note": "Changed on the tablet"})
        assert not errors, errors
    finally:
        await other.close()
    # ... and the first device sees that after a reload.
    await page.reload()
    await _showing(page, 1)
    await expect(page.locator("#stem mark")).to_have_count(0)
    await expect(page.locator("#options li.struck")).to_have_count(1)
    await page.locator("#question-note summary").click()
    await expect(page.get_by_label("Your note on this question")).to_have_value("Changed on the tablet")


async def test_a_strike_made_offline_is_sent_when_the_connection_returns(tstack, page: Page, context):
    stack = tstack
    token, attempt, _, _ = await _sit(stack, page, await _blueprint(stack))
    await page.get_by_role("group", name="Question tools").get_by_role("button", name="Strike out").click()
    await context.set_offline(True)
    await page.get_by_role("button", name="Strike out option D").click()
    await expect(page.locator("#options li").nth(3)).to_have_class("tool-option struck")
    await page.locator("#question-note summary").click()
    await page.get_by_label("Your note on this question").fill("written offline")
    await expect(page.locator("#note-state")).to_have_text("Not saved yet: kept in this browser, retrying…")
    status, q = await stack.request("GET", f"/api/attempts/{attempt}/questions/1", token)
    assert q["tools"]["struck"] == [] and q["tools"]["note"] == ""
    await context.set_offline(False)
    await _server_tools(stack, token, attempt, 1, {"struck": ["D"], "note": "written offline"})
    await expect(page.locator("#note-state")).to_have_text("Note saved.")

    # At 390 px the tools fit: no sideways scrolling, the strike buttons beside their options.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.evaluate(SELECT_A_WORD)
    await page.get_by_role("group", name="Question tools").get_by_role("button", name="Highlight", exact=True).click()
    await expect(page.locator("#stem mark")).to_have_count(1)
    assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    box = await page.get_by_role("button", name="Strike out option D").bounding_box()
    assert box and box["x"] + box["width"] <= 390
    await page.screenshot(path=str(artifact("exam-tools-390.png")), full_page=True)


async def test_a_blueprint_without_the_code_book_shows_no_code_book_button(tstack, page: Page, browser: Browser):
    stack = tstack
    # The admin switches the code book off on the blueprints page.
    name = f"No code book {uuid.uuid4().hex[:6]}"
    other = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        admin = await other.new_page()
        await ui_login(admin, stack.base_url, "admin", ADMIN_PASSWORD)
        await admin.wait_for_url(re.compile(r".*/admin.*"))
        await admin.goto(f"{stack.base_url}/admin/blueprints")
        form = admin.locator("#blueprint-form")
        await form.get_by_label("Name", exact=True).fill(name)
        await form.get_by_label("Time limit (minutes)").fill("60")
        await form.locator('#b-domains input[data-code="EM"]').fill("2")
        await form.locator('#b-domains input[data-code="ICD"]').fill("2")
        switch = form.get_by_label("Candidates may open the code book (ICD-10-CM, HCPCS) during the exam")
        await expect(switch).to_be_checked()
        await switch.uncheck()
        await form.get_by_role("button", name="Create blueprint").click()
        await expect(admin.locator("#flash")).to_contain_text(f"Blueprint {name} created.")
        await expect(admin.locator("#blueprint-list tr", has_text=name)).to_contain_text("off")
    finally:
        await other.close()
    status, listed = await stack.request("GET", "/api/blueprints", await stack.admin_token())
    [bp] = [b for b in listed if b["name"] == name]
    assert bp["code_book"] is False

    await _sit(stack, page, bp["id"])
    tools = page.get_by_role("group", name="Question tools")
    await expect(tools.get_by_role("button", name="Strike out")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await expect(page.get_by_role("button", name="Code book", exact=True)).to_have_count(0)
    await expect(page.locator("#codebook-host")).to_have_attribute("data-codebook", "off")
