"""Attempts through the public API (the entry), against the real services and
PostgreSQL, with the sample bank seeded in the item bank and followed by
delivery through the item bank's feed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections import Counter
from typing import Any

import asyncpg
import pytest

from exam_delivery.assembly import shown_options
from exam_delivery.context import DELIVERY_KEY
from shared.auth import issue_service_token
from shared.contracts import shown_label
from tests.delivery_support import move_attempts_back, pass_deadlines, wait_for, wait_for_bank
from tests.support import Stack, auth, start_stack

# Literal copies of the table in ../shared/domain/CPC.md (not derived from shared.domains,
# which the built-in blueprints are made from), and the code-book order forms follow.
CPC150 = {
    "CPT-10000": 10, "CPT-20000": 10, "CPT-30000": 10, "CPT-40000": 10, "CPT-50000": 10, "CPT-60000": 10,
    "EM": 10, "ANES": 8, "RAD": 8, "PATH": 8, "MED": 8, "TERM": 8, "ANAT": 8,
    "ICD": 10, "HCPCS": 8, "GUIDE": 8, "COMP": 6,
}
CPC100 = {
    "CPT-10000": 6, "CPT-20000": 6, "CPT-30000": 6, "CPT-40000": 6, "CPT-50000": 6, "CPT-60000": 6,
    "EM": 6, "ANES": 4, "RAD": 6, "PATH": 6, "MED": 6, "TERM": 4, "ANAT": 4,
    "ICD": 10, "HCPCS": 4, "GUIDE": 7, "COMP": 7,
}
CODEBOOK_ORDER = [
    "EM", "ANES", "CPT-10000", "CPT-20000", "CPT-30000", "CPT-40000", "CPT-50000", "CPT-60000",
    "RAD", "PATH", "MED", "TERM", "ANAT", "ICD", "HCPCS", "GUIDE", "COMP",
]


@pytest.fixture(scope="module")
async def dstack(database_url: str):
    async with start_stack(
        database_url,
        seed_sample_bank=True,
        sweep_interval_seconds=0.2,
        outbox_poll_seconds=0.2,
        feed_poll_seconds=0.2,
    ) as stack:
        await wait_for_bank(stack)
        yield stack


@pytest.fixture(scope="module")
async def db(database_url: str):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


class Recorder:
    """Calls the API as a candidate and keeps every JSON body it got back, to scan for leaks."""

    def __init__(self, stack: Stack, token: str) -> None:
        self.stack, self.token = stack, token
        self.bodies: list[Any] = []

    async def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        status, body = await self.stack.request(method, path, self.token, **kwargs)
        self.bodies.append(body)
        return status, body


def assert_no_key_or_rationale(bodies: list[Any], rationales: set[str]) -> None:
    def walk(value: Any) -> None:
        if isinstance(value, dict):
            assert "key" not in value and "rationale" not in value, value
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for body in bodies:
        walk(body)
        text = json.dumps(body, ensure_ascii=False)
        assert not [r for r in rationales if r in text]


async def make_blueprint(stack: Stack, **fields: Any) -> str:
    body = {
        "name": f"Drill {uuid.uuid4().hex[:6]}",
        "time_limit_seconds": 600,
        "cut_score_percent": 70,
        "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
    } | fields
    status, out = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json=body)
    assert status == 201, out
    return str(out["id"])


async def start(stack: Stack, token: str, blueprint_id: str) -> dict[str, Any]:
    status, body = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
    assert status == 201, body
    return dict(body)


async def expected_keys(db: asyncpg.Connection, attempt_id: str) -> dict[int, str]:
    """The key of each position as the candidate saw it (options may be shuffled)."""
    form = json.loads(
        await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(attempt_id))
    )
    keys = {}
    for pos, entry in enumerate(form, start=1):
        key = await db.fetchval(
            "SELECT key FROM delivery.item_versions WHERE item_id = $1 AND version = $2",
            entry["item_id"],
            entry["version"],
        )
        keys[pos] = shown_label(entry["order"], key)
    return keys


async def test_full_cpc150_attempt_through_the_public_api(dstack, db):
    _, token = await dstack.new_user("candidate")
    call = Recorder(dstack, token)
    status, bps = await call("GET", "/api/blueprints")
    assert status == 200 and {"cpc-150", "cpc-100"} <= {b["id"] for b in bps}
    cpc = next(b for b in bps if b["id"] == "cpc-150")
    assert cpc["question_count"] == 150 and cpc["time_limit_seconds"] == 340 * 60 and cpc["available"]

    status, started = await call("POST", "/api/attempts", json={"blueprint_id": "cpc-150"})
    assert status == 201, started
    assert started["status"] == "in_progress" and started["question_count"] == 150
    began = dt.datetime.fromisoformat(started["started_at"])
    assert dt.datetime.fromisoformat(started["deadline"]) - began == dt.timedelta(minutes=340)
    attempt = started["id"]

    status, summary = await call("GET", f"/api/attempts/{attempt}")
    assert status == 200 and len(summary["items"]) == 150
    assert Counter(i["domain"] for i in summary["items"]) == CPC150
    domains = [i["domain"] for i in summary["items"]]
    assert domains == sorted(domains, key=CODEBOOK_ORDER.index), "domains in code-book order"

    form = json.loads(
        await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(attempt))
    )
    assert len({e["item_id"] for e in form}) == 150, "150 distinct items"
    pinned = {
        (r["item_id"], r["version"]): r
        for r in await db.fetch(
            "SELECT item_id, version, status, stem, options::text, rationale FROM item_bank.item_versions v"
            " JOIN unnest($1::uuid[], $2::int[]) AS w(item_id, version) USING (item_id, version)",
            [uuid.UUID(e["item_id"]) for e in form],
            [e["version"] for e in form],
        )
    }
    assert len(pinned) == 150 and {r["status"] for r in pinned.values()} == {"approved"}, "approved in the bank"
    assert sum(e["order"] != "ABCD" for e in form) > 100, "options are shuffled per form by default"

    for pos, entry in enumerate(form, start=1):
        status, q = await call("GET", f"/api/attempts/{attempt}/questions/{pos}")
        assert status == 200 and q["position"] == pos
        source = pinned[(uuid.UUID(entry["item_id"]), entry["version"])]
        original = {o["label"]: o["text"] for o in json.loads(source["options"])}
        assert q["stem"] == source["stem"]
        assert [(o["label"], o["text"]) for o in q["options"]] == shown_options(entry["order"], original)

    keys = await expected_keys(db, attempt)
    correct = 0
    for pos in range(1, 151):
        if pos % 10 == 0:
            continue  # 15 left unanswered
        if pos % 3 == 0:
            choice = keys[pos]
            correct += 1
        else:
            choice = next(c for c in "ABCD" if c != keys[pos])
        status, saved = await call(
            "PUT",
            f"/api/attempts/{attempt}/responses/{pos}",
            json={"selected": choice, "flagged": pos % 7 == 0},
        )
        assert status == 200 and saved["selected"] == choice
    status, summary = await call("GET", f"/api/attempts/{attempt}")
    assert summary["answered_count"] == 135
    assert summary["flagged_count"] == sum(1 for p in range(1, 151) if p % 7 == 0 and p % 10)
    assert not summary["items"][9]["answered"] and summary["items"][6]["flagged"]

    status, out = await call("POST", f"/api/attempts/{attempt}/submit")
    assert status == 200 and out == {"id": attempt, "status": "submitted"}
    status, again = await call("POST", f"/api/attempts/{attempt}/submit")
    assert status == 200 and again["status"] == "submitted"
    status, review = await call("GET", f"/api/attempts/{attempt}/questions")
    assert status == 200 and len(review["questions"]) == 150 and review["questions"][0]["read_only"]
    assert_no_key_or_rationale(call.bodies, {r["rationale"] for r in pinned.values()})

    async def scored():
        status, body = await dstack.request("GET", f"/api/results/{attempt}", token)
        return body if status == 200 else None

    result = await wait_for(scored, what="the result")
    assert result["question_count"] == 150 and result["raw_score"] == correct
    assert (
        await db.fetchval(
            "SELECT count(*) FROM delivery.outbox WHERE attempt_id = $1 AND published_at IS NOT NULL",
            uuid.UUID(attempt),
        )
        == 1
    )


async def test_a_cpc100_form_has_the_current_formats_counts(dstack, db):
    _, token = await dstack.new_user("candidate")
    started = await start(dstack, token, "cpc-100")
    assert started["question_count"] == 100
    assert dt.datetime.fromisoformat(started["deadline"]) - dt.datetime.fromisoformat(
        started["started_at"]
    ) == dt.timedelta(minutes=240)
    status, summary = await dstack.request("GET", f"/api/attempts/{started['id']}", token)
    assert status == 200 and Counter(i["domain"] for i in summary["items"]) == CPC100
    domains = [i["domain"] for i in summary["items"]]
    assert domains == sorted(domains, key=CODEBOOK_ORDER.index), "domains in code-book order"
    form = json.loads(
        await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(started["id"]))
    )
    assert len({e["item_id"] for e in form}) == 100
    await dstack.request("POST", f"/api/attempts/{started['id']}/submit", token)


async def test_repeated_saves_are_idempotent_and_the_latest_wins(dstack, db):
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, "cpc-100"))["id"]
    path = f"/api/attempts/{attempt}/responses/5"
    first = await dstack.request("PUT", path, token, json={"selected": "B"})
    second = await dstack.request("PUT", path, token, json={"selected": "B"})
    assert first[0] == second[0] == 200 and first[1]["selected"] == second[1]["selected"] == "B"
    assert (await dstack.request("PUT", path, token, json={"selected": "D"}))[1]["selected"] == "D"
    status, flag = await dstack.request("PUT", path, token, json={"flagged": True})
    assert (
        status == 200 and flag["selected"] == "D" and flag["flagged"] is True
    )  # flag alone keeps the answer
    status, cleared = await dstack.request("PUT", path, token, json={"selected": None})
    assert status == 200 and cleared["selected"] is None and cleared["flagged"] is True
    rows = await db.fetch(
        "SELECT selected, flagged FROM delivery.responses WHERE attempt_id = $1", uuid.UUID(attempt)
    )
    assert [(r["selected"], r["flagged"]) for r in rows] == [(None, True)]
    status, summary = await dstack.request("GET", f"/api/attempts/{attempt}", token)
    assert summary["answered_count"] == 0 and summary["flagged_count"] == 1
    status, q = await dstack.request("GET", f"/api/attempts/{attempt}/questions/5", token)
    assert q["selected"] is None and q["flagged"] is True
    for body, field in (({}, "selected"), ({"selected": "E"}, "selected"), ({"selected": "A", "x": 1}, "x")):
        status, problem = await dstack.request("PUT", path, token, json=body)
        assert status == 422 and problem["errors"][0]["field"] == field
    for bad in ("0", "101", "-1", "abc"):
        status, _ = await dstack.request(
            "PUT", f"/api/attempts/{attempt}/responses/{bad}", token, json={"selected": "A"}
        )
        assert status == 404
    await dstack.request("POST", f"/api/attempts/{attempt}/submit", token)


async def test_answers_after_the_deadline_are_refused_and_change_nothing(dstack, db):
    bp = await make_blueprint(dstack, time_limit_seconds=600)
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, bp))["id"]
    status, _ = await dstack.request(
        "PUT", f"/api/attempts/{attempt}/responses/1", token, json={"selected": "A"}
    )
    assert status == 200
    # The deadline passes on the database clock (the whole second of it behind us).
    await pass_deadlines(db, [attempt], ago=1.05)
    status, body = await dstack.request("GET", f"/api/attempts/{attempt}", token)
    assert status == 200 and body["seconds_remaining"] == 0, body
    for body in ({"selected": "C"}, {"flagged": True}):
        status, problem = await dstack.request(
            "PUT", f"/api/attempts/{attempt}/responses/1", token, json=body
        )
        assert status == 409, problem
        status, problem = await dstack.request(
            "PUT", f"/api/attempts/{attempt}/responses/2", token, json=body
        )
        assert status == 409
    rows = await db.fetch(
        "SELECT position, selected, flagged FROM delivery.responses WHERE attempt_id = $1", uuid.UUID(attempt)
    )
    assert [tuple(r) for r in rows] == [(1, "A", False)]


async def test_deadline_is_checked_on_the_database_clock_even_before_the_sweeper(dstack, db):
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, "cpc-100"))["id"]
    # Move the deadline into the past behind the service's back: the save statement itself refuses.
    await db.execute(
        "UPDATE delivery.attempts SET started_at = started_at - interval '1 minute',"
        " deadline = now() - interval '1 second' WHERE id = $1",
        uuid.UUID(attempt),
    )
    status, problem = await dstack.request(
        "PUT", f"/api/attempts/{attempt}/responses/1", token, json={"selected": "A"}
    )
    assert status == 409
    assert (
        await db.fetchval("SELECT count(*) FROM delivery.responses WHERE attempt_id = $1", uuid.UUID(attempt))
        == 0
    )


async def test_a_3_second_attempt_is_submitted_by_the_sweeper_with_no_client(dstack, db):
    bp = await make_blueprint(dstack, time_limit_seconds=3)
    _, token = await dstack.new_user("candidate")
    started = await start(dstack, token, bp)
    attempt, deadline = started["id"], dt.datetime.fromisoformat(started["deadline"])
    status, _ = await dstack.request(
        "PUT", f"/api/attempts/{attempt}/responses/2", token, json={"selected": "B"}
    )
    assert status == 200
    # Nobody calls the API from here on; the test only watches the database.

    async def closed():
        return await db.fetchrow(
            "SELECT a.status, a.submitted_by, a.submitted_at, a.deadline, o.created_at AS event_at,"
            " clock_timestamp() AS seen_at"
            " FROM delivery.attempts a JOIN delivery.outbox o ON o.attempt_id = a.id"
            " WHERE a.id = $1 AND a.status <> 'in_progress'",
            uuid.UUID(attempt),
        )

    row = await wait_for(closed, timeout=20, interval=0.05, what="the sweeper")
    assert row["status"] == "expired" and row["submitted_by"] == "sweeper"
    assert row["submitted_at"] == row["deadline"] == deadline
    # The sweeper (every 0.2 s here) closed it soon after the deadline, not whenever: the event is
    # written in the sweep's transaction, so its time is when the sweep took the attempt.
    lag = (row["event_at"] - row["deadline"]).total_seconds()
    assert 0 <= lag <= 2.0, f"submitted {lag:.2f} s after the deadline"
    assert (row["seen_at"] - row["deadline"]).total_seconds() <= 3.0
    payload = json.loads(
        await db.fetchval(
            "SELECT payload::text FROM delivery.outbox WHERE attempt_id = $1", uuid.UUID(attempt)
        )
    )
    assert payload["submitted_by"] == "sweeper" and len(payload["responses"]) == 4
    assert [r["selected"] for r in payload["responses"]] == [None, "B", None, None]
    # The event carries the item's own key beside the key as shown, and the two agree.
    for r in payload["responses"]:
        assert r["item_key"] in "ABCD" and r["item_key"] == (r["option_order"] or "ABCD")["ABCD".index(r["key"])]

    async def scored():
        status, body = await dstack.request("GET", f"/api/results/{attempt}", token)
        return body if status == 200 else None

    result = await wait_for(scored, what="the result")
    assert result["answered_count"] == 1
    status, summary = await dstack.request("GET", f"/api/attempts/{attempt}", token)
    assert summary["status"] == "expired" and summary["seconds_remaining"] == 0
    assert dt.datetime.fromisoformat(summary["submitted_at"]) == deadline


async def test_a_save_racing_the_submission_is_either_in_the_event_or_refused(dstack, db):
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, "cpc-100"))["id"]

    async def save(pos: int) -> tuple[int, int]:
        status, _ = await dstack.request(
            "PUT", f"/api/attempts/{attempt}/responses/{pos}", token, json={"selected": "C"}
        )
        return pos, status

    saves = [asyncio.create_task(save(p)) for p in range(1, 81)]
    await asyncio.sleep(0.01)
    status, _ = await dstack.request("POST", f"/api/attempts/{attempt}/submit", token)
    assert status == 200
    outcomes = await asyncio.gather(*saves)
    assert {s for _, s in outcomes} <= {200, 409}
    payload = json.loads(
        await db.fetchval(
            "SELECT payload::text FROM delivery.outbox WHERE attempt_id = $1", uuid.UUID(attempt)
        )
    )
    in_event = {r["position"] for r in payload["responses"] if r["selected"] == "C"}
    acknowledged = {p for p, s in outcomes if s == 200}
    assert acknowledged == in_event, "every acknowledged answer is in the event, nothing else"
    in_db = {
        r["position"]
        for r in await db.fetch(
            "SELECT position FROM delivery.responses WHERE attempt_id = $1", uuid.UUID(attempt)
        )
    }
    assert in_db == acknowledged


async def test_another_candidates_attempt_is_404_whatever_the_verb(dstack):
    _, owner = await dstack.new_user("candidate")
    _, other = await dstack.new_user("candidate")
    attempt = (await start(dstack, owner, "cpc-100"))["id"]
    missing = str(uuid.uuid4())
    for target in (attempt, missing, "not-a-uuid"):
        for method, path, body in (
            ("GET", f"/api/attempts/{target}", None),
            ("GET", f"/api/attempts/{target}/questions", None),
            ("GET", f"/api/attempts/{target}/questions/1", None),
            ("PUT", f"/api/attempts/{target}/responses/1", {"selected": "A"}),
            ("POST", f"/api/attempts/{target}/parts/1/close", None),
            ("POST", f"/api/attempts/{target}/submit", None),
        ):
            status, problem = await dstack.request(method, path, other, json=body)
            assert status == 404, (method, path, status, problem)
            assert problem["status"] == 404
    status, mine = await dstack.request("GET", "/api/attempts", other)
    assert status == 200 and mine["attempts"] == []
    status, body = await dstack.request("GET", f"/api/attempts/{attempt}", owner)
    assert status == 200 and body["answered_count"] == 0
    status, _ = await dstack.request("GET", f"/api/attempts/{attempt}", await dstack.admin_token())
    assert status == 403  # attempts are the candidates' own
    await dstack.request("POST", f"/api/attempts/{attempt}/submit", owner)


async def test_an_accommodation_moves_the_deadline(dstack):
    user_id, token = await dstack.new_user("candidate")
    started = await start(dstack, token, "cpc-150")
    began = dt.datetime.fromisoformat(started["started_at"])
    status, _ = await dstack.request(
        "PATCH", f"/api/users/{user_id}", await dstack.admin_token(), json={"time_multiplier": 1.5}
    )
    assert status == 200
    status, summary = await dstack.request("GET", f"/api/attempts/{started['id']}", token)
    assert dt.datetime.fromisoformat(summary["deadline"]) - began == dt.timedelta(minutes=510)
    assert summary["time_multiplier"] == 1.5
    assert summary["seconds_remaining"] > started["seconds_remaining"] + 169 * 60
    await dstack.request("POST", f"/api/attempts/{started['id']}/submit", token)
    # A new attempt starts with the multiplier.
    again = await start(dstack, token, "cpc-100")
    assert again["time_multiplier"] == 1.5
    assert dt.datetime.fromisoformat(again["deadline"]) - dt.datetime.fromisoformat(
        again["started_at"]
    ) == dt.timedelta(minutes=360)
    await dstack.request("POST", f"/api/attempts/{again['id']}/submit", token)


async def test_one_open_attempt_per_candidate(dstack):
    _, token = await dstack.new_user("candidate")
    first = await start(dstack, token, "cpc-100")
    results = await asyncio.gather(
        *(dstack.request("POST", "/api/attempts", token, json={"blueprint_id": "cpc-100"}) for _ in range(5))
    )
    assert {s for s, _ in results} == {409}
    await dstack.request("POST", f"/api/attempts/{first['id']}/submit", token)
    status, listing = await dstack.request("GET", "/api/attempts", token)
    assert [a["status"] for a in listing["attempts"]] == ["submitted"]


async def test_a_later_attempt_avoids_the_items_seen_before(dstack, db):
    bp = await make_blueprint(dstack, domains=[{"code": "EM", "count": 10}, {"code": "ANES", "count": 8}])
    _, token = await dstack.new_user("candidate")
    forms = []
    for _ in range(3):  # the bank holds 3x each count: three disjoint forms
        attempt = (await start(dstack, token, bp))["id"]
        await dstack.request("POST", f"/api/attempts/{attempt}/submit", token)
        form = json.loads(
            await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(attempt))
        )
        forms.append({e["item_id"] for e in form})
    assert not forms[0] & forms[1] and not forms[0] & forms[2] and not forms[1] & forms[2]


async def test_blueprints_are_data_and_refused_when_the_bank_cannot_fill_them(dstack):
    admin = await dstack.admin_token()
    _, candidate = await dstack.new_user("candidate")
    body = {
        "id": "coding-drill",
        "name": "Coding drill",
        "time_limit_seconds": 1800,
        "cut_score_percent": 75,
        "domains": [{"code": "ICD", "count": 12}, {"code": "HCPCS", "count": 6}],
        "parts": [
            {"name": "Part 1", "question_count": 9, "time_limit_seconds": 900},
            {"name": "Part 2", "question_count": 9, "time_limit_seconds": 900},
        ],
    }
    status, out = await dstack.request("POST", "/api/blueprints", admin, json=body)
    assert status == 201, out
    assert out["question_count"] == 18 and out["domains"] == [
        {"code": "ICD", "count": 12},
        {"code": "HCPCS", "count": 6},
    ]
    assert out["available"] and len(out["parts"]) == 2
    status, again = await dstack.request("POST", "/api/blueprints", admin, json=body)
    assert status == 409 and again["errors"][0]["field"] == "id"
    status, listed = await dstack.request("GET", "/api/blueprints", candidate)
    assert "coding-drill" in {b["id"] for b in listed}
    status, _ = await dstack.request("POST", "/api/blueprints", candidate, json=body)
    assert status == 403

    too_big = {
        "name": "Too big",
        "time_limit_seconds": 600,
        "cut_score_percent": 70,
        "domains": [{"code": "EM", "count": 5}, {"code": "ICD", "count": 500}, {"code": "ANES", "count": 99}],
    }
    status, problem = await dstack.request("POST", "/api/blueprints", admin, json=too_big)
    assert status == 422
    assert {e["field"] for e in problem["errors"]} == {"domains[1].count", "domains[2].count"}
    assert (
        "ICD" in problem["detail"]
        and "ANES" in problem["detail"]
        and "EM" not in problem["detail"].split(":")[0]
    )
    status, problem = await dstack.request(
        "POST", "/api/blueprints", admin, json=too_big | {"domains": [{"code": "XYZ", "count": 1}]}
    )
    assert status == 422 and problem["errors"][0]["field"] == "domains[0].code"
    status, problem = await dstack.request("POST", "/api/attempts", candidate, json={"blueprint_id": "nope"})
    assert status == 422 and problem["errors"][0]["field"] == "blueprint_id"


async def test_timed_parts_cannot_be_revisited_once_closed(dstack, db):
    bp = await make_blueprint(
        dstack,
        time_limit_seconds=660,
        parts=[
            {"name": "Part 1", "question_count": 2, "time_limit_seconds": 60},
            {"name": "Part 2", "question_count": 2, "time_limit_seconds": 600},
        ],
    )
    # Closed by the candidate.
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, bp))["id"]
    status, summary = await dstack.request("GET", f"/api/attempts/{attempt}", token)
    assert [p["state"] for p in summary["parts"]] == ["open", "upcoming"] and summary["current_part"] == 1
    assert [i["locked"] for i in summary["items"]] == [False, False, True, True]
    assert (await dstack.request("GET", f"/api/attempts/{attempt}/questions/3", token))[0] == 409
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/3", token, json={"selected": "A"})
    )[0] == 409
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/1", token, json={"selected": "A"})
    )[0] == 200
    assert (await dstack.request("POST", f"/api/attempts/{attempt}/parts/2/close", token))[
        0
    ] == 409  # not open
    status, closed = await dstack.request("POST", f"/api/attempts/{attempt}/parts/1/close", token)
    assert status == 200 and closed["current_part"] == 2
    assert (await dstack.request("POST", f"/api/attempts/{attempt}/parts/1/close", token))[
        0
    ] == 200  # harmless
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/1", token, json={"selected": "B"})
    )[0] == 409
    assert (await dstack.request("GET", f"/api/attempts/{attempt}/questions/1", token))[0] == 409
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/4", token, json={"selected": "D"})
    )[0] == 200
    assert (await dstack.request("POST", f"/api/attempts/{attempt}/parts/2/close", token))[
        0
    ] == 409  # last: submit
    status, summary = await dstack.request("GET", f"/api/attempts/{attempt}", token)
    assert [p["state"] for p in summary["parts"]] == ["closed", "open"]
    assert [i["locked"] for i in summary["items"]] == [True, True, False, False]
    await dstack.request("POST", f"/api/attempts/{attempt}/submit", token)
    rows = await db.fetch(
        "SELECT position, selected FROM delivery.responses WHERE attempt_id = $1 ORDER BY 1",
        uuid.UUID(attempt),
    )
    assert [tuple(r) for r in rows] == [(1, "A"), (4, "D")]

    # Closed by time: part 1 has 60 seconds, and 61 pass on the database clock.
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, bp))["id"]
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/2", token, json={"selected": "C"})
    )[0] == 200
    await move_attempts_back(db, [attempt], 61)
    status, summary = await dstack.request("GET", f"/api/attempts/{attempt}", token)
    assert summary["current_part"] == 2 and [p["state"] for p in summary["parts"]] == ["closed", "open"], summary
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/2", token, json={"selected": "D"})
    )[0] == 409
    assert (
        await dstack.request("PUT", f"/api/attempts/{attempt}/responses/3", token, json={"selected": "A"})
    )[0] == 200
    await dstack.request("POST", f"/api/attempts/{attempt}/submit", token)


async def test_editing_an_item_later_never_changes_a_live_attempt(dstack, db):
    bp = await make_blueprint(dstack, domains=[{"code": "TERM", "count": 8}])
    _, token = await dstack.new_user("candidate")
    attempt = (await start(dstack, token, bp))["id"]
    status, before = await dstack.request("GET", f"/api/attempts/{attempt}/questions/1", token)
    form = json.loads(
        await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(attempt))
    )
    item_id = form[0]["item_id"]
    assert form[0]["version"] == 1

    # An instructor edits the item in the item bank; an admin approves version 2,
    # which retires version 1 from service. Delivery follows the feed.
    _, instructor = await dstack.new_user("instructor")
    admin = await dstack.admin_token()
    status, item = await dstack.request("GET", f"/api/items/{item_id}", instructor)
    assert status == 200, item
    edit = {k: item[k] for k in ("domain", "options", "key", "rationale", "tags", "code_set_year", "references")}
    edit |= {"stem": "EDITED: " + item["stem"], "base_version": item["version"]}
    status, v2 = await dstack.request("PUT", f"/api/items/{item_id}", instructor, json=edit)
    assert status == 200 and v2["version"] == 2, v2
    path = f"/api/items/{item_id}/transitions"
    assert (await dstack.request("POST", path, instructor, json={"to": "in_review"}))[0] == 200
    status, approved = await dstack.request("POST", path, admin, json={"to": "approved"})
    assert status == 200 and approved["status"] == "approved", approved
    bank_of = lambda: dstack.apps["exam-delivery"][DELIVERY_KEY].catalog.items.bank  # noqa: E731

    async def followed() -> bool:
        return {i.version for i in bank_of().by_domain["TERM"] if i.item_id == item_id} == {2}

    await wait_for(followed, what="delivery to serve version 2 only")
    status, after = await dstack.request("GET", f"/api/attempts/{attempt}/questions/1", token)
    assert after["stem"] == before["stem"] and not after["stem"].startswith("EDITED")
    assert after["options"] == before["options"]
    await dstack.request("POST", f"/api/attempts/{attempt}/submit", token)
    payload = json.loads(
        await db.fetchval("SELECT payload::text FROM delivery.outbox WHERE attempt_id = $1", uuid.UUID(attempt))
    )
    assert (payload["responses"][0]["item_id"], payload["responses"][0]["item_version"]) == (item_id, 1)
    # A new form gets version 2, never the retired version 1.
    _, other = await dstack.new_user("candidate")
    later = (await start(dstack, other, bp))["id"]
    later_form = json.loads(
        await db.fetchval("SELECT form::text FROM delivery.attempts WHERE id = $1", uuid.UUID(later))
    )
    assert (item_id, 1) not in {(e["item_id"], e["version"]) for e in later_form}
    await dstack.request("POST", f"/api/attempts/{later}/submit", other)


async def test_measured_difficulties_reach_the_pool(dstack, db):
    rows = await db.fetch(
        "SELECT item_id, version FROM delivery.item_versions WHERE domain = 'MED' AND status = 'approved'"
        " ORDER BY item_id LIMIT 3"
    )
    service = issue_service_token(dstack.settings["scoring"])
    stats = [
        {"item_id": r["item_id"], "version": r["version"], "n": 40, "p": 0.25 * (k + 1), "r_pb_corrected": 0.3}
        for k, r in enumerate(rows)
    ]
    stats.append({"item_id": rows[0]["item_id"], "version": 1, "n": 5, "p": 0.9, "r_pb_corrected": None})
    url = f"{dstack.urls['exam-delivery']}/internal/item-stats"
    async with dstack.session.post(url, json=stats, headers=auth(service)) as resp:
        assert resp.status == 200 and (await resp.json())["updated"] == 3
    bank = dstack.apps["exam-delivery"][DELIVERY_KEY].catalog.items.bank
    by_id = {i.item_id: i.difficulty for i in bank.items}
    assert [by_id[r["item_id"]] for r in rows] == [0.25, 0.5, 0.75]
    # A stat from too few responses (n=5) is not used; a candidate may not send stats.
    _, token = await dstack.new_user("candidate")
    async with dstack.session.post(url, json=stats, headers=auth(token)) as resp:
        assert resp.status == 403
