from tests.e2e.conftest import ui_login


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
