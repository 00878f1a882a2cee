"""A scanner over everything a candidate receives during a whole attempt.

A candidate sits the built-in 100-question exam through the entry, exactly as
the candidate pages do (log in, the dashboard, start, every question, answers,
changes, flags, the review, the result page polled too early), and pokes at
what a curious candidate would (another question's position, the result before
submission, the all-questions listing, the item bank's API). Every response
body is recorded, together with every page and every script and stylesheet
those pages load (followed through their imports).

Until the attempt is submitted, no recorded body may contain:
- the rationale of any item version in the bank (by its text);
- a JSON field that carries correctness: key, correct, rationale, answer, ...;
- a key written as data in a page or script (`"key": "B"`).

A positive control runs the same scanner over the result after submission,
where keys and rationales belong, and expects it to find them.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from tests.delivery_support import wait_for, wait_for_bank
from tests.support import auth, start_stack

FORBIDDEN_FIELDS = {
    "key", "keys", "correct", "is_correct", "correct_option", "correct_answer", "answer", "answers", "answer_key",
    "rationale", "rationales", "explanation", "solution", "key_original",
}
KEY_AS_DATA = re.compile(r"""["']?\b(?:key|correct_answer|answer_key)\b["']?\s*[:=]\s*["'][ABCD]["']""")
ASSET_RE = re.compile(r"""(?:src|href)="([^"]+)"|from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)""")


@dataclass
class Recorded:
    method: str
    path: str
    status: int
    ctype: str
    body: bytes


@dataclass
class Session:
    """A candidate's HTTP session through the entry, recording every response."""

    stack: Any
    token: str | None = None
    seen: list[Recorded] = field(default_factory=list)

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = auth(self.token) if self.token else {}
        async with self.stack.session.request(method, self.stack.base_url + path, json=body,
                                              headers=headers) as resp:
            raw = await resp.read()
            ctype = resp.headers.get("Content-Type", "")
            self.seen.append(Recorded(method, path, resp.status, ctype, raw))
            return resp.status, (json.loads(raw) if "json" in ctype and raw else raw.decode("utf-8", "replace"))

    async def page(self, path: str) -> None:
        """A page, and every same-origin asset it loads, recursively (scripts follow their imports)."""
        todo, done = [path], set()
        while todo:
            current = todo.pop()
            if current in done:
                continue
            done.add(current)
            status, text = await self.call("GET", current)
            assert status == 200, (current, status)
            for groups in ASSET_RE.findall(text if isinstance(text, str) else ""):
                ref = next(g for g in groups if g)
                target = urllib.parse.urljoin(current, ref)
                if target.startswith("/") and not target.startswith("//") and target.startswith(("/static/",)):
                    todo.append(target)


