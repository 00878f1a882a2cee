"""Stored content is shown as text, everywhere, in a real browser.

An item whose stem, options and rationale carry HTML and script (an <img> with
an onerror handler, a <script> element, an <svg onload>, markup that closes an
attribute), a blueprint and a candidate whose names do the same, go through
every page that shows them: the candidate's dashboard, exam screen, review and
result; the instructor's item list, item page, editor with its preview, and
review queue; the admin's item-quality page, results, users and blueprints.

On each page: no dialog fires, no element the payload would have created
exists, and the payload's literal text is what the person sees. Every HTML
page is served with a Content-Security-Policy that allows only the product's
own scripts (no inline script), and no response of the whole session sets a
cookie: the bearer token lives in localStorage, so there is no CSRF surface.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid

import pytest
from playwright.async_api import Page, Response, expect

from tests.delivery_support import wait_for
from tests.e2e.conftest import artifact, ui_login
from tests.support import start_stack

STEM = '<img id="pwn-stem" src=x onerror="alert(\'stem\')"><script id="pwn-s1">alert("stem")</script> Which code?'
OPTIONS = [
    '<img id="pwn-a" src=x onerror=alert(1)> 99213',
    '<script id="pwn-b">alert(2)</script> 99214',
    '"><svg id="pwn-c" onload=alert(3)> 99215',
    "<b id='pwn-d'>bold</b> &amp; 99212",
]
RATIONALE = ('<img id="pwn-rat" src=x onerror="alert(\'rationale\')"> <script>alert("why")</script> '
             "Two stable chronic illnesses are moderate problems.")
NAME = '<img id="pwn-name" src=x onerror=alert("name")> Pat'
BLUEPRINT = '<img id="pwn-bp" src=x onerror=alert("bp")> Drill'
INJECTED = "[id^=pwn], [onerror], [onload]"


@pytest.fixture(scope="module")
async def xstack(database_url):
    async with start_stack(database_url, feed_poll_seconds=0.2, outbox_poll_seconds=0.2,
                           stats_refresh_seconds=0.5) as stack:
        yield stack


class Watch:
    """Everything the browser receives: dialogs, pages with their headers, cookies set."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.documents: dict[str, dict[str, str]] = {}
        self.cookies: list[str] = []
        self._pending: list[asyncio.Task[None]] = []
        page.on("dialog", self._dialog)
        page.on("response", lambda r: self._pending.append(asyncio.ensure_future(self._response(r))))

    async def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    async def _response(self, response: Response) -> None:
        headers = await response.all_headers()
        if "set-cookie" in headers:
            self.cookies.append(f"{response.url}: {headers['set-cookie']}")
        if response.request.resource_type == "document":
            self.documents[response.url] = headers

    async def settle(self) -> None:
        await asyncio.gather(*self._pending)
        self._pending.clear()


async def check_page(page: Page, watch: Watch, url: str, ready: str, literals: list[str], shot: str) -> None:
    """Open `url`, wait for `ready` to be visible, then: every literal shown as text, nothing injected."""
    await page.goto(url)
    await expect(page.locator(ready).first).to_be_visible()
    for text in literals:
        await expect(page.locator("main")).to_contain_text(text)
    assert await page.locator(INJECTED).count() == 0, f"{url}: markup from stored content became elements"
    scripts = await page.evaluate("[...document.scripts].map((s) => s.src || s.textContent)")
    assert all(s.startswith("http") for s in scripts), f"{url}: an inline script appeared: {scripts}"
    await page.screenshot(path=str(artifact(f"content-safety-{shot}.png")), full_page=True)
    assert watch.dialogs == [], f"{url}: a dialog fired: {watch.dialogs}"


async def api(stack, method, path, token, body=None):
    status, out = await stack.request(method, path, token, json=body)
    assert status < 300, (method, path, status, out)
    return out


