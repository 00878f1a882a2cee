"""Small truths in a real browser: a candidate's dashboard gives their own exam time (the limit
times their accommodation), and a page of another role says whose page it is and offers the
user's own home instead of a login form (and throws no page error)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import ui_login
from tests.support import ADMIN_PASSWORD, Stack

HOMES = {"candidate": "/exam", "instructor": "/instructor", "admin": "/admin"}


async def _login(page: Page, stack: Stack, role: str, **extra) -> None:
    if role == "admin":
        username, password = "admin", ADMIN_PASSWORD
    else:
        _, username, password = await stack.new_account(role, **extra)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}{HOMES[role]}")


def _card(page: Page, name: str):
    return page.locator("article.exam-card").filter(has=page.get_by_role("heading", name=name, exact=True))


async def test_the_dashboard_gives_the_exam_time_with_the_accommodation(stack, page):
    await _login(page, stack, "candidate", time_multiplier=1.5)
    card = _card(page, "CPC-style 100 (current format)")
    await expect(card).to_contain_text("100 questions · 6 h with your time accommodation (4 h × 1.5)")
    classic = _card(page, "CPC-style 150 (classic format)")
    await expect(classic).to_contain_text("8 h 30 min with your time accommodation (5 h 40 min × 1.5)")


async def test_without_an_accommodation_the_dashboard_gives_the_exam_time(stack, page):
    await _login(page, stack, "candidate")
    card = _card(page, "CPC-style 100 (current format)")
    await expect(card).to_contain_text("100 questions · 4 h · pass at")
    await expect(page.locator("#blueprints")).not_to_contain_text("accommodation")


@pytest.mark.parametrize(
    ("role", "path", "whose", "home"),
    [
        ("candidate", "/admin", "admins", "My exams"),
        ("candidate", "/admin/users", "admins", "My exams"),
        ("candidate", "/instructor", "instructors and admins", "My exams"),
        ("instructor", "/admin", "admins", "Items"),
        ("instructor", "/admin/blueprints", "admins", "Items"),
        ("admin", "/exam", "candidates", "Dashboard"),
        ("instructor", "/exam/attempts/00000000-0000-0000-0000-000000000000/result", "candidates", "Items"),
    ],
)
async def test_a_page_of_another_role_says_whose_it_is_and_links_home(stack, page, role, path, whose, home):
    await _login(page, stack, role)
    await page.goto(f"{stack.base_url}{path}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"This page is for {whose}")
    await expect(page).to_have_title(re.compile(f"^This page is for {whose}"))
    await expect(page.locator("#wrong-role")).to_contain_text(f"({role})")
    link = page.get_by_role("link", name=f"Go to {home}")
    await expect(link).to_have_attribute("href", HOMES[role])
    await expect(page.get_by_label("Password")).to_have_count(0)
    assert page.url == f"{stack.base_url}{path}"  # no redirect to the login page
    await link.click()
    await page.wait_for_url(f"{stack.base_url}{HOMES[role]}")
    # The `page` fixture fails the test on any uncaught page error.


async def test_without_a_session_a_role_page_goes_to_the_login_page(stack, page):
    await page.goto(f"{stack.base_url}/admin/users")
    await page.wait_for_url(f"{stack.base_url}/?next=%2Fadmin%2Fusers")
    await expect(page.get_by_label("Password")).to_be_visible()