def fields_in(value: Any, path: str = "$") -> list[str]:
    """Every forbidden field name anywhere in a JSON value, with where it is."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k.lower() in FORBIDDEN_FIELDS:
                found.append(f"{path}.{k}")
            found.extend(fields_in(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(fields_in(v, f"{path}[{i}]"))
    return found


def scan(records: list[Recorded], rationales: list[str]) -> list[str]:
    """What in these responses tells a candidate a key or a rationale."""
    leaks = []
    for r in records:
        text = r.body.decode("utf-8", "replace")
        where = f"{r.method} {r.path} ({r.status}, {r.ctype.split(';')[0]})"
        for rationale in rationales:
            if rationale in text:
                leaks.append(f"{where}: the rationale {rationale[:60]!r}")
                break
        if "json" in r.ctype and r.body:
            leaks.extend(f"{where}: field {f}" for f in fields_in(json.loads(r.body)))
        else:
            leaks.extend(f"{where}: {m.group(0)!r}" for m in KEY_AS_DATA.finditer(text))
    return leaks


@pytest.fixture(scope="module")
async def sstack(database_url):
    async with start_stack(database_url, seed_sample_bank=True, feed_poll_seconds=0.2,
                           outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


async def bank_rationales(database_url: str) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT DISTINCT rationale FROM item_bank.item_versions")
    finally:
        await conn.close()
    # The shortest first would stop early on a common phrase; longest first names the leak precisely.
    return sorted((r["rationale"].strip() for r in rows if len(r["rationale"].strip()) >= 20), key=len, reverse=True)


async def test_nothing_a_candidate_receives_before_submission_tells_a_key_or_a_rationale(sstack, database_url):
    stack = sstack
    rationales = await bank_rationales(database_url)
    assert len(rationales) > 500, "the sample bank should be loaded"
    username = "scan-candidate"
    password = "scan-candidate-password"
    status, _ = await stack.request("POST", "/api/users", await stack.admin_token(), json={
        "username": username, "password": password, "role": "candidate", "display_name": "Scan Candidate"})
    assert status == 201

    s = Session(stack)
    await s.page("/")
    status, login = await s.call("POST", "/api/auth/login", {"username": username, "password": password})
    assert status == 200
    s.token = login["token"]
    await s.page("/exam")
    await s.call("GET", "/api/me")
    status, blueprints = await s.call("GET", "/api/blueprints")
    assert status == 200
    for bp in blueprints:
        await s.call("GET", f"/api/blueprints/{bp['id']}")
    await s.call("GET", "/api/attempts")
    status, attempt = await s.call("POST", "/api/attempts", {"blueprint_id": "cpc-100"})
    assert status == 201, attempt
    base = f"/api/attempts/{attempt['id']}"
    await s.page(f"/exam/attempts/{attempt['id']}")
    status, state = await s.call("GET", base)
    n = state["question_count"]
    assert n == 100

    # Every question, answered in turn; some answers changed, some flagged, some cleared.
    for pos in range(1, n + 1):
        status, q = await s.call("GET", f"{base}/questions/{pos}")
        assert status == 200 and len(q["options"]) == 4
        status, _ = await s.call("PUT", f"{base}/responses/{pos}", {"selected": "ABCD"[pos % 4]})
        assert status == 200
        if pos % 7 == 0:
            await s.call("PUT", f"{base}/responses/{pos}", {"selected": "ABCD"[(pos + 1) % 4], "flagged": True})
        if pos % 11 == 0:
            await s.call("PUT", f"{base}/responses/{pos}", {"selected": None})
        if pos % 25 == 0:
            await s.call("GET", base)
    # What a curious candidate tries before submitting.
    for path in (f"{base}/questions/{n + 1}", f"{base}/questions/0", f"{base}/questions",
                 f"/api/results/{attempt['id']}", "/api/results", "/api/items?limit=5",
                 "/api/stats/items?blueprint_id=cpc-100", "/api/domains"):
        await s.call("GET", path)
    await s.call("PUT", f"{base}/responses/{n + 1}", {"selected": "A"})
    await s.page(f"/exam/attempts/{attempt['id']}/review")
    await s.call("GET", base)
    await s.page(f"/exam/attempts/{attempt['id']}/result")  # the result page, opened too early
    await s.call("GET", f"/api/results/{attempt['id']}")

    before = list(s.seen)
    assert sum(r.path.startswith("/static/") for r in before) >= 4, [r.path for r in before]
    assert sum("/questions/" in r.path and r.status == 200 for r in before) == n
    leaks = scan(before, rationales)
    assert not leaks, "before submission the candidate received:\n" + "\n".join(leaks[:30])

    # Positive control: after submission the result carries keys and rationales, and the scanner sees them.
    status, submitted = await s.call("POST", f"{base}/submit")
    assert status == 200 and submitted["status"] == "submitted"

    async def scored():
        status, body = await s.call("GET", f"/api/results/{attempt['id']}")
        return body if status == 200 else None

    result = await wait_for(scored, timeout=30, what="the result")
    assert len(result["review"]) == n
    after = scan(s.seen[len(before):], rationales)
    assert any("rationale" in leak for leak in after), "the scanner found nothing in the result: it is blind"
    assert any(".key" in leak for leak in after)
