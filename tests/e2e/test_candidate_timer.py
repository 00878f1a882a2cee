"""The exam screen's countdown in a real browser: the warnings when 30, 5 and 1
minutes remain (and, opened below a mark, the time really left by the server's
count), and an accommodation granted mid-attempt reaching the timer at the next
re-sync with the server."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import Stack, start_stack

RESYNC_MS = 30_000  # static/attempt.js


@pytest.fixture(scope="module")
async def tstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True) as stack:
        await wait_for_bank(stack)
        yield stack


async def _blueprint(stack: Stack, seconds: int) -> str:
    status, bp = await stack.request(
        "POST",
        "/api/blueprints",
        await stack.admin_token(),
        json={
            "name": f"Timer drill {uuid.uuid4().hex[:6]}",
            "time_limit_seconds": seconds,
            "cut_score_percent": 50,
            "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
        },
    )
    assert status == 201, bp
    return str(bp["id"])


async def _candidate_in_attempt(stack: Stack, page: Page, seconds: int) -> tuple[str, str, str]:
    """A new candidate logged in on `page`, on the exam screen of a fresh attempt of `seconds`.

    Returns (user id, token, attempt id)."""
    blueprint_id = await _blueprint(stack, seconds)
    user_id, username, password = await stack.new_account("candidate", display_name="Pat Timer")
    token = await stack.login(username, password)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    await page.goto(f"{stack.base_url}/exam/attempts/{started['id']}")
    await expect(page.locator("#q-heading")).to_have_text("Question 1 of 4")
    return user_id, token, str(started["id"])


@pytest.mark.parametrize(
    ("mark", "text", "cls", "before"),
    [
        (1800, "30 minutes left.", "warn", None),
        (300, "5 minutes left: make sure every question has an answer.", "bad", None),
        # Opened at 1:08, the page says at once what is left, then the 1-minute warning replaces it.
        (60, "1 minute left: your exam is submitted as it stands when the time is over.", "last",
         "Less than 2 minutes left: make sure every question has an answer."),
    ],
    ids=["30-minutes", "5-minutes", "1-minute"],
)
async def test_a_warning_shows_when_the_countdown_crosses_its_mark(tstack, page, mark, text, cls, before):
    # The attempt starts 8 s above the mark (less the part of a second the server rounds off).
    await _candidate_in_attempt(tstack, page, mark + 8)
    timer, warning = page.locator("#timer"), page.locator("#time-warning")
    await expect(timer).to_have_text(re.compile(rf"^{mark // 3600}:{mark % 3600 // 60:02d}:0\d$"))
    if before is None:
        await expect(warning).to_be_hidden()
    else:
        await expect(warning).to_have_text(before)
    await expect(timer).not_to_have_class(re.compile(rf"\b{cls}\b"))

    await expect(warning).to_have_text(text, timeout=20_000)
    await expect(warning).to_be_visible()
    await expect(warning).to_have_attribute("role", "alert")
    await expect(page.locator("#exam-top #time-warning")).to_be_visible()  # in the bar that stays on screen
    await expect(timer).to_have_class(re.compile(rf"\b{cls}\b"))
    left = await timer.inner_text()
    h, m, s = (int(x) for x in left.split(":"))
    assert mark - 10 <= h * 3600 + m * 60 + s <= mark, left
    await page.screenshot(path=str(artifact(f"candidate-timer-warning-{mark // 60}-min.png")), full_page=True)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (240, "Less than 4 minutes left: make sure every question has an answer."),
        (118, "Less than 2 minutes left: make sure every question has an answer."),
        (50, "Less than 1 minute left: your exam is submitted as it stands when the time is over."),
    ],
    ids=["4-minutes", "1-58", "under-1-minute"],
)
async def test_a_candidate_who_opens_the_exam_below_a_mark_is_warned_at_once(tstack, page, seconds, text):
    """Reloading (or coming back) below a mark must not hide the warning, and it says the
    time the server says is left (1:58 left is "less than 2 minutes", never "5 minutes")."""
    await _candidate_in_attempt(tstack, page, seconds)
    warning = page.locator("#time-warning")
    await expect(warning).to_be_visible()
    await expect(warning).to_have_text(text)
    await page.reload()
    await expect(page.locator("#q-heading")).to_have_text("Question 1 of 4")
    await expect(warning).to_have_text(text)


async def test_an_accommodation_mid_attempt_reaches_the_timer_at_the_next_resync(tstack, page):
    # Playwright's clock drives the page's timers (the countdown and the periodic re-sync);
    # the server keeps real time.
    await page.clock.install()
    user_id, _, _ = await _candidate_in_attempt(tstack, page, 1200)
    timer = page.locator("#timer")
    await expect(timer).to_have_text(re.compile(r"^0:(19:\d\d|20:00)$"))

    status, _ = await tstack.request(
        "PATCH", f"/api/users/{user_id}", await tstack.admin_token(), json={"time_multiplier": 2.0}
    )
    assert status == 200
    # Until the page asks the server again, it counts down to the old deadline.
    await page.clock.run_for(2_000)
    await expect(timer).to_have_text(re.compile(r"^0:19:\d\d$"))
    # The re-sync (every 30 s) brings the new deadline: 40 minutes from the start.
    await page.clock.fast_forward(RESYNC_MS)
    await expect(timer).to_have_text(re.compile(r"^0:(39:\d\d|40:00)$"))
    await expect(page.locator("#time-warning")).to_be_hidden()
