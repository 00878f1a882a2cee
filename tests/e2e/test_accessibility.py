"""Accessibility as a tested property: axe-core (the npm package pinned in tests/e2e/axe/,
installed by `make test`/`make test-e2e` with `npm ci`) is injected into every page of every
role, with data on it and in the states that matter (an exam with a flag and an answer waiting
offline, options struck out, a highlight and a note, the review, a result with a trend,
dashboards with attempts), and finds no serious or critical violation."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Page, expect

from tests.delivery_support import wait_for, wait_for_bank
from tests.e2e.conftest import MED_ITEM
from tests.support import Stack, start_stack


@dataclass
class World:
    stack: Stack
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (token, username)
    ids: dict[str, str] = field(default_factory=dict)


async def _item(stack: Stack, token: str, **extra) -> str:
    status, item = await stack.request("POST", "/api/items", token, json={**MED_ITEM, **extra})
    assert status == 201, item
    return str(item["id"])


@pytest.fixture(scope="module")
async def world(database_url: str) -> World:
    async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        w = World(stack)
        admin = await stack.admin_token()
        w.sessions["admin"] = (admin, "admin")
        status, bp = await stack.request(
            "POST", "/api/blueprints", admin,
            json={"name": f"Axe drill {uuid.uuid4().hex[:4]}", "time_limit_seconds": 1200, "cut_score_percent": 50,
                  "domains": [{"code": "EM", "count": 2}, {"code": "ANES", "count": 2}, {"code": "ICD", "count": 2}]},
        )
        assert status == 201, bp
        _, username, password = await stack.new_account("candidate", display_name="Pat Axe", time_multiplier=1.5)
        cand = await stack.login(username, password)
        w.sessions["candidate"] = (cand, username)
        # Two scored attempts (the result page has a trend), then one open with answers and a flag.
        for answers in ({1: "A", 2: "B", 3: "C"}, {1: "B", 2: "B", 3: "A", 4: "D", 5: "C", 6: "A"}):
            status, att = await stack.request("POST", "/api/attempts", cand, json={"blueprint_id": bp["id"]})
            assert status == 201, att
            for pos, choice in answers.items():
                body = {"selected": choice, "flagged": pos == 2}
                path = f"/api/attempts/{att['id']}/responses/{pos}"
                status, saved = await stack.request("PUT", path, cand, json=body)
                assert status == 200, saved
            assert (await stack.request("POST", f"/api/attempts/{att['id']}/submit", cand))[0] == 200
            w.ids["done"] = str(att["id"])

        async def scored():
            return (await stack.request("GET", f"/api/results/{w.ids['done']}", cand))[0] == 200

        await wait_for(scored, timeout=30, what="the result")
        status, att = await stack.request("POST", "/api/attempts", cand, json={"blueprint_id": bp["id"]})
        assert status == 201, att
        w.ids["open"] = str(att["id"])
        for pos, body in ((1, {"selected": "B"}), (2, {"selected": "C", "flagged": True}), (4, {"flagged": True})):
            assert (await stack.request("PUT", f"/api/attempts/{att['id']}/responses/{pos}", cand, json=body))[0] == 200
        # The tools on the questions the exam screen opens on: options struck out, a highlight, a note.
        tools = {"struck": ["A", "D"], "highlights": [{"start": 0, "end": 12}], "note": "Check the E/M table."}
        for pos in (1, 3):
            status, saved = await stack.request("PUT", f"/api/attempts/{att['id']}/tools/{pos}", cand, json=tools)
            assert status == 200, saved

        _, iname, ipass = await stack.new_account("instructor", display_name="Ira Axe")
        inst = await stack.login(iname, ipass)
        w.sessions["instructor"] = (inst, iname)
        # An item of another author waiting in the review queue, and one of the sample bank.
        queued = await _item(stack, admin)
        status, moved = await stack.request("POST", f"/api/items/{queued}/transitions", admin, json={"to": "in_review"})
        assert status == 200, moved
        w.ids["item"] = queued
        status, listed = await stack.request("GET", "/api/items?status=approved&limit=1", inst)
        assert status == 200 and listed["items"], listed
        w.ids["approved"] = str(listed["items"][0]["id"])
        yield w


PAGES = [
    (None, "/", "#login-form"),
    (None, "/docs", "#reference"),
    ("candidate", "/exam", ".exam-card"),
    ("candidate", "/exam/attempts/{open}", "#options input"),
    ("candidate", "/exam/attempts/{open}/review", "#submit"),
    ("candidate", "/exam/attempts/{done}/result", "#trend table"),
    ("candidate", "/admin", "#wrong-role"),
    ("instructor", "/instructor", "#results table, #results li, #results article"),
    ("instructor", "/instructor/items/new", "form"),
    ("instructor", "/instructor/items/{approved}", "main h2"),
    ("instructor", "/instructor/items/{approved}/edit", "form"),
    ("instructor", "/instructor/review", "main h2"),
    ("instructor", "/instructor/import", "form"),
    ("instructor", "/instructor/rollover", "#rollover > *"),
    ("admin", "/admin", "#kpis dd"),
    ("admin", "/admin/items", "#items-table table"),
    ("admin", "/admin/blueprints", "#blueprint-list table"),
    ("admin", "/admin/users", "#user-list table"),
    ("admin", "/admin/results", "#results-table table"),
    ("admin", "/admin/results/{done}", "#result-summary dd"),
]


def _name(role: str | None, path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{role or 'public'}{path}").strip("-")


async def _open(page: Page, world: World, who: str | None, path: str, ready: str, role: str = "") -> None:
    stack = world.stack
    if who:
        token, username = world.sessions[who]
        role = role or who
        await page.goto(f"{stack.base_url}/docs")
        await page.evaluate(
            "([t, r, u]) => { localStorage.setItem('mockcert.token', t); localStorage.setItem('mockcert.role', r);"
            " localStorage.setItem('mockcert.user', u); }",
            [token, role, username],
        )
    await page.goto(f"{stack.base_url}{path.format(**world.ids)}")
    await page.locator(ready).first.wait_for(timeout=20000)
    await page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(("role", "path", "ready"), PAGES, ids=[_name(r, p) for r, p, _ in PAGES])
async def test_no_serious_violation(world, page, axe, role, path, ready):
    await _open(page, world, role, path, ready)
    await axe(page, _name(role, path))


NARROW = [p for p in PAGES if p[0] == "candidate" and p[1] != "/admin"]


@pytest.mark.parametrize(("role", "path", "ready"), NARROW, ids=[_name(r, p) for r, p, _ in NARROW])
async def test_candidate_pages_at_390_px(world, page, axe, role, path, ready):
    """A phone: no serious violation, and nothing to scroll sideways."""
    await page.set_viewport_size({"width": 390, "height": 844})
    await _open(page, world, role, path, ready)
    await axe(page, _name(role, path) + "-390")
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    wide = await page.evaluate(
        "[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > innerWidth)"
        ".slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`)")
    assert width <= 390, f"{path} is {width} px wide at 390 px: {wide}"


@pytest.mark.parametrize("width", [1366, 390])
async def test_no_serious_violation_on_the_exam_offline_with_an_answer_waiting(world, page, context, axe, width):
    await page.set_viewport_size({"width": width, "height": 900})
    await _open(page, world, "candidate", "/exam/attempts/{open}#q=3", "#options input")
    await expect(page.locator("#q-heading")).to_contain_text("Question 3")
    await context.set_offline(True)
    await page.locator("#options label").nth(2).click()
    await expect(page.locator("#save-alert")).to_be_visible(timeout=15000)
    await axe(page, f"exam-offline-{width}")
    await context.set_offline(False)


async def test_no_serious_violation_in_the_start_dialog(world, page, axe):
    _, username, password = await world.stack.new_account("candidate")
    world.sessions["new-candidate"] = (await world.stack.login(username, password), username)
    await _open(page, world, "new-candidate", "/exam", ".exam-card button:enabled", role="candidate")
    await page.get_by_role("button", name=re.compile("^Start Axe drill")).click()
    await expect(page.locator("dialog")).to_be_visible()
    await axe(page, "start-dialog")
