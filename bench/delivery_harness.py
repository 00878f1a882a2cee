"""What the exam-delivery benchmarks share (not a benchmark itself).

- a fresh database on DATABASE_URL's server or on an embedded PostgreSQL;
- delivery's schema migrated and its read model fed with a synthetic approved
  bank through delivery's own feed-consumer code;
- candidates inserted straight into the database with tokens minted by the
  test secret (Argon2 hashing of a thousand passwords would dominate the setup);
- `python -m exam_delivery` as a real subprocess (production mode, logs to a file);
- the bare baseline: a minimal aiohttp + asyncpg + msgspec server in a
  subprocess (`python bench/delivery_harness.py bare ...`), one autocommit
  statement per call, the one server of every bare comparison (the saves, the
  start storm, and the exam day of bench/bench_exam_day.py);
- a closed-loop asyncio aiohttp load client with bounded concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for sub in ("", "services/item-bank", "services/exam-delivery", "services/scoring"):
    sys.path.insert(0, str(ROOT / sub))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
import msgspec  # noqa: E402
import numpy as np  # noqa: E402
from aiohttp import web  # noqa: E402

from mockcert.sandbox import create_database, free_port, postgres_server  # noqa: E402
from shared import event_signing  # noqa: E402
from shared.contracts import LABELS, FeedItemVersion, FeedOption, FeedPage, Label  # noqa: E402
from shared.domains import DOMAINS  # noqa: E402
from shared.settings import Settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
JWT_SECRET = "bench-jwt-secret-" + "j" * 40
SERVICE_SECRET = "bench-service-secret-" + "s" * 40


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A new database on DATABASE_URL's server, or on an embedded PostgreSQL in a temporary folder."""
    with postgres_server("mockcert-bench-") as url:
        yield await create_database(url, "bench")


def synthetic_bank(total: int, seed: int = 1) -> list[FeedItemVersion]:
    """`total` approved items spread over the 17 domains in proportion to the classic counts."""
    rng = random.Random(seed)
    out = []
    seq = 0
    for d in DOMAINS:
        for i in range(round(total * d.classic_count / 150)):
            seq += 1
            out.append(
                FeedItemVersion(
                    item_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    version=1,
                    domain=d.code,
                    stem=f"A {30 + i % 50}-year-old patient ({d.code} {i}): which code or modifier is right? "
                    + "The documentation describes the encounter. " * 3,
                    options=[
                        FeedOption(
                            label=label, text=f"{d.code}-{i} alternative {label.lower()} with some text"
                        )
                        for label in LABELS
                    ],
                    key=rng.choice(LABELS),
                    rationale=f"Why the key of {d.code}-{i} is right and the others are not. " * 3,
                    status="approved",
                    code_set_year=2026,
                    changed_seq=seq,
                )
            )
    return out


async def prepare_delivery_database(url: str, bank_size: int) -> None:
    """Migrate delivery's schema and feed the bank through delivery's feed consumer."""
    from exam_delivery.items.service import apply_page
    from shared.db import create_pool, migrate

    await migrate(url, "delivery", "exam_delivery")
    pool = await create_pool(url, 1, 2)
    try:
        rows = synthetic_bank(bank_size)
        for start in range(0, len(rows), 500):
            assert await apply_page(
                pool, 0, FeedPage(items=rows[start : start + 500], next_cursor=0, has_more=False)
            )
    finally:
        await pool.close()


async def make_candidates(url: str, n: int) -> list[tuple[str, str]]:
    """n candidates inserted directly; returns (user_id, token)."""
    from shared.auth import issue_user_token

    settings = Settings(
        service="exam-delivery", database_url=url, jwt_secret=JWT_SECRET, service_secret=SERVICE_SECRET
    )
    ids = [uuid.uuid4() for _ in range(n)]
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "users",
            schema_name="delivery",
            columns=["id", "username", "password_hash", "role", "display_name", "username_canonical"],
            records=[(i, f"bench-{i.hex[:12]}", "!", "candidate", "bench", f"bench-{i.hex[:12]}") for i in ids],
        )
    finally:
        await conn.close()
    return [(str(i), issue_user_token(settings, str(i), "candidate", f"bench-{i.hex[:12]}")[0]) for i in ids]


