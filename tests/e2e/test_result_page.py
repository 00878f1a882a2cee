"""The result page in a real browser: time used and pace from the server's timestamps, the
flagged questions marked in the review, the trend across the candidate's attempts of the
blueprint, and messages that read right when nothing, everything, or time ran out."""

from __future__ import annotations

import re
import uuid

import asyncpg
import pytest
from playwright.async_api import Page, expect

from tests.delivery_support import pass_deadlines, wait_for, wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import Stack, start_stack

QUESTIONS = 4
LIMIT = 1200  # 20 minutes


@pytest.fixture(scope="module")
async def rstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


@pytest.fixture
async def db(database_url: str):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


async def _blueprint(stack: Stack, limit: int = LIMIT) -> str:
    status, bp = await stack.request(
        "POST", "/api/blueprints", await stack.admin_token(),
        json={"name": f"Result drill {uuid.uuid4().hex[:6]}", "time_limit_seconds": limit, "cut_score_percent": 50,
              "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}]},
    )
    assert status == 201, bp
    return str(bp["id"])


async def _candidate(stack: Stack, **extra) -> tuple[str, str, str]:
    """(username, password, token) of a new candidate."""
    _, username, password = await stack.new_account("candidate", display_name="Pat Result", **extra)
    return username, password, await stack.login(username, password)


async def _attempt(stack: Stack, token: str, blueprint_id: str, answers: dict[int, str],
                   flags: tuple[int, ...] = ()) -> str:
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    attempt_id = str(started["id"])
    for pos in sorted(set(answers) | set(flags)):
        body: dict[str, object] = {"selected": answers.get(pos)}
        if pos in flags:
            body["flagged"] = True
        status, saved = await stack.request("PUT", f"/api/attempts/{attempt_id}/responses/{pos}", token, json=body)
        assert status == 200, saved
    return attempt_id


async def _submit(stack: Stack, token: str, attempt_id: str) -> None:
    status, body = await stack.request("POST", f"/api/attempts/{attempt_id}/submit", token)
    assert status == 200, body


async def _scored(stack: Stack, token: str, attempt_id: str) -> dict:
    async def ready():
        status, body = await stack.request("GET", f"/api/results/{attempt_id}", token)
        return body if status == 200 else None

    return await wait_for(ready, timeout=30, what="the result to be scored")


async def _open_result(page: Page, stack: Stack, attempt_id: str) -> None:
    await page.goto(f"{stack.base_url}/exam/attempts/{attempt_id}/result")
    await expect(page.locator("#result")).to_be_visible(timeout=20000)
    await expect(page.locator("#trend")).not_to_be_empty()


async def _no_nonsense(page: Page) -> None:
    """None of the old page's stray or empty phrases."""
    text = await page.locator("main").inner_text()
    assert "Scored." not in text and "Scored:" not in text, text
    assert "0.0 minutes" not in text and "of the time left" not in text, text
    await expect(page.locator("#result-status")).to_be_empty()


async def test_all_answered_with_a_flag_then_a_second_attempt_shows_the_trend(rstack, page):
    stack = rstack
    blueprint_id = await _blueprint(stack)
    username, password, token = await _candidate(stack)
    first = await _attempt(stack, token, blueprint_id, {1: "A", 2: "B", 3: "C", 4: "D"}, flags=(2,))
    await _submit(stack, token, first)
    await _scored(stack, token, first)

    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    await _open_result(page, stack, first)
    await _no_nonsense(page)
    time_box = page.locator("#time")
    await expect(time_box).to_contain_text(re.compile(r"Time used\s*(under 1 s|\d+ s) of 20 min"))
    await expect(time_box).to_contain_text(
        re.compile(r"(under 1 s|about [1-9]\d* s) per answered question; the exam allows about 5 min per question"))
    await expect(page.locator("#pace-message")).to_have_text(
        re.compile(r"^You answered all 4 questions and submitted with (19|20) min left\."))
    # Question 2 was flagged: marked in the review, and the filter keeps it alone.
    items = page.locator(".exam-review-item")
    await expect(items).to_have_count(QUESTIONS)
    await expect(items.nth(1).locator("h3")).to_contain_text("Flagged")
    for n in (0, 2, 3):
        await expect(items.nth(n).locator("h3")).not_to_contain_text("Flagged")
    await page.get_by_label("Show only the questions I flagged").check()
    await expect(page.locator(".exam-review-item:visible")).to_have_count(1)
    await expect(page.locator(".exam-review-item:visible h3")).to_contain_text("Question 2")
    # One scored attempt: no trend yet, said so.
    await expect(page.locator("#trend-note")).to_contain_text("first scored attempt")

    second = await _attempt(stack, token, blueprint_id, {1: "A", 3: "B"})
    await _submit(stack, token, second)
    await _scored(stack, token, second)
    await _open_result(page, stack, second)
    await _no_nonsense(page)
    await expect(page.locator("#pace-message")).to_have_text(
        re.compile(r"^You submitted with (19|20) min left and 2 questions unanswered"))
    trend = page.locator("table.exam-trend")
    await expect(trend.locator("thead th")).to_have_count(3)  # the area column and two attempts
    await expect(trend.locator("thead th").nth(2)).to_contain_text("this attempt")
    rows = trend.locator("tbody tr")
    await expect(rows).to_have_count(3)  # the score, then the blueprint's two areas
    await expect(rows.first.locator("th")).to_have_text("Score")
    results = [await _scored(stack, token, a) for a in (first, second)]
    for col, result in enumerate(results):
        await expect(rows.first.locator("td").nth(col)).to_contain_text(f"{result['percent']:g} %")
        for row, area in enumerate(result["domains"], start=1):
            await expect(rows.nth(row).locator("th")).to_have_text(area["name"])
            await expect(rows.nth(row).locator("td").nth(col)).to_have_text(f"{area['percent']:g} %")
    chart = page.locator("#trend svg[role=img]")
    await expect(chart).to_have_attribute("aria-label", re.compile(r"attempt 1: .* %, attempt 2: .* %"))
    await expect(chart.locator("circle")).to_have_count(2)
    await page.get_by_label("Show only the questions I flagged").wait_for(state="hidden")  # nothing flagged
    await page.screenshot(path=str(artifact("result-trend.png")), full_page=True)
    # At 390 px wide the page, its per-area table and the trend fit without scrolling sideways.
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), \
        await page.evaluate("document.scrollingElement.scrollWidth")
    for table in ("#domains table", "#trend table"):
        assert await page.evaluate(f"document.querySelector('{table}').scrollWidth <= window.innerWidth"), table


