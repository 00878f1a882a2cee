"""The deadline sweeper with several replicas on one database, and after a restart."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
from aiohttp import web

from exam_delivery.app import create_app
from exam_delivery.attempts.sweeper import sweep_once
from exam_delivery.context import DELIVERY_KEY
from tests.delivery_support import pass_deadlines, wait_for, wait_for_bank
from tests.support import free_port, serve_again, start_stack

# Background sweepers run once at start and then sleep: the test drives the sweeps itself.
DORMANT = 3600.0
# Nothing falls due by itself while a test runs: each test moves the deadlines on the database clock.
LIMIT = 600


async def _short_blueprint(stack, seconds: int = LIMIT) -> str:
    status, out = await stack.request(
        "POST",
        "/api/blueprints",
        await stack.admin_token(),
        json={
            "name": "Short",
            "time_limit_seconds": seconds,
            "cut_score_percent": 70,
            "domains": [{"code": "EM", "count": 1}, {"code": "ICD", "count": 1}],
        },
    )
    assert status == 201, out
    return str(out["id"])


async def _start_many(stack, blueprint_id: str, n: int) -> list[str]:
    tokens = [t for _, t in await asyncio.gather(*(stack.new_user("candidate") for _ in range(n)))]

    async def one(token: str) -> str:
        status, body = await stack.request(
            "POST", "/api/attempts", token, json={"blueprint_id": blueprint_id}
        )
        assert status == 201, body
        status, _ = await stack.request(
            "PUT", f"/api/attempts/{body['id']}/responses/1", token, json={"selected": "A"}
        )
        assert status == 200
        return str(body["id"])

    return list(await asyncio.gather(*(one(t) for t in tokens)))


async def test_two_replicas_sweeping_submit_each_expired_attempt_exactly_once(database_url):
    async with start_stack(
        database_url, seed_sample_bank=True, sweep_interval_seconds=DORMANT, outbox_poll_seconds=0.2
    ) as stack:
        await wait_for_bank(stack)
        # A second delivery replica on the same database.
        settings = stack.settings["exam-delivery"]
        import msgspec

        second_settings = msgspec.structs.replace(settings, port=free_port())
        second = create_app(second_settings)
        runner = web.AppRunner(second, access_log=None, shutdown_timeout=1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", second_settings.port).start()
        try:
            blueprint_id = await _short_blueprint(stack)
            attempt_ids = await _start_many(stack, blueprint_id, 40)
            conn = await asyncpg.connect(database_url)
            try:
                await pass_deadlines(conn, attempt_ids)
            finally:
                await conn.close()
            replicas = [stack.apps["exam-delivery"][DELIVERY_KEY].pool, second[DELIVERY_KEY].pool]
            # Four sweeps at once, two per replica, over the same 40 due attempts, in small batches.
            counts = await asyncio.gather(*(sweep_once(replicas[i % 2], batch=3) for i in range(4)))
            assert sum(counts) == 40, counts
            assert await asyncio.gather(*(sweep_once(r) for r in replicas)) == [0, 0]
            conn = await asyncpg.connect(database_url)
            try:
                rows = await conn.fetch(
                    "SELECT a.id, a.status, a.submitted_by, count(o.event_id) AS events"
                    " FROM delivery.attempts a"
                    " LEFT JOIN delivery.outbox o ON o.attempt_id = a.id WHERE a.id = ANY($1::uuid[])"
                    " GROUP BY a.id",
                    [uuid.UUID(a) for a in attempt_ids],
                )
                assert len(rows) == 40
                assert {(r["status"], r["submitted_by"], r["events"]) for r in rows} == {
                    ("expired", "sweeper", 1)
                }

                async def all_scored():
                    return (
                        await conn.fetchval(
                            "SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", attempt_ids
                        )
                        == 40
                    )

                await wait_for(all_scored, what="40 results")
                payload = json.loads(
                    await conn.fetchval(
                        "SELECT payload::text FROM delivery.outbox WHERE attempt_id = $1",
                        uuid.UUID(attempt_ids[0]),
                    )
                )
                assert payload["responses"][0]["selected"] == "A"
            finally:
                await conn.close()
        finally:
            await runner.cleanup()


async def test_the_sweeper_catches_up_after_a_restart(database_url):
    async with start_stack(
        database_url, seed_sample_bank=True, sweep_interval_seconds=0.2, outbox_poll_seconds=0.2
    ) as stack:
        await wait_for_bank(stack)
        blueprint_id = await _short_blueprint(stack)
        attempt_ids = await _start_many(stack, blueprint_id, 10)
        # Delivery goes down before the deadlines and comes back after them.
        settings = stack.settings["exam-delivery"]
        await stack.runners["exam-delivery"].cleanup()
        conn = await asyncpg.connect(database_url)
        try:
            await pass_deadlines(conn, attempt_ids)
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM delivery.attempts WHERE id = ANY($1::uuid[])"
                    " AND status = 'in_progress'",
                    [uuid.UUID(a) for a in attempt_ids],
                )
                == 10
            )
            app = create_app(settings)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
            await runner.setup()
            await serve_again(runner, settings.port)
            stack.runners["exam-delivery"] = runner
            stack.apps["exam-delivery"] = app

            async def caught_up():
                return (
                    await conn.fetchval(
                        "SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", attempt_ids
                    )
                    == 10
                )

            await wait_for(caught_up, timeout=20, what="the sweep after restart")
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM delivery.outbox WHERE attempt_id = ANY($1::uuid[])",
                    [uuid.UUID(a) for a in attempt_ids],
                )
                == 10
            )
        finally:
            await conn.close()


async def test_an_attempt_that_cannot_be_finalised_never_holds_up_the_others(database_url):
    async with start_stack(
        database_url, seed_sample_bank=True, sweep_interval_seconds=DORMANT, outbox_poll_seconds=0.2
    ) as stack:
        await wait_for_bank(stack)
        pool = stack.apps["exam-delivery"][DELIVERY_KEY].pool
        blueprint_id = await _short_blueprint(stack)
        attempt_ids = [uuid.UUID(a) for a in await _start_many(stack, blueprint_id, 6)]
        broken, healthy = attempt_ids[:2], attempt_ids[2:]
        conn = await asyncpg.connect(database_url)
        try:
            forms = {
                a: await conn.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", a)
                for a in broken
            }
            # The two broken ones fall due first, so they lead every claim: one form is not a list
            # (the database refuses to expand it, aborting the statement), the other names a
            # version the read model does not hold (finalize refuses it).
            await conn.execute(
                "UPDATE delivery.attempts SET form = '{\"corrupt\": true}'::jsonb WHERE id = $1", broken[0]
            )
            await conn.execute(
                "UPDATE delivery.attempts SET form = jsonb_set(form, '{0,item_id}', '\"no-such-item\"')"
                " WHERE id = $1",
                broken[1],
            )
            await pass_deadlines(conn, broken, ago=60)
            await pass_deadlines(conn, healthy)
            # Batches of 2: the first claim holds exactly the two broken attempts.
            assert await sweep_once(pool, batch=2) == 4
            rows = {
                r["id"]: (r["status"], r["events"])
                for r in await conn.fetch(
                    "SELECT a.id, a.status, count(o.event_id) AS events FROM delivery.attempts a"
                    " LEFT JOIN delivery.outbox o ON o.attempt_id = a.id WHERE a.id = ANY($1::uuid[])"
                    " GROUP BY a.id",
                    attempt_ids,
                )
            }
            assert {a: rows[a] for a in healthy} == {a: ("expired", 1) for a in healthy}
            assert {a: rows[a] for a in broken} == {a: ("in_progress", 0) for a in broken}
            # Each sweep tries them again; once repaired, they are submitted like the others.
            assert await sweep_once(pool, batch=2) == 0
            for a, form in forms.items():
                await conn.execute("UPDATE delivery.attempts SET form = $2::jsonb WHERE id = $1", a, form)
            assert await sweep_once(pool, batch=2) == 2
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM delivery.outbox WHERE attempt_id = ANY($1::uuid[])", attempt_ids
                )
                == 6
            )
        finally:
            await conn.close()
