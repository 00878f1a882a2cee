"""Instructors in a real browser: one writes an item and submits it for review,
a second approves it from the review queue, and it shows as approved in the list."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import Page, expect

from tests.e2e.conftest import MED_ITEM, artifact, make_instructor, ui_login


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_url(re.compile(r"/$"))


async def test_write_submit_approve_and_list(stack, page):
    author = await make_instructor(stack)
    reviewer = await make_instructor(stack)
    marker = uuid.uuid4().hex[:8]
    stem = f"A <b>bold</b> 30-year-old patient ({marker}) has a laceration repair. Which code set applies?"

    await ui_login(page, stack.base_url, *author)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    await page.get_by_role("link", name="New item").click()
    await page.wait_for_url(f"{stack.base_url}/instructor/items/new")
    await page.get_by_label("Domain").select_option("CPT-10000")
    await page.get_by_label("Question stem").fill(stem)
    for label, text in zip("ABCD", ("CPT", "ICD-10-PCS", "HCPCS Level II", "CDT"), strict=True):
        await page.get_by_label(f"Option {label}").fill(text)
    await page.get_by_label("A", exact=True).check()
    await page.get_by_label("Rationale").fill(
        "CPT reports the physician's repair; ICD-10-PCS is for inpatient "
        "procedures, HCPCS II for supplies and CDT for dental work."
    )
    await page.get_by_label("Tags").fill("repairs, e2e")
    # The live preview shows the stem as text, markup and all, as a candidate would see it.
    preview = page.locator("#preview .question-stem")
    await expect(preview).to_have_text(stem)
    await expect(page.locator("#preview b")).to_have_count(0)
    await page.screenshot(path=str(artifact("instructor-editor.png")), full_page=True)
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url(re.compile(r"/instructor/items/[0-9a-f-]{36}\?saved=1$"))
    item_id = page.url.split("/instructor/items/")[1].split("?")[0]
    await expect(page.locator("#item-head")).to_contain_text("draft")
    await page.get_by_role("button", name="Submit for review").click()
    await expect(page.locator("#item-head .status-badge")).to_have_text("in review")
    # The author cannot approve their own version.
    await expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    await log_out(page)

    await ui_login(page, stack.base_url, *reviewer)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    await page.get_by_role("link", name="Review queue").click()
    card = page.locator("section.panel", has_text=marker)
    await expect(card).to_be_visible()
    await card.get_by_role("button", name="Approve").click()
    await expect(card).to_contain_text("Approved")

    await page.goto(f"{stack.base_url}/instructor")
    await page.get_by_label("Text in question or options").fill(marker)
    await page.get_by_label("Status").select_option("approved")
    await page.get_by_role("button", name="Search").click()
    row = page.locator("#results tbody tr", has_text=marker)
    await expect(row).to_have_count(1)
    await expect(row.locator(".status-badge")).to_have_text("approved")
    await page.screenshot(path=str(artifact("instructor-list.png")), full_page=True)

    status, body = await stack.request("GET", f"/api/items/{item_id}", await stack.admin_token())
    assert status == 200 and body["status"] == "approved" and body["approved_version"] == 1
    assert body["stem"] == stem


async def test_field_errors_stats_panel_history_and_diff(stack, page):
    author = await make_instructor(stack)
    await ui_login(page, stack.base_url, *author)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    await page.goto(f"{stack.base_url}/instructor/items/new")
    await page.get_by_label("Question stem").fill("Too short")
    await page.get_by_label("Option A").fill("Same")
    await page.get_by_label("Option B").fill("same")
    await page.get_by_role("button", name="Save").click()
    # Each message sits next to its field, and the field is marked invalid.
    stem_error = page.locator("#stem + .field-error")
    await expect(stem_error).to_contain_text("at least 10 characters")
    await expect(page.locator("#opt-B + .field-error")).to_contain_text("repeats option A")
    await expect(page.locator("#opt-C + .field-error")).to_contain_text("empty")
    await expect(page.locator("#stem")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("fieldset[data-field='key'] + .field-error")).to_contain_text("A, B, C, D")
    await page.screenshot(path=str(artifact("instructor-field-errors.png")), full_page=True)

    # Write a valid item through the API, then edit it in the page: history and diff follow.
    token = await stack.login(*author)
    status, created = await stack.request(
        "POST",
        "/api/items",
        token,
        json=MED_ITEM,
    )
    assert status == 201, created
    await page.goto(f"{stack.base_url}/instructor/items/{created['id']}")
    await expect(page.locator("#stats")).to_have_text("No statistics yet.")
    await page.get_by_role("link", name="Edit").click()
    await page.wait_for_url(re.compile(r"/edit$"))
    await expect(page.get_by_label("Question stem")).to_have_value(created["stem"])
    await page.get_by_label("Question stem").fill(created["stem"].replace("in this case", "for this visit"))
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url(re.compile(r"\?saved=2$"))
    await expect(page.locator("#versions tbody tr")).to_have_count(2)
    await page.get_by_role("button", name="Show changes").click()
    await expect(page.locator("#diff del")).to_have_text(["in", "case?"])  # word by word
    await expect(page.locator("#diff ins")).to_have_text(["for", "visit?"])
    await expect(page.locator("#audit tbody tr")).to_have_count(2)