async def test_time_left_rounds_to_whole_hours_and_a_fast_pace_reads_right(rstack, page):
    """An hour's exam submitted at once: "1 h left" (never "60 min"), "under 1 s" without "about"."""
    stack = rstack
    blueprint_id = await _blueprint(stack, limit=3600)
    username, password, token = await _candidate(stack)
    attempt_id = await _attempt(stack, token, blueprint_id, {1: "A", 2: "B", 3: "C", 4: "D"})
    await _submit(stack, token, attempt_id)
    await _scored(stack, token, attempt_id)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    await _open_result(page, stack, attempt_id)
    await _no_nonsense(page)
    await expect(page.locator("#pace-message")).to_have_text(
        re.compile(r"^You answered all 4 questions and submitted with 1 h left\."))
    pace = await page.locator("#time dd").nth(1).inner_text()
    assert "about under" not in pace, pace
    assert re.match(r"^(under 1 s|about [1-9]\d* s) per answered question; the exam allows about 15 min per question$",
                    pace), pace
    # The rule itself: minutes are rounded before hours are taken (3 h 59 min 45 s is 4 h).
    spans = await page.evaluate(
        "import('/static/exam-common.js').then(m => [14385, 3590, 20400, 3690, 90].map(m.duration))")
    assert spans == ["4 h", "1 h", "5 h 40 min", "1 h 2 min", "2 min"], spans


async def test_the_cpc_areas_long_names_fit_a_phone(rstack, page):
    """The per-area table of a blueprint with the CPC's longest area names fits 390 px, no word cut."""
    stack = rstack
    status, bp = await stack.request(
        "POST", "/api/blueprints", await stack.admin_token(),
        json={"name": f"Long areas {uuid.uuid4().hex[:6]}", "time_limit_seconds": LIMIT, "cut_score_percent": 50,
              "domains": [{"code": code, "count": 1} for code in ("CPT-10000", "CPT-20000", "CPT-30000", "CPT-50000")]})
    assert status == 201, bp
    username, password, token = await _candidate(stack)
    attempt_id = await _attempt(stack, token, str(bp["id"]), {1: "A"})
    await _submit(stack, token, attempt_id)
    await _scored(stack, token, attempt_id)
    await page.set_viewport_size({"width": 390, "height": 844})
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    await _open_result(page, stack, attempt_id)
    await expect(page.locator("#domains tbody tr")).to_have_count(4)
    await expect(page.locator("#domains tbody th").nth(2)).to_contain_text("Respiratory, cardiovascular")
    await page.screenshot(path=str(artifact("result-long-areas-390.png")), full_page=True)
    assert await page.evaluate("document.querySelector('#domains table').scrollWidth <= window.innerWidth"), \
        await page.evaluate("document.querySelector('#domains table').scrollWidth")


async def test_nothing_answered_says_so_without_a_pace(rstack, page):
    stack = rstack
    blueprint_id = await _blueprint(stack)
    username, password, token = await _candidate(stack)
    attempt_id = await _attempt(stack, token, blueprint_id, {})
    await _submit(stack, token, attempt_id)
    await _scored(stack, token, attempt_id)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    await _open_result(page, stack, attempt_id)
    await _no_nonsense(page)
    await expect(page.locator("#time dd").nth(1)).to_have_text("no question answered")
    await expect(page.locator("#pace-message")).to_have_text(
        re.compile(r"^You submitted with (19|20) min left and no question answered\. A blank is always wrong"))


async def test_time_out_says_the_exam_was_submitted_as_it_stood(rstack, page, db):
    """With a 1.5x accommodation: 30 minutes of a 20-minute exam."""
    stack = rstack
    blueprint_id = await _blueprint(stack)
    username, password, token = await _candidate(stack, time_multiplier=1.5)
    attempt_id = await _attempt(stack, token, blueprint_id, {1: "B"})
    await pass_deadlines(db, [attempt_id])  # the server's sweeper submits it as it stands
    await _scored(stack, token, attempt_id)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    await _open_result(page, stack, attempt_id)
    await _no_nonsense(page)
    await expect(page.locator("#time dd").first).to_have_text("30 min of 30 min (with your time accommodation)")
    await expect(page.locator("#pace-message")).to_have_text(
        re.compile(r"^Time ran out with 3 questions unanswered, and the exam was submitted as it stood\."))
    await expect(page.locator("#time dd").nth(1)).to_have_text(
        "about 30 min per answered question; the exam allows about 7 min 30 s per question")
    # The admin's view of the same result says it from the same numbers.
    await page.evaluate(
        "t => { localStorage.setItem('mockcert.token', t); localStorage.setItem('mockcert.role', 'admin'); }",
        await stack.admin_token(),
    )
    await page.goto(f"{stack.base_url}/admin/results/{attempt_id}")
    await expect(page.locator("#pace")).to_have_text(
        "Time ran out after 30 min; the candidate was allowed 30 min; 3 questions unanswered.")
