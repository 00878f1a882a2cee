"""The candidate's tools per question (options struck out, highlights in the stem, a note), kept with
the attempt: `PUT /api/attempts/{id}/tools/{position}` and the `tools` of a question; and a
blueprint's `code_book` switch (docs/exam-delivery.md, "Question tools")."""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest

from tests.delivery_support import pass_deadlines, wait_for_bank
from tests.support import start_stack

TOOLS_ROW = ("SELECT struck, highlights, note, saved_at FROM delivery.question_tools"
             " WHERE attempt_id = $1 ORDER BY position")


@pytest.fixture(scope="module")
async def tstack(database_url):
    async with start_stack(database_url, seed_sample_bank=True, feed_poll_seconds=0.2,
                           outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        status, bp = await stack.request("POST", "/api/blueprints", await stack.admin_token(), json={
            "name": "Tools drill", "time_limit_seconds": 3600, "cut_score_percent": 50,
            "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
        })
        assert status == 201, bp
        stack.settings["drill"] = bp["id"]  # type: ignore[assignment]
        yield stack


@pytest.fixture(scope="module")
async def db(database_url):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


async def started(stack, blueprint_id: str | None = None) -> tuple[str, str]:
    """A new candidate with an attempt at the drill: (token, attempt id)."""
    _, token = await stack.new_user("candidate")
    status, body = await stack.request("POST", "/api/attempts", token,
                                       json={"blueprint_id": blueprint_id or stack.settings["drill"]})
    assert status == 201, body
    return token, body["id"]


async def rows(db, attempt_id: str) -> list[asyncpg.Record]:
    return await db.fetch(TOOLS_ROW, uuid.UUID(attempt_id))


async def test_tools_are_kept_with_the_attempt_and_come_back_with_the_question(tstack, db):
    stack = tstack
    token, attempt = await started(stack)
    base = f"/api/attempts/{attempt}"
    status, q = await stack.request("GET", f"{base}/questions/2", token)
    assert status == 200 and q["tools"] == {"struck": [], "highlights": [], "note": ""}, q
    stem_length = len(q["stem"])
    assert stem_length > 30

    # Struck labels are a set in A-D order; highlights are sorted and merged (overlapping or touching).
    body = {"struck": ["C", "A", "A"],
            "highlights": [{"start": 20, "end": 25}, {"start": 3, "end": 8}, {"start": 0, "end": 5},
                           {"start": 25, "end": 28}],
            "note": "Check the modifier: bilateral? ünïcödé ✓"}
    status, saved = await stack.request("PUT", f"{base}/tools/2", token, json=body)
    assert status == 200, saved
    tools = {"struck": ["A", "C"], "highlights": [{"start": 0, "end": 8}, {"start": 20, "end": 28}],
             "note": body["note"]}
    assert {k: saved[k] for k in tools} == tools and saved["position"] == 2 and saved["saved_at"]
    # Another device reads the question: the tools are there.
    status, again = await stack.request("GET", f"{base}/questions/2", token)
    assert status == 200 and again["tools"] == tools
    assert again["selected"] is None and again["stem"] == q["stem"]  # the answer is not touched by the tools
    # Sent twice, the same tools.
    status, twice = await stack.request("PUT", f"{base}/tools/2", token, json=body)
    assert status == 200 and {k: twice[k] for k in tools} == tools

    # A field left out is kept; [] and "" clear.
    status, saved = await stack.request("PUT", f"{base}/tools/2", token, json={"note": "only the note"})
    assert status == 200 and saved["struck"] == ["A", "C"] and saved["highlights"] == tools["highlights"]
    assert saved["note"] == "only the note"
    status, saved = await stack.request("PUT", f"{base}/tools/2", token, json={"struck": [], "highlights": []})
    assert status == 200 and saved["struck"] == [] and saved["highlights"] == [] and saved["note"] == "only the note"
    # A highlight may end at the stem's last character.
    status, saved = await stack.request("PUT", f"{base}/tools/2", token,
                                        json={"highlights": [{"start": stem_length - 4, "end": stem_length}]})
    assert status == 200 and saved["highlights"] == [{"start": stem_length - 4, "end": stem_length}]
    # Other questions have their own tools; an answer saved meanwhile keeps them.
    status, _ = await stack.request("PUT", f"{base}/tools/3", token, json={"struck": ["D"]})
    assert status == 200
    status, _ = await stack.request("PUT", f"{base}/responses/3", token, json={"selected": "B", "flagged": True})
    assert status == 200
    status, q3 = await stack.request("GET", f"{base}/questions/3", token)
    assert q3["tools"]["struck"] == ["D"] and q3["selected"] == "B" and q3["flagged"] is True
    status, q1 = await stack.request("GET", f"{base}/questions/1", token)
    assert q1["tools"] == {"struck": [], "highlights": [], "note": ""}
    assert len(await rows(db, attempt)) == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"struck": ["E"]}, "struck[0]"),
    ({"struck": ["a"]}, "struck[0]"),
    ({"struck": ["A", "B", "C", "D", "A"]}, "struck"),
    ({"struck": None}, "struck"),
    ({"highlights": [{"start": 5, "end": 5}]}, "highlights[0].end"),
    ({"highlights": [{"start": 0, "end": 3}, {"start": 9, "end": 4}]}, "highlights[1].end"),
    ({"highlights": [{"start": -1, "end": 4}]}, "highlights[0].start"),
    ({"highlights": [{"start": 0, "end": 100000}]}, "highlights[0].end"),
    ({"highlights": [{"start": 0}]}, "highlights[0].end"),
    ({"highlights": [{"start": 0, "end": 2, "colour": "yellow"}]}, "highlights[0].colour"),
    ({"highlights": [{"start": i, "end": i + 1} for i in range(51)]}, "highlights"),
    ({"note": "x" * 2001}, "note"),
    ({"note": 42}, "note"),
    ({"note": "a\u0000b"}, "note"),
    ({"colour": "yellow"}, "colour"),
    ({"selected": "A"}, "selected"),
    ({}, "struck"),
])
async def test_bad_tools_are_refused_naming_the_field_and_change_nothing(tstack, db, body, field):
    stack = tstack
    token, attempt = await started(stack)
    base = f"/api/attempts/{attempt}"
    status, _ = await stack.request("PUT", f"{base}/tools/1", token,
                                    json={"struck": ["B"], "highlights": [{"start": 1, "end": 4}], "note": "kept"})
    assert status == 200
    before = await rows(db, attempt)
    status, problem = await stack.request("PUT", f"{base}/tools/1", token, json=body)
    assert status == 422, problem
    assert problem["status"] == 422 and problem["errors"][0]["field"] == field, problem
    assert await rows(db, attempt) == before
    await stack.request("POST", f"{base}/submit", token)


