"""What one answer save, one attempt start and one submission cost the PostgreSQL primary.

    python bench/bench_wal.py            # 900 saves, 600 question fetches, 60 starts and submissions, ~4 minutes
    python bench/bench_wal.py --quick    # 220 saves, 160 question fetches, 20 starts and submissions

The capacity model of docs/scaling.md needs, besides CPU, what the primary writes: its
commit rate and its WAL rate. This bench counts both per operation through the real API.

An embedded PostgreSQL in a temporary folder (never DATABASE_URL's server: the WAL position
is the whole server's, so nothing else may write there) holds two databases: delivery's and
scoring's. `python -m exam_delivery` and `python -m scoring` run as real processes
(production mode, default pool sizes and loop intervals), delivery's outbox publishing to
that scoring, so a submission is counted whole: the attempt closed, its event written,
leased, delivered, acknowledged, and the result scored and stored.

Counters, read from a third database (the server's own, so that reading them adds nothing
to the two counted):
- commits: `xact_commit` of `pg_stat_database` for each database (read-only transactions
  included; backends report them up to 10 s late, so every phase ends with an 11 s wait);
- write transactions: transaction ids consumed (`pg_snapshot_xmax(pg_current_snapshot())`);
- WAL bytes: `pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')`, and full-page images
  (`pg_stat_wal.wal_fpi`).
The services' background loops (sweeper, outbox, revocation pollers, scoring's statistics)
commit while idle; an idle window measures that rate first and each phase subtracts it for
its duration.

Baselines in the same run, on the same delivery database, from a direct connection: a bare
single-row autocommit UPDATE, and the bare endpoint's answer upsert (bench/delivery_harness.py
BARE_UPSERT), first answers and changed answers. Neither a timed checkpoint nor autovacuum runs
inside the run (this throwaway server only: checkpoint_timeout 1 h, autovacuum off, one VACUUM
after the set-up), so each figure is the operation's own WAL records;
one phase, right after a CHECKPOINT, measures a save that is its attempt's first since then, which
also writes the images of the pages it is the first to change. Connections: backends per database
(pg_stat_activity), at rest and the largest seen while 32 clients save at once.
Prints markdown tables and writes bench/results/bench_wal.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent))
import delivery_harness as hx  # noqa: E402

FLUSH_WAIT_SECONDS = 11.0  # backends report their transaction counts at most 10 s after going idle
IDLE_SECONDS = 30.0
LABEL_CHOICES = ("A", "B", "C", "D")


# ---------------------------------------------------------------- the arithmetic (pure, tested)


class Counters(msgspec.Struct, frozen=True):
    """One reading of the server's counters."""

    at: float  # monotonic seconds
    commits: dict[str, int]  # xact_commit by database role ("delivery", "scoring")
    write_xacts: int  # next transaction id: ids consumed = write transactions
    wal_bytes: int  # WAL position in bytes
    wal_fpi: int  # full-page images written so far


class Background(msgspec.Struct, frozen=True):
    """What the services do with no request: per second."""

    commits: dict[str, float]
    write_xacts: float
    wal_bytes: float
    wal_fpi: float


class PerOperation(msgspec.Struct, frozen=True):
    operations: int
    seconds: float
    commits: dict[str, float]  # per operation, by database
    write_xacts: float
    wal_bytes: float
    wal_fpi: float

    @property
    def total_commits(self) -> float:
        return sum(self.commits.values())


def background_rates(before: Counters, after: Counters) -> Background:
    """Per-second rates over an idle window."""
    span = after.at - before.at
    if span <= 0:
        raise ValueError("the idle window must have a length")
    return Background(
        commits={db: (after.commits[db] - before.commits[db]) / span for db in before.commits},
        write_xacts=(after.write_xacts - before.write_xacts) / span,
        wal_bytes=(after.wal_bytes - before.wal_bytes) / span,
        wal_fpi=(after.wal_fpi - before.wal_fpi) / span,
    )


NO_BACKGROUND = Background(commits={}, write_xacts=0.0, wal_bytes=0.0, wal_fpi=0.0)


