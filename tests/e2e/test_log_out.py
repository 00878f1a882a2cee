"""The pages' "Log out" ends the token on the server, not only in the browser."""

from __future__ import annotations

import re

from tests.e2e.conftest import make_instructor, ui_login


async def test_log_out_ends_the_token_on_the_server(stack, page):
    username, password = await make_instructor(stack)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/instructor")
    token = await page.evaluate("localStorage.getItem('mockcert.token')")
    assert (await stack.request("GET", "/api/me", token))[0] == 200
    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_url(re.compile(r"/$"))
    assert await page.evaluate("localStorage.getItem('mockcert.token')") is None
    # The token the page held is refused now, by the service that took the log-out, even if a copy survived.
    status, body = await stack.request("GET", "/api/me", token)
    assert status == 401 and body["detail"].startswith("this token was revoked"), body
