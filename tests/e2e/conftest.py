"""A real browser (Debian's chromium, driven by Playwright) against the real stack."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support import Stack

CHROMIUM = os.environ.get("MOCKCERT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("MOCKCERT_ARTIFACTS", "artifacts"))
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


async def ui_login(page: Page, base_url: str, username: str, password: str) -> None:
    await page.goto(f"{base_url}/")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def make_instructor(stack: Stack) -> tuple[str, str]:
    """A new instructor account; returns (username, password) for the login page."""
    _, username, password = await stack.new_account("instructor")
    return username, password


MED_ITEM = {
    "domain": "MED",
    "stem": "Which CPT section covers immunization administration codes in this case?",
    "options": [{"label": label, "text": f"Section {label}"} for label in "ABCD"],
    "key": "C",
    "rationale": "Immunization administration is reported from the Medicine section; the others are not.",
}


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


# axe-core, pinned in tests/e2e/axe/package-lock.json and installed there by `npm ci` (make test-e2e).
AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make test-e2e` installs it (npm ci in tests/e2e/axe)")
    return AXE_JS.read_text()


@pytest.fixture
def axe(axe_source: str):
    """`await axe(page, name)`: run axe-core on the page as it is; fail on a serious or critical violation."""

    async def check(page: Page, name: str) -> None:
        # Evaluated through the browser's debugging protocol: the pages' strict CSP stays in force.
        await page.evaluate(axe_source)
        result = await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
        bad = [v for v in result["violations"] if v["impact"] in AXE_BLOCKING]
        if bad:
            artifact(f"axe-{name}.json").write_text(json.dumps(bad, indent=1))
            await page.screenshot(path=str(artifact(f"axe-{name}.png")), full_page=True)
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(n["target"]) + f" [{n.get('failureSummary', '').splitlines()[-1].strip()}]"
                        for n in v["nodes"][:6])
            for v in bad
        )
        assert not bad, f"axe on {name}:\n{report}"

    return check
