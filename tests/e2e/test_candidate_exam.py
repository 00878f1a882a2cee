"""A candidate sits a short exam in a real browser: mouse and keys, a flag, the
network lost for a moment, a reload mid-exam, review, submission, result; and
the same with the keyboard only, at the width of a 200 % zoom."""

from __future__ import annotations

import re
import secrets
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import start_stack


@pytest.fixture(scope="module")
async def bstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


async def _candidate(stack) -> tuple[str, str]:
    username = f"cand-{uuid.uuid4().hex[:8]}"
    password = secrets.token_urlsafe(12)
    status, body = await stack.request(
        "POST",
        "/api/users",
        await stack.admin_token(),
        json={
            "username": username,
            "password": password,
            "role": "candidate",
            "display_name": "Pat Candidate",
        },
    )
    assert status == 201, body
    return username, password


async def _drill(stack, name: str) -> None:
    status, bp = await stack.request(
        "POST",
        "/api/blueprints",
        await stack.admin_token(),
        json={
            "name": name,
            "time_limit_seconds": 1200,
            "cut_score_percent": 50,
            "domains": [
                {"code": "EM", "count": 2},
                {"code": "ANES", "count": 2},
                {"code": "ICD", "count": 2},
            ],
        },
    )
    assert status == 201, bp


async def test_candidate_sits_an_exam_and_sees_the_result(bstack, page, context):
    stack = bstack
    await _drill(stack, "Browser drill")
    username, password = await _candidate(stack)

    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    await expect(page.get_by_role("button", name="Start Browser drill")).to_be_enabled()
    await page.screenshot(path=str(artifact("candidate-dashboard.png")), full_page=True)
    await page.get_by_role("button", name="Start Browser drill").click()
    dialog = page.locator("dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Start the exam").click()
    await page.wait_for_url(re.compile(r".*/exam/attempts/[0-9a-f-]+(#q=1)?$"))
    attempt_id = page.url.split("/exam/attempts/")[1].split("#")[0]

    heading = page.locator("#q-heading")
    await expect(heading).to_have_text("Question 1 of 6")
    await expect(page.locator("#timer")).to_have_text(re.compile(r"^0:(19|20):\d\d$"))
    options = page.locator("#options input[type=radio]")
    await expect(options).to_have_count(4)

    # Question 1 with the mouse.
    await page.locator("#options label").nth(1).click()
    await expect(options.nth(1)).to_be_checked()
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.")
    await expect(page.locator("#answer-state")).to_contain_text("Saved")

    # Question 2 with the keys: N to move, C to answer, F to flag.
    await page.keyboard.press("n")
    await _showing(page, 2)
    await page.keyboard.press("c")
    await expect(page.locator("#options input[value=C]")).to_be_checked()
    await page.keyboard.press("f")
    await expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.")

    # The network goes away: the answer waits in the browser, with a clear warning, then goes through.
    await page.keyboard.press("n")
    await _showing(page, 3)
    await context.set_offline(True)
    await page.keyboard.press("a")
    await expect(page.locator("#save-alert")).to_be_visible()
    await expect(page.locator("#save-alert")).to_contain_text("Offline: 1 answer waiting")
    await expect(page.locator("#answer-state")).to_contain_text("Not saved yet")
    await page.screenshot(path=str(artifact("candidate-exam-offline.png")), full_page=True)
    await context.set_offline(False)
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.", timeout=20000)
    await expect(page.locator("#save-alert")).to_be_hidden()
    await page.keyboard.press("p")
    await expect(heading).to_have_text("Question 2 of 6")

    # Reload mid-exam: everything as left, on the same question.
    await page.reload()
    await expect(heading).to_have_text("Question 2 of 6")
    await expect(page.locator("#options input[value=C]")).to_be_checked()
    await expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
    nav = page.locator("#navigator button")
    await expect(nav.nth(0)).to_have_class(re.compile(r"\banswered\b"))
    await expect(nav.nth(1)).to_have_class(re.compile(r"\bflagged\b"))
    await expect(nav.nth(2)).to_have_class(re.compile(r"\banswered\b"))
    await expect(nav.nth(3)).not_to_have_class(re.compile(r"\banswered\b"))
    await nav.nth(0).click()
    await expect(heading).to_have_text("Question 1 of 6")
    await expect(options.nth(1)).to_be_checked()
    await page.screenshot(path=str(artifact("candidate-exam.png")), full_page=True)

    # Review: unanswered and flagged questions, then a confirmed submission.
    await page.get_by_role("link", name="Review and submit").click()
    await page.wait_for_url(f"{stack.base_url}/exam/attempts/{attempt_id}/review")
    await expect(page.locator("#review-summary")).to_contain_text("You answered 3 of 6 questions")
    await page.get_by_role("button", name="Unanswered (3)").click()
    unanswered = page.locator("#review-grid button")
    await expect(unanswered).to_have_count(3)
    await expect(unanswered.first).to_have_accessible_name(re.compile(r"^Question 4\s+Unanswered\b"))
    await page.get_by_role("button", name="Flagged (1)").click()
    flagged = page.locator("#review-grid button")
    await expect(flagged).to_have_count(1)
    await expect(flagged).to_have_accessible_name(re.compile(r"^Question 2\s+Answered\s+Flagged\b"))
    await page.screenshot(path=str(artifact("candidate-review.png")), full_page=True)
    await page.get_by_role("button", name="Submit exam").click()
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Submit exam").click()

    await page.wait_for_url(f"{stack.base_url}/exam/attempts/{attempt_id}/result")
    await expect(page.locator("#result")).to_be_visible(timeout=20000)
    await expect(page.locator("#score")).to_contain_text("of 6 correct")
    await expect(page.locator("#domains tbody tr")).to_have_count(3)
    reviewed = page.locator(".exam-review-item")
    await expect(reviewed).to_have_count(6)
    await expect(reviewed.first).to_contain_text("Why:")
    await expect(reviewed.nth(3)).to_contain_text("not answered")
    # The sample rationales begin "Answer X is correct": X is relabelled to what this candidate saw.
    for n in range(6):
        text = await reviewed.nth(n).inner_text()
        key = re.search(r"Correct answer: ([A-D])\.", text).group(1)
        why = text[text.index("Why:"):]
        assert re.match(r"Why: Answer ([A-D])\b", why).group(1) == key, text
    await page.screenshot(path=str(artifact("candidate-result.png")), full_page=True)

    status, attempt = await stack.request(
        "GET", f"/api/attempts/{attempt_id}", await stack.login(username, password)
    )
    assert (
        attempt["status"] == "submitted" and attempt["answered_count"] == 3 and attempt["flagged_count"] == 1
    )


