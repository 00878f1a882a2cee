"""The instructors' other pages in a real browser: the import row report, sending a
version back from the review queue with a comment, the code-set rollover view, and
writing and submitting an item with the keyboard alone."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.conftest import artifact, make_instructor, ui_login


def item(marker: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "HCPCS",
        "stem": f"Which HCPCS Level II code reports a standard adjustable cane? [{marker}]",
        "options": [
            {"label": "A", "text": "E0100"},
            {"label": "B", "text": "E0105"},
            {"label": "C", "text": "E0110"},
            {"label": "D", "text": "E0130"},
        ],
        "key": "A",
        "rationale": "E0100 is a cane; E0105 a quad cane, E0110 forearm crutches and E0130 a rigid walker.",
        "tags": ["dme"],
        "references": ["HCPCS Level II, E codes"],
    }
    body.update(overrides)
    return body


async def approved_item(stack, author: tuple[str, str], reviewer: tuple[str, str], body: dict[str, Any]) -> str:
    author_token, reviewer_token = await stack.login(*author), await stack.login(*reviewer)
    status, created = await stack.request("POST", "/api/items", author_token, json=body)
    assert status == 201, created
    for token, to in ((author_token, "in_review"), (reviewer_token, "approved")):
        status, moved = await stack.request(
            "POST", f"/api/items/{created['id']}/transitions", token, json={"to": to}
        )
        assert status == 200, moved
    return str(created["id"])


async def login_as(page: Page, stack, who: tuple[str, str]) -> None:
    await ui_login(page, stack.base_url, *who)
    await page.wait_for_url(f"{stack.base_url}/instructor")


async def test_import_page_reports_created_and_refused_rows(stack, page):
    author = await make_instructor(stack)
    marker = uuid.uuid4().hex[:8]
    rows = [
        item(f"{marker}-1"),
        item(f"{marker}-2", domain="NOPE"),
        item(f"{marker}-3", key="B"),
        item(f"{marker}-4", references=["HCPCS Level II\x00 E codes"]),
    ]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in rows) + b"{not json\n"

    await login_as(page, stack, author)
    await page.goto(f"{stack.base_url}/instructor/import")
    await expect(page.locator("#report")).to_have_text("No import yet.")
    await page.get_by_label("File (").set_input_files(
        files=[{"name": "mixed.jsonl", "mimeType": "application/x-ndjson", "buffer": data}]
    )
    await page.get_by_role("button", name="Import").click()
    report = page.locator("#report")
    await expect(report).to_contain_text("2 created, 3 refused.")
    table = report.get_by_role("table", name="Refused rows")
    await expect(table.locator("tbody tr")).to_have_count(3)
    await expect(table.locator("tbody tr td:first-child")).to_have_text(["2", "4", "5"])
    await expect(table.locator("tbody tr").nth(0)).to_contain_text("domain: unknown domain 'NOPE'")
    await expect(table.locator("tbody tr").nth(1)).to_contain_text(
        "references[0]: must not contain the NUL character"
    )
    await expect(table.locator("tbody tr").nth(2)).to_contain_text("body:")
    await expect(page.locator("#flash")).to_contain_text("Import finished: 2 created, 3 refused.")
    await page.screenshot(path=str(artifact("instructor-import-report.png")), full_page=True)

    # The good rows are drafts, linked from the report.
    await report.get_by_role("link", name="See the new drafts").click()
    await page.wait_for_url(re.compile(r"/instructor\?status=draft$"))
    await page.get_by_label("Text in question or options").fill(marker)
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#results tbody tr", has_text=marker)).to_have_count(2)


async def test_review_queue_sends_back_with_a_comment_kept_in_the_audit_trail(stack, page):
    author = await make_instructor(stack)
    reviewer = await make_instructor(stack)
    marker = uuid.uuid4().hex[:8]
    author_token = await stack.login(*author)
    status, created = await stack.request("POST", "/api/items", author_token, json=item(marker))
    assert status == 201, created
    status, _ = await stack.request(
        "POST", f"/api/items/{created['id']}/transitions", author_token, json={"to": "in_review"}
    )
    assert status == 200
    comment = f"Option B is also a cane code; make the stem name the cane type ({marker})."

    await login_as(page, stack, reviewer)
    await page.goto(f"{stack.base_url}/instructor/review")
    card = page.locator("section.panel", has_text=marker)
    await expect(card).to_be_visible()
    # Sending back needs a reason: the error sits next to the comment box.
    await card.get_by_role("button", name="Send back to draft").click()
    await expect(card.locator("textarea + .field-error")).to_contain_text("a comment is required")
    await card.get_by_label("Comment (required to send back)").fill(comment)
    await card.get_by_role("button", name="Send back to draft").click()
    await expect(card).to_contain_text("Sent back to draft")
    await card.get_by_role("link", name=re.compile(r"HCPCS Level II v1")).click()
    await page.wait_for_url(f"{stack.base_url}/instructor/items/{created['id']}")

    await expect(page.locator("#item-head .status-badge")).to_have_text("draft")
    sent_back = page.locator("#audit tbody tr", has_text="in review → draft")
    await expect(sent_back).to_have_count(1)
    await expect(sent_back).to_contain_text(comment)
    await expect(sent_back).to_contain_text(reviewer[0])
    await page.screenshot(path=str(artifact("instructor-sent-back.png")), full_page=True)


async def test_rollover_page_lists_approved_items_of_an_older_code_set(stack, page):
    author = await make_instructor(stack)
    reviewer = await make_instructor(stack)
    marker = uuid.uuid4().hex[:8]
    current = stack.settings["item-bank"].current_code_set_year
    old_id = await approved_item(stack, author, reviewer, item(f"{marker} old", code_set_year=current - 2))
    await approved_item(stack, author, reviewer, item(f"{marker} new", code_set_year=current))

    await login_as(page, stack, reviewer)
    await page.goto(f"{stack.base_url}/instructor/rollover")
    await expect(page.locator("#rollover-intro")).to_contain_text(f"older than {current}")
    row = page.locator("#rollover tbody tr", has_text=f"{marker} old")
    await expect(row).to_have_count(1)
    await expect(row.locator("td")).to_have_text(
        [old_id[:8], re.compile(marker), "HCPCS Level II", str(current - 2), "v1"]
    )
    await expect(page.locator("#rollover tbody tr", has_text=f"{marker} new")).to_have_count(0)
    await page.screenshot(path=str(artifact("instructor-rollover.png")), full_page=True)
    await row.get_by_role("link", name=re.compile(marker)).click()
    await page.wait_for_url(f"{stack.base_url}/instructor/items/{old_id}")
    await page.go_back()
    await page.locator("#rollover tbody tr", has_text=f"{marker} old").locator("a.item-id").click()
    await page.wait_for_url(f"{stack.base_url}/instructor/items/{old_id}")


async def focused(page: Page) -> str:
    return str(await page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))


async def tab_to(page: Page, target: str, limit: int = 40) -> None:
    """Press Tab until the element with this id (or text) has the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await focused(page) == target:
            return
    raise AssertionError(f"Tab never reached {target!r}")