def per_operation(before: Counters, after: Counters, operations: int,
                  background: Background = NO_BACKGROUND, own_commits: dict[str, int] | None = None) -> PerOperation:
    """What each of `operations` cost between two readings, the background's share over the same
    seconds and the bench's own `own_commits` (reads it made to wait, by database) taken out."""
    if operations <= 0:
        raise ValueError("operations must be positive")
    span = after.at - before.at

    def each(delta: int, rate: float) -> float:
        return (delta - rate * span) / operations

    return PerOperation(
        operations=operations,
        seconds=span,
        commits={db: each(after.commits[db] - before.commits[db] - (own_commits or {}).get(db, 0),
                          background.commits.get(db, 0.0))
                 for db in before.commits},
        write_xacts=each(after.write_xacts - before.write_xacts, background.write_xacts),
        wal_bytes=each(after.wal_bytes - before.wal_bytes, background.wal_bytes),
        wal_fpi=each(after.wal_fpi - before.wal_fpi, background.wal_fpi),
    )


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline else float("nan")


# ---------------------------------------------------------------- the run

READ_COUNTERS = """
SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = $1) AS delivery,
       (SELECT xact_commit FROM pg_stat_database WHERE datname = $2) AS scoring,
       pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next_xid,
       pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS wal_bytes,
       (SELECT wal_fpi FROM pg_stat_wal) AS wal_fpi
"""
# This throwaway server only: no timed checkpoint and no autovacuum inside the run (the bench
# vacuums once after the set-up), so each figure is its operation's own WAL.
SERVER_SETTINGS = (
    "ALTER SYSTEM SET autovacuum = off",
    "ALTER SYSTEM SET checkpoint_timeout = '1h'",
    "ALTER SYSTEM SET max_wal_size = '8GB'",
    "SELECT pg_reload_conf()",
    "CHECKPOINT",
)
CHECKPOINTS_DONE = "SELECT num_timed + num_requested FROM pg_stat_checkpointer"
# The services' backends: the bench's own connections to the two databases are not counted.
BACKENDS = """
SELECT datname, count(*) AS n FROM pg_stat_activity
WHERE datname = ANY($1) AND pid <> ALL($2::integer[]) GROUP BY datname
"""
# Bytes on disk per row (heap, TOAST and indexes; the free-space and visibility maps left out).
STORAGE = """
SELECT t.name, t.rows,
       pg_total_relation_size(t.rel) - pg_relation_size(t.rel, 'fsm') - pg_relation_size(t.rel, 'vm') AS bytes
FROM (VALUES ('responses', 'delivery.responses'::regclass, (SELECT count(*) FROM delivery.responses)),
             ('attempts', 'delivery.attempts'::regclass, (SELECT count(*) FROM delivery.attempts)),
             ('outbox', 'delivery.outbox'::regclass, (SELECT count(*) FROM delivery.outbox))) AS t (name, rel, rows)
"""
BASELINE_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS bench_wal;
CREATE TABLE IF NOT EXISTS bench_wal.counters (
    id integer PRIMARY KEY, n bigint NOT NULL DEFAULT 0, at timestamptz NOT NULL DEFAULT now());
