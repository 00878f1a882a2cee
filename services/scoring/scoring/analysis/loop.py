"""The background side of the statistics: keep the frame current, recompute the
snapshot the dashboards read, calibrate when enough new data has arrived.

Freshness without recomputing on requests: a loop wakes every
`stats_refresh_seconds`, reads only the results stored since its last look
(new `seq`s, and the ones it saw skipped, since a result can commit after one
with a higher seq), and when there were any it counts them into the
sufficient statistics (`sufficient.Tallies`: the results read before are
never read again) and appends their scalar columns, then computes the
snapshot from the counts in a worker thread (numpy releases the GIL in its
products), at a cost that does not grow with the results stored, and swaps
it in. A restart counts every result once, a batch at a time. Requests only ever read the latest
snapshot, so a dashboard answer never waits for a computation, and a
submission shows in the statistics one tick (plus one computation) later.
When a computation is long (the first count after a start, every ability
again after a calibration: seconds to minutes on a long history), the loop waits
three times its duration instead of the tick, so the refresh takes at most
about a quarter of a core, and never more than 40 s, so a submission still
shows within a minute. A failed tick (the database away) is retried with the
shared backoff (`shared.backoff`), from the tick up to 10 s.

Calibration is rarer: when at least `min_attempts` results exist and the
number of results has grown by a quarter (and by `min_attempts`) since the
last calibration. It runs in the same worker thread; a PostgreSQL advisory
lock makes sure only one replica writes a calibration at a time, and every
replica picks the new one up on its next tick.

Here: the scheduling and the state. The numbers are `analytics`, the answers
`snapshot` and `presenters`, the stored calibrations `calibrations`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import math
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

import asyncpg
import numpy as np
import structlog
from aiohttp import web

from scoring.analysis import analytics, calibrations
from scoring.analysis import repository as repo
from scoring.analysis.analytics import CalibrationRun, IrtState, Link
from scoring.analysis.frame import Frame, ItemMeta, append_rows
from scoring.analysis.snapshot import Snapshot, compute_from_tallies
from scoring.analysis.sufficient import Columns, Tallies
from scoring.stats import irt
from shared.backoff import backoff_delay
from shared.db import POOL_KEY
from shared.errors import Problem
from shared.settings import Settings
from shared.web import SETTINGS_KEY

_log = structlog.get_logger("mockcert.scoring.engine")
T = TypeVar("T")

FETCH_BATCH = 20_000
MAX_BACKOFF_SECONDS = 40.0  # + one computation: a submission shows within a minute
BACKOFF_FACTOR = 3.0  # the refresh takes at most about a quarter of a core
FAILURE_BACKOFF_CAP = 10.0  # a failed tick is retried within this, once the tick is shorter
READY_TIMEOUT_SECONDS = 30.0
GAP_SECONDS = 300.0  # far longer than an ingest transaction can stay open
MAX_GAP_RUN = 10_000  # more seqs skipped at once than transactions in flight: the rest rolled back
MIN_LINK_ITEMS = 20  # common item versions needed to link a calibration onto the reference scale


@dataclasses.dataclass(frozen=True, slots=True)
class CalibrationOutcome:
    """What a call to calibrate did: `status` "calibrated" (a calibration is in use, maybe
    unchanged: `detail` says) or "insufficient_data"."""

    status: Literal["calibrated", "insufficient_data"]
    detail: str


class StatsEngine:
    def __init__(
        self,
        pool: asyncpg.Pool,
        settings: Settings,
        *,
        min_attempts: int = 200,
        min_item_responses: int = 30,
        calibration_max_attempts: int = 10_000,
        flag_min_n: int = analytics.FLAG_MIN_N,
        auto_calibrate: bool = True,
        min_link_items: int = MIN_LINK_ITEMS,
        excluded_groups: tuple[str, ...] = (repo.SIMULATED_GROUP,),
    ) -> None:
        self.pool = pool
        self.settings = settings
        self.min_attempts = min_attempts
        self.min_item_responses = min_item_responses
        self.calibration_max_attempts = calibration_max_attempts
        self.flag_min_n = flag_min_n
        self.auto_calibrate = auto_calibrate
        self.min_link_items = min_link_items
        self.excluded_groups = frozenset(excluded_groups)  # candidate groups left out of the statistics
        self.standards: dict[str, float] = {}  # blueprint id -> theta_c on the reference scale
        self._refused_at_n = 0  # results when a calibration last could not be linked
        self.columns = Columns()  # the results' scalar columns and abilities (no forms)
        self.tallies = Tallies()  # the sufficient statistics of every result read
        self.meta = ItemMeta.from_rows([])
        self.irt: dict[str, IrtState] = {}
        self._theta_cal: int | None = None
        self.rebuilds = 0  # times every result was read and counted (the first read included)
        self._from_scratch = True  # the next refresh counts every result
        self._last_max_seq = 0  # results up to this seq were available to the latest calibration
        self._max_seen = 0  # highest result seq read
        self._gaps: dict[int, float] = {}  # seqs below it not seen yet -> when first missed
        self.snapshot: Snapshot | None = None
        self._with_low: Snapshot | None = None  # low-answer attempts included, made on demand
        self.ready = asyncio.Event()
        self.last_compute_seconds = 0.0
        self._version = 0
        self._lock = asyncio.Lock()
        self._cal_lock = asyncio.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring-stats",
                                            initializer=_yield_cpu_to_requests)

    # ------------------------------------------------------------ plumbing

    @property
    def frame(self) -> Frame:
        """The results' scalar columns (pass rates, the calibration schedule); forms are not kept."""
        return self.columns.frame

    @property
    def theta(self) -> np.ndarray:
        return self.columns.theta.view()

    @property
    def theta_se(self) -> np.ndarray:
        return self.columns.theta_se.view()

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def current(self) -> Snapshot:
        """The latest snapshot; waits for the first one after a start."""
        if self.snapshot is None:
            try:
                await asyncio.wait_for(self.ready.wait(), READY_TIMEOUT_SECONDS)
            except TimeoutError:
                raise Problem(
                    503, "statistics are still being computed; retry shortly", headers={"Retry-After": "5"}
                ) from None
        assert self.snapshot is not None
        return self.snapshot

    async def including_low(self) -> Snapshot:
        """The latest snapshot with low-answer attempts counted too (the dashboards' toggle).

        Computed on the first request after each refresh that needs it, under the
        refresh lock so the matrices match the frame; the same snapshot when no
        attempt is low-answer."""
        snapshot = await self.current()
        if not snapshot.frame.low.any():
            return snapshot
        async with self._lock:
            assert self.snapshot is not None
            snapshot = self.snapshot
            if self._with_low is None or self._with_low.version != snapshot.version:
                self._with_low = await self._compute(snapshot.version, include_low=True)
            return self._with_low

    async def _compute(self, version: int, **options: Any) -> Snapshot:
        """A snapshot of the current frame, abilities and calibration, off the event loop."""
        return await self._run(
            compute_from_tallies,
            version,
            dt.datetime.now(dt.UTC),
            self.frame,
            self.meta,
            self.tallies,
            self.irt.get("2pl"),
            self.theta,
            self.theta_se,
            self.columns.seq_order,
            self.columns.sorted_seq,
            flag_min_n=self.flag_min_n,
            **options,
        )

    async def snapshot_for(self, include_low: bool) -> Snapshot:
        return await self.including_low() if include_low else await self.current()

    def blueprint_now(self, blueprint_id: str) -> tuple[int, float] | None:
        """The blueprint's current question count and percent cut: its latest started result's."""
        code = self.frame.blueprints.index().get(blueprint_id)
        cur = self.tallies.latest.get(code) if code is not None else None
        if cur is None or code is None:
            return None
        return self.tallies.latest_k[code], cur.cut_percent

    def cut_percents(self) -> dict[str, float]:
        """Each blueprint's percent cut on its last result read."""
        values = self.frame.blueprints.values
        return {values[code]: cut for code, (_, cut) in sorted(self.tallies.last_cut.items())}

    # ------------------------------------------------------------ refresh

    async def refresh(self) -> bool:
        """Read new results and a new calibration; recompute the snapshot if anything changed."""
        async with self._lock:
            started = time.perf_counter()
            new = 0
            counting = 0.0  # seconds spent counting the new rows (the rest: reading them, the snapshot)
            old_n = self.frame.n
            async with self.pool.acquire() as conn:
                cal_changed = await self._load_calibrations(conn)
                cal_changed = await self._load_standards(conn) or cal_changed
                self.meta = ItemMeta.from_rows(await repo.all_item_versions(conn))
                if not self.tallies.keys_agree(self.meta):
                    # The statistics' definition changed under the counts (an item version's key):
                    # count every result again.
                    _log.warning("stats_rebuild", reason="item version key changed")
                    self._reset()
                    old_n = 0
                if self._from_scratch:
                    self._from_scratch = False
                    self.rebuilds += 1
                    state = self.irt.get("2pl")
                    self._theta_cal = state.calibration_id if state is not None else None  # EAP as counted
                while True:  # the new results, a batch at a time: memory bounded by the batch
                    batch = await repo.frame_rows(conn, self._max_seen, sorted(self._gaps), FETCH_BATCH)
                    rows = self._counted(self._take(batch))
                    if rows:
                        used = np.unique(np.frombuffer(b"".join(r["item_ix"] for r in rows), dtype="<i4"))
                        if not np.isin(used, self.meta.ids).all():  # registered after the meta was read
                            self.meta = ItemMeta.from_rows(await repo.all_item_versions(conn))
                        new += len(rows)
                        try:
                            t0 = time.perf_counter()
                            await self._run(self._count, rows)
                            counting += time.perf_counter() - t0
                        except Exception:
                            self._reset()  # half-counted: count everything again on the next tick
                            raise
                    if len(batch) < FETCH_BATCH:
                        break
                self._expire_gaps()
            changed = bool(new) or cal_changed or self.snapshot is None
            if not changed:
                return False
            read = time.perf_counter() - started - counting
            t0 = time.perf_counter()
            await self._update_abilities(old_n)
            abilities = time.perf_counter() - t0
            self._version += 1
            self._with_low = None
            t0 = time.perf_counter()
            self.snapshot = await self._compute(self._version)
            snapshot = time.perf_counter() - t0
            self.last_compute_seconds = time.perf_counter() - started
            self.ready.set()
            _log.info(
                "stats_refreshed",
                attempts=self.frame.n,
                new=new,
                seconds=round(self.last_compute_seconds, 3),
                read_s=round(read, 3),
                count_s=round(counting, 3),
                abilities_s=round(abilities, 3),
                snapshot_s=round(snapshot, 3),
            )
            return True

    def _count(self, rows: list[asyncpg.Record]) -> None:
        """Append a batch of new results: their scalar columns, their counts, their abilities
        under the current calibration (when it is the one the others were estimated with)."""
        f = append_rows(Frame(blueprints=self.frame.blueprints, groups=self.frame.groups), rows)
        base = self.columns.n
        self.tallies.add(f, self.meta, base)
        self.columns.append(f)
        state = self.irt.get("2pl")
        if state is not None and self._theta_cal == state.calibration_id and self.columns.theta.n == base:
            theta, se = analytics.abilities(f, self.meta, state, np.arange(f.n, dtype=np.int64))
        else:
            theta = se = np.full(f.n, np.nan)
        self.columns.theta.extend(theta)
        self.columns.theta_se.extend(se)

    def _reset(self) -> None:
        self.columns = Columns()
        self.tallies = Tallies()
        self._theta_cal = None
        self._max_seen = 0
        self._gaps = {}
        self._from_scratch = True

    def _take(self, batch: list[asyncpg.Record]) -> list[asyncpg.Record]:
        """Rows not read before; seqs skipped below the highest become gaps to ask for again."""
        now = time.monotonic()
        fresh = []
        for r in batch:
            seq = int(r["seq"])
            if seq > self._max_seen:
                for missing in range(max(self._max_seen + 1, seq - MAX_GAP_RUN), seq):
                    self._gaps[missing] = now
                self._max_seen = seq
                fresh.append(r)
            elif self._gaps.pop(seq, None) is not None:
                fresh.append(r)
        return fresh

    def _counted(self, rows: list[asyncpg.Record]) -> list[asyncpg.Record]:
        """The rows the statistics take: not those of an excluded group (read, and passed over)."""
        if not self.excluded_groups:
            return rows
        return [r for r in rows if r["candidate_group"] not in self.excluded_groups]

    def _expire_gaps(self) -> None:
        """A seq still missing after GAP_SECONDS belongs to a transaction that rolled back."""
        limit = time.monotonic() - GAP_SECONDS
        for seq in [q for q, t in self._gaps.items() if t < limit]:
            del self._gaps[seq]

    async def _load_calibrations(self, conn: asyncpg.Connection) -> bool:
        changed = False
        for model in ("2pl", "rasch"):
            row = await calibrations.latest_calibration(conn, model)
            have = self.irt.get(model)
            if row is None or (have is not None and have.calibration_id == row.id):
                continue
            self.irt[model] = await calibrations.load_state(conn, row, self.standards)
            changed = True
        return changed

    async def _load_standards(self, conn: asyncpg.Connection) -> bool:
        """The blueprints' stored standards; True when the 2PL state had to take new ones."""
        self.standards = await calibrations.standards_in_force(conn)
        state = self.irt.get("2pl")
        if state is None or state.standards == self.standards:
            return False
        self.irt["2pl"] = dataclasses.replace(state, standards=dict(self.standards))
        return True

    async def _update_abilities(self, old_n: int) -> None:
        """EAP for every result under the current 2PL calibration.

        New results got theirs as they were counted (`_count`) when the calibration is the one
        in use; after a new calibration every result is estimated again, reading the forms
        from the database a batch at a time (the forms are not kept in memory)."""
        state = self.irt.get("2pl")
        n = self.frame.n
        if state is None:
            if self._theta_cal is not None:
                self.columns.theta.replace(np.full(n, np.nan))
                self.columns.theta_se.replace(np.full(n, np.nan))
                self._theta_cal = None
            return
        if self._theta_cal == state.calibration_id:
            return
        theta = np.full(n, np.nan)
        se = np.full(n, np.nan)
        after = 0
        async with self.pool.acquire() as conn:
            while True:
                batch = await repo.frame_rows(conn, after, [], FETCH_BATCH)
                if not batch:
                    break
                after = int(batch[-1]["seq"])
                th, s = await self._run(self._abilities_of, batch, state)
                at = self.columns.rows_of(np.asarray([int(r["seq"]) for r in batch], dtype=np.int64))
                ok = at >= 0  # results read since (none: the refresh lock is held) are left out
                theta[at[ok]], se[at[ok]] = th[ok], s[ok]
                if len(batch) < FETCH_BATCH:
                    break
        self.columns.theta.replace(theta)
        self.columns.theta_se.replace(se)
        self._theta_cal = state.calibration_id

    def _abilities_of(self, batch: list[asyncpg.Record], state: IrtState) -> tuple[np.ndarray, np.ndarray]:
        f = append_rows(Frame(), batch)
        return analytics.abilities(f, self.meta, state, np.arange(f.n, dtype=np.int64))

    # ------------------------------------------------------------ calibration

    def _due(self) -> bool:
        if self.frame.n < self.min_attempts:
            return False
        if self._refused_at_n and self.frame.n - self._refused_at_n < self.min_attempts:
            return False  # the last calibration could not be linked: wait for more data
        if self.irt.get("2pl") is None:
            return True
        at_last = int((self.frame.seq <= self._last_max_seq).sum())
        grown = self.frame.n - at_last
        return grown >= max(self.min_attempts, math.ceil(0.25 * at_last))

    async def _note_latest(self) -> calibrations.CalibrationRow | None:
        async with self.pool.acquire() as conn:
            latest = await calibrations.latest_calibration(conn, "2pl")
        self._last_max_seq = latest.max_seq if latest is not None else 0
        return latest

    async def calibrate(self, force: bool = False) -> CalibrationOutcome:
        """Calibrate now if there is enough data (and, unless forced, enough new data)."""
        async with self._cal_lock:
            await self.refresh()
            if self.frame.n < self.min_attempts:
                return CalibrationOutcome(
                    "insufficient_data", f"{self.frame.n} results; calibration needs at least {self.min_attempts}"
                )
            latest = await self._note_latest()
            if not force and latest is not None and not self._due():
                return CalibrationOutcome("calibrated", "up to date")
            async with self.pool.acquire() as conn:
                recent = await repo.recent_counted(conn, self._max_seen, self.calibration_max_attempts,
                                                  sorted(self.excluded_groups))
            window = await self._run(append_rows, Frame(), recent[::-1])
            runs = await self._run(
                analytics.calibrate,
                window,
                self.meta,
                max_attempts=self.calibration_max_attempts,
                min_item_responses=self.min_item_responses,
                clock=time.perf_counter,
            )
            if not runs:
                return CalibrationOutcome(
                    "insufficient_data",
                    f"no item version has {self.min_item_responses} responses with both right and wrong answers yet",
                )
            async with self.pool.acquire() as conn, conn.transaction():
                if not await calibrations.try_lock(conn):
                    return CalibrationOutcome("calibrated", "another replica is calibrating")
                now_latest = await calibrations.latest_calibration(conn, "2pl")
                if not force and now_latest is not None and (latest is None or now_latest.id != latest.id):
                    pass  # someone calibrated meanwhile: theirs stands
                else:
                    links = [await self._link(conn, run) for run in runs]
                    refused = next((link for link in links if isinstance(link, str)), None)
                    if refused is not None:
                        self._refused_at_n = self.frame.n
                        _log.warning("calibration_not_linked", detail=refused)
                        return CalibrationOutcome("calibrated", refused)
                    self._refused_at_n = 0
                    cuts = self.cut_percents()
                    for run, link in zip(runs, links, strict=True):
                        assert not isinstance(link, str)
                        cal_id = await calibrations.store_run(conn, run, link)
                        if run.model == "2pl":
                            await calibrations.store_first_standards(conn, run, link, cal_id, cuts)
            await self.refresh()
            _log.info(
                "calibrated",
                attempts=runs[0].n_attempts,
                items=int(runs[0].keep.sum()),
                seconds=round(sum(r.seconds for r in runs), 2),
            )
            return CalibrationOutcome("calibrated", "calibrated")

    async def _link(self, conn: asyncpg.Connection, run: CalibrationRun) -> Link | str:
        """How to put this run on the reference scale, or why it cannot be.

        The first calibration of a model defines the scale. Each later one is linked
        (Stocking-Lord) to the latest stored calibration, which is on the reference scale,
        over the item versions both kept; with fewer than `min_link_items` of them the run
        is not stored and the previous calibration stays in use.
        """
        previous = await calibrations.latest_calibration(conn, run.model)
        if previous is None:
            return Link(None, analytics.REFERENCE_SCALE)
        prev = await calibrations.item_params(conn, previous.id)
        common = analytics.common_items(run, prev)
        if len(common) < self.min_link_items:
            return (
                f"not stored: the new {run.model} calibration shares {len(common)} item versions with "
                f"calibration {previous.id}, and {self.min_link_items} are needed to link it to the "
                f"reference scale; calibration {previous.id} stays in use"
            )
        ref = np.asarray([prev[int(run.ids[j])] for j in common], dtype=np.float64)
        linking = await self._run(
            irt.stocking_lord, run.fit.a[common], run.fit.b[common], ref[:, 0], ref[:, 1]
        )
        return Link(previous.id, linking)

    # ------------------------------------------------------------ loop

    async def run_forever(self) -> None:
        interval = max(0.05, self.settings.stats_refresh_seconds)
        failures = 0
        while True:
            started = time.perf_counter()
            try:
                await self.refresh()
                if self.auto_calibrate:
                    await self._note_latest()
                    if self._due():
                        await self.calibrate()
                failures = 0
                delay = pace_delay(time.perf_counter() - started, interval)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the loop must outlive a database restart
                failures += 1
                delay = failure_delay(failures, interval)
                _log.warning("stats_refresh_failed", error=type(exc).__name__, detail=str(exc)[:200],
                             failures=failures, retry_in=round(delay, 2))
            await asyncio.sleep(delay)