class Process:
    """A server subprocess, its output in a log file, ready once `ready_path` answers 200."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, ready_path: str, log: Path) -> None:
        self.argv, self.env, self.port, self.ready_path, self.log = argv, env, port, ready_path, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
            )
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.argv} exited: {self.log.read_text()[-2000:]}")
                try:
                    async with session.get(
                        self.url + self.ready_path, timeout=aiohttp.ClientTimeout(total=1)
                    ) as r:
                        if r.status == 200:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.argv} did not become ready")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def delivery_process(url: str, log: Path, **extra_env: str) -> Process:
    port = free_port()
    dead = f"http://127.0.0.1:{free_port()}"  # no item bank or scoring: not on the measured paths
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MOCKCERT_MODE": "production",
        "MOCKCERT_JWT_SECRET": JWT_SECRET,
        "MOCKCERT_SERVICE_SECRET": SERVICE_SECRET,
        "MOCKCERT_EVENT_SIGNING_KEY": event_signing.new_signing_key(),  # no scoring here: nothing verifies
        "MOCKCERT_EXAM_DELIVERY_PORT": str(port),
        "MOCKCERT_ITEM_BANK_URL": dead,
        "MOCKCERT_SCORING_URL": dead,
        "MOCKCERT_ADMIN_USER": "admin",
        "MOCKCERT_ADMIN_PASSWORD": "bench-admin-password",
        "MOCKCERT_FEED_POLL_SECONDS": "30",
        **extra_env,
    }
    return Process([sys.executable, "-m", "exam_delivery"], env, port, "/healthz", log)


def bare_process(url: str, log: Path, *, reset: bool, pool_max: int = 10) -> Process:
    """The bare baseline server (below) as a subprocess; `reset=False`: the no-op reset of delivery's pool."""
    port = free_port()
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "bare",
        "--dsn",
        url,
        "--port",
        str(port),
        "--pool-max",
        str(pool_max),
    ] + ([] if reset else ["--no-reset"])
    return Process(argv, dict(os.environ), port, "/ready", log)


# ---------------------------------------------------------------- load


class Outcome(msgspec.Struct):
    latencies: list[float]
    errors: int
    seconds: float
    statuses: dict[int, int]

    def summary(self) -> dict[str, float]:
        lat = np.asarray(self.latencies) * 1000.0
        return {
            "requests": len(self.latencies),
            "errors": self.errors,
            "rps": len(self.latencies) / self.seconds,
            "p50_ms": float(np.percentile(lat, 50)) if len(lat) else float("nan"),
            "p99_ms": float(np.percentile(lat, 99)) if len(lat) else float("nan"),
        }


