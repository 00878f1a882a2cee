"""Server-owned time has one home, the database: the parts' clock (`delivery.part_of`,
`delivery.current_part`, `delivery.part_close_times`, `delivery.position_parts`) and
"may this answer be written now?" (`delivery.answer_refusal`), which the save statement
and its refusal both read. Checked here on the functions themselves, with times given."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import pytest

from exam_delivery.attempts import repository as repo
from exam_delivery.blueprints import repository as blueprints_repo
from exam_delivery.blueprints.rules import BUILTIN, insert_args
from shared.db import init_connection, migrate

T0 = dt.datetime(2026, 11, 22, 10, 0, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(scope="module")
async def conn(database_url):
    await migrate(database_url, "delivery", "exam_delivery")
    connection = await asyncpg.connect(database_url)
    await init_connection(connection)
    await blueprints_repo.insert_blueprint(connection, *insert_args(BUILTIN[1], None))  # cpc-100
    try:
        yield connection
    finally:
        await connection.close()


async def new_attempt(conn, *, part_ends=(), part_cum=(), limit=7200, multiplier=1.0, closed=0,
                      status="in_progress", question_count=100) -> uuid.UUID:
    """An attempt started at T0 (deadline T0 + limit x multiplier, rounded up to the second)."""
    user, attempt = uuid.uuid4(), uuid.uuid4()
    await conn.execute(
        "INSERT INTO delivery.users (id, username, username_canonical, password_hash, role)"
        " VALUES ($1, $2, $2, '!', 'candidate')", user, f"c-{user.hex[:12]}")
    await conn.execute(
        "INSERT INTO delivery.attempts (id, candidate_id, blueprint_id, blueprint_name, question_count,"
        " time_limit_seconds, cut_score_percent, part_names, part_ends, part_cum_seconds, parts_closed,"
        " time_multiplier, status, started_at, deadline, form)"
        " VALUES ($1, $2, 'cpc-100', 'x', $3, $4::integer, 70, $5, $6, $7, $8, $9::float8, $10, $11,"
        "         $11::timestamptz + make_interval(secs => ceil($4 * $9)), '[]')",
        attempt, user, question_count, limit, [f"Part {i + 1}" for i in range(len(part_ends))],
        list(part_ends), list(part_cum), closed, multiplier, status, T0)
    return attempt


async def refusal(conn, attempt: uuid.UUID, position: int, at: dt.datetime) -> str | None:
    return await conn.fetchval(
        "SELECT delivery.answer_refusal(a, $2, $3) FROM delivery.attempts a WHERE a.id = $1", attempt, position, at)


async def test_parts_open_one_after_another_on_the_database_clock(conn):
    ends, cum = [50, 100], [3600, 7200]
    assert [await conn.fetchval("SELECT delivery.part_of($1, $2)", ends, p) for p in (1, 50, 51, 100)] == [0, 0, 1, 1]
    assert await conn.fetchval("SELECT delivery.position_parts($1, 4)", [2, 4]) == [0, 0, 1, 1]

    async def current(multiplier: float, closed: int, at: dt.datetime) -> int:
        return await conn.fetchval("SELECT delivery.current_part($1, $2, $3, $4, $5)", T0, multiplier, cum, closed, at)

    assert await current(1.0, 0, T0 + HOUR / 2) == 0
    assert await current(1.0, 1, T0 + HOUR / 2) == 1  # closed by the candidate
    assert await current(1.0, 0, T0 + HOUR) == 1  # time over
    assert await current(1.5, 0, T0 + HOUR) == 0  # an accommodation
    assert await current(1.0, 0, T0 + 2 * HOUR) == 2
    # Close times are whole seconds, the limit x the multiplier rounded up.
    closes = await conn.fetchval("SELECT delivery.part_close_times($1, $2, $3)", T0, 1.0001, [3, 7200])
    assert closes == [T0 + dt.timedelta(seconds=4), T0 + dt.timedelta(seconds=7201)]


async def test_an_answer_is_writable_only_on_the_form_in_time_and_in_the_open_part(conn):
    plain = await new_attempt(conn)
    assert await refusal(conn, plain, 1, T0) is None
    assert await refusal(conn, plain, 100, T0 + 2 * HOUR - dt.timedelta(microseconds=1)) is None
    assert await refusal(conn, plain, 101, T0) == "no_question"
    assert await refusal(conn, plain, 0, T0) == "no_question"
    assert await refusal(conn, plain, 1, T0 + 2 * HOUR) == "time_over"  # the deadline itself is over
    submitted = await new_attempt(conn, status="submitted")
    assert await refusal(conn, submitted, 1, T0) == "closed"
    assert await refusal(conn, submitted, 101, T0) == "no_question"  # not on the form says more than closed

    parted = await new_attempt(conn, part_ends=[50, 100], part_cum=[3600, 7200])
    assert [await refusal(conn, parted, p, T0) for p in (50, 51)] == [None, "part_upcoming"]
    assert [await refusal(conn, parted, p, T0 + HOUR) for p in (50, 51)] == ["part_closed", None]
    closed_early = await new_attempt(conn, part_ends=[50, 100], part_cum=[3600, 7200], closed=1)
    assert [await refusal(conn, closed_early, p, T0) for p in (50, 51)] == ["part_closed", None]
    accommodated = await new_attempt(conn, part_ends=[50, 100], part_cum=[3600, 7200], multiplier=1.5)
    assert [await refusal(conn, accommodated, p, T0 + HOUR) for p in (50, 51)] == [None, "part_upcoming"]


async def test_the_save_writes_exactly_where_the_rule_allows_and_the_refusal_says_why(conn):
    # On the real clock: an attempt started now with a part open and one to come.
    attempt = await new_attempt(conn, part_ends=[2, 4], part_cum=[3600, 7200], question_count=4)
    await conn.execute("UPDATE delivery.attempts SET started_at = now(), deadline = now() + interval '2 hours'"
                       " WHERE id = $1", attempt)
    candidate = await conn.fetchval("SELECT candidate_id FROM delivery.attempts WHERE id = $1", attempt)
    saved = await repo.save_response(conn, attempt, candidate, 2, "B", True, None)
    assert saved is not None and (saved.position, saved.selected, saved.flagged) == (2, "B", False)
    assert await repo.save_response(conn, attempt, candidate, 3, "B", True, None) is None
    assert await repo.save_refusal(conn, attempt, candidate, 3) == repo.Refusal("in_progress", "part_upcoming")
    assert await repo.save_response(conn, attempt, candidate, 5, "B", True, None) is None
    assert await repo.save_refusal(conn, attempt, candidate, 5) == repo.Refusal("in_progress", "no_question")
    # Another candidate's attempt is no attempt at all.
    assert await repo.save_refusal(conn, attempt, uuid.uuid4(), 2) is None
    # An accommodation moves the deadline: start + limit x multiplier, rounded up to the second.
    moved = await repo.move_deadlines(conn, candidate, 1.0001)
    started = await conn.fetchval("SELECT started_at FROM delivery.attempts WHERE id = $1", attempt)
    assert [(m.id, m.deadline) for m in moved] == [(attempt, started + dt.timedelta(seconds=7201))]
