"""Screenshots of the candidate's exam, review and result pages, 1366 and 390 px wide.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts the whole product in-process (the three services and the entry, as the tests do) on a
throwaway database of a throwaway PostgreSQL server (mockcert/sandbox.py: DATABASE_URL's server
if set, else an embedded one in a temporary folder), with the sample bank. A candidate sits the
built-in CPC-style 100 exam through the public API: an earlier attempt scored for the trend,
then answers and flags over a couple of hours of exam time (the attempt's clock moved back on
the database, as the tests do, instead of waiting), with options struck out, a highlight and a
note on the question shown. Debian's chromium (never a downloaded
browser; MOCKCERT_CHROMIUM to use another) then takes the viewport of each page and writes
{exam,review,result}-{1366,390}.png.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import structlog  # noqa: E402
from playwright.async_api import Page, async_playwright  # noqa: E402

from mockcert.sandbox import create_database, postgres_server  # noqa: E402
from shared.contracts import shown_label  # noqa: E402
from tests.delivery_support import move_attempts_back, wait_for, wait_for_bank  # noqa: E402
from tests.support import Stack, start_stack  # noqa: E402

CHROMIUM = os.environ.get("MOCKCERT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"]
SIZES = {1366: (1366, 900), 390: (390, 844)}
BLUEPRINT = "cpc-100"
SHOWN_QUESTION = 37  # the exam screen is taken on this question


async def _keys(db: asyncpg.Connection, attempt_id: str) -> dict[int, str]:
    """The key of each position as the candidate saw it (read from the database, never from the API)."""
    form = json.loads(await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1",
                                        uuid.UUID(attempt_id)))
    keys = {}
    for pos, entry in enumerate(form, start=1):
        key = await db.fetchval("SELECT key FROM delivery.item_versions WHERE item_id = $1 AND version = $2",
                                entry["item_id"], entry["version"])
        keys[pos] = shown_label(entry["order"], key)
    return keys


async def _sit(stack: Stack, db: asyncpg.Connection, token: str, rng: random.Random, *, answer_upto: int,
               right: float, flags: tuple[int, ...], hours: float) -> str:
    """Start an attempt, answer positions 1..answer_upto (a share `right` correctly), flag some, and
    let `hours` pass on the attempt's clock."""
    status, att = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": BLUEPRINT})
    assert status == 201, att
    attempt_id = str(att["id"])
    keys = await _keys(db, attempt_id)
    for pos in range(1, answer_upto + 1):
        key = keys[pos]
        choice = key if rng.random() < right else rng.choice([x for x in "ABCD" if x != key])
        body = {"selected": choice, "flagged": pos in flags}
        status, saved = await stack.request("PUT", f"/api/attempts/{attempt_id}/responses/{pos}", token, json=body)
        assert status == 200, saved
    for pos in flags:
        if pos > answer_upto:
            status, saved = await stack.request("PUT", f"/api/attempts/{attempt_id}/responses/{pos}", token,
                                                json={"flagged": True})
            assert status == 200, saved
    await move_attempts_back(db, [attempt_id], hours * 3600)
    return attempt_id


async def _tools(stack: Stack, db: asyncpg.Connection, token: str, attempt_id: str, pos: int) -> None:
    """On the question shown: two wrong options struck out, the stem's first sentence highlighted, a note."""
    key = (await _keys(db, attempt_id))[pos]
    status, q = await stack.request("GET", f"/api/attempts/{attempt_id}/questions/{pos}", token)
    assert status == 200, q
    stem = q["stem"]
    end = stem.find(". ") + 1 or min(len(stem), 40)
    struck = [x for x in "ABCD" if x not in (key, q["selected"])][:2]
    body = {"struck": struck, "highlights": [{"start": 0, "end": end}], "note": "Check the code book before answering."}
    status, saved = await stack.request("PUT", f"/api/attempts/{attempt_id}/tools/{pos}", token, json=body)
    assert status == 200, saved


