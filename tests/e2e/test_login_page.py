from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import make_instructor, ui_login


async def test_wrong_password_is_shown_next_to_the_form(stack, page):
    await ui_login(page, stack.base_url, "admin", "not-the-password")
    await page.get_by_text("wrong username or password").wait_for()
    assert page.url.rstrip("/") == stack.base_url


async def test_admin_login_lands_on_a_page_and_keeps_the_token(stack, page):
    from tests.support import ADMIN_PASSWORD

    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    token = await page.evaluate("localStorage.getItem('mockcert.token')")
    assert token and token.count(".") == 2


# Each is put in the query as written (already URL-encoded where it has a %).
HOSTILE_NEXT = [
    "/%5Chost/x",
    "/%09/host/",
    "//evil.example/",
    "https://evil.example/",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "%252F%252Fevil.example",
    "/%0D%0A/evil.example",
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
async def test_a_next_leading_off_the_origin_lands_on_the_home_page(stack, page, hostile):
    from tests.support import ADMIN_PASSWORD

    await page.goto(f"{stack.base_url}/?next={hostile}")
    await page.get_by_label("Username").fill("admin")
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{stack.base_url}/admin")
    assert urlsplit(page.url).netloc == urlsplit(stack.base_url).netloc


async def test_a_next_on_the_same_origin_is_honoured(stack, page):
    username, password = await make_instructor(stack)
    await page.goto(f"{stack.base_url}/?next=%2Finstructor%3Fq%3Dx")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{stack.base_url}/instructor?q=x")