async def closed_loop(
    make_request: Callable[[int, random.Random], tuple[str, str, dict[str, str], bytes]],
    concurrency: int,
    seconds: float,
    warmup: float,
) -> Outcome:
    """`concurrency` workers, each sending its next request when the previous answered."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        measure_from = started + warmup
        stop_at = measure_from + seconds

        async def worker(w: int) -> None:
            nonlocal errors
            rng = random.Random(w)
            while True:
                method, url, headers, body = make_request(w, rng)
                t0 = time.perf_counter()
                if t0 >= stop_at:
                    return
                try:
                    async with session.request(method, url, headers=headers, data=body) as resp:
                        await resp.read()
                        status = resp.status
                except aiohttp.ClientError:
                    status = 0
                t1 = time.perf_counter()
                if t0 >= measure_from and t1 <= stop_at:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(t1 - t0)
                    else:
                        errors += 1

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return Outcome(latencies=latencies, errors=errors, seconds=seconds, statuses=statuses)


def machine() -> str:
    import platform

    cores = f"{os.cpu_count()} cores"
    return f"{platform.system()} {platform.machine()}, {cores}, Python {platform.python_version()}"


# ---------------------------------------------------------------- the bare baseline server
#
# One server and one schema for every benchmark that compares the product with bare aiohttp + asyncpg +
# msgspec: the answer saves and the start storm here, and the exam day (bench/loadgen.py plays it; its
# `bare` subcommand serves this). Each call is one autocommit statement, with no auth, no rules and no
# entry in front; the save is the same statement whichever benchmark sends it.

BARE_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS bench_bare;
CREATE TABLE IF NOT EXISTS bench_bare.questions (position integer PRIMARY KEY, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS bench_bare.attempts (
    id uuid PRIMARY KEY, candidate_id uuid NOT NULL, started_at timestamptz NOT NULL,
    deadline timestamptz NOT NULL, form jsonb NOT NULL, submitted_at timestamptz);
CREATE TABLE IF NOT EXISTS bench_bare.responses (
    attempt_id uuid NOT NULL, position integer NOT NULL, selected text,
    flagged boolean NOT NULL DEFAULT false,
    saved_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (attempt_id, position));
INSERT INTO bench_bare.questions
SELECT p, jsonb_build_object('position', p, 'stem', repeat('A question stem of typical length. ', 8),
       'options', jsonb_build_array('option A text', 'option B text', 'option C text', 'option D text'))
FROM generate_series(1, 150) AS p ON CONFLICT DO NOTHING;
"""
BARE_SCHEMA_LOCK = 4242  # two bare servers starting on one database do not race on CREATE
BARE_QUESTION_COUNT = 150
# The question (one row by primary key) with what this attempt saved for it.
BARE_QUESTION = """
SELECT q.body::text AS body, r.selected, coalesce(r.flagged, false) AS flagged
FROM bench_bare.questions q
LEFT JOIN bench_bare.responses r ON r.attempt_id = $1 AND r.position = q.position
WHERE q.position = $2
"""
# The save, with the product's semantics (exam_delivery.attempts.repository.SAVE_RESPONSE without its checks):
# $4 says whether `selected` was sent, $5 is the flag or NULL (keep).
BARE_UPSERT = """
INSERT INTO bench_bare.responses AS r (attempt_id, position, selected, flagged, saved_at)
VALUES ($1, $2, CASE WHEN $4::boolean THEN $3::text END, coalesce($5::boolean, false), clock_timestamp())
ON CONFLICT (attempt_id, position) DO UPDATE
SET selected = CASE WHEN $4 THEN EXCLUDED.selected ELSE r.selected END,
    flagged = coalesce($5, r.flagged),
    saved_at = EXCLUDED.saved_at
RETURNING position, selected, flagged, saved_at
"""
BARE_INSERT_ATTEMPT = """
INSERT INTO bench_bare.attempts (id, candidate_id, started_at, deadline, form)
VALUES ($1, $2, now(), now() + interval '340 minutes', $3::jsonb) RETURNING id, started_at, deadline
"""
BARE_STATE = """
SELECT count(*) FILTER (WHERE selected IS NOT NULL) AS answered, count(*) FILTER (WHERE flagged) AS flagged
FROM bench_bare.responses WHERE attempt_id = $1
"""
BARE_SUBMIT = "UPDATE bench_bare.attempts SET submitted_at = now() WHERE id = $1 RETURNING id"


class BareAnswer(msgspec.Struct, forbid_unknown_fields=True):
    """The product's PUT body: `selected` null clears the answer; an omitted field keeps what was saved."""

    selected: Label | None | msgspec.UnsetType = msgspec.UNSET
    flagged: bool | msgspec.UnsetType = msgspec.UNSET


class BareSaved(msgspec.Struct):
    position: int
    selected: str | None
    flagged: bool
    saved_at: str


class BareStarted(msgspec.Struct):
    id: str
    started_at: str
    deadline: str
    question_count: int


class BareQuestion(msgspec.Struct):
    question: msgspec.Raw
    selected: str | None
    flagged: bool


class BareState(msgspec.Struct):
    answered_count: int
    flagged_count: int


class BareSubmitted(msgspec.Struct):
    id: str
    status: str


BARE_POOL = web.AppKey("bare_pool", asyncpg.Pool)
_bare_decode_answer = msgspec.json.Decoder(BareAnswer).decode
_bare_encode = msgspec.json.Encoder().encode
# The prebuilt form every bare start stores (the product assembles one per start).
_BARE_FORM = msgspec.json.encode(
    [
        {"item_id": str(uuid.uuid4()), "version": 1, "domain": d.code, "order": "BDAC"}
        for d in DOMAINS
        for _ in range(d.classic_count)
    ]
).decode()


def _json(value: msgspec.Struct, status: int = 200) -> web.Response:
    return web.Response(body=_bare_encode(value), status=status, content_type="application/json")


