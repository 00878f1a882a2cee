"""Exam day: the whole product, as separate processes, under growing numbers of candidates.

    python bench/bench_exam_day.py [--quick]

`mockcert run` starts the product exactly as a user would (embedded
PostgreSQL, the three services and the entry as processes of their own, demo
mode with the sample bank of ~680 approved items) in a temporary data folder
on a free port. The admin creates the candidates through POST /api/users and
each logs in once. Then, for growing N, N candidates sit `cpc-150` through the
entry with bench/loadgen.py: fetch a question, think, save an answer, flag some,
change some, and at the end of the step review and submit (the submissions are
scored before the next step starts).

Think time is real exam pace (about 2.3 minutes a question) compressed by
COMPRESSION, so a step of N simulated candidates is the load of N x COMPRESSION
candidates sitting the exam at real pace. For each N: saves per second, p50/p99
of each call, errors (must be zero), and the CPU each process used (utime +
stime from /proc/<pid>/stat across the window; PostgreSQL is the postmaster
and its backends). The largest N held (no error, p99 of question fetches and
saves under 100 ms) is converted to concurrent candidates at real pace.

The baseline, in the same run, on the same PostgreSQL: the bare aiohttp +
asyncpg + msgspec server of bench/delivery_harness.py, the one whose upsert
endpoint bench_delivery_saves.py measures (same code, same SQL; its pool with
the no-op reset, as delivery's): one row read by primary key per question, one
autocommit upsert per save, one statement per start, review and submission, no
auth, no rules, no entry; played by the same candidates at the same pace with
bench/loadgen.py: the ceiling the product is compared with.

Through nginx, in the same run, on the same services and PostgreSQL: Debian's nginx
with deploy/nginx/nginx.conf (bench/nginx_front.py: upstreams pointed at the
running services, one worker, as the local entry is one process) takes the
entry's place for the same steps, so exam day through the deployed entry reads
beside exam day through the local one. Without nginx installed that part is
left out and the report says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import delivery_harness as hx  # noqa: E402
import loadgen  # noqa: E402
import nginx_front  # noqa: E402

ROOT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT_DIR))
from mockcert import demo_secrets  # noqa: E402
from shared.auth import issue_user_token  # noqa: E402
from shared.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
COMPRESSION = 300.0
P99_LIMIT_MS = 100.0
HELD_KINDS = ("question", "save")


async def start_product(folder: Path, port: int) -> tuple[asyncio.subprocess.Process, dict[str, str], dict]:
    """`mockcert run` in `folder`; returns the process, the demo accounts it printed, and its state file."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("MOCKCERT_")}
    env.update(MOCKCERT_DATA_DIR=str(folder), MOCKCERT_HTTP_PORT=str(port), MOCKCERT_MODE="demo",
               MOCKCERT_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "mockcert", "run", cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert proc.stdout is not None
    accounts: dict[str, str] = {}
    in_accounts = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = (await asyncio.wait_for(proc.stdout.readline(), timeout=240)).decode()
        if not line:
            raise RuntimeError("mockcert run exited before it was ready")
        if "accounts (username" in line:
            in_accounts = True
        elif "press Ctrl-C" in line:
            break
        elif in_accounts:
            parts = line.split()
            if len(parts) >= 3:
                accounts[parts[-3]] = parts[-2]
    else:
        raise RuntimeError("mockcert run did not become ready")
    # Keep reading its console so the pipe never fills.
    asyncio.get_running_loop().create_task(drain(proc))
    state = json.loads((folder / "run" / "state.json").read_text())
    return proc, accounts, state


async def drain(proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    while await proc.stdout.readline():
        pass


async def api(session: aiohttp.ClientSession, method: str, url: str, token: str | None = None,
              body: object = None, ok: tuple[int, ...] = (200, 201)) -> dict:
    async with session.request(method, url, json=body,
                               headers={"Authorization": f"Bearer {token}"} if token else {}) as resp:
        out = await resp.json(content_type=None)
        if resp.status not in ok:
            raise RuntimeError(f"{method} {url}: {resp.status} {out}")
        return out


def demo_settings(folder: Path, database_url: str = "-") -> Settings:
    """Settings that mint tokens the demo instance in `folder` accepts: its secrets, read from the data folder."""
    kept = demo_secrets.read(folder)
    return Settings(service="exam-delivery", database_url=database_url, mode="demo", jwt_secret=kept.jwt_secret,
                    service_secret=kept.service_secret)


async def make_candidates(session: aiohttp.ClientSession, base: str, admin: str, n: int,
                          logins: int, folder: Path) -> tuple[list[str], list[float]]:
    """n candidates created by the admin through POST /api/users; the first `logins` of them log in through
    the API (their latencies are returned), the others' tokens are minted with the signing secret of the
    demo instance, read from its data folder (a log-in is one Argon2 verification: thousands of them would take
    minutes of the run and measure nothing the steps measure)."""
    gate = asyncio.Semaphore(8)
    settings = demo_settings(folder)
    login_ms: list[float] = []

    async def one(i: int) -> str:
        async with gate:
            name, password = f"day-{i:05d}", f"exam-day-password-{i}"
            user = await api(session, "POST", f"{base}/api/users", admin,
                             {"username": name, "password": password, "role": "candidate", "display_name": name})
            if i >= logins:
                return issue_user_token(settings, str(user["id"]), "candidate", name)[0]
            t = time.perf_counter()
            login = await api(session, "POST", f"{base}/api/auth/login", None,
                              {"username": name, "password": password})
            login_ms.append((time.perf_counter() - t) * 1000)
            return str(login["token"])

    return list(await asyncio.gather(*(one(i) for i in range(n)))), login_ms


async def wait_scored(database_url: str, timeout: float = 120.0) -> None:
    """Until every submitted attempt's event is acknowledged by scoring (the step's submissions are done)."""
    conn = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await conn.fetchval("SELECT count(*) FROM delivery.outbox WHERE published_at IS NULL") == 0:
                return
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


def held(r: loadgen.StepResult) -> bool:
    return r.errors == 0 and all(k in r.latency_ms for k in HELD_KINDS) and r.p99(*HELD_KINDS) < P99_LIMIT_MS


def largest_held(results: list[loadgen.StepResult]) -> int:
    """The largest N such that this step and every smaller one held."""
    best = 0
    for r in sorted(results, key=lambda r: r.n):
        if not held(r):
            break
        best = r.n
    return best


def service_ms_per_request(r: loadgen.StepResult, services: tuple[str, ...]) -> float:
    """CPU milliseconds the serving processes (not PostgreSQL, not the load generator) spent per request."""
    return sum(r.cpu_cores.get(s, 0.0) for s in services) / max(r.requests_per_second, 1e-9) * 1000


PRODUCT_PROCESSES = ("entry", "exam-delivery", "item-bank", "scoring")


def overloaded(r: loadgen.StepResult) -> bool:
    return r.errors > 0 or r.p99(*HELD_KINDS) > 3 * P99_LIMIT_MS


def cell(r: loadgen.StepResult, kind: str) -> str:
    if kind not in r.latency_ms:
        return "–"
    p50, p99, _ = r.latency_ms[kind]
    return f"{p50:.1f} / {p99:.1f}"


async def steps(target: loadgen.Target, tokens: list[str], sizes: list[int], window: float,
                processes: dict[str, list[int]], database_url: str | None, label: str) -> list[loadgen.StepResult]:
    results = []
    for n in sizes:
        r = await loadgen.run_step(target, tokens[:n], "cpc-150", compression=COMPRESSION, window=window,
                                   processes=processes, seed=n)
        results.append(r)
        sys.stderr.write(f"{label} N={n}: {r.saves_per_second:.0f} saves/s, question p99 "
                         f"{r.latency_ms.get('question', (0, 0, 0))[1]:.1f} ms, save p99 "
                         f"{r.latency_ms.get('save', (0, 0, 0))[1]:.1f} ms, errors {r.errors} {r.error_samples}\n")
        if database_url is not None:
            await wait_scored(database_url)
        await asyncio.sleep(1.0)
        if overloaded(r):
            break
    return results


NGINX_PROCESSES = ("nginx", "exam-delivery", "item-bank", "scoring")


async def nginx_steps(state: dict, tokens: list[str], sizes: list[int], window: float,
                      pids: dict[str, list[int]]) -> tuple[list[loadgen.StepResult], str]:
    """The same steps through nginx (deploy/nginx/nginx.conf) in front of the same services."""
    if nginx_front.nginx_executable() is None:
        return [], "nginx is not installed here, so exam day through nginx was not measured in this run"
    urls = {name: state["processes"][name]["url"] for name in ("item-bank", "exam-delivery", "scoring")}
    front = nginx_front.NginxFront(urls, workers=1)
    await asyncio.to_thread(front.start)
    try:
        assert front.proc is not None
        processes = {name: p for name, p in pids.items() if name != "entry"}
        processes = {"nginx": loadgen.children_of(front.proc.pid), **processes,
                     "postgres": [state["database_pid"]]}
        return await steps(loadgen.Target(front.url), tokens, sizes, window, processes, state["database_url"],
                           "nginx"), ""
    finally:
        await asyncio.to_thread(front.stop)


async def run(args: argparse.Namespace) -> dict:
    sizes = [5, 10] if args.quick else [50, 100, 200, 300, 400, 500, 600]
    window = 4.0 if args.quick else 15.0
    folder = Path(tempfile.mkdtemp(prefix="mockcert-exam-day-"))
    port = hx.free_port()
    started = time.monotonic()
    proc, accounts, state = await start_product(folder, port)
    base = f"http://127.0.0.1:{port}"
    bare_server = None
    try:
        async with aiohttp.ClientSession() as session:
            admin = (await api(session, "POST", f"{base}/api/auth/login", None,
                               {"username": "admin", "password": accounts["admin"]}))["token"]
            for _ in range(240):
                bps = await api(session, "GET", f"{base}/api/blueprints", admin)
                if any(b["id"] == "cpc-150" and b["available"] for b in bps):
                    break
                await asyncio.sleep(0.5)
            else:
                raise RuntimeError("cpc-150 never became available")
            # The same candidates sit cpc-150 once per step: no cool-down between their attempts
            # (the product's default is an hour), set through the admin API as an admin would.
            await api(session, "PUT", f"{base}/api/blueprints/cpc-150/policy", admin, {"cooldown_seconds": 0})
            t = time.monotonic()
            tokens, login_ms = await make_candidates(session, base, admin, max(sizes), logins=min(20, max(sizes)),
                                                      folder=folder)
            setup_users = time.monotonic() - t
        sys.stderr.write(f"product up and {len(tokens)} candidates ready in {time.monotonic() - started:.0f}s\n")
        pids = {name: [info["pid"]] for name, info in state["processes"].items() if info.get("pid")}
        processes = {**pids, "postgres": [state["database_pid"]]}
        full = await steps(loadgen.Target(base), tokens, sizes, window, processes, state["database_url"], "product")
        via_nginx, nginx_note = await nginx_steps(state, tokens, [r.n for r in full], window, pids)
        bare_server = hx.bare_process(state["database_url"], folder / "bare.log", reset=False)
        await bare_server.start()
        assert bare_server.proc is not None
        bare = await steps(loadgen.Target(bare_server.url, bare=True), tokens, [r.n for r in full], window,
                           {"bare": [bare_server.proc.pid], "postgres": [state["database_pid"]]}, None, "bare")
    finally:
        if bare_server is not None:
            await asyncio.to_thread(bare_server.stop)
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), timeout=60)
    return {"sizes": sizes, "window": window, "full": full, "bare": bare, "setup_users_seconds": setup_users,
            "nginx": via_nginx, "nginx_note": nginx_note,
            "login_ms": login_ms,
            "candidates": len(tokens), "total_seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description="exam-day load on the whole product")
    parser.add_argument("--quick", action="store_true", help="two small steps, for a smoke run")
    args = parser.parse_args()
    out = asyncio.run(run(args))
    full: list[loadgen.StepResult] = out["full"]
    bare: list[loadgen.StepResult] = out["bare"]
    kinds = ("question", "save", "flag", "change", "start", "review", "submit")

    print(f"Candidates sit `cpc-150` through the entry of `mockcert run` (separate processes, embedded "
          f"PostgreSQL); think time is real pace (~{loadgen.REAL_SECONDS_PER_QUESTION / 60:.1f} min a question) "
          f"compressed {COMPRESSION:.0f}x, so N simulated candidates = N x {COMPRESSION:.0f} at real pace. "
          f"Each step: {out['window']:.0f} s measured after every candidate has started (start, review and "
          f"submit: over the whole step, as they happen at its edges).\n")
    print("| candidates | = at real pace | saves/s | req/s | " + " | ".join(f"{k} p50/p99 ms" for k in kinds)
          + " | errors |")
    print("|---|---|---|---|" + "---|" * len(kinds) + "---|")
    for r in full:
        print(f"| {r.n} | {r.n * COMPRESSION:,.0f} | {r.saves_per_second:.0f} | {r.requests_per_second:.0f} | "
              + " | ".join(cell(r, k) for k in kinds) + f" | {r.errors} |")
    groups = list(full[0].cpu_cores) if full else []
    print("\nCPU used during the window, in cores (of 2), per process:\n")
    print("| candidates | " + " | ".join(groups) + " | service CPU ms per request |")
    print("|---|" + "---|" * len(groups) + "---|")
    for r in full:
        print(f"| {r.n} | " + " | ".join(f"{r.cpu_cores[g]:.2f}" for g in groups)
              + f" | {service_ms_per_request(r, PRODUCT_PROCESSES):.2f} |")
    via_nginx: list[loadgen.StepResult] = out["nginx"]
    print("\nThrough nginx: Debian's nginx with deploy/nginx/nginx.conf (one worker) in the local entry's place, "
          "in front of the same services, same candidates, same pace, same run:\n")
    if not via_nginx:
        print(out["nginx_note"] + ".")
    else:
        print("| candidates | saves/s | req/s | question p50/p99 ms | save p50/p99 ms | submit p50/p99 ms | errors | "
              "CPU nginx | CPU entry (local run) | service CPU ms per request | nginx / local entry: save p99, "
              "CPU per request |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in via_nginx:
            mine = next((f for f in full if f.n == r.n), None)
            ratio = (r.latency_ms["save"][1] / mine.latency_ms["save"][1]
                     if mine and "save" in mine.latency_ms and "save" in r.latency_ms else float("nan"))
            ms = service_ms_per_request(r, NGINX_PROCESSES)
            cpu_ratio = ms / max(service_ms_per_request(mine, PRODUCT_PROCESSES), 1e-9) if mine else float("nan")
            entry_cpu = f"{mine.cpu_cores.get('entry', 0):.2f}" if mine else "–"
            print(f"| {r.n} | {r.saves_per_second:.0f} | {r.requests_per_second:.0f} | {cell(r, 'question')} | "
                  f"{cell(r, 'save')} | {cell(r, 'submit')} | {r.errors} | {r.cpu_cores.get('nginx', 0):.2f} | "
                  f"{entry_cpu} | {ms:.2f} | {ratio:.1f}x, {cpu_ratio:.1f}x |")
        best_nginx = largest_held(via_nginx)
        print(f"\nLargest step held through nginx: {best_nginx} simulated candidates "
              f"(= {best_nginx * COMPRESSION:,.0f} at real pace), against {largest_held(full)} through the local "
              "entry.")
    print("\nBaseline: the bare aiohttp + asyncpg upsert endpoint of bench_delivery_saves (bench/delivery_harness.py "
          "`bare`, no-op pool reset), same candidates, same pace, same PostgreSQL:\n")
    print("| candidates | saves/s | req/s | question p50/p99 ms | save p50/p99 ms | errors | CPU bare | "
          "CPU postgres | service CPU ms per request | product / bare: save p99, CPU per request |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in bare:
        mine = next((f for f in full if f.n == r.n), None)
        ratio = (mine.latency_ms["save"][1] / r.latency_ms["save"][1]
                 if mine and "save" in mine.latency_ms and "save" in r.latency_ms else float("nan"))
        bare_ms = service_ms_per_request(r, ("bare",))
        cpu_ratio = service_ms_per_request(mine, PRODUCT_PROCESSES) / max(bare_ms, 1e-9) if mine else float("nan")
        print(f"| {r.n} | {r.saves_per_second:.0f} | {r.requests_per_second:.0f} | {cell(r, 'question')} | "
              f"{cell(r, 'save')} | {r.errors} | {r.cpu_cores.get('bare', 0):.2f} | "
              f"{r.cpu_cores.get('postgres', 0):.2f} | {bare_ms:.2f} | {ratio:.1f}x, {cpu_ratio:.1f}x |")
    best_full, best_bare = largest_held(full), largest_held(bare)
    tested_max = max((r.n for r in full), default=0)
    print(f"\nLargest step held (it and every smaller step: no error, p99 of question fetches and saves under "
          f"{P99_LIMIT_MS:.0f} ms): "
          f"product {best_full} simulated candidates = **{best_full * COMPRESSION:,.0f} concurrent candidates at "
          f"real exam pace**; bare endpoint {best_bare} (= {best_bare * COMPRESSION:,.0f})"
          + (f"; the largest step tried was {tested_max}, so the bare figure is a lower bound"
             if best_bare == tested_max else "") + ".")
    busy = [f"N={r.n}: scoring {r.cpu_cores['scoring']:.2f} cores" for r in full
            if r.cpu_cores.get("scoring", 0) > 0.15]
    if busy:
        print("Steps during which scoring's periodic statistics refresh ran (it shares the 2 cores with the "
              "exam traffic): " + "; ".join(busy) + ".")
    logins = out["login_ms"]
    print(f"Setup: {out['candidates']} candidates created through POST /api/users in "
          f"{out['setup_users_seconds']:.0f} s (one Argon2 hash each); {len(logins)} of them logged in through "
          f"POST /api/auth/login, 8 at a time: p50 {loadgen.percentile(logins, 50):.0f} ms, "
          f"p99 {loadgen.percentile(logins, 99):.0f} ms (Argon2 verification); the others' tokens were minted "
          f"with the demo signing secret. Whole run {out['total_seconds']:.0f} s.")

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "exam_day.json").write_text(json.dumps({
        "compression": COMPRESSION, "window_seconds": out["window"], "p99_limit_ms": P99_LIMIT_MS,
        "largest_held": best_full, "largest_held_real_pace": best_full * COMPRESSION,
        "bare_largest_held": best_bare,
        "product": [r.__dict__ for r in full], "bare": [r.__dict__ for r in bare],
        "nginx": [r.__dict__ for r in out["nginx"]], "nginx_largest_held": largest_held(out["nginx"]),
    }, indent=1))


if __name__ == "__main__":
    main()
