"""An admin opens the dashboards after a simulation and sees the charts."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from shared.auth import issue_service_token
from tests.e2e.conftest import artifact, ui_login
from tests.support import ADMIN_PASSWORD, TEST_EVENT_SIGNING_KEY, Stack, start_stack

pytestmark = pytest.mark.e2e

COUNTS = {"EM": 6, "ANES": 4, "CPT-10000": 6, "RAD": 4, "ICD": 6, "HCPCS": 4}


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
async def simulated(stack: Stack) -> int:
    """A simulation straight to scoring's event endpoint: 240 candidates over ten weeks, two cohorts."""
    rng = np.random.default_rng(8)
    bank = synthetic_bank(rng, {code: 3 * n for code, n in COUNTS.items()})
    factory = EventFactory(bank, COUNTS, blueprint_id="cpc-sim", blueprint_name="cpc-sim")
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    events = [
        factory.event(
            rng,
            float(rng.normal(0.4, 1.0)),
            group=("evening" if i % 3 else "weekday"),
            submitted_at=start + dt.timedelta(hours=7 * i),
        )
        for i in range(240)
    ]
    token = issue_service_token(stack.settings["exam-delivery"])
    await post_events(stack.session, stack.urls["scoring"], token, events, signing_key=TEST_EVENT_SIGNING_KEY)
    admin = await stack.admin_token()
    for _ in range(200):
        status, body = await stack.request("GET", "/api/stats/blueprints", admin)
        if body.get("n_attempts") == len(events):
            break
        await asyncio.sleep(0.05)
    assert body["n_attempts"] == len(events)
    status, _ = await stack.request("POST", "/api/stats/calibrate", admin)
    assert status == 200
    return len(events)


async def test_admin_sees_the_dashboard_charts(stack, simulated, page):
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.locator("body[data-loaded='true']").wait_for()
    figures = page.locator("figure.chart-figure svg[role='img']")
    await figures.first.wait_for()
    assert await figures.count() == 3
    titles = [await t.text_content() for t in await page.locator("figure.chart-figure svg > title").all()]
    assert titles[0].startswith("Pass rate by week")
    assert titles[1] == "Score distribution, cpc-sim"
    assert titles[2] == "Mean score by content area"
    # Text alternatives say what the charts show.
    descs = [await d.text_content() for d in await page.locator("figure.chart-figure svg > desc").all()]
    assert (
        "Wilson" in descs[0]
        and f"{simulated} attempts" in descs[1]
        and "Evaluation and Management" in descs[2]
    )
    assert await page.locator("#trend-chart polygon.band").count() == 1
    assert await page.locator("#hist-chart rect.bar").count() > 10
    assert await page.locator("#hist-chart line.cut").count() == 1
    assert await page.locator("#domain-chart rect.bar").count() == len(COUNTS)
    kpis = await page.locator("#kpis").text_content()
    assert f"{simulated}" in kpis and "KR-20" in kpis and "Rudner" in kpis
    assert await page.locator("#groups-table tbody tr").count() == 2
    await page.screenshot(path=str(artifact("admin-dashboard.png")), full_page=True)

    # The trend follows the period picker.
    await page.get_by_label("Trend by").select_option("month")
    await page.locator("#trend-chart svg > title", has_text="Pass rate by month").wait_for(state="attached")


async def column_values(page, header: str) -> list[float]:
    """The numbers a column of the item table shows, top to bottom (the value before its interval)."""
    return await page.locator("#items-table table").evaluate(
        """(table, header) => {
          const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.replace(/ [▲▼]$/, ""));
          const i = heads.indexOf(header);
          if (i < 0) throw new Error(`no column ${header}`);
          return [...table.querySelectorAll("tbody tr")].map((tr) => {
            const cell = tr.children[i];
            const first = cell.querySelector(".with-ci") ? cell.querySelector(".with-ci").firstChild : cell;
            return Number(first.textContent);
          });
        }""",
        header,
    )


async def test_item_quality_table_scatter_and_csv_export(stack, simulated, page):
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/items")
    await page.locator("body[data-loaded='true']").wait_for()
    rows = page.locator("#items-table tbody tr")
    assert await rows.count() == sum(3 * n for n in COUNTS.values())
    points = page.locator("#scatter-chart .pt")
    assert await points.count() == await rows.count()
    # Sort by difficulty: the first row is then the hardest item, and the column is in order.
    p_header = page.locator("#items-table th button", has_text="p [95 % CI]")
    await p_header.click()
    assert await page.locator("#items-table th[aria-sort='ascending']").count() == 1
    ascending = await column_values(page, "p [95 % CI]")
    assert len(ascending) == await rows.count() and len(set(ascending)) > 1
    assert ascending == sorted(ascending)
    await p_header.click()
    assert await page.locator("#items-table th[aria-sort='descending']").count() == 1
    assert await column_values(page, "p [95 % CI]") == sorted(ascending, reverse=True)
    # A plain numeric column sorts the same way.
    await page.locator("#items-table th button", has_text="Upper–lower D").click()
    d_values = await column_values(page, "Upper–lower D")
    assert d_values == sorted(d_values) and len(set(d_values)) > 1
    await page.locator("#irt-summary", has_text="2PL calibration").wait_for()
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Export CSV (Item versions)").click()
    download = await info.value
    path = artifact("item-analysis.csv")
    await download.save_as(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Item,Area,n,")
    assert len(lines) == 1 + await rows.count()
    await page.screenshot(path=str(artifact("admin-items.png")))


async def test_accommodation_is_set_from_the_users_page(stack, page):
    user_id, _ = await stack.new_user("candidate")
    admin = await stack.admin_token()
    status, user = await stack.request("GET", f"/api/users/{user_id}", admin)
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.goto(f"{stack.base_url}/admin/users")
    field = page.get_by_label(f"Time multiplier of {user['username']}", exact=True)
    await field.fill("1.5")
    await (
        page.get_by_role("form", name=f"Set the time multiplier of {user['username']}")
        .get_by_role("button")
        .click()
    )
    await page.get_by_text(f"{user['username']}: time multiplier 1.5").wait_for()
    status, user = await stack.request("GET", f"/api/users/{user_id}", admin)
    assert user["time_multiplier"] == 1.5