async def _bare_question(request: web.Request) -> web.Response:
    async with request.app[BARE_POOL].acquire() as conn:
        row = await conn.fetchrow(
            BARE_QUESTION, uuid.UUID(request.match_info["attempt"]), int(request.match_info["position"])
        )
    if row is None:
        raise web.HTTPNotFound()
    return _json(BareQuestion(question=msgspec.Raw(row["body"].encode()), selected=row["selected"],
                              flagged=row["flagged"]))


async def _bare_save(request: web.Request) -> web.Response:
    try:
        body = _bare_decode_answer(await request.read())
    except msgspec.DecodeError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    set_selected = body.selected is not msgspec.UNSET
    flagged = None if body.flagged is msgspec.UNSET else body.flagged
    if not set_selected and flagged is None:
        raise web.HTTPBadRequest(text="send `selected` (A-D or null), `flagged`, or both")
    async with request.app[BARE_POOL].acquire() as conn:
        row = await conn.fetchrow(
            BARE_UPSERT,
            uuid.UUID(request.match_info["attempt"]),
            int(request.match_info["position"]),
            body.selected if set_selected else None,
            set_selected,
            flagged,
        )
    return _json(BareSaved(position=row["position"], selected=row["selected"], flagged=row["flagged"],
                           saved_at=row["saved_at"].isoformat()))


async def _bare_start(request: web.Request) -> web.Response:
    async with request.app[BARE_POOL].acquire() as conn:
        row = await conn.fetchrow(BARE_INSERT_ATTEMPT, uuid.uuid4(), uuid.uuid4(), _BARE_FORM)
    return _json(BareStarted(id=str(row["id"]), started_at=row["started_at"].isoformat(),
                             deadline=row["deadline"].isoformat(), question_count=BARE_QUESTION_COUNT), 201)


async def _bare_state(request: web.Request) -> web.Response:
    async with request.app[BARE_POOL].acquire() as conn:
        row = await conn.fetchrow(BARE_STATE, uuid.UUID(request.match_info["attempt"]))
    return _json(BareState(answered_count=row["answered"], flagged_count=row["flagged"]))


async def _bare_submit(request: web.Request) -> web.Response:
    async with request.app[BARE_POOL].acquire() as conn:
        found = await conn.fetchval(BARE_SUBMIT, uuid.UUID(request.match_info["attempt"]))
    if found is None:
        raise web.HTTPNotFound()
    return _json(BareSubmitted(id=str(found), status="submitted"))


async def _bare_ready(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


def create_bare_app(dsn: str, *, reset: bool = True, pool_max: int = 10) -> web.Application:
    """The bare baseline. `reset=False` replaces the reset query asyncpg's Pool runs on every release
    with a no-op, as exam-delivery's pool does."""

    async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(
            dsn, min_size=2, max_size=pool_max, **({} if reset else {"reset": _no_reset})
        )
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", BARE_SCHEMA_LOCK)
            await conn.execute(BARE_SCHEMA)
        app[BARE_POOL] = pool
        yield
        await pool.close()

    app = web.Application()
    app.cleanup_ctx.append(pool_ctx)
    app.router.add_get("/questions/{attempt}/{position:\\d+}", _bare_question)
    app.router.add_put("/answers/{attempt}/{position:\\d+}", _bare_save)
    app.router.add_post("/starts", _bare_start)
    app.router.add_get("/attempts/{attempt}", _bare_state)
    app.router.add_post("/attempts/{attempt}/submit", _bare_submit)
    app.router.add_get("/ready", _bare_ready)
    return app


def serve_bare(dsn: str, port: int, *, reset: bool = True, pool_max: int = 10) -> None:
    """Serve the bare baseline on 127.0.0.1:`port` until SIGTERM or SIGINT."""

    async def main() -> None:
        runner = web.AppRunner(create_bare_app(dsn, reset=reset, pool_max=pool_max), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())


def add_bare_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the `bare` subcommand (here and in bench/loadgen.py)."""
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pool-max", type=int, default=10)
    parser.add_argument(
        "--no-reset", action="store_true", help="a no-op instead of asyncpg's reset query (as delivery's pool)"
    )


def serve_bare_from(args: argparse.Namespace) -> None:
    serve_bare(args.dsn, args.port, reset=not args.no_reset, pool_max=args.pool_max)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="the bare baseline server of the delivery and exam-day benchmarks")
    sub = ap.add_subparsers(dest="cmd", required=True)
    add_bare_arguments(sub.add_parser("bare"))
    serve_bare_from(ap.parse_args())
