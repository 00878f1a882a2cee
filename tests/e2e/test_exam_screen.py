"""The exam screen as a test centre's: a top bar with the exam's name, the question
number and a clock that can be hidden, no site navigation, "Save and leave"; a
navigator whose states are not colour alone; a review grid with filters and area
names and a submit dialog that counts; questions fetched ahead that show offline,
an offline banner that counts what waits; and the same exam usable at 390 px."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.delivery_support import wait_for_bank
from tests.e2e.conftest import artifact, ui_login
from tests.support import Stack, start_stack


@pytest.fixture(scope="module")
async def xstack(database_url: str):
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


async def _blueprint(stack: Stack, domains: list[tuple[str, int]], seconds: int = 3600) -> tuple[str, str]:
    name = f"Screen drill {uuid.uuid4().hex[:6]}"
    status, bp = await stack.request(
        "POST",
        "/api/blueprints",
        await stack.admin_token(),
        json={
            "name": name,
            "time_limit_seconds": seconds,
            "cut_score_percent": 50,
            "domains": [{"code": code, "count": count} for code, count in domains],
        },
    )
    assert status == 201, bp
    return str(bp["id"]), name


async def _sit(stack: Stack, page: Page, domains: list[tuple[str, int]]) -> tuple[str, str, str]:
    """A new candidate logged in on `page` with a fresh attempt; returns (token, attempt id, exam name)."""
    blueprint_id, name = await _blueprint(stack, domains)
    _, username, password = await stack.new_account("candidate", display_name="Pat Screen")
    token = await stack.login(username, password)
    await ui_login(page, stack.base_url, username, password)
    await page.wait_for_url(f"{stack.base_url}/exam")
    status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, started
    return token, str(started["id"]), name


async def _showing(page: Page, position: int, total: int) -> None:
    """The question at `position` is on screen with its own options: keys now act on it."""
    await expect(page.locator("#q-heading")).to_have_text(f"Question {position} of {total}")
    await expect(page.locator(f'#options[data-position="{position}"] input')).to_have_count(4)


async def _until(page: Page, expression: str, timeout: float = 15.0) -> None:
    """Poll `expression` in the page (page.wait_for_function evaluates strings, which the pages' CSP forbids)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await page.evaluate(expression):
        assert asyncio.get_running_loop().time() < deadline, f"never true: {expression}"
        await asyncio.sleep(0.1)


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def _contrast(a: str, b: str) -> float:
    def lum(rgb: tuple[float, ...]) -> float:
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    la, lb = sorted((lum(_rgb(a)), lum(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


async def _style(page: Page, selector: str, prop: str) -> str:
    return await page.locator(selector).first.evaluate(f"(e) => getComputedStyle(e).{prop}")


async def test_the_exam_is_an_exam_top_bar_clock_and_save_and_leave(xstack, page):
    stack = xstack
    token, attempt_id, name = await _sit(stack, page, [("EM", 2), ("ICD", 2), ("HCPCS", 2)])
    exam_url = f"{stack.base_url}/exam/attempts/{attempt_id}"
    await page.goto(exam_url)
    await _showing(page, 1, 6)

    top = page.locator("#exam-top")
    await expect(top.locator("#exam-name")).to_have_text(name)
    await expect(top.locator("#q-count")).to_have_text("Question 1 of 6")
    await expect(top.locator("#timer")).to_have_text(re.compile(r"^0:(59:\d\d|1:00:00)$|^1:00:00$"))
    await expect(top.locator("#codebook-host")).to_have_count(1)
    # No site navigation during the exam: no "Log out", no "My exams".
    await expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    await expect(page.get_by_role("link", name="My exams")).to_have_count(0)
    await expect(page.get_by_role("navigation", name="Main")).to_have_count(0)

    # The bar stays on screen when the page scrolls.
    await page.keyboard.press("n")
    await _showing(page, 2, 6)
    await expect(top.locator("#q-count")).to_have_text("Question 2 of 6")
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = await top.bounding_box()
    assert box is not None and box["y"] <= 1, box

    # Flag: an icon and the word "Flagged"; the navigator shows it by an icon too.
    await page.keyboard.press("b")
    await page.keyboard.press("f")
    flag = page.locator("#flag")
    await expect(flag).to_have_attribute("aria-pressed", "true")
    await expect(flag).to_have_text("Flagged")
    await expect(flag.locator("svg.icon-flag")).to_have_count(1)
    nav = page.locator("#navigator button")
    await expect(nav.nth(1)).to_have_class(re.compile(r"\banswered\b.*\bflagged\b"))
    await expect(nav.nth(1).locator("svg.icon-flag")).to_have_count(1)
    await expect(nav.nth(1).locator("svg.icon-check")).to_have_count(1)
    await expect(nav.nth(1)).to_have_attribute("aria-label", re.compile("answered, flagged"))
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.")

    # Answered against unanswered at least 3:1, and a check mark (not colour alone);
    # the focus ring at least 3:1 on white and on the top bar, 3 px wide.
    answered_bg = await _style(page, "#navigator button.answered", "backgroundColor")
    open_bg = await _style(page, "#navigator button:not(.answered)", "backgroundColor")
    assert _contrast(answered_bg, open_bg) >= 3, (answered_bg, open_bg)
    answered_fg = await _style(page, "#navigator button.answered", "color")
    assert _contrast(answered_fg, answered_bg) >= 4.5
    await page.locator("#next").focus()
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Tab")
    ring = await page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )
    assert ring[0] != "none" and ring[1] == "3px", ring
    bar_bg = await _style(page, "#exam-top", "backgroundColor")
    assert _contrast(ring[2], "rgb(255, 255, 255)") >= 3 and _contrast(ring[2], bar_bg) >= 3, (ring, bar_bg)
    assert _contrast(await _style(page, ".clock-label", "color"), bar_bg) >= 4.5
    await page.screenshot(path=str(artifact("exam-screen.png")))

    # The clock can be hidden, and stays hidden after a reload (per attempt), then shown again.
    await page.get_by_role("button", name="Hide clock").click()
    await expect(page.locator("#timer")).to_be_hidden()
    await expect(page.locator("#clock-hidden-note")).to_be_visible()
    await page.reload()
    await _showing(page, 2, 6)
    await expect(page.locator("#timer")).to_be_hidden()
    await page.get_by_role("button", name="Show clock").click()
    await expect(page.locator("#timer")).to_be_visible()
    await expect(page.locator("#timer")).to_have_text(re.compile(r"^0:5\d:\d\d$|^1:00:00$"))
    await page.reload()
    await expect(page.locator("#timer")).to_be_visible()

    # "Save and leave" says the clock keeps running, then goes to the dashboard.
    await page.get_by_role("button", name="Save and leave").click()
    dialog = page.locator("dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("The clock keeps running")
    await dialog.get_by_role("button", name="Stay in the exam").click()
    await expect(dialog).to_have_count(0)
    await expect(page).to_have_url(re.compile(r"/exam/attempts/"))
    await page.get_by_role("button", name="Save and leave").click()
    await page.locator("dialog").get_by_role("button", name="Save and leave").click()
    await page.wait_for_url(f"{stack.base_url}/exam")
    status, attempt = await stack.request("GET", f"/api/attempts/{attempt_id}", token)
    assert status == 200 and attempt["status"] == "in_progress" and attempt["flagged_count"] == 1
    assert attempt["answered_count"] == 1


async def test_the_review_grid_filters_names_areas_and_counts_in_the_submit_dialog(xstack, page):
    stack = xstack
    token, attempt_id, _ = await _sit(stack, page, [("CPT-20000", 4), ("GUIDE", 4), ("ICD", 4)])
    base = f"/api/attempts/{attempt_id}"
    for pos, change in [(1, {"selected": "A"}), (2, {"selected": "B", "flagged": True}), (5, {"flagged": True}),
                        (7, {"selected": "C"})]:
        status, body = await stack.request("PUT", f"{base}/responses/{pos}", token, json=change)
        assert status == 200, body
    status, domains = await stack.request("GET", "/api/domains", token)  # candidates may read the area names
    assert status == 200, domains
    names = {d["code"]: d["name"] for d in domains}

    await page.set_viewport_size({"width": 1366, "height": 500})
    await page.goto(f"{stack.base_url}/exam/attempts/{attempt_id}/review")
    await expect(page.locator("#review-summary")).to_have_text(
        "You answered 3 of 12 questions; 9 unanswered, 2 flagged for review."
    )
    grid = page.locator("#review-grid button")
    await expect(grid).to_have_count(12)
    await expect(page.get_by_role("button", name="All (12)")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator(".review-cell .cell-area").first).to_be_visible()
    areas = await page.locator(".review-cell .cell-area").all_inner_texts()
    assert len(areas) == 12 and set(areas) == {names["CPT-20000"], names["GUIDE"], names["ICD"]}, areas
    text = await page.locator("#review-grid").inner_text()
    assert "CPT-20000" not in text and "GUIDE" not in text, text
    await expect(grid.nth(1)).to_contain_text("Answered")
    await expect(grid.nth(1)).to_contain_text("Flagged")
    await expect(grid.nth(1).locator("svg.icon-flag")).to_have_count(1)
    await expect(grid.nth(2)).to_contain_text("Unanswered")
    named = re.compile(rf"^Question 2\s+Answered\s+Flagged\s+{re.escape(areas[1])}$")
    await expect(grid.nth(1)).to_have_accessible_name(named)  # what it shows, "Question" for screen readers

    await page.get_by_role("button", name="Unanswered (9)").click()
    await expect(grid).to_have_count(9)
    await expect(page.get_by_role("button", name="Unanswered (9)")).to_have_attribute("aria-pressed", "true")
    await expect(grid.first).to_contain_text("3")
    await page.get_by_role("button", name="Flagged (2)").click()
    await expect(grid).to_have_count(2)
    assert [await b.get_attribute("data-pos") for b in await grid.all()] == ["2", "5"]
    # Submit stays in view however long the grid.
    await page.get_by_role("button", name="All (12)").click()
    await expect(grid).to_have_count(12)
    await page.evaluate("window.scrollTo(0, 0)")
    await expect(page.locator("#submit")).to_be_in_viewport()
    await page.screenshot(path=str(artifact("exam-review-grid.png")))

    # A question in the grid opens on the exam screen.
    await grid.nth(4).click()
    await page.wait_for_url(re.compile(r"/exam/attempts/[0-9a-f-]+#q=5$"))
    await _showing(page, 5, 12)
    await page.get_by_role("link", name="Review and submit").click()
    await page.wait_for_url(re.compile(r"/review$"))

    # The submit dialog counts what is unanswered and flagged; going back submits nothing.
    await page.get_by_role("button", name="Submit exam").click()
    dialog = page.get_by_role("dialog", name="Submit your exam?")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("You answered 3 of 12 questions.")
    await expect(dialog).to_contain_text("9 questions unanswered")
    await expect(dialog).to_contain_text("2 questions flagged for review")
    await expect(page.get_by_role("button", name="Back to the review")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    status, attempt = await stack.request("GET", base, token)
    assert attempt["status"] == "in_progress"
    await page.get_by_role("button", name="Submit exam").click()
    await dialog.get_by_role("button", name="Submit exam").click()
    await page.wait_for_url(re.compile(r"/result$"))
    status, attempt = await stack.request("GET", base, token)
    assert attempt["status"] == "submitted" and attempt["answered_count"] == 3


async def test_questions_fetched_ahead_show_offline_and_the_banner_counts_what_waits(xstack, page, context):
    stack = xstack
    token, attempt_id, _ = await _sit(stack, page, [("EM", 3), ("ANES", 3)])
    await page.goto(f"{stack.base_url}/exam/attempts/{attempt_id}")
    await _showing(page, 1, 6)
    # The next three questions are fetched ahead (and kept in this tab), without any key.
    await _until(page, f"[2, 3, 4].every((n) => sessionStorage.getItem(`mockcert.question.{attempt_id}.${{n}}`))")
    kept = await page.evaluate(f"sessionStorage.getItem('mockcert.question.{attempt_id}.2')")
    assert '"stem"' in kept and '"key"' not in kept and "rationale" not in kept, kept
    banner = page.locator("#save-alert")
    await expect(banner).to_be_hidden()

    await context.set_offline(True)
    await expect(banner).to_have_text(re.compile(r"^Offline: no answers waiting"))
    await page.keyboard.press("a")
    await expect(banner).to_have_text(re.compile(r"^Offline: 1 answer waiting\."))
    await page.keyboard.press("n")
    await _showing(page, 2, 6)  # fetched ahead: it shows without the network
    await page.keyboard.press("c")
    await page.keyboard.press("n")
    await _showing(page, 3, 6)
    await page.keyboard.press("d")
    await expect(banner).to_have_text(re.compile(r"^Offline: 3 answers waiting\."))
    await expect(page.locator("#navigator button.pending")).to_have_count(3)
    await page.keyboard.press("n")
    await _showing(page, 4, 6)
    await page.keyboard.press("n")  # question 5 was never fetched: said so, until the connection returns
    await expect(page.locator("#q-heading")).to_have_text("Question 5 of 6")
    await expect(page.locator("#stem")).to_contain_text("could not be loaded")
    await expect(page.locator("#options input")).to_have_count(0)
    await page.screenshot(path=str(artifact("exam-offline-banner.png")))

    await context.set_offline(False)
    await _showing(page, 5, 6)
    await expect(page.locator("#stem")).not_to_contain_text("could not be loaded")
    await expect(page.locator("#flash")).not_to_contain_text("could not be loaded")
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.", timeout=20000)
    await expect(banner).to_be_hidden()
    await expect(page.locator("#navigator button.pending")).to_have_count(0)
    status, attempt = await stack.request("GET", f"/api/attempts/{attempt_id}", token)
    assert status == 200 and attempt["answered_count"] == 3, attempt
    # Reloaded, every answer made offline is the server's.
    await page.reload()
    await _showing(page, 5, 6)
    await page.locator("#navigator button").nth(2).click()
    await _showing(page, 3, 6)
    await expect(page.locator("#options input[value=D]")).to_be_checked()


async def _fits(page: Page) -> None:
    width = await page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


async def test_the_exam_at_390_px_scrolls_no_sideways_and_keeps_next_in_reach(xstack, page):
    stack = xstack
    _, attempt_id, _ = await _sit(stack, page, [("CPT-20000", 5), ("GUIDE", 5), ("ICD", 5), ("HCPCS", 5)])
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{stack.base_url}/exam/attempts/{attempt_id}")
    await _showing(page, 1, 20)
    await _fits(page)
    await expect(page.locator("#next")).to_be_in_viewport(ratio=1)
    await expect(page.locator("#prev")).to_be_in_viewport(ratio=1)
    await expect(page.locator("#flag")).to_be_in_viewport(ratio=1)
    await expect(page.locator(".kbd-hint")).to_be_hidden()
    await expect(page.locator("#timer")).to_be_in_viewport()
    # Scrolled to the navigator at the bottom: Next still in reach, and it works.
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    await expect(page.locator("#next")).to_be_in_viewport(ratio=1)
    await expect(page.locator("#exam-top")).to_be_in_viewport()
    await page.locator("#next").click()
    await _showing(page, 2, 20)
    await page.locator("#options label").nth(0).click()
    await expect(page.locator("#queue-state")).to_have_text("All answers saved.")
    await _fits(page)
    # Nothing hidden under the bottom bar: the last option can be scrolled above it.
    last = page.locator("#options label").last
    await last.scroll_into_view_if_needed()
    bar = await page.locator(".exam-move").bounding_box()
    opt = await last.bounding_box()
    assert bar and opt and opt["y"] + opt["height"] <= bar["y"] + 1, (opt, bar)
    await page.screenshot(path=str(artifact("exam-390.png")))

    await page.get_by_role("link", name="Review", exact=True).click()  # "Review and submit" on wider screens
    await page.wait_for_url(re.compile(r"/review$"))
    await expect(page.locator("#review-grid button")).to_have_count(20)
    await _fits(page)
    await expect(page.locator("#submit")).to_be_in_viewport(ratio=1)
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    await expect(page.locator("#submit")).to_be_in_viewport(ratio=1)
    await page.get_by_role("button", name="Submit exam").click()
    await expect(page.locator("dialog")).to_be_visible()
    await _fits(page)
    await page.screenshot(path=str(artifact("exam-review-390.png")))


async def test_area_names_missed_offline_arrive_when_the_connection_returns(xstack, page, context):
    stack = xstack
    _, attempt_id, _ = await _sit(stack, page, [("GUIDE", 2)])
    await page.route("**/api/domains", lambda route: route.abort("internetdisconnected"))
    await page.goto(f"{stack.base_url}/exam/attempts/{attempt_id}/review")
    await expect(page.locator("#review-grid button")).to_have_count(2)
    await expect(page.locator(".review-cell .cell-area")).to_have_count(0)  # no name, and never the code
    assert "GUIDE" not in await page.locator("#review-grid").inner_text()
    await page.unroute("**/api/domains")
    await context.set_offline(True)
    await context.set_offline(False)
    await expect(page.locator(".review-cell .cell-area")).to_have_text(["Coding guidelines"] * 2)
