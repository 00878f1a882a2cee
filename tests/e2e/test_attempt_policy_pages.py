"""The attempt policy in a real browser: the candidate's start page says how many attempts are
left and when the next is allowed, the result page withholds keys and rationales when the
policy says never, the admin sets a policy on the blueprints page, and the dashboard's toggle
brings low-answer attempts into the figures."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.delivery_support import wait_for, wait_for_bank
from tests.e2e.conftest import ui_login
from tests.support import ADMIN_PASSWORD, Stack, start_stack

SMALL = [{"code": "MED", "count": 2}, {"code": "ICD", "count": 2}]


@pytest.fixture(scope="module")
async def pstack(database_url: str):
    async with start_stack(
        database_url, seed_sample_bank=True, outbox_poll_seconds=0.2, feed_poll_seconds=0.2,
        stats_refresh_seconds=0.2,
    ) as stack:
        await wait_for_bank(stack)
        yield stack


async def blueprint(stack: Stack, name: str, policy: dict) -> str:
    status, bp = await stack.request(
        "POST", "/api/blueprints", await stack.admin_token(),
        json={"name": name, "time_limit_seconds": 900, "cut_score_percent": 70, "domains": SMALL,
              "policy": policy},
    )
    assert status == 201, bp
    return str(bp["id"])


async def sit(stack: Stack, token: str, blueprint_id: str, answer: int) -> str:
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    for pos in range(1, answer + 1):
        status, _ = await stack.request("PUT", f"/api/attempts/{started['id']}/responses/{pos}", token,
                                        json={"selected": "B"})
        assert status == 200
    status, _ = await stack.request("POST", f"/api/attempts/{started['id']}/submit", token)
    assert status == 200

    async def scored() -> bool:
        code, _ = await stack.request("GET", f"/api/results/{started['id']}", token)
        return code == 200

    await wait_for(scored, what="the result")
    return str(started["id"])


async def test_candidate_sees_attempts_left_and_a_result_without_keys(pstack: Stack, page: Page) -> None:
    name = f"Once only {uuid.uuid4().hex[:4]}"
    bp = await blueprint(pstack, name, {"max_attempts": 1, "cooldown_seconds": 0, "review_mode": "never"})
    _, username, password = await pstack.new_account("candidate")
    token = await pstack.login(username, password)
    attempt = await sit(pstack, token, bp, answer=4)

    await ui_login(page, pstack.base_url, username, password)
    await page.wait_for_url(f"{pstack.base_url}/exam")
    card = page.locator("article.exam-card", has=page.get_by_role("heading", name=name))
    await expect(card.locator(f'[data-policy="{bp}"]')).to_contain_text("0 of 1 attempt left")
    await expect(card.get_by_role("button", name=f"Start {name}")).to_be_disabled()

    await page.goto(f"{pstack.base_url}/exam/attempts/{attempt}/result")
    await expect(page.locator("#score")).to_contain_text("of 4 correct")
    await expect(page.locator("#domains")).to_contain_text("Medicine")
    await expect(page.locator("#review-withheld")).to_contain_text("does not show the answer key")
    await expect(page.locator(".exam-review-item")).to_have_count(0)
    await expect(page.get_by_text(re.compile("Correct answer:"))).to_have_count(0)


async def test_result_page_says_when_the_review_opens(pstack: Stack, page: Page) -> None:
    name = f"Review later {uuid.uuid4().hex[:4]}"
    bp = await blueprint(pstack, name, {"cooldown_seconds": 0, "review_mode": "after_date",
                                        "review_after": "2099-01-01T09:00:00Z"})
    _, username, password = await pstack.new_account("candidate")
    attempt = await sit(pstack, await pstack.login(username, password), bp, answer=3)
    await ui_login(page, pstack.base_url, username, password)
    await page.wait_for_url(f"{pstack.base_url}/exam")
    card = page.locator("article.exam-card", has=page.get_by_role("heading", name=name))
    await expect(card.locator(f'[data-policy="{bp}"]')).to_contain_text("The answer review opens")
    await page.goto(f"{pstack.base_url}/exam/attempts/{attempt}/result")
    await expect(page.locator("#score")).to_contain_text("of 4 correct")
    await expect(page.locator("#review-withheld")).to_contain_text("opens")
    await expect(page.locator("#review-withheld")).to_contain_text("2099")
    await expect(page.locator(".exam-review-item")).to_have_count(0)


async def test_candidate_sees_when_the_next_attempt_is_allowed(pstack: Stack, page: Page) -> None:
    name = f"Cool-down {uuid.uuid4().hex[:4]}"
    bp = await blueprint(pstack, name, {"cooldown_seconds": 3600})
    _, username, password = await pstack.new_account("candidate")
    await sit(pstack, await pstack.login(username, password), bp, answer=4)
    await ui_login(page, pstack.base_url, username, password)
    await page.wait_for_url(f"{pstack.base_url}/exam")
    card = page.locator("article.exam-card", has=page.get_by_role("heading", name=name))
    await expect(card.locator(f'[data-policy="{bp}"]')).to_contain_text("Your next attempt is allowed from")
    await expect(card.get_by_role("button", name=f"Start {name}")).to_be_disabled()


async def test_admin_sets_a_policy_and_toggles_low_answer_attempts(pstack: Stack, page: Page) -> None:
    name = f"Admin set {uuid.uuid4().hex[:4]}"
    bp = await blueprint(pstack, name, {"cooldown_seconds": 0})
    _, token = await pstack.new_user("candidate")
    await sit(pstack, token, bp, answer=4)
    await sit(pstack, token, bp, answer=0)  # low-answer: kept, left out of the statistics

    await ui_login(page, pstack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(re.compile(r".*/admin.*"))
    await page.goto(f"{pstack.base_url}/admin/blueprints")
    form = page.locator("#policy-form")
    await form.get_by_label("Blueprint").select_option(bp)
    await form.get_by_label("Attempts allowed per candidate").fill("3")
    await form.get_by_label("Cool-down between attempts (minutes)").fill("90")
    await form.get_by_label("Review with keys and rationales").select_option("never")
    await form.get_by_role("button", name="Save the policy").click()
    await expect(page.locator("#flash")).to_contain_text("Attempt policy saved")
    status, p = await pstack.request("GET", f"/api/blueprints/{bp}/policy", await pstack.admin_token())
    assert status == 200 and p["max_attempts"] == 3 and p["cooldown_seconds"] == 5400, p
    assert p["review_mode"] == "never"

    await page.goto(f"{pstack.base_url}/admin?blueprint_id={bp}")
    await expect(page.locator("#low-note")).to_contain_text("1 low-answer attempt left out")
    await expect(page.locator("#kpis")).to_contain_text("Attempts1")
    await page.get_by_label("Include low-answer attempts").check()
    await expect(page.locator("#low-note")).to_contain_text("are included")
    await expect(page.locator("#kpis")).to_contain_text("Attempts2")
