"""Two delivery replicas behind the entry, on one database: an attempt carries
on whichever replica answers, a submission sent to both at once is submitted
and scored exactly once, and when one replica is lost mid-exam the candidates
carry on through the other without losing an acknowledged answer.

The item bank (with the sample bank), scoring, replica B and the entry
(`mockcert.entry.create_entry_app` with both delivery URLs, round-robin) run in
process on real loopback ports. Replica A is a real process, killed with
SIGKILL while answers are in flight: requests it had accepted die with it (the
entry answers 502 and the client sends again, as the exam page's queue does),
new ones go to B.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg
from aiohttp import web

from mockcert.entry import create_entry_app
from shared.web import METRICS_KEY
from tests.delivery_support import wait_for
from tests.support import (
    ADMIN_PASSWORD,
    TEST_JWT_SECRET,
    TEST_SERVICE_SECRET,
    auth,
    event_key_env,
    free_port,
    make_settings,
    serve_again,
    service_factories,
)

QUESTIONS = 20
CANDIDATES = 10
RETRY_STATUSES = (0, 502, 503, 504)  # what a client sees when a replica goes away: send again


@dataclass
class Player:
    token: str
    attempt_id: str = ""
    acked: dict[int, str | None] = field(default_factory=dict)  # position -> last acknowledged answer
    uncertain: dict[int, set[str | None]] = field(default_factory=dict)  # sent later, outcome unknown
    retries: int = 0


class Cluster:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.ports = {"item-bank": free_port(), "exam-delivery": free_port(), "scoring": free_port()}
        self.replica_b_port = free_port()
        self.replica_a: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkdtemp(prefix="mockcert-replica-")) / "delivery-a.log"
        self.runners: dict[str, web.AppRunner] = {}
        self.apps: dict[str, web.Application] = {}
        self.urls: dict[str, str] = {}
        self.entry_url = ""

    def settings(self, service: str, port: int | None = None):
        ports = dict(self.ports)
        if port is not None:
            ports[service] = port
        return make_settings(service, self.database_url, ports, seed_sample_bank=True, feed_poll_seconds=0.2,
                             outbox_poll_seconds=0.2, sweep_interval_seconds=0.5)

    async def serve(self, name: str, factory, settings) -> None:
        app = factory(settings)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        self.runners[name] = runner
        await runner.setup()
        await serve_again(runner, settings.port)
        self.apps[name] = app
        self.urls[name] = f"http://127.0.0.1:{settings.port}"

    async def start(self) -> None:
        factories = service_factories()
        await self.serve("item-bank", factories["item-bank"], self.settings("item-bank"))
        await self.serve("scoring", factories["scoring"], self.settings("scoring"))
        # Both replicas start together: migrations and the bootstrap admin are under advisory locks.
        self.urls["delivery-a"] = f"http://127.0.0.1:{self.ports['exam-delivery']}"
        self.replica_a = self.spawn_replica_a()
        await self.serve("delivery-b", factories["exam-delivery"],
                         self.settings("exam-delivery", port=self.replica_b_port))
        await self.wait_replica_a()
        entry = create_entry_app({"item-bank": [self.urls["item-bank"]], "scoring": [self.urls["scoring"]],
                                  "exam-delivery": [self.urls["delivery-a"], self.urls["delivery-b"]]},
                                 self.settings("item-bank"))
        port = free_port()
        runner = web.AppRunner(entry, access_log=None, shutdown_timeout=1)
        self.runners["entry"] = runner
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.entry_url = f"http://127.0.0.1:{port}"

    def spawn_replica_a(self) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "MOCKCERT_MODE": "production",
            "MOCKCERT_JWT_SECRET": TEST_JWT_SECRET,
            "MOCKCERT_SERVICE_SECRET": TEST_SERVICE_SECRET,
            **event_key_env(),
            "MOCKCERT_EXAM_DELIVERY_HOST": "127.0.0.1",
            "MOCKCERT_EXAM_DELIVERY_PORT": str(self.ports["exam-delivery"]),
            "MOCKCERT_EXAM_DELIVERY_URL": self.urls["delivery-a"],
            "MOCKCERT_ITEM_BANK_URL": self.urls["item-bank"],
            "MOCKCERT_SCORING_URL": self.urls["scoring"],
            "MOCKCERT_ADMIN_USER": "admin",
            "MOCKCERT_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "MOCKCERT_FEED_POLL_SECONDS": "0.2",
            "MOCKCERT_OUTBOX_POLL_SECONDS": "0.2",
            "MOCKCERT_SWEEP_INTERVAL_SECONDS": "0.5",
            "MOCKCERT_LOG_LEVEL": "WARNING",
        }
        with open(self.log, "ab") as out:
            return subprocess.Popen([sys.executable, "-m", "exam_delivery"], env=env, stdout=out,
                                    stderr=subprocess.STDOUT)

    async def wait_replica_a(self) -> None:
        async with aiohttp.ClientSession() as session:

            async def healthy() -> bool:
                assert self.replica_a is not None and self.replica_a.poll() is None, self.log.read_text()[-3000:]
                status, _ = await call(session, "GET", f"{self.urls['delivery-a']}/healthz")
                return status == 200

            await wait_for(healthy, timeout=30, interval=0.1, what="replica A to start")

    async def kill_replica_a(self, requests_in_flight: Callable[[], Awaitable[bool]]) -> None:
        """Freeze replica A (SIGSTOP) until requests are waiting on it, then SIGKILL it: they die with it."""
        assert self.replica_a is not None
        self.replica_a.send_signal(signal.SIGSTOP)
        await wait_for(requests_in_flight, timeout=20, interval=0.01, what="requests waiting on the frozen replica")
        self.replica_a.send_signal(signal.SIGKILL)
        await asyncio.get_running_loop().run_in_executor(None, self.replica_a.wait)

    async def stop(self) -> None:
        if self.replica_a is not None and self.replica_a.poll() is None:
            self.replica_a.send_signal(signal.SIGTERM)
            self.replica_a.wait(timeout=15)
        for runner in reversed(list(self.runners.values())):
            await runner.cleanup()


async def call(session: aiohttp.ClientSession, method: str, url: str, token: str | None = None,
               body: object = None) -> tuple[int, object]:
    try:
        async with session.request(method, url, json=body, headers=auth(token) if token else {},
                                   timeout=aiohttp.ClientTimeout(total=10)) as resp:
            data = await resp.json(content_type=None) if resp.content_length != 0 else None
            return resp.status, data
    except (aiohttp.ClientError, TimeoutError):
        return 0, None


async def save(session, url: str, p: Player, pos: int, choice: str | None) -> None:
    """Send until acknowledged, as the exam page's queue does."""
    while True:
        status, body = await call(session, "PUT", f"{url}/api/attempts/{p.attempt_id}/responses/{pos}", p.token,
                                  {"selected": choice})
        if status == 200:
            assert body["selected"] == choice and body["position"] == pos, body
            p.acked[pos] = choice
            p.uncertain.pop(pos, None)
            return
        assert status in RETRY_STATUSES, (status, body)
        p.uncertain.setdefault(pos, set()).add(choice)
        p.retries += 1
        await asyncio.sleep(0.05)


