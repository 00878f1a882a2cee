"""The item checks in a real browser: an instructor types an invalid ICD-10-CM code in an option and
sees the error beside that option while typing, before the item goes for review; a draft saved with
it is refused review until the code is fixed."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from tests.e2e.conftest import artifact, make_instructor, ui_login


async def test_invalid_icd_code_is_flagged_beside_its_option_before_review(stack, page):
    author = await make_instructor(stack)
    marker = uuid.uuid4().hex[:8]
    await ui_login(page, stack.base_url, *author)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    await page.goto(f"{stack.base_url}/instructor/items/new")
    await page.get_by_label("Domain").select_option("ICD")
    await page.get_by_label("Question stem").fill(
        f"A 62-year-old man whose diabetes is controlled by diet comes for his check ({marker}); no complications are "
        "found. Which ICD-10-CM code is reported?"
    )
    for label, text in zip("ABC", ("E11.9", "E11.8", "E10.9"), strict=True):
        await page.get_by_label(f"Option {label}").fill(text)
    await page.get_by_label("Option D").press_sequentially("E11.99")
    await page.get_by_label("A", exact=True).check()

    # The finding appears beside option D while the instructor is still in the editor.
    note = page.locator("#opt-D ~ .lint-note")
    await expect(note).to_have_text("Error: E11.99 is an unknown ICD-10-CM code")
    note_id = await note.get_attribute("id")
    assert note_id and note_id in (await page.locator("#opt-D").get_attribute("aria-describedby") or "")
    await expect(page.locator("#lint-summary")).to_contain_text(re.compile(r"^Checks: 1 error, \d+ warnings?\."))
    await expect(page.locator("#opt-A ~ .lint-note")).to_have_count(0)
    await page.screenshot(path=str(artifact("instructor-lint.png")), full_page=True)

    # Saved as a draft anyway, the item is refused review, naming the option.
    await page.get_by_label("Rationale").fill(
        "E11.9 is type 2 without complications; E11.8 needs a complication, E10.9 is type 1."
    )
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url(re.compile(r"/instructor/items/[0-9a-f-]{36}\?saved=1$"))
    await page.get_by_role("button", name="Submit for review").click()
    await expect(page.locator(".flash").first).to_contain_text("E11.99 is an unknown ICD-10-CM code")
    await expect(page.locator("#item-head .status-badge")).to_have_text("draft")

    # Fixed in the editor, the finding goes away and the item goes to review.
    await page.get_by_role("link", name="Edit").click()
    await page.wait_for_url(re.compile(r"/edit$"))
    await expect(page.locator("#opt-D ~ .lint-note")).to_have_count(1)
    await page.get_by_label("Option D").fill("E11.65")
    await expect(page.locator("#opt-D ~ .lint-note")).to_have_count(0)
    await expect(page.locator("#lint-summary")).to_have_text("Checks: nothing to report.")
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url(re.compile(r"\?saved=2$"))
    await page.get_by_role("button", name="Submit for review").click()
    await expect(page.locator("#item-head .status-badge")).to_have_text("in review")