async def test_keyboard_only_write_save_and_submit_for_review(stack, page):
    author = await make_instructor(stack)
    marker = uuid.uuid4().hex[:8]
    stem = f"Which CPT section reports immunization administration for this visit? [{marker}]"
    await login_as(page, stack, author)
    await page.goto(f"{stack.base_url}/instructor/items/new")
    await expect(page.locator("#preview")).to_contain_text("No key chosen yet")

    # The skip link is the first stop; it leads into the form.
    await page.keyboard.press("Tab")
    assert await focused(page) == "Skip to content"
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert await focused(page) == "domain"
    await page.keyboard.type("MED")  # type-ahead in the closed select
    await expect(page.locator("#domain")).to_have_value("MED")

    expected_order = ["stem", "opt-A", "opt-B", "opt-C", "opt-D"]
    texts = [stem, "Evaluation and Management", "Anesthesia", "Medicine", "Radiology"]
    for field, text in zip(expected_order, texts, strict=True):
        await page.keyboard.press("Tab")
        assert await focused(page) == field
        await page.keyboard.type(text)
    await page.keyboard.press("Tab")  # into the key's radio group: A, then arrows move the choice
    await page.keyboard.press("Space")
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_label("C", exact=True)).to_be_checked()
    await page.keyboard.press("Tab")
    assert await focused(page) == "rationale"
    await page.keyboard.type(
        "Immunization administration is reported from the Medicine section; E/M, Anesthesia and "
        "Radiology do not hold those codes."
    )
    await page.keyboard.press("Tab")
    assert await focused(page) == "tags"
    await page.keyboard.type("immunization, keyboard")
    for field in ("code_set_year", "references"):
        await page.keyboard.press("Tab")
        assert await focused(page) == field
    await page.keyboard.press("Tab")
    assert await focused(page) == "save"
    # The preview followed every keystroke.
    await expect(page.locator("#preview .question-stem")).to_have_text(stem)
    await expect(page.locator("#preview")).to_contain_text("Key: C")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/instructor/items/[0-9a-f-]{36}\?saved=1$"))
    item_id = page.url.split("/instructor/items/")[1].split("?")[0]
    await expect(page.locator("#item-head .status-badge")).to_have_text("draft")

    await tab_to(page, "Submit for review")
    await page.keyboard.press("Enter")
    await expect(page.locator("#item-head .status-badge")).to_have_text("in review")
    await page.screenshot(path=str(artifact("instructor-keyboard-submitted.png")), full_page=True)

    status, body = await stack.request("GET", f"/api/items/{item_id}", await stack.admin_token())
    assert status == 200, body
    assert body["status"] == "in_review" and body["version"] == 1
    assert (body["domain"], body["stem"], body["key"]) == ("MED", stem, "C")
    assert [o["text"] for o in body["options"]] == texts[1:]
    assert body["tags"] == ["immunization", "keyboard"]
