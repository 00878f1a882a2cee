"""Item-bank search latency on a 20,000-item bank, through the real app over HTTP.

    python bench/bench_search.py            # 20,000 items, 300 requests per case
    python bench/bench_search.py --quick    # 20,000 items, 60 requests per case

A fresh database on the embedded PostgreSQL (or on DATABASE_URL's server when
set), the real item-bank app on a loopback port, requests one at a time from an
aiohttp client with keep-alive (latency, not throughput). Baselines measured in
the same run: a bare indexed SQL query (one domain's newest 50 latest-version
ids) and a bare full-text query, both sent straight through asyncpg, and the
app's own search SQL sent straight through asyncpg (no HTTP, no JSON), so the
table separates the cost of the query from the cost of the service around it.
Prints a markdown table and writes bench/results/bench_search.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for sub in ("", "services/item-bank", "services/exam-delivery", "services/scoring"):
    sys.path.insert(0, str(ROOT / sub))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from aiohttp import web  # noqa: E402

from item_bank.app import create_app  # noqa: E402
from item_bank.items import repository as repo  # noqa: E402
from item_bank.items.validation import ItemContent  # noqa: E402
from mockcert.sandbox import create_database, free_port, postgres_server  # noqa: E402
from shared.auth import issue_user_token  # noqa: E402
from shared.contracts import LABELS  # noqa: E402
from shared.db import POOL_KEY, create_pool  # noqa: E402
from shared.domains import DOMAIN_CODES  # noqa: E402
from shared.settings import Settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
N_ITEMS = 20_000

SUBJECTS = [
    "patient",
    "established patient",
    "new patient",
    "child",
    "infant",
    "pregnant woman",
    "adult",
    "elderly man",
    "woman",
    "athlete",
    "diabetic patient",
    "smoker",
]
FINDINGS = [
    "laceration",
    "fracture",
    "abscess",
    "cellulitis",
    "hernia",
    "cataract",
    "pneumonia",
    "sepsis",
    "hypertension",
    "chest pain",
    "migraine",
    "otitis media",
    "appendicitis",
    "cholecystitis",
    "osteoarthritis",
    "asthma",
    "anemia",
    "melanoma",
    "basal cell carcinoma",
    "kidney stone",
    "urinary tract infection",
    "glaucoma",
    "carpal tunnel syndrome",
    "tonsillitis",
    "sinusitis",
]
SITES = [
    "left forearm",
    "right knee",
    "scalp",
    "abdomen",
    "lower back",
    "right eye",
    "left ear",
    "chest",
    "right hip",
    "left shoulder",
    "neck",
    "face",
    "foot",
    "hand",
    "thigh",
]
ACTIONS = [
    "excision",
    "repair",
    "biopsy",
    "debridement",
    "injection",
    "drainage",
    "arthroscopy",
    "endoscopy",
    "office visit",
    "consultation",
    "imaging",
    "screening",
    "vaccination",
    "anesthesia",
    "catheterization",
]
QUESTIONS = [
    "Which code is reported?",
    "What is the correct code sequence?",
    "Which modifier applies?",
    "What is the global period?",
    "Which diagnosis code is listed first?",
    "Which guideline governs this encounter?",
]
TAGS = [f"topic-{i}" for i in range(40)] + [
    "laterality",
    "modifiers",
    "bundling",
    "sequencing",
    "global period",
]


def synth_content(rng: random.Random, i: int) -> ItemContent:
    finding, site, action = rng.choice(FINDINGS), rng.choice(SITES), rng.choice(ACTIONS)
    stem = (
        f"A {rng.randint(2, 90)}-year-old {rng.choice(SUBJECTS)} is seen for {finding} of the {site}. "
        f"The physician performs {action} ({i}). {rng.choice(QUESTIONS)}"
    )
    letters = "ABCDEFGHJKLMNPRST"
    options = tuple(
        (
            label,
            f"{rng.choice(letters)}{rng.randint(10, 99)}.{rng.randint(100, 999)}{label} "
            f"{rng.choice(ACTIONS)} {rng.choice(SITES)}",
        )
        for label in LABELS
    )
    return ItemContent(
        domain=DOMAIN_CODES[i % len(DOMAIN_CODES)],
        stem=stem,
        options=options,
        key=rng.choice(LABELS),
        rationale=f"The key follows the guideline for {finding}; "
        "the distractors code the wrong site or action.",
        tags=tuple(sorted(set(rng.sample(TAGS, rng.randint(1, 3))))),
        code_set_year=rng.randint(2022, 2026),
        references=("ICD-10-CM Official Guidelines I.B",),
    )


async def build_bank(pool: asyncpg.Pool, n: int, seed: int) -> None:
    """20,000 items written straight into the tables (building is not what we measure): a fifth of them
    with a second version, statuses spread like a living bank."""
    rng = random.Random(seed)
    authors = [(str(uuid.uuid4()), f"author{a}") for a in range(20)]
    statuses = ["approved"] * 60 + ["draft"] * 15 + ["in_review"] * 10 + ["retired"] * 15
    async with pool.acquire() as conn:
        for start in range(0, n, 1000):
            items, versions, audit, second = [], [], [], []
            for i in range(start, min(n, start + 1000)):
                item_id = uuid.uuid4()
                author_id, author_name = rng.choice(authors)
                content = synth_content(rng, i)
                items.append((item_id, author_id, author_name, 1, None))
                versions.append(
                    (
                        item_id,
                        1,
                        *repo.content_args(content),
                        "draft",
                        author_id,
                        author_name,
                        author_id,
                        content.options_text(),
                    )
                )
                audit.append((item_id, 1, "created", None, "draft", author_id, author_name, ""))
                if rng.random() < 0.2:
                    second.append((item_id, synth_content(rng, i), author_id, author_name))
            async with conn.transaction():
                await repo.insert_batch(conn, items, versions, audit)
                await conn.execute(
                    "UPDATE item_bank.item_versions SET is_latest = false WHERE item_id = ANY($1)",
                    [s[0] for s in second],
                )
                await conn.executemany(
                    repo.INSERT_VERSION,
                    [
                        (item_id, 2, *repo.content_args(c), "draft", a_id, a_name, a_id, c.options_text())
                        for item_id, c, a_id, a_name in second
                    ],
                )
                await conn.execute(
                    "UPDATE item_bank.items SET latest_version = 2 WHERE id = ANY($1)", [s[0] for s in second]
                )
        ids = [
            r["item_id"]
            for r in await conn.fetch(
                "SELECT item_id FROM item_bank.item_versions WHERE is_latest ORDER BY item_id"
            )
        ]
        chosen = [rng.choice(statuses) for _ in ids]
        await conn.execute(
            "UPDATE item_bank.item_versions v SET status = s.status FROM unnest($1::uuid[], $2::text[])"
            " AS s(item_id, status) WHERE v.item_id = s.item_id AND v.is_latest",
            ids,
            chosen,
        )
        await conn.execute(
            "UPDATE item_bank.items i SET approved_version = v.version FROM item_bank.item_versions v"
            " WHERE v.item_id = i.id AND v.is_latest AND v.status = 'approved'"
        )
        await conn.execute("ANALYZE item_bank.items")
        await conn.execute("ANALYZE item_bank.item_versions")


async def timed(fn: Callable[[], Awaitable[Any]], n: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        await fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        await fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return {"median_ms": 1e3 * statistics.median(ordered), "p99_ms": 1e3 * p99, "n": len(ordered)}


BARE_INDEXED = """
SELECT item_id, version FROM item_bank.item_versions
WHERE is_latest AND domain = $1 ORDER BY created_at DESC, item_id DESC LIMIT 50
"""
BARE_FTS = """
SELECT item_id, version FROM item_bank.item_versions
WHERE is_latest AND search @@ websearch_to_tsquery('english', $1)
ORDER BY created_at DESC, item_id DESC LIMIT 50
"""


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with postgres_server("mockcert-bench-search-") as base_url:
        return await measure(await create_database(base_url, "bench_search"), args)


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    settings = Settings(
        service="item-bank",
        port=port,
        database_url=url,
        mode="production",
        jwt_secret="bench-jwt-secret-" + "x" * 32,
        service_secret="bench-service-secret-" + "y" * 32,
        db_pool_min=2,
        db_pool_max=10,
    )
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    t0 = time.perf_counter()
    await build_bank(app[POOL_KEY], N_ITEMS, args.seed)
    build_s = time.perf_counter() - t0
    token, _ = issue_user_token(settings, str(uuid.uuid4()), "instructor", "bench")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}/api/items"
    rng = random.Random(args.seed + 1)
    results: dict[str, Any] = {}
    direct = await create_pool(url, 1, 1)
    try:
        async with aiohttp.ClientSession(headers=headers) as http:
            async with http.get(base, params={"domain": "ICD", "limit": "50"}) as resp:
                first = await resp.json()
                icd_cursor = first["next_cursor"]
            async with http.get(base, params={"limit": "50"}) as resp:
                total_latest = len((await resp.json())["items"])

            def http_case(params_fn: Callable[[], dict[str, str]]) -> Callable[[], Awaitable[None]]:
                async def call() -> None:
                    async with http.get(base, params=params_fn()) as resp:
                        assert resp.status == 200, await resp.text()
                        await resp.read()

                return call

            cases: dict[str, tuple[Callable[[], dict[str, str]], dict[str, Any]]] = {
                "newest 50, no filter": (lambda: {"limit": "50"}, {}),
                "domain": (lambda: {"domain": rng.choice(DOMAIN_CODES), "limit": "50"}, {"domain": "ICD"}),
                "domain + status=approved": (
                    lambda: {"domain": rng.choice(DOMAIN_CODES), "status": "approved", "limit": "50"},
                    {"domain": "ICD", "status": "approved"},
                ),
                "tag": (lambda: {"tag": rng.choice(TAGS), "limit": "50"}, {"tag": "laterality"}),
                "full text, one word": (
                    lambda: {"q": rng.choice(FINDINGS).split()[0], "limit": "50"},
                    {"q": "fracture"},
                ),
                "full text, two words + domain": (
                    lambda: {
                        "q": f"{rng.choice(FINDINGS).split()[0]} {rng.choice(SITES).split()[-1]}",
                        "domain": rng.choice(DOMAIN_CODES),
                        "limit": "50",
                    },
                    {"q": "fracture knee", "domain": "ICD"},
                ),
                "author + year": (
                    lambda: {
                        "author": f"author{rng.randint(0, 19)}",
                        "code_set_year": str(rng.randint(2022, 2026)),
                        "limit": "50",
                    },
                    {"author": "author3", "code_set_year": 2024},
                ),
                "second page (cursor)": (
                    lambda: {"domain": "ICD", "limit": "50", "cursor": icd_cursor},
                    {"domain": "ICD", "cursor": icd_cursor},
                ),
            }
            for name, (params_fn, _) in cases.items():
                results[f"HTTP: {name}"] = summary(await timed(http_case(params_fn), args.requests))

            async def sql(query: str, *params: Any) -> Callable[[], Awaitable[None]]:
                async def call() -> None:
                    async with direct.acquire() as conn:
                        await conn.fetch(query, *params)

                return call

            results["baseline: bare indexed SQL (domain, newest 50)"] = summary(
                await timed(await sql(BARE_INDEXED, "ICD"), args.requests)
            )
            results["baseline: bare full-text SQL (one word)"] = summary(
                await timed(await sql(BARE_FTS, "fracture"), args.requests)
            )
            from item_bank.items import cursors

            after = cursors.decode_time_id(icd_cursor)
            results["app SQL without HTTP: domain"] = summary(
                await timed(
                    await sql(repo.SEARCH, "ICD", None, None, None, None, None, None, None, None, 51),
                    args.requests,
                )
            )
            results["app SQL without HTTP: full text, one word"] = summary(
                await timed(
                    await sql(repo.SEARCH, None, None, None, None, None, None, "fracture", None, None, 51),
                    args.requests,
                )
            )
            results["app SQL without HTTP: second page (cursor)"] = summary(
                await timed(
                    await sql(repo.SEARCH, "ICD", None, None, None, None, None, None, after[0], after[1], 51),
                    args.requests,
                )
            )
    finally:
        await direct.close()
        await runner.cleanup()
    return {"build_seconds": build_s, "items": N_ITEMS, "page_size_check": total_latest, "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="60 requests per case instead of 300")
    ap.add_argument("--requests", type=int, default=None)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.requests is None:
        args.requests = 60 if args.quick else 300
    out = asyncio.run(run(args))
    res = out["results"]
    base = res["baseline: bare indexed SQL (domain, newest 50)"]["median_ms"]
    print(f"### Item search on a {out['items']:,}-item bank, {args.requests} sequential requests per case\n")
    print(f"(bank built in {out['build_seconds']:.1f} s; pages of 50 items with full content)\n")
    print("| case | median (ms) | p99 (ms) | median / bare indexed SQL |")
    print("|---|---:|---:|---:|")
    for name, r in res.items():
        print(f"| {name} | {r['median_ms']:.2f} | {r['p99_ms']:.2f} | {r['median_ms'] / base:.1f}x |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": "bench_search",
        "quick": args.quick,
        "requests_per_case": args.requests,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        **out,
    }
    (RESULTS / "bench_search.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"\nwrote {RESULTS / 'bench_search.json'}")


if __name__ == "__main__":
    main()