async def test_a_note_of_2000_characters_is_kept_whole(tstack):
    stack = tstack
    token, attempt = await started(stack)
    note = ("Modifier 50 or RT/LT? " * 100)[:2000]
    status, saved = await stack.request("PUT", f"/api/attempts/{attempt}/tools/4", token, json={"note": note})
    assert status == 200 and saved["note"] == note
    status, q = await stack.request("GET", f"/api/attempts/{attempt}/questions/4", token)
    assert q["tools"]["note"] == note
    await stack.request("POST", f"/api/attempts/{attempt}/submit", token)


async def test_positions_that_are_not_on_the_form_are_404(tstack):
    stack = tstack
    token, attempt = await started(stack)
    for position in ("0", "5", "999999", "x", "-1", "1.5"):
        status, body = await stack.request("PUT", f"/api/attempts/{attempt}/tools/{position}", token,
                                           json={"note": "n"})
        assert status == 404, (position, body)
    await stack.request("POST", f"/api/attempts/{attempt}/submit", token)


async def test_after_the_deadline_and_after_submission_tools_are_409_and_nothing_changes(tstack, db):
    stack = tstack
    token, attempt = await started(stack)
    base = f"/api/attempts/{attempt}"
    status, _ = await stack.request("PUT", f"{base}/tools/1", token, json={"struck": ["A"], "note": "before"})
    assert status == 200
    before = await rows(db, attempt)
    # The deadline passed on the database clock, before any sweep: refused by the database's rule.
    await pass_deadlines(db, [attempt])
    for body in ({"struck": ["B"]}, {"note": "after"}, {"highlights": [{"start": 0, "end": 2}]}):
        for position in (1, 2):
            status, problem = await stack.request("PUT", f"{base}/tools/{position}", token, json=body)
            assert status == 409, problem
            assert "time is over" in problem["detail"] or "over" in problem["detail"], problem
    assert await rows(db, attempt) == before
    # The same once the attempt is submitted (here by the candidate, in another attempt).
    token, attempt = await started(stack)
    base = f"/api/attempts/{attempt}"
    status, _ = await stack.request("PUT", f"{base}/tools/2", token, json={"note": "mine"})
    assert status == 200
    status, _ = await stack.request("POST", f"{base}/submit", token)
    assert status == 200
    before = await rows(db, attempt)
    status, problem = await stack.request("PUT", f"{base}/tools/2", token, json={"note": "changed"})
    assert status == 409 and "over" in problem["detail"], problem
    assert await rows(db, attempt) == before