INSERT INTO bench_wal.counters (id) SELECT g FROM generate_series(1, 64) AS g ON CONFLICT DO NOTHING;
"""
BASELINE_UPDATE = "UPDATE bench_wal.counters SET n = n + 1, at = clock_timestamp() WHERE id = $1"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


class Meter:
    """Reads the counters from the server's own database; counts backends on a second connection
    (the sampling runs while the counters are read)."""

    def __init__(self, conn, watch, names: dict[str, str], own_pids: list[int]) -> None:  # type: ignore[no-untyped-def]
        self.conn, self.watch, self.names, self.own_pids = conn, watch, names, own_pids
        self.peak: dict[str, int] = {}

    async def read(self) -> Counters:
        row = await self.conn.fetchrow(READ_COUNTERS, self.names["delivery"], self.names["scoring"])
        return Counters(at=time.monotonic(), commits={"delivery": row["delivery"], "scoring": row["scoring"]},
                        write_xacts=row["next_xid"], wal_bytes=row["wal_bytes"], wal_fpi=row["wal_fpi"] or 0)

    async def backends(self) -> dict[str, int]:
        rows = await self.watch.fetch(BACKENDS, list(self.names.values()), self.own_pids)
        by_name = {r["datname"]: r["n"] for r in rows}
        return {role: by_name.get(name, 0) for role, name in self.names.items()}

    async def sample_backends(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            for role, n in (await self.backends()).items():
                self.peak[role] = max(self.peak.get(role, 0), n)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.2)


async def measured(meter: Meter, operations: int, background: Background, work) -> PerOperation:  # type: ignore[no-untyped-def]
    """`work()` returns the commits it made itself to wait for the operations, by database (or None)."""
    before = await meter.read()
    own = await work()
    await asyncio.sleep(FLUSH_WAIT_SECONDS)
    return per_operation(before, await meter.read(), operations, background, own)


async def gathered(n_parallel: int, coros) -> list:  # type: ignore[no-untyped-def]
    gate = asyncio.Semaphore(n_parallel)

    async def one(coro):  # type: ignore[no-untyped-def]
        async with gate:
            return await coro

    return list(await asyncio.gather(*(one(c) for c in coros)))


async def call(session, method: str, url: str, token: str, body: object = None, ok=(200, 201)) -> dict:  # type: ignore[no-untyped-def]
    async with session.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"}) as resp:
        out = await resp.json(content_type=None)
        if resp.status not in ok:
            raise RuntimeError(f"{method} {url}: {resp.status} {out}")
        return out


def scoring_process(url: str, log: Path, port: int, delivery_url: str, verify_key: str) -> hx.Process:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MOCKCERT_MODE": "production",
        "MOCKCERT_JWT_SECRET": hx.JWT_SECRET,
        "MOCKCERT_SERVICE_SECRET": hx.SERVICE_SECRET,
        "MOCKCERT_EVENT_VERIFY_KEY": verify_key,
        "MOCKCERT_SCORING_PORT": str(port),
        "MOCKCERT_EXAM_DELIVERY_URL": delivery_url,
        "MOCKCERT_ITEM_BANK_URL": f"http://127.0.0.1:{hx.free_port()}",
    }
    return hx.Process([sys.executable, "-m", "scoring"], env, port, "/healthz", log)


async def run(args: argparse.Namespace) -> dict[str, object]:
    import aiohttp
    import asyncpg

    from mockcert.sandbox import create_database, postgres_server
    from shared import event_signing
    from shared.settings import Settings

    logs = Path(tempfile.mkdtemp(prefix="mockcert-bench-wal-"))
    n_attempts, saves_each, changes = (20, 8, 60) if args.quick else (60, 10, 300)
    out: dict[str, object] = {}
    with postgres_server("mockcert-bench-wal-", from_env=False) as server:
        # No timed checkpoint inside the run: the figures are the WAL records of each operation. After a
        # checkpoint, the first change to each page also writes the page's image (wal_fpi counts them):
        # one phase measures that apart, right after a CHECKPOINT of its own. The one here comes
        # before any table exists.
        admin = await asyncpg.connect(server)
        try:
            for statement in SERVER_SETTINGS:
                await admin.execute(statement)
            out["checkpoints_before"] = await admin.fetchval(CHECKPOINTS_DONE)
        finally:
            await admin.close()
        delivery_url = await create_database(server, "walbench")
        scoring_url = await create_database(server, "walscoring")
        names = {"delivery": database_name(delivery_url), "scoring": database_name(scoring_url)}
        await hx.prepare_delivery_database(delivery_url, bank_size=3 * 150)
        signing = event_signing.new_signing_key()
        scoring_port = hx.free_port()
        delivery = hx.delivery_process(delivery_url, logs / "delivery.log",
                                       MOCKCERT_SCORING_URL=f"http://127.0.0.1:{scoring_port}",
                                       MOCKCERT_EVENT_SIGNING_KEY=signing)
        scoring = scoring_process(scoring_url, logs / "scoring.log", scoring_port, delivery.url,
                                  event_signing.verify_key_for(signing))
        meter_conn = await asyncpg.connect(server)
        watch_conn = await asyncpg.connect(server)
        direct = await asyncpg.connect(delivery_url)
        try:
            await delivery.start()
            await scoring.start()
            await direct.execute(BASELINE_SCHEMA)
            await direct.execute(hx.BARE_SCHEMA)
            meter = Meter(meter_conn, watch_conn, names, [direct.get_server_pid()])
            candidates = await hx.make_candidates(delivery_url, n_attempts)
            await direct.execute("VACUUM (ANALYZE)")
            scoring_conn = await asyncpg.connect(scoring_url)
            try:
                await scoring_conn.execute("VACUUM (ANALYZE)")
            finally:
                await scoring_conn.close()
            await asyncio.sleep(FLUSH_WAIT_SECONDS)
            out["backends_at_rest"] = await meter.backends()

            # The background: no request at all.
            before = await meter.read()
            await asyncio.sleep(IDLE_SECONDS)
            background = background_rates(before, await meter.read())
            out["background"] = msgspec.to_builtins(background)

            # Baselines on the delivery database.
            rng = random.Random(7)
            n_bare = n_attempts * saves_each

            async def updates() -> None:
                for i in range(n_bare):
                    await direct.execute(BASELINE_UPDATE, 1 + i % 64)

            out["baseline_update"] = await measured(meter, n_bare, background, updates)
            bare_attempts = [uuid.uuid4() for _ in range(n_attempts)]
            bare_keys = [(a, p) for a in bare_attempts for p in range(1, saves_each + 1)]

            async def bare_first() -> None:
                for a, p in bare_keys:
                    await direct.fetchrow(hx.BARE_UPSERT, a, p, rng.choice(LABEL_CHOICES), True, None)

            out["baseline_upsert_first"] = await measured(meter, len(bare_keys), background, bare_first)
            bare_changes = [rng.choice(bare_keys) for _ in range(changes)]

            async def bare_change() -> None:
                for a, p in bare_changes:
                    await direct.fetchrow(hx.BARE_UPSERT, a, p, rng.choice(LABEL_CHOICES), True, None)

            out["baseline_upsert_change"] = await measured(meter, changes, background, bare_change)

            connector = aiohttp.TCPConnector(limit=64)
            async with aiohttp.ClientSession(connector=connector) as session:
                attempts: list[tuple[str, str]] = []

                async def starts() -> None:
                    bodies = await gathered(8, (call(session, "POST", f"{delivery.url}/api/attempts", token,
                                                     {"blueprint_id": "cpc-150"}) for _, token in candidates))
                    attempts.extend((b["id"], token) for b, (_, token) in zip(bodies, candidates, strict=True))

                out["start"] = await measured(meter, n_attempts, background, starts)

                def put(attempt: str, token: str, position: int) -> object:
                    return call(session, "PUT", f"{delivery.url}/api/attempts/{attempt}/responses/{position}",
                                token, {"selected": rng.choice(LABEL_CHOICES)})

                # Position after position across the attempts, as candidates answer: the 32 saves in
                # flight are to different attempts (one candidate saves one answer at a time).
                firsts = [(a, t, p) for p in range(1, saves_each + 1) for a, t in attempts]

                async def questions() -> None:
                    await gathered(8, (call(session, "GET", f"{delivery.url}/api/attempts/{a}/questions/{p}", t)
                                       for a, t, p in firsts))

                out["question"] = await measured(meter, len(firsts), background, questions)
                stop = asyncio.Event()
                sampler = asyncio.create_task(meter.sample_backends(stop))

                async def first_saves() -> None:
                    await gathered(32, (put(a, t, p) for a, t, p in firsts))

                out["save_first"] = await measured(meter, len(firsts), background, first_saves)
                stop.set()
                await sampler
                out["backends_peak_saving_32_at_once"] = dict(meter.peak)
                again = [rng.choice(firsts) for _ in range(changes)]

                async def changed_saves() -> None:
                    await gathered(8, (put(a, t, p) for a, t, p in again))

                out["save_change"] = await measured(meter, changes, background, changed_saves)
                # Right after a checkpoint: the first change to each page writes the page's image too.
                # One new answer per attempt, as every candidate's next save after a checkpoint.
                await meter_conn.execute("CHECKPOINT")
                after_checkpoint = [(a, t, saves_each + 1) for a, t in attempts]

                async def saves_after_checkpoint() -> None:
                    await gathered(8, (put(a, t, p) for a, t, p in after_checkpoint))

                out["save_after_checkpoint"] = await measured(meter, len(after_checkpoint), background,
                                                              saves_after_checkpoint)
                ids = [a for a, _ in attempts]  # scoring keeps attempt ids as text

                async def submits() -> dict[str, int]:
                    polls = 0
                    await gathered(8, (call(session, "POST", f"{delivery.url}/api/attempts/{a}/submit", t)
                                       for a, t in attempts))
                    deadline = time.monotonic() + 120
                    async with contextlib.AsyncExitStack() as stack:
                        scoring_conn = await asyncpg.connect(scoring_url)
                        stack.push_async_callback(scoring_conn.close)
                        while True:
                            polls += 1
                            scored = await scoring_conn.fetchval(
                                "SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", ids)
                            if scored == len(ids):
                                return {"scoring": polls}
                            if time.monotonic() > deadline:
                                raise RuntimeError("the submissions were not all scored within 120 s")
                            await asyncio.sleep(0.2)

                # Each poll above is one read-only commit in the scoring database: taken out.
                out["submit"] = await measured(meter, n_attempts, background, submits)
            # Besides the one the after-checkpoint phase asks for.
            out["checkpoints_during_run"] = (await meter_conn.fetchval(CHECKPOINTS_DONE)
                                             - out["checkpoints_before"] - 1)
            out["server_version"] = await meter_conn.fetchval("SHOW server_version")
            out["storage_bytes_per_row"] = {r["name"]: r["bytes"] / max(r["rows"], 1)
                                            for r in await direct.fetch(STORAGE)}
            settings = Settings(service="exam-delivery", database_url=delivery_url)
            out["pool"] = {"min": settings.db_pool_min, "max": settings.db_pool_max}
        finally:
            await direct.close()
            await meter_conn.close()
            await watch_conn.close()
            for p in (scoring, delivery):
                p.stop()
    return {k: (msgspec.to_builtins(v) | {"total_commits": v.total_commits}) if isinstance(v, PerOperation) else v
            for k, v in out.items()}


# ---------------------------------------------------------------- the report

ROWS = (
    ("baseline: bare single-row UPDATE (autocommit)", "baseline_update"),
    ("baseline: bare endpoint's upsert, first answer", "baseline_upsert_first"),
    ("baseline: bare endpoint's upsert, changed answer", "baseline_upsert_change"),
    ("question fetch: GET /api/attempts/{id}/questions/{n}", "question"),
    ("answer save, first answer: PUT /api/attempts/{id}/responses/{n}", "save_first"),
    ("answer save, changed answer: PUT /api/attempts/{id}/responses/{n}", "save_change"),
    ("answer save, an attempt's first after a checkpoint", "save_after_checkpoint"),
    ("attempt start (cpc-150): POST /api/attempts", "start"),
    ("submission, scored: POST /api/attempts/{id}/submit + outbox + scoring", "submit"),
)


def report(res: dict) -> str:  # type: ignore[type-arg]
    base = res["baseline_update"]
    lines = [
        f"### The primary's work per operation (embedded PostgreSQL {res['server_version']}, delivery + scoring "
        f"as processes; other checkpoints during the run: {res['checkpoints_during_run']})\n",
        "| operation | count | commits (delivery db) | commits (scoring db) | write transactions | WAL bytes "
        "| full-page images | commits / bare UPDATE | WAL bytes / bare UPDATE |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, key in ROWS:
        r = res[key]
        lines.append(
            f"| {label} | {r['operations']:,} | {r['commits']['delivery']:.2f} | {r['commits']['scoring']:.2f} "
            f"| {r['write_xacts']:.2f} | {r['wal_bytes']:,.0f} | {r['wal_fpi']:.2f} "
            f"| {ratio(r['total_commits'], base['total_commits']):.2f} "
            f"| {ratio(r['wal_bytes'], base['wal_bytes']):.2f} |"
        )
    bg = res["background"]
    save = res["save_first"]
    lines += [
        "",
        f"Background with no request (subtracted above): delivery {bg['commits']['delivery']:.1f} commits/s, "
        f"scoring {bg['commits']['scoring']:.1f} commits/s, {bg['write_xacts']:.2f} write transactions/s, "
        f"{bg['wal_bytes']:,.0f} WAL bytes/s (one pod each, default loop intervals).",
        "",
        f"Answer save / bare single-row UPDATE: {ratio(save['total_commits'], base['total_commits']):.2f}x commits, "
        f"{ratio(save['wal_bytes'], base['wal_bytes']):.2f}x WAL bytes; / the bare endpoint's upsert: "
        f"{ratio(save['wal_bytes'], res['baseline_upsert_first']['wal_bytes']):.2f}x WAL bytes.",
        "",
        f"Connections (backends in pg_stat_activity): at rest delivery {res['backends_at_rest']['delivery']}, "
        f"scoring {res['backends_at_rest']['scoring']}; most seen while 32 clients saved at once: delivery "
        f"{res['backends_peak_saving_32_at_once'].get('delivery', 0)}, scoring "
        f"{res['backends_peak_saving_32_at_once'].get('scoring', 0)} (pool min {res['pool']['min']}, "
        f"max {res['pool']['max']} per pool, MOCKCERT_<SERVICE>_DB_POOL_MIN/MAX).",
        "",
        "Bytes on disk per row (heap, TOAST, indexes; small tables, so rounded up to whole pages): "
        + ", ".join(f"{name} {b:,.0f}" for name, b in res["storage_bytes_per_row"].items()) + ".",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    res = asyncio.run(run(args))
    print(report(res))
    hx.RESULTS.mkdir(parents=True, exist_ok=True)
    (hx.RESULTS / "bench_wal.json").write_text(json.dumps({"machine": hx.machine(), **res}, indent=2))


if __name__ == "__main__":
    main()
