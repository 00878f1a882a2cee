"""The admin's users page: search and pages, disable (the user then cannot log in), role and
password from the page, a group for the selected users, and the simulated candidates deleted
in one action."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import ui_login
from tests.support import ADMIN_PASSWORD, Stack

pytestmark = pytest.mark.e2e


async def accept_dialogs(page) -> None:
    async def accept(dialog) -> None:
        await dialog.accept()

    page.on("dialog", accept)


async def users_page(stack: Stack, page, q: str = "") -> None:
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/users")
    await page.locator("body[data-loaded='true']").wait_for()
    if q:
        await page.get_by_label("Name contains").fill(q)
        await page.get_by_role("button", name="Search", exact=True).click()
        await page.locator("#user-count", has_text="match").wait_for()


async def login_status(stack: Stack, username: str, password: str) -> int:
    status, _ = await stack.request("POST", "/api/auth/login", json={"username": username, "password": password})
    return status


async def test_a_user_disabled_from_the_page_cannot_log_in(stack, page, browser):
    _, username, password = await stack.new_account("candidate")
    await users_page(stack, page, username)
    assert await page.locator("#user-list tbody tr").count() == 1
    await page.get_by_role("button", name=f"Disable {username}").click()
    await page.get_by_text(f"{username} is disabled").wait_for()
    assert await login_status(stack, username, password) == 401
    # Through the login page too: the candidate stays on the login page with the refusal.
    ctx = await browser.new_context()
    try:
        other = await ctx.new_page()
        await ui_login(other, stack.base_url, username, password)
        await other.get_by_text("wrong username or password").wait_for()
        assert other.url.rstrip("/") == stack.base_url
    finally:
        await ctx.close()
    await page.get_by_role("button", name=f"Enable {username}").click()
    await page.get_by_text(f"{username} is enabled again").wait_for()
    assert await login_status(stack, username, password) == 200


async def test_search_and_pages_of_users(stack, page):
    mark = f"pg{uuid.uuid4().hex[:6]}"
    for i in range(55):
        await stack.new_account("candidate", display_name=f"{mark} learner {i}")
    await users_page(stack, page, mark)
    count = page.locator("#user-count")
    assert await count.text_content() == "55 users match; showing 1–50."
    rows = page.locator("#user-list tbody tr")
    assert await rows.count() == 50
    assert await page.get_by_role("button", name="Previous page").is_disabled()
    await page.get_by_role("button", name="Next page").click()
    await count.filter(has_text="showing 51–55").wait_for()
    assert await rows.count() == 5
    assert await page.get_by_role("button", name="Next page").is_disabled()
    await page.get_by_role("button", name="Previous page").click()
    await count.filter(has_text="showing 1–50").wait_for()
    # A search that finds nobody says so.
    await page.get_by_label("Name contains").fill(f"{mark}-nobody")
    await page.get_by_role("button", name="Search", exact=True).click()
    await count.filter(has_text="No user matches.").wait_for()


async def test_role_password_and_group_from_the_page(stack, page):
    await accept_dialogs(page)
    mark = f"rp{uuid.uuid4().hex[:6]}"
    first_id, first, first_password = await stack.new_account("candidate", display_name=f"{mark} one")
    second_id, _, _ = await stack.new_account("candidate", display_name=f"{mark} two")
    admin = await stack.admin_token()
    await users_page(stack, page, mark)
    # Role.
    await page.get_by_label(f"Role of {first}", exact=True).select_option("instructor")
    await page.get_by_role("form", name=f"Set the role of {first}").get_by_role("button").click()
    await page.get_by_text(f"{first}: role instructor.").wait_for()
    assert (await stack.request("GET", f"/api/users/{first_id}", admin))[1]["role"] == "instructor"
    # Password: the new one is shown once, the old one no longer works.
    await page.get_by_role("button", name=f"Reset password of {first}").click()
    shown = page.locator("#user-list output.new-password code")
    await shown.wait_for()
    new_password = await shown.text_content()
    assert await login_status(stack, first, new_password) == 200
    assert await login_status(stack, first, first_password) == 401
    # A group for the selected users.
    cohort = f"cohort-{mark}"
    for row in await page.locator("#user-list tbody input[type='checkbox']").all():
        await row.check()
    await page.get_by_label("Group of the selected users", exact=True).fill(cohort)
    await page.get_by_role("button", name="Set group").click()
    await page.locator("#bulk-state", has_text=f"2 users now in {cohort}").wait_for()
    for user_id in (first_id, second_id):
        assert (await stack.request("GET", f"/api/users/{user_id}", admin))[1]["group"] == cohort


async def test_the_simulated_candidates_are_deleted_in_one_action(stack, page):
    await accept_dialogs(page)
    admin = await stack.admin_token()
    status, before = await stack.request("GET", "/api/users?group=simulated&role=candidate&limit=1", admin)
    assert status == 200
    for _ in range(3):
        await stack.new_account("candidate", group="simulated")
    kept_id, _, _ = await stack.new_account("candidate", group="kept")
    total = before["total"] + 3
    await users_page(stack, page)
    await page.locator("#sim-count", has_text=f"{total} simulated candidates.").wait_for()
    await page.get_by_role("button", name="Delete the simulated candidates").click()
    await page.get_by_text(f"Deleted {total} simulated candidates and 0 attempts.").wait_for()
    await page.locator("#sim-count", has_text="No simulated candidates.").wait_for()
    assert await page.get_by_role("button", name="Delete the simulated candidates").is_disabled()
    status, after = await stack.request("GET", "/api/users?group=simulated", admin)
    assert status == 200 and after["total"] == 0
    assert (await stack.request("GET", f"/api/users/{kept_id}", admin))[0] == 200
