"""The review grid of a 100-question exam, in a real browser at 1366 and 390 px: every cell's number
(three digits for question 100) stands apart from its state ("100" never runs into "Unanswered")
and nothing in a cell spills over its border."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import start_stack

# For each cell: [number, the digits' right edge, the state's text's left and right edges, the cell's inner right edge].
CELLS = """() => [...document.querySelectorAll('#review-grid .review-cell')].map((c) => {
  // The digits as drawn (a box narrower than its text lets them run over): the number's own text node.
  const digits = document.createRange();
  digits.selectNodeContents(c.querySelector('.cell-num').lastChild);
  const num = digits.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(c.querySelector('.cell-state'));
  const text = range.getBoundingClientRect();
  const box = c.getBoundingClientRect();
  const style = getComputedStyle(c);
  const inner = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight) / 2;
  return [c.querySelector('.cell-num').textContent, num.right, text.left, text.right, inner];
})"""


@pytest.fixture(scope="module")
async def gstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


@pytest.mark.parametrize("width", [1366, 390])
async def test_three_digit_numbers_stand_apart_from_the_state(gstack, browser: Browser, width: int):
    stack = gstack
    _, username, password = await stack.new_account("candidate")
    token = await stack.login(username, password)
    status, attempt = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": "cpc-100"})
    assert status == 201, attempt
    status, saved = await stack.request("PUT", f"/api/attempts/{attempt['id']}/responses/1", token,
                                        json={"selected": "A", "flagged": True})
    assert status == 200, saved
    context = await browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await ui_login(page, stack.base_url, username, password)
        await page.wait_for_url(f"{stack.base_url}/exam")
        await page.goto(f"{stack.base_url}/exam/attempts/{attempt['id']}/review")
        await expect(page.locator("#review-grid .review-cell")).to_have_count(100)
        await page.screenshot(path=str(artifact(f"review-grid-{width}.png")), full_page=True)
        cells = await page.evaluate(CELLS)
        assert len(cells) == 100
        for label, num_right, text_left, text_right, inner_right in cells:
            assert num_right <= text_left, f"{width} px: the number of {label} runs into its state"
            assert text_right <= inner_right + 0.5, f"{width} px: the state of {label} spills over the cell"
        assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
        # The save line counts in words: "Saving 1 change…", never "change(s)".
        said = await page.evaluate("""import('/static/exam-common.js').then((m) => [1, 2].flatMap((n) =>
          [false, true].map((failing) => m.queueText({ size: () => n, closed: false, failing }).text)))""")
        assert said == ["Saving 1 change…", "1 change not saved yet: retrying…",
                        "Saving 2 changes…", "2 changes not saved yet: retrying…"], said
        assert not errors, errors
    finally:
        await context.close()
