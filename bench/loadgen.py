"""Exam-day load generator: N candidates sitting a mock exam against a running stack.

Importable (`run_step`, `Target`, `cpu_seconds`, ...) and runnable:

    python bench/loadgen.py play --url http://127.0.0.1:8080 --tokens tokens.txt --n 100 --seconds 30
    python bench/loadgen.py bare --dsn postgresql://... --port 9000 --no-reset   # the bare baseline server

Each candidate is one asyncio task with its own bearer token: it starts an
attempt, then for question after question fetches the question, thinks, saves
an answer; now and then it flags the question or goes back and changes an
earlier answer; when the step ends it looks at its attempt (the review) and
submits. Think time is real exam pace compressed by a stated factor: the CPC
allows about 2.3 minutes a question (REAL_SECONDS_PER_QUESTION), so with
`--compression 100` a candidate thinks 1.38 s on average (uniformly 0.5x to
1.5x), and one simulated candidate makes the requests of 100 real ones.

Latencies are measured per call kind, only for calls that end inside the
measurement window (after every candidate has started); errors are every
unexpected status or transport failure over the whole step, and must be zero.

The bare baseline (`bare`) is the ceiling the product is compared with: the
bare server of bench/delivery_harness.py, the same one (same code, same SQL)
as the answer-save benchmark's upsert endpoint: aiohttp + asyncpg + msgspec,
one autocommit statement per call (a question fetch reads one row by primary
key, a save is one upsert taking `selected` and `flagged` as the product's PUT
does), with no auth, no rules and no entry in front, played by the same
candidates at the same pace. `--no-reset` gives its pool the no-op reset that
delivery's pool has; `--pool-max` its size (10, as delivery's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import msgspec

from shared.contracts import LABELS

REAL_SECONDS_PER_QUESTION = 138.0  # about 2.3 minutes a question at real exam pace
FLAG_SHARE = 0.08  # questions flagged for review
CHANGE_SHARE = 0.06  # saves followed by going back to change an earlier answer
CLK_TCK = os.sysconf("SC_CLK_TCK")
EDGE_KINDS = ("start", "review", "submit")


# ---------------------------------------------------------------- what a candidate calls


@dataclass(frozen=True)
class Target:
    """The paths of one system under load: the product through its entry, or the bare baseline
    (bench/delivery_harness.py `bare`)."""

    base_url: str
    bare: bool = False

    def start(self, blueprint_id: str) -> tuple[str, str, object]:
        if self.bare:
            return "POST", f"{self.base_url}/starts", None
        return "POST", f"{self.base_url}/api/attempts", {"blueprint_id": blueprint_id}

    def question(self, attempt: str, pos: int) -> tuple[str, str, object]:
        if self.bare:
            return "GET", f"{self.base_url}/questions/{attempt}/{pos}", None
        return "GET", f"{self.base_url}/api/attempts/{attempt}/questions/{pos}", None

    def save(self, attempt: str, pos: int, body: dict[str, object]) -> tuple[str, str, object]:
        if self.bare:
            return "PUT", f"{self.base_url}/answers/{attempt}/{pos}", body
        return "PUT", f"{self.base_url}/api/attempts/{attempt}/responses/{pos}", body

    def review(self, attempt: str) -> tuple[str, str, object]:
        if self.bare:
            return "GET", f"{self.base_url}/attempts/{attempt}", None
        return "GET", f"{self.base_url}/api/attempts/{attempt}", None

    def submit(self, attempt: str) -> tuple[str, str, object]:
        if self.bare:
            return "POST", f"{self.base_url}/attempts/{attempt}/submit", None
        return "POST", f"{self.base_url}/api/attempts/{attempt}/submit", None


@dataclass
class Recorder:
    """Every call: its kind, when it ended, how long it took; and every error."""

    calls: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    async def call(self, session: aiohttp.ClientSession, kind: str, token: str,
                   request: tuple[str, str, object], ok: Iterable[int] = (200,)) -> object | None:
        method, url, body = request
        started = time.perf_counter()
        try:
            async with session.request(method, url, json=body,
                                       headers={"Authorization": f"Bearer {token}"}) as resp:
                raw = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.errors.append(f"{kind}: {type(exc).__name__}")
            return None
        ended = time.perf_counter()
        if status not in ok:
            self.errors.append(f"{kind}: {status} {raw[:120]!r}")
            return None
        self.calls[kind].append((ended, ended - started))
        return msgspec.json.decode(raw) if raw else {}


def think_seconds(rng: random.Random, compression: float) -> float:
    return REAL_SECONDS_PER_QUESTION / compression * rng.uniform(0.5, 1.5)


async def candidate(session: aiohttp.ClientSession, target: Target, rec: Recorder, token: str,
                    blueprint_id: str, compression: float, stop: asyncio.Event, rng: random.Random,
                    start_delay: float) -> None:
    """One candidate: start, then question after question until `stop`, then review and submit."""
    await asyncio.sleep(start_delay)
    started = await rec.call(session, "start", token, target.start(blueprint_id), ok=(201,))
    if not isinstance(started, dict):
        return
    attempt, count = str(started["id"]), int(started.get("question_count", 150))
    pos = 1
    while not stop.is_set():
        await rec.call(session, "question", token, target.question(attempt, pos))
        try:
            await asyncio.wait_for(stop.wait(), timeout=think_seconds(rng, compression))
            break
        except TimeoutError:
            pass
        await rec.call(session, "save", token, target.save(attempt, pos, {"selected": rng.choice(LABELS)}))
        if rng.random() < FLAG_SHARE:
            await rec.call(session, "flag", token, target.save(attempt, pos, {"flagged": True}))
        if pos > 3 and rng.random() < CHANGE_SHARE:
            earlier = rng.randint(1, pos - 1)
            await rec.call(session, "change", token, target.save(attempt, earlier, {"selected": rng.choice(LABELS)}))
        pos = pos % count + 1
    await rec.call(session, "review", token, target.review(attempt))
    await rec.call(session, "submit", token, target.submit(attempt))


# ---------------------------------------------------------------- a step of N candidates


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of these processes, in seconds (from /proc/<pid>/stat)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)
    return total


def children_of(pid: int) -> list[int]:
    """A process and its direct children (PostgreSQL: the postmaster and its backends)."""
    out = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


@dataclass
class StepResult:
    n: int
    window: float
    saves_per_second: float
    requests_per_second: float
    latency_ms: dict[str, tuple[float, float, int]]  # kind -> (p50, p99, count) in the window
    errors: int
    error_samples: list[str]
    cpu_cores: dict[str, float]  # process group -> cores used on average in the window

    def p99(self, *kinds: str) -> float:
        return max(self.latency_ms[k][1] for k in kinds if k in self.latency_ms)


async def run_step(target: Target, tokens: list[str], blueprint_id: str, *, compression: float, window: float,
                   processes: dict[str, list[int]] | None = None, seed: int = 1,
                   connections: int = 0) -> StepResult:
    """Play len(tokens) candidates: starts spread over one think time, then a measured window, then submit."""
    rec = Recorder()
    stop = asyncio.Event()
    rng = random.Random(seed)
    ramp = REAL_SECONDS_PER_QUESTION / compression * 1.5
    connector = aiohttp.TCPConnector(limit=connections or max(100, len(tokens)), force_close=False)
    processes = dict(processes or {})
    processes["load generator"] = [os.getpid()]
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        tasks = [
            asyncio.create_task(candidate(session, target, rec, token, blueprint_id, compression, stop,
                                          random.Random(rng.random()), rng.uniform(0, ramp)))
            for token in tokens
        ]
        await asyncio.sleep(ramp + REAL_SECONDS_PER_QUESTION / compression)
        groups = {name: (children_of(pids[0]) if name == "postgres" else pids) for name, pids in processes.items()}
        cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        t0 = time.perf_counter()
        await asyncio.sleep(window)
        t1 = time.perf_counter()
        cpu_after = {name: cpu_seconds(pids) for name, pids in groups.items()}
        stop.set()
        await asyncio.gather(*tasks)
    # Steady-state calls count inside the window; starts, reviews and submissions (at the edges of the
    # step by nature) over the whole step.
    inside = {kind: [lat for end, lat in calls if kind in EDGE_KINDS or t0 <= end <= t1]
              for kind, calls in rec.calls.items()}
    latency = {kind: (percentile(v, 50) * 1000, percentile(v, 99) * 1000, len(v)) for kind, v in inside.items() if v}
    saves = sum(len(inside.get(k, [])) for k in ("save", "flag", "change"))
    return StepResult(
        n=len(tokens),
        window=t1 - t0,
        saves_per_second=saves / (t1 - t0),
        requests_per_second=sum(len(v) for k, v in inside.items() if k not in EDGE_KINDS) / (t1 - t0),
        latency_ms=latency,
        errors=len(rec.errors),
        error_samples=rec.errors[:5],
        cpu_cores={name: (cpu_after[name] - cpu_before[name]) / (t1 - t0) for name in groups},
    )


# ---------------------------------------------------------------- running it by hand


def report(results: list[StepResult], compression: float) -> str:
    lines = ["| candidates | = at real pace | saves/s | req/s | question p50/p99 ms | save p50/p99 ms | errors |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        q = r.latency_ms.get("question", (float("nan"),) * 3)
        s = r.latency_ms.get("save", (float("nan"),) * 3)
        lines.append(f"| {r.n} | {r.n * compression:,.0f} | {r.saves_per_second:.0f} | {r.requests_per_second:.0f} "
                     f"| {q[0]:.1f} / {q[1]:.1f} | {s[0]:.1f} / {s[1]:.1f} | {r.errors} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    play = sub.add_parser("play", help="play N candidates against a running stack")
    play.add_argument("--url", required=True, help="the entry, e.g. http://127.0.0.1:8080")
    play.add_argument("--tokens", required=True, type=Path, help="a file with one candidate bearer token a line")
    play.add_argument("--blueprint", default="cpc-150")
    play.add_argument("--n", type=int, default=50)
    play.add_argument("--seconds", type=float, default=30.0, help="the measured window")
    play.add_argument("--compression", type=float, default=100.0)
    import delivery_harness  # the bare server; not imported with this module, which needs only aiohttp

    delivery_harness.add_bare_arguments(sub.add_parser("bare", help="serve the bare baseline"))
    args = parser.parse_args()
    if args.cmd == "bare":
        delivery_harness.serve_bare_from(args)
        return
    tokens = [t.strip() for t in args.tokens.read_text().splitlines() if t.strip()][: args.n]
    if len(tokens) < args.n:
        sys.exit(f"{args.tokens} has {len(tokens)} tokens; --n {args.n} needs as many candidates")
    result = asyncio.run(run_step(Target(args.url), tokens, args.blueprint, compression=args.compression,
                                  window=args.seconds))
    print(report([result], args.compression))
    for sample in result.error_samples:
        print("error:", sample)


if __name__ == "__main__":
    main()
