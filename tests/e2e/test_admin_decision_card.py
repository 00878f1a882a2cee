"""Before any calibration the dashboard's decision-consistency card shows Subkoviak's
classical agreement and kappa, from the same figures as /api/stats/scores."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockcert.simulate import EventFactory, post_events, synthetic_bank
from scoring.analysis.loop import ENGINE_KEY
from shared.auth import issue_service_token
from tests.e2e.conftest import ui_login
from tests.support import ADMIN_PASSWORD, TEST_EVENT_SIGNING_KEY, Stack, start_stack

pytestmark = pytest.mark.e2e

COUNTS = {"EM": 8, "ICD": 8, "HCPCS": 8}


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(database_url, stats_refresh_seconds=0.2) as running:
        running.apps["scoring"][ENGINE_KEY].auto_calibrate = False  # no calibration: the classical index
        yield running


async def test_decision_card_shows_subkoviak_before_calibration(stack, page):
    rng = np.random.default_rng(31)
    bank = synthetic_bank(rng, {code: 12 for code in COUNTS})
    factory = EventFactory(bank, COUNTS, blueprint_id="cpc-classic", blueprint_name="cpc-classic")
    start = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)
    events = [factory.event(rng, float(rng.normal()), submitted_at=start + dt.timedelta(hours=5 * i))
              for i in range(80)]
    token = issue_service_token(stack.settings["exam-delivery"])
    await post_events(stack.session, stack.urls["scoring"], token, events, signing_key=TEST_EVENT_SIGNING_KEY)
    admin = await stack.admin_token()
    for _ in range(200):
        status, dist = await stack.request("GET", "/api/stats/scores?blueprint_id=cpc-classic", admin)
        if status == 200 and dist["n"] == len(events):
            break
        await asyncio.sleep(0.05)
    assert dist["decision"]["method"] == "subkoviak"
    await ui_login(page, stack.base_url, "admin", ADMIN_PASSWORD)
    await page.wait_for_url(f"{stack.base_url}/admin")
    await page.locator("body[data-loaded='true']").wait_for()
    kpis = page.locator("#kpis")
    await kpis.filter(has_text="Subkoviak").wait_for()
    text = await kpis.text_content()
    assert "Decision consistency" in text and f"kappa {dist['decision']['kappa']:.2f}" in text
    assert "Rudner, IRT" not in text