def pace_delay(spent: float, interval: float) -> float:
    """Seconds to the next tick after one that took `spent`: the tick, or three times a long
    computation (about a quarter of a core at most), never more than MAX_BACKOFF_SECONDS."""
    return min(MAX_BACKOFF_SECONDS, max(interval, BACKOFF_FACTOR * spent))


def failure_delay(failures: int, interval: float) -> float:
    """Seconds to the next try after `failures` failed ticks in a row: the shared backoff from
    the tick, doubled after each further failure, at most FAILURE_BACKOFF_CAP (or the tick)."""
    return backoff_delay(failures, interval, max(interval, FAILURE_BACKOFF_CAP))


ENGINE_KEY = web.AppKey("stats_engine", StatsEngine)


STATS_THREAD_NICENESS = 10


def _yield_cpu_to_requests() -> None:
    """Run the statistics thread at a lower CPU priority (Linux niceness is per thread).

    A recompute over 100,000 attempts takes seconds of CPU; on a small machine shared with
    exam delivery it would otherwise take a core from candidates saving answers. Requests of
    this process (on the event loop's thread) keep their priority."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + STATS_THREAD_NICENESS))
    except (AttributeError, OSError):  # not Linux, or not permitted: run at normal priority
        pass


def engine_ctx(**options: Any) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        engine = StatsEngine(app[POOL_KEY], app[SETTINGS_KEY], **options)
        app[ENGINE_KEY] = engine
        task = asyncio.create_task(engine.run_forever(), name="scoring-stats-refresh")
        yield
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        engine.close()

    return ctx