async def _submit_and_wait(stack: Stack, token: str, attempt_id: str) -> None:
    status, body = await stack.request("POST", f"/api/attempts/{attempt_id}/submit", token)
    assert status == 200, body

    async def scored() -> bool:
        return (await stack.request("GET", f"/api/results/{attempt_id}", token))[0] == 200

    await wait_for(scored, timeout=60, what="the result")


async def _shoot(page: Page, url: str, ready: str, path: Path) -> None:
    await page.goto(url)
    await page.locator(ready).first.wait_for(timeout=30000)
    await page.wait_for_load_state("networkidle")
    await page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    await page.screenshot(path=str(path))  # the viewport: what a candidate sees first
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")  # noqa: T201


async def run(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(13)
    with postgres_server("mockcert-shots-pg-") as server:
        database_url = await create_database(server, prefix="shots")
        async with start_stack(database_url, seed_sample_bank=True, outbox_poll_seconds=0.2) as stack:
            await wait_for_bank(stack, timeout=60)
            username, password = "pat.candidate", uuid.uuid4().hex
            status, body = await stack.request(
                "POST", "/api/users", await stack.admin_token(),
                json={"username": username, "password": password, "role": "candidate", "display_name": "Pat Candidate"})
            assert status == 201, body
            token = await stack.login(username, password)
            db = await asyncpg.connect(database_url)
            try:
                earlier = await _sit(stack, db, token, rng, answer_upto=92, right=0.62, flags=(), hours=3.8)
                await _submit_and_wait(stack, token, earlier)
                await move_attempts_back(db, [earlier], 7 * 86400)  # a week ago
                attempt = await _sit(stack, db, token, rng, answer_upto=SHOWN_QUESTION + 20, right=0.78,
                                     flags=(4, 19, SHOWN_QUESTION, 61, 88), hours=2.2)
                for pos in (SHOWN_QUESTION - 3, SHOWN_QUESTION + 5):  # a few left blank so far
                    status, saved = await stack.request(
                        "PUT", f"/api/attempts/{attempt}/responses/{pos}", token, json={"selected": None})
                    assert status == 200, saved
                await _tools(stack, db, token, attempt, SHOWN_QUESTION)
                base = stack.base_url
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                    pages = {}
                    for width, (w, h) in SIZES.items():
                        context = await browser.new_context(viewport={"width": w, "height": h},
                                                            device_scale_factor=1, is_mobile=width < 600,
                                                            has_touch=width < 600)
                        page = await context.new_page()
                        await page.goto(f"{base}/docs")
                        await page.evaluate(
                            "([t, u]) => { localStorage.setItem('mockcert.token', t);"
                            " localStorage.setItem('mockcert.role', 'candidate');"
                            " localStorage.setItem('mockcert.user', u); }",
                            [token, username])
                        pages[width] = page
                    for width, page in pages.items():
                        await _shoot(page, f"{base}/exam/attempts/{attempt}#q={SHOWN_QUESTION}",
                                     "#options input", out / f"exam-{width}.png")
                        await _shoot(page, f"{base}/exam/attempts/{attempt}/review", "#submit",
                                     out / f"review-{width}.png")
                    # Answer the rest of the way, as the candidate would, then submit.
                    keys = await _keys(db, attempt)
                    for pos in range(SHOWN_QUESTION + 21, 98):
                        choice = keys[pos] if rng.random() < 0.75 else "ABCD"[(ord(keys[pos]) - 64) % 4]
                        await stack.request("PUT", f"/api/attempts/{attempt}/responses/{pos}", token,
                                            json={"selected": choice})
                    await move_attempts_back(db, [attempt], 1.1 * 3600)
                    await _submit_and_wait(stack, token, attempt)
                    for width, page in pages.items():
                        await _shoot(page, f"{base}/exam/attempts/{attempt}/result", "#result:not([hidden])",
                                     out / f"result-{width}.png")
                    await browser.close()
            finally:
                await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    # The services' request log stays quiet: the script says what it wrote.
    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    asyncio.run(run(args.out.resolve()))


if __name__ == "__main__":
    main()