def saves_served(app: web.Application) -> int:
    return sum(n for (method, route, status), n in app[METRICS_KEY].requests.items()
               if method == "PUT" and route.endswith("/responses/{position}") and status == 200)


def unread_requests(port: int) -> int:
    """Bytes received but not yet read by the process listening on `port` (from /proc/net/tcp)."""
    waiting = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state, queues = parts[1], parts[3], parts[4]
            if int(local.rsplit(":", 1)[1], 16) == port and state == "01":  # ESTABLISHED
                waiting += int(queues.split(":")[1], 16)
    return waiting


REQUESTS_METRIC = re.compile(r'^mockcert_http_requests_total\{(.*)\} (\S+)$', re.M)
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
SAVE_LABELS = {"method": "PUT", "route": "/api/attempts/{attempt_id}/responses/{position}", "status": "200"}


async def saves_served_by_process(session: aiohttp.ClientSession, url: str) -> int:
    """Saves answered 200 by the process at `url`, read from its /metrics (labels in any order)."""
    async with session.get(f"{url}/metrics") as resp:
        text = await resp.text()
    return sum(int(float(value)) for labels, value in REQUESTS_METRIC.findall(text)
               if SAVE_LABELS.items() <= dict(LABEL.findall(labels)).items())


async def test_two_replicas_an_attempt_continues_on_either_and_survives_losing_one(database_url):
    cluster = Cluster(database_url)
    await cluster.start()
    db = await asyncpg.connect(database_url)
    try:
        async with aiohttp.ClientSession() as session:
            entry = cluster.entry_url
            status, login = await call(session, "POST", f"{entry}/api/auth/login", None,
                                       {"username": "admin", "password": ADMIN_PASSWORD})
            assert status == 200
            admin = login["token"]

            async def both_replicas_have_the_bank() -> bool:
                for name in ("delivery-a", "delivery-b"):
                    status, bps = await call(session, "GET", f"{cluster.urls[name]}/api/blueprints", admin)
                    if status != 200 or not all(b["available"] for b in bps if b["builtin"]):
                        return False
                return True

            await wait_for(both_replicas_have_the_bank, timeout=30, what="both replicas to follow the feed")
            status, bp = await call(session, "POST", f"{entry}/api/blueprints", admin, {
                "name": "Replica drill", "time_limit_seconds": 3600, "cut_score_percent": 50,
                "domains": [{"code": "EM", "count": 5}, {"code": "ICD", "count": 5},
                            {"code": "RAD", "count": 5}, {"code": "MED", "count": 5}],
            })
            assert status == 201, bp

            a, b = cluster.urls["delivery-a"], cluster.urls["delivery-b"]
            players = []
            for i in range(CANDIDATES):
                username, password = f"replica-{i}-{uuid.uuid4().hex[:6]}", "replica-password-1"
                status, _ = await call(session, "POST", f"{entry}/api/users", admin,
                                       {"username": username, "password": password, "role": "candidate"})
                assert status == 201
                status, login = await call(session, "POST", f"{entry}/api/auth/login", None,
                                           {"username": username, "password": password})
                p = Player(login["token"])
                status, started = await call(session, "POST", f"{entry}/api/attempts", p.token,
                                             {"blueprint_id": bp["id"]})
                assert status == 201, started
                p.attempt_id = started["id"]
                players.append(p)

            # One attempt, replica by replica: what one wrote, the other reads, and the other way round.
            first = players[0]
            await save(session, a, first, 1, "A")
            status, q = await call(session, "GET", f"{b}/api/attempts/{first.attempt_id}/questions/1", first.token)
            assert status == 200 and q["selected"] == "A"
            await save(session, b, first, 1, "D")
            status, q = await call(session, "GET", f"{a}/api/attempts/{first.attempt_id}/questions/1", first.token)
            assert status == 200 and q["selected"] == "D"

            # Phase 1, both replicas up: every candidate answers half the exam through the entry.
            rng = random.Random(7)
            await asyncio.gather(*(
                save(session, entry, p, pos, rng.choice("ABCD"))
                for p in players for pos in range(1, QUESTIONS // 2 + 1)
            ))
            served = {"delivery-a": await saves_served_by_process(session, a),
                      "delivery-b": saves_served(cluster.apps["delivery-b"])}
            assert all(v >= CANDIDATES for v in served.values()), f"the entry did not spread the saves: {served}"

            # Phase 2: half the candidates finish and submit on both replicas at the same moment.
            finishers, others = players[: CANDIDATES // 2], players[CANDIDATES // 2:]
            await asyncio.gather(*(
                save(session, entry, p, pos, rng.choice("ABCD"))
                for p in finishers for pos in range(QUESTIONS // 2 + 1, QUESTIONS + 1)
            ))
            for p in finishers:
                outcomes = await asyncio.gather(
                    call(session, "POST", f"{a}/api/attempts/{p.attempt_id}/submit", p.token),
                    call(session, "POST", f"{b}/api/attempts/{p.attempt_id}/submit", p.token),
                )
                assert [s for s, _ in outcomes] == [200, 200], outcomes
                assert {body["status"] for _, body in outcomes} == {"submitted"}

            async def scored(ps: list[Player]) -> bool:
                n = await db.fetchval("SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)",
                                      [p.attempt_id for p in ps])
                return n == len(ps)

            await wait_for(lambda: scored(finishers), timeout=30, what="the finishers' results")

            # Phase 3: replica A is lost while the others are answering; they carry on through the entry.
            async def answer_rest(p: Player) -> None:
                for pos in range(QUESTIONS // 2 + 1, QUESTIONS + 1):
                    await save(session, entry, p, pos, rng.choice("ABCD"))
                    await asyncio.sleep(0.01)
                for pos in (1, 2, 3):  # change a few answers, clear one
                    await save(session, entry, p, pos, None if pos == 3 else rng.choice("ABCD"))

            acked_before = sum(len(p.acked) for p in others)
            answering = [asyncio.create_task(answer_rest(p)) for p in others]

            async def under_way() -> bool:
                return sum(len(p.acked) for p in others) >= acked_before + 10

            await wait_for(under_way, timeout=20, interval=0.005, what="phase 3 to be under way")
            assert not all(t.done() for t in answering)
            before_loss = saves_served(cluster.apps["delivery-b"])
            port_a = cluster.ports["exam-delivery"]

            async def stuck_on_a() -> bool:
                # Requests the entry sent to the frozen A sit unread in its sockets.
                return unread_requests(port_a) > 0

            await cluster.kill_replica_a(stuck_on_a)
            await asyncio.gather(*answering)
            assert saves_served(cluster.apps["delivery-b"]) > before_loss, "nothing went to the surviving replica"
            for p in others:
                status, out = await call(session, "POST", f"{entry}/api/attempts/{p.attempt_id}/submit", p.token)
                assert status == 200 and out["status"] == "submitted", (status, out)
                status, again = await call(session, "POST", f"{b}/api/attempts/{p.attempt_id}/submit", p.token)
                assert status == 200 and again["status"] == "submitted"
            await wait_for(lambda: scored(players), timeout=30, what="every result")

            # Exactly once: one event in the outbox, one event and one result in scoring, per attempt.
            ids = [p.attempt_id for p in players]
            outbox = await db.fetch("SELECT attempt_id::text AS a, count(*) AS n FROM delivery.outbox "
                                    "WHERE attempt_id = ANY($1::uuid[]) GROUP BY 1", [uuid.UUID(i) for i in ids])
            assert {r["a"]: r["n"] for r in outbox} == {i: 1 for i in ids}
            for table in ("scoring.events", "scoring.results"):
                rows = await db.fetch(f"SELECT attempt_id, count(*) AS n FROM {table} "  # noqa: S608 - fixed names
                                      "WHERE attempt_id = ANY($1) GROUP BY 1", ids)
                assert {r["attempt_id"]: r["n"] for r in rows} == {i: 1 for i in ids}, table

            # No acknowledged answer lost: the scored review holds the last answer each candidate saw acknowledged.
            for p in players:
                status, result = await call(session, "GET", f"{entry}/api/results/{p.attempt_id}", p.token)
                assert status == 200, result
                review = {r["position"]: r["selected"] for r in result["review"]}
                assert len(review) == QUESTIONS
                for pos in range(1, QUESTIONS + 1):
                    expected = p.acked.get(pos)
                    assert review[pos] == expected or review[pos] in p.uncertain.get(pos, set()), (
                        p.attempt_id, pos, expected, review[pos])
                assert result["answered_count"] == sum(v is not None for v in review.values())
    finally:
        await db.close()
        await cluster.stop()


async def test_the_entry_never_replays_a_request_a_lost_replica_had_received():
    """A replica that received a POST and died before answering (connection reset) may have committed it:
    the entry must answer 502 and leave the retry to the client, not send the POST to the next replica
    (a replayed POST /api/attempts, /api/users or /api/items acts twice)."""
    import socket
    import struct

    received: list[str] = []

    def dying_replica(name: str) -> web.Application:
        async def handler(request: web.Request) -> web.StreamResponse:
            await request.read()
            received.append(name)
            sock = request.transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            request.transport.abort()  # dies now: the client sees a reset, not an answer
            await asyncio.sleep(5)
            return web.Response()

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        return app

    runners = []
    urls = []
    try:
        for name in ("replica-1", "replica-2"):
            runner = web.AppRunner(dying_replica(name), access_log=None, shutdown_timeout=0.1)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            runners.append(runner)
            urls.append(f"http://127.0.0.1:{port}")
        settings = make_settings("item-bank", "postgresql://unused/unused",
                                 {"item-bank": free_port(), "exam-delivery": free_port(), "scoring": free_port()})
        entry = create_entry_app({"exam-delivery": urls, "item-bank": urls, "scoring": urls}, settings)
        runner = web.AppRunner(entry, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/api/attempts", json={"blueprint_id": "cpc-100"},
                                    headers={"Authorization": "Bearer x"}) as resp:
                status = resp.status
                ctype = resp.headers.get("Content-Type", "")
        assert len(received) == 1, f"the entry sent one POST to {len(received)} replicas: {received}"
        assert status == 502 and ctype.startswith("application/problem+json"), status
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