async def _showing(page: Page, position: int) -> None:
    """The question at `position` is on screen (heading and its own options): keys now act on it."""
    await expect(page.locator("#q-heading")).to_have_text(f"Question {position} of 6")
    await expect(page.locator(f'#options[data-position="{position}"] input')).to_have_count(4)


async def _tab_to(page: Page, test: str, limit: int = 80) -> None:
    """Press Tab until `test` (a JS predicate on the focused element `el`) holds."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({test}); }})()"):
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", "the focused element shows no focus ring"
            return
    raise AssertionError(f"Tab never reached: {test}")


async def _no_horizontal_scroll(page: Page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


async def test_keyboard_only_at_200_percent_zoom(bstack, page):
    stack = bstack
    await _drill(stack, "Keyboard drill")
    username, password = await _candidate(stack)
    await page.set_viewport_size({"width": 640, "height": 450})  # 1280 x 900 at 200 %
    await page.goto(f"{stack.base_url}/")
    await _tab_to(page, "el.id === 'username'")
    await page.keyboard.type(username)
    await page.keyboard.press("Tab")
    await page.keyboard.type(password)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{stack.base_url}/exam")
    await expect(page.get_by_role("button", name="Start Keyboard drill")).to_be_visible()
    await _no_horizontal_scroll(page)

    await _tab_to(page, "el.textContent === 'Start Keyboard drill'")
    await page.keyboard.press("Enter")
    await expect(page.locator("dialog")).to_be_visible()
    await page.keyboard.press("Tab")  # from Cancel to the confirmation
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/exam/attempts/[0-9a-f-]+(#q=1)?$"))
    await expect(page.locator("#q-heading")).to_have_text("Question 1 of 6")
    await _no_horizontal_scroll(page)

    # An answer chosen from the radio group with the keyboard, then the shortcuts.
    await _tab_to(page, "el.name === 'answer'")
    await page.keyboard.press("Space")
    await expect(page.locator("#options input:checked")).to_have_count(1)
    await page.keyboard.press("n")
    await _showing(page, 2)
    await page.keyboard.press("d")
    await page.keyboard.press("f")
    await expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.")
    nav = page.locator("#navigator button")
    await expect(nav.nth(0)).to_have_class(re.compile(r"\banswered\b"))
    await expect(nav.nth(1)).to_have_class(re.compile(r"\banswered\b.*\bflagged\b"))
    await page.screenshot(path=str(artifact("candidate-exam-200-percent.png")), full_page=True)

    await _tab_to(page, "el.textContent === 'Review and submit'")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/review$"))
    await expect(page.locator("#review-summary")).to_contain_text("You answered 2 of 6 questions")
    await _no_horizontal_scroll(page)
    await _tab_to(page, "el.textContent === 'Submit exam'")
    await page.keyboard.press("Enter")
    await expect(page.locator("dialog")).to_be_visible()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/result$"))
    await expect(page.locator("#result")).to_be_visible(timeout=20000)
    await expect(page.locator("#score")).to_contain_text("of 6 correct")
    await _no_horizontal_scroll(page)