async def test_html_and_script_in_stored_content_are_shown_as_text_everywhere(xstack, page, context):
    stack = xstack
    watch = Watch(page)
    admin = await stack.admin_token()
    base = stack.base_url

    # An instructor writes the item; the admin approves it. A second one waits in the review queue.
    instructor_name, instructor_pw = f"author-{uuid.uuid4().hex[:6]}", secrets.token_urlsafe(12)
    await api(stack, "POST", "/api/users", admin, {"username": instructor_name, "password": instructor_pw,
                                                    "role": "instructor", "display_name": NAME})
    instructor = await stack.login(instructor_name, instructor_pw)
    body = {"domain": "EM", "stem": STEM, "key": "B", "rationale": RATIONALE, "tags": ["xss"],
            "options": [{"label": lbl, "text": t} for lbl, t in zip("ABCD", OPTIONS, strict=True)]}
    item = await api(stack, "POST", "/api/items", instructor, body)
    await api(stack, "POST", f"/api/items/{item['id']}/transitions", instructor, {"to": "in_review"})
    await api(stack, "POST", f"/api/items/{item['id']}/transitions", admin, {"to": "approved"})
    queued = await api(stack, "POST", "/api/items", instructor, body | {"stem": STEM + " (second)"})
    await api(stack, "POST", f"/api/items/{queued['id']}/transitions", instructor, {"to": "in_review"})

    # A one-question blueprint that can only be filled by that item, once delivery has it.
    async def blueprint():
        status, out = await stack.request("POST", "/api/blueprints", admin, json={
            "name": BLUEPRINT, "time_limit_seconds": 1800, "cut_score_percent": 50, "shuffle_options": False,
            "domains": [{"code": "EM", "count": 1}]})
        return out if status == 201 else None

    bp = await wait_for(blueprint, timeout=30, what="delivery to receive the approved item")

    cand_name, cand_pw = f"cand-{uuid.uuid4().hex[:6]}", secrets.token_urlsafe(12)
    await api(stack, "POST", "/api/users", admin, {"username": cand_name, "password": cand_pw,
                                                    "role": "candidate", "display_name": NAME})

    # The candidate: dashboard, exam screen, review, result.
    await ui_login(page, base, cand_name, cand_pw)
    await page.wait_for_url(f"{base}/exam")
    await check_page(page, watch, f"{base}/exam", ".exam-cards button", [BLUEPRINT], "dashboard")
    candidate = await stack.login(cand_name, cand_pw)
    attempt = await api(stack, "POST", "/api/attempts", candidate, {"blueprint_id": bp["id"]})
    exam_url = f"{base}/exam/attempts/{attempt['id']}"
    await check_page(page, watch, exam_url, "#options label", [STEM, *OPTIONS], "exam")
    await expect(page.locator("#stem")).to_have_text(STEM)
    await page.locator("#options label").nth(1).click()
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.")
    await check_page(page, watch, f"{exam_url}/review", "#submit", [], "review")
    await api(stack, "POST", f"/api/attempts/{attempt['id']}/submit", candidate)
    await check_page(page, watch, f"{exam_url}/result", "#review .exam-rationale", [STEM, RATIONALE], "result")

    # The instructor: list, item page, editor (fields and preview), review queue.
    await page.evaluate("localStorage.clear()")  # log out
    await ui_login(page, base, instructor_name, instructor_pw)
    await page.wait_for_url(f"{base}/instructor")
    await check_page(page, watch, f"{base}/instructor", "table a", ["Which code?"], "item-list")
    await check_page(page, watch, f"{base}/instructor/items/{item['id']}", "#current .question-stem",
                     [STEM, *OPTIONS, RATIONALE], "item")
    await page.goto(f"{base}/instructor/items/{item['id']}/edit")
    await expect(page.locator("#stem")).to_have_value(STEM)
    await expect(page.locator("#rationale")).to_have_value(RATIONALE)
    for lbl, text in zip("ABCD", OPTIONS, strict=True):
        await expect(page.locator(f"#opt-{lbl}")).to_have_value(text)
    await page.locator("#stem").fill(STEM + " edited")  # the live preview renders what is typed
    await expect(page.locator("#preview")).to_contain_text(STEM + " edited")
    assert await page.locator(INJECTED).count() == 0
    await check_page(page, watch, f"{base}/instructor/review", "main a, main button",
                     [STEM + " (second)"], "review-queue")

    # The admin: item quality, the candidate's result, users, blueprints.
    await page.evaluate("localStorage.clear()")
    await ui_login(page, base, "admin", stack.settings["exam-delivery"].admin_password)
    await page.wait_for_url(f"{base}/admin")
    await check_page(page, watch, f"{base}/admin/items", "main table, main p", [], "admin-items")
    await check_page(page, watch, f"{base}/admin/results/{attempt['id']}", "#review", [RATIONALE], "admin-result")
    await check_page(page, watch, f"{base}/admin/users", "main table", [NAME], "admin-users")
    await check_page(page, watch, f"{base}/admin/blueprints", "main table", [BLUEPRINT], "admin-blueprints")

    # Every page had the restrictive policy; nothing set a cookie.
    await watch.settle()
    assert len(watch.documents) >= 12, list(watch.documents)
    for url, headers in watch.documents.items():
        csp = headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp, (url, csp)
        assert headers.get("x-content-type-options") == "nosniff", url
    assert watch.cookies == [], watch.cookies
    assert await context.cookies() == []