async def test_another_candidates_attempt_is_404_like_no_attempt_and_unchanged(tstack, db):
    stack = tstack
    a_token, a_attempt = await started(stack)
    b_token, _ = await started(stack)
    status, _ = await stack.request("PUT", f"/api/attempts/{a_attempt}/tools/1", a_token,
                                    json={"struck": ["C"], "note": "A's note"})
    assert status == 200
    before = await rows(db, a_attempt)
    body = {"struck": ["A"], "highlights": [{"start": 0, "end": 3}], "note": "B was here"}
    theirs = await stack.request("PUT", f"/api/attempts/{a_attempt}/tools/1", b_token, json=body)
    nobody = await stack.request("PUT", f"/api/attempts/{uuid.uuid4()}/tools/1", b_token, json=body)
    assert theirs[0] == 404 and theirs == nobody
    assert await rows(db, a_attempt) == before
    status, q = await stack.request("GET", f"/api/attempts/{a_attempt}/questions/1", a_token)
    assert q["tools"]["note"] == "A's note"
    # Staff have no tools to keep.
    _, instructor = await stack.new_user("instructor")
    status, _ = await stack.request("PUT", f"/api/attempts/{a_attempt}/tools/1", instructor, json=body)
    assert status == 403


async def test_tools_never_reach_scoring(tstack, db):
    stack = tstack
    token, attempt = await started(stack)
    base = f"/api/attempts/{attempt}"
    marker = f"note-{uuid.uuid4().hex}"
    status, _ = await stack.request("PUT", f"{base}/tools/1", token,
                                    json={"struck": ["A", "B"], "highlights": [{"start": 0, "end": 4}], "note": marker})
    assert status == 200
    status, _ = await stack.request("PUT", f"{base}/responses/1", token, json={"selected": "C"})
    assert status == 200
    status, _ = await stack.request("POST", f"{base}/submit", token)
    assert status == 200
    payload = await db.fetchval("SELECT payload FROM delivery.outbox WHERE attempt_id = $1", uuid.UUID(attempt))
    text = payload if isinstance(payload, str) else json.dumps(payload)
    assert marker not in text and "struck" not in text and "highlights" not in text
    assert '"selected": "C"' in text or '"selected":"C"' in text


async def test_the_code_book_switch_of_a_blueprint(tstack):
    stack = tstack
    admin = await stack.admin_token()
    domains = [{"code": "EM", "count": 1}, {"code": "ICD", "count": 1}]
    status, off = await stack.request("POST", "/api/blueprints", admin, json={
        "name": "No code book", "time_limit_seconds": 600, "cut_score_percent": 50, "domains": domains,
        "code_book": False})
    assert status == 201 and off["code_book"] is False, off
    status, on = await stack.request("POST", "/api/blueprints", admin, json={
        "name": "Default code book", "time_limit_seconds": 600, "cut_score_percent": 50, "domains": domains})
    assert status == 201 and on["code_book"] is True, on
    status, bad = await stack.request("POST", "/api/blueprints", admin, json={
        "name": "Bad switch", "time_limit_seconds": 600, "cut_score_percent": 50, "domains": domains,
        "code_book": "no"})
    assert status == 422 and bad["errors"][0]["field"] == "code_book", bad

    _, candidate = await stack.new_user("candidate")
    status, listed = await stack.request("GET", "/api/blueprints", candidate)
    by_id = {b["id"]: b for b in listed}
    assert by_id[off["id"]]["code_book"] is False and by_id[on["id"]]["code_book"] is True
    assert by_id["cpc-100"]["code_book"] is True and by_id["cpc-150"]["code_book"] is True
    status, one = await stack.request("GET", f"/api/blueprints/{off['id']}", candidate)
    assert status == 200 and one["code_book"] is False
    # The attempt says it too, for the exam screen.
    for bp, expected in ((off, False), (on, True)):
        token, attempt = await started(stack, bp["id"])
        status, state = await stack.request("GET", f"/api/attempts/{attempt}", token)
        assert status == 200 and state["code_book"] is expected, state
        await stack.request("POST", f"/api/attempts/{attempt}/submit", token)
