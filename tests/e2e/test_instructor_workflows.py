"""Staff workflows that end in action, in a real browser: a search that finds the word and says
how many; a bulk send-for-review with a refused row in the report; the item page with the area's
name, the id and the key marked; export, edit, re-import giving new versions; a Moodle XML file
and a QTI 2.1 package coming in with area and tags."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.conftest import artifact, make_instructor, ui_login

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interchange"


def item(marker: str, stem: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "ICD",
        "stem": f"{stem} [{marker}]",
        "options": [
            {"label": "A", "text": "S52.321A"},
            {"label": "B", "text": "S52.324A"},
            {"label": "C", "text": "S52.324D"},
            {"label": "D", "text": "S52.325A"},
        ],
        "key": "B",
        "rationale": "S52.324A: nondisplaced transverse shaft fracture, right radius, initial encounter; "
        "A is displaced, C a subsequent encounter, D the left side.",
        "tags": [marker],
    }
    body.update(overrides)
    return body


async def login(page: Page, stack, account: tuple[str, str]) -> None:
    await ui_login(page, stack.base_url, *account)
    await page.wait_for_url(f"{stack.base_url}/instructor")


async def test_laterality_finds_only_the_word_and_bulk_send_for_review_reports_the_refusal(stack, page):
    author = await make_instructor(stack)
    token = await stack.login(*author)
    marker = f"m{uuid.uuid4().hex[:7]}"
    stems = [
        "Which character of the code gives the laterality of the fracture?",
        "Later on the same day the patient returns: which encounter character applies?",
        "A lateral view shows a transverse fracture: which code is reported?",
    ]
    ids = []
    for stem in stems:
        status, created = await stack.request("POST", "/api/items", token, json=item(marker, stem))
        assert status == 201, created
        ids.append(created["id"])
    # One of the three is already in review: the bulk action refuses it alone.
    await stack.request("POST", f"/api/items/{ids[2]}/transitions", token, json={"to": "in_review"})

    await login(page, stack, author)
    await page.get_by_label("Tag", exact=True).fill(marker)
    await page.get_by_label("Text in question or options").fill("laterality")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#result-count")).to_have_text("1 item matches.")
    rows = page.locator("#results tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("laterality of the fracture")
    assert "q=laterality" in page.url and f"tag={marker}" in page.url  # the filters stay in the URL
    # Its id links to the item page.
    await expect(rows.first.locator("a.item-id")).to_have_attribute("href", f"/instructor/items/{ids[0]}")

    await page.get_by_label("Text in question or options").fill("")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#result-count")).to_have_text("3 items match.")
    await page.get_by_label("Select all items shown").check()
    await expect(page.locator("#bulk-count")).to_have_text("3")
    await page.locator("#bulk-bar").get_by_role("button", name="Send for review").click()
    report = page.get_by_role("table", name="Bulk action report")
    await expect(page.locator("#bulk-report")).to_contain_text("2 sent for review, 1 refused.")
    refused = report.locator("tbody tr[data-ok='false']")
    await expect(refused).to_have_count(1)
    await expect(refused).to_contain_text("already in_review")
    await expect(refused.locator("a.item-id")).to_have_attribute("href", f"/instructor/items/{ids[2]}")
    await page.screenshot(path=str(artifact("instructor-bulk-report.png")), full_page=True)
    for item_id in ids:
        status, body = await stack.request("GET", f"/api/items/{item_id}", token)
        assert body["status"] == "in_review"


async def test_item_page_shows_area_name_id_and_the_key(stack, page):
    author = await make_instructor(stack)
    token = await stack.login(*author)
    marker = f"m{uuid.uuid4().hex[:7]}"
    status, created = await stack.request(
        "POST", "/api/items", token, json=item(marker, "Which code reports this right radius fracture?")
    )
    assert status == 201, created
    await login(page, stack, author)
    await page.goto(f"{stack.base_url}/instructor/items/{created['id']}")
    await expect(page.locator("#item-area")).to_have_text("ICD-10-CM")
    await expect(page.locator("#item-id")).to_have_text(created["id"])
    key = page.locator("#current .option.is-key")
    await expect(key).to_have_count(1)
    await expect(key).to_contain_text("B. S52.324A")
    await expect(key).to_contain_text("key")
    # Searching by the first 8 characters of the id, or by a code in it, finds it.
    for q in (created["id"][:8], "S52.324"):
        await page.goto(f"{stack.base_url}/instructor?tag={marker}&q={q}")
        await expect(page.locator("#results tbody tr")).to_have_count(1)
    # The editor's preview marks the key too, and suggests tags in use.
    await page.goto(f"{stack.base_url}/instructor/items/{created['id']}/edit")
    await expect(page.locator("#preview .option.is-key")).to_contain_text("S52.324A")
    await page.get_by_label("Tags").fill(marker[:4])
    await expect(page.locator(f"#tag-list option[value='{marker}']")).to_have_count(1)


async def export_file(page: Page, button: str) -> bytes:
    async with page.expect_download() as info:
        await page.get_by_role("button", name=button).click()
    download = await info.value
    return Path(await download.path()).read_bytes()


async def test_export_edit_reimport_makes_new_versions_not_new_items(stack, page):
    author = await make_instructor(stack)
    token = await stack.login(*author)
    marker = f"m{uuid.uuid4().hex[:7]}"
    for stem in ("First question about the fracture code?", "Second question about the fracture code?"):
        status, created = await stack.request("POST", "/api/items", token, json=item(marker, stem))
        assert status == 201, created
    await login(page, stack, author)
    await page.goto(f"{stack.base_url}/instructor?tag={marker}")
    await expect(page.locator("#result-count")).to_have_text("2 items match.")
    data = await export_file(page, "JSON lines")
    lines = [json.loads(line) for line in data.splitlines()]
    assert len(lines) == 2 and all(line["version"] == 1 and line["status"] == "draft" for line in lines)
    lines[0]["stem"] = lines[0]["stem"].replace("question about", "revised question about")
    edited = b"".join(json.dumps(line).encode() + b"\n" for line in lines)

    await page.goto(f"{stack.base_url}/instructor/import")
    await page.get_by_label("File (").set_input_files(
        files=[{"name": "edited.jsonl", "mimeType": "application/x-ndjson", "buffer": edited}]
    )
    await page.get_by_role("button", name="Check only (dry run)").click()
    await expect(page.locator("#import-summary")).to_have_text(
        "Dry run, nothing written: 0 would be created, 1 would be updated, 1 unchanged, 0 would be refused."
    )
    await page.get_by_role("button", name="Import").click()
    await expect(page.locator("#import-summary")).to_have_text("0 created, 1 updated, 1 unchanged, 0 refused.")
    updated = page.locator("#report tr[data-status='updated']")
    await expect(updated).to_contain_text("v2")
    await updated.locator("a.item-id").click()
    await page.wait_for_url(re.compile(rf"/instructor/items/{lines[0]['id']}$"))
    await expect(page.locator("#versions tbody tr")).to_have_count(2)
    status, listing = await stack.request("GET", f"/api/items?tag={marker}", token)
    assert listing["total"] == 2  # no new items


def qti_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


async def test_moodle_and_qti_files_import_with_area_and_tags_and_export_back(stack, page):
    author = await make_instructor(stack)
    token = await stack.login(*author)
    await login(page, stack, author)
    await page.goto(f"{stack.base_url}/instructor/import")
    await page.get_by_label("File (").set_input_files(
        files=[{"name": "moodle.xml", "mimeType": "application/xml",
                "buffer": (FIXTURES / "moodle_multichoice.xml").read_bytes()}]
    )
    await page.get_by_role("button", name="Import").click()
    await expect(page.locator("#import-summary")).to_have_text("2 created, 4 refused.")
    refused = page.get_by_role("table", name="Refused rows")
    await expect(refused.locator("tbody tr")).to_have_count(4)
    await expect(refused).to_contain_text("5 answers: an item has exactly 4")
    await expect(refused).to_contain_text("several correct answers")
    lost = page.get_by_role("table", name="What the file held that an item cannot carry")
    await expect(lost).to_contain_text("img in the text (left out)")
    await page.screenshot(path=str(artifact("instructor-import-moodle.png")), full_page=True)

    await page.get_by_label("File (").set_input_files(
        files=[{"name": "qti.zip", "mimeType": "application/zip", "buffer": qti_zip(FIXTURES / "qti_choice")}]
    )
    await page.get_by_role("button", name="Import").click()
    await expect(page.locator("#import-summary")).to_have_text("1 created, 1 refused.")
    created = page.locator("#report tr[data-status='created'] a.item-id")
    await created.click()
    await page.wait_for_url(re.compile(r"/instructor/items/[0-9a-f-]{36}$"))
    await expect(page.locator("#item-area")).to_have_text("ICD-10-CM")
    await expect(page.locator("#item-head")).to_contain_text("seventh character")

    await page.goto(f"{stack.base_url}/instructor?tag=fractures")
    package = await export_file(page, "QTI 2.1 package")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert "imsmanifest.xml" in archive.namelist()
    moodle = await export_file(page, "Moodle XML")
    assert b"$course$/top/ICD-10-CM" in moodle and b"<tag><text>fractures</text></tag>" in moodle
    status, report = await stack.request(
        "POST", "/api/items/import", token, data=package, headers={"Content-Type": "application/zip"}
    )
    assert status == 200 and report["created"] == 0 and report["unchanged"] >= 1, report
