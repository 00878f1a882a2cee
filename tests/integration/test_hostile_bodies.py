"""Oversized, truncated, wrongly typed and unicode-heavy bodies on the five
writes that matter most: item creation, answer saving, blueprint creation,
user creation and log-in.

Every refusal is a 4xx application/problem+json that names the offending
field (`body` when the body as a whole is unreadable), and writes nothing: the
rows each write would touch are compared before and after. Unicode that is
legitimate text (emoji, right-to-left scripts, combining marks) is accepted
and kept as given.
"""

from __future__ import annotations

import io
import json
import unicodedata
import uuid
from typing import Any

import asyncpg
import pytest

from tests.delivery_support import wait_for_bank
from tests.support import auth, start_stack

PROBLEM = "application/problem+json"
GOOD_ITEM = {
    "domain": "EM",
    "stem": "A 45-year-old established patient is seen for two stable chronic illnesses. Which code?",
    "options": [{"label": "A", "text": "99212"}, {"label": "B", "text": "99213"},
                {"label": "C", "text": "99214"}, {"label": "D", "text": "99215"}],
    "key": "C",
    "rationale": "Two stable chronic illnesses are a moderate number and complexity of problems.",
    "tags": ["em", "office"],
}
GOOD_BLUEPRINT = {"name": "Hostile drill", "time_limit_seconds": 600, "cut_score_percent": 70,
                  "domains": [{"code": "EM", "count": 1}]}
HEAVY = "Zoë 🩺 محمد שלום 漢字 e\u0301 \u202eevil\u202c ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
NUL = "\u0000"


def good_user() -> dict[str, Any]:
    return {"username": f"u-{uuid.uuid4().hex[:10]}", "password": "long-enough-password",
            "role": "candidate", "display_name": "Pat"}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(base))
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


DROP = object()


# (case, body: a JSON value or raw bytes, expected status, expected field)
ITEM_CASES = [
    ("stem too long", with_(GOOD_ITEM, stem="x" * 4001), 422, "stem"),
    ("option text too long", with_(GOOD_ITEM, options=[{"label": "A", "text": "y" * 501}] + GOOD_ITEM["options"][1:]),
     422, "options[0].text"),
    ("nine options", with_(GOOD_ITEM, options=[{"label": "A", "text": str(i)} for i in range(9)]), 422, "options"),
    ("too many tags", with_(GOOD_ITEM, tags=[f"t{i}" for i in range(50)]), 422, "tags"),
    ("key is a number", with_(GOOD_ITEM, key=1), 422, "key"),
    ("key is E", with_(GOOD_ITEM, key="E"), 422, "key"),
    ("options is a string", with_(GOOD_ITEM, options="ABCD"), 422, "options"),
    ("stem is null", with_(GOOD_ITEM, stem=None), 422, "stem"),
    ("code_set_year is text", with_(GOOD_ITEM, code_set_year="2026"), 422, "code_set_year"),
    ("code_set_year past int64", with_(GOOD_ITEM, code_set_year=10**20), 422, "code_set_year"),
    ("key missing", with_(GOOD_ITEM, key=DROP), 422, "key"),
    ("unknown field", with_(GOOD_ITEM, approved=True), 422, "approved"),
    ("unknown domain", with_(GOOD_ITEM, domain="XYZ"), 422, "domain"),
    ("a NUL in a reference", with_(GOOD_ITEM, references=[f"CPT{NUL}2026"]), 422, "references[0]"),
    ("a NUL in a tag", with_(GOOD_ITEM, tags=[f"em{NUL}"]), 422, "tags[0]"),
    ("body is a list", [GOOD_ITEM], 422, "body"),
    ("truncated JSON", json.dumps(GOOD_ITEM).encode()[:57], 400, "body"),
    ("not UTF-8", b'{"domain": "\xff\xfe"}', 400, "body"),
    ("a lone surrogate", json.dumps(GOOD_ITEM).replace("A 45", "\\ud800 45").encode(), 400, "body"),
    ("100,000 nested arrays", b"[" * 100_000 + b"]" * 100_000, 422, "body"),
    ("two megabytes", with_(GOOD_ITEM, rationale="r" * (2 << 20)), 413, None),
]

ANSWER_CASES = [
    ("selected E", {"selected": "E"}, 422, "selected"),
    ("selected lower case", {"selected": "a"}, 422, "selected"),
    ("selected a number", {"selected": 1}, 422, "selected"),
    ("selected full-width A", {"selected": "Ａ"}, 422, "selected"),
    ("selected a list", {"selected": ["A"]}, 422, "selected"),
    ("flagged a string", {"flagged": "yes"}, 422, "flagged"),
    ("nothing to save", {}, 422, "selected"),
    ("unknown field", {"selected": "A", "position": 7}, 422, "position"),
    ("body is a string", "A", 422, "body"),
    ("truncated JSON", b'{"selected": "A', 400, "body"),
    ("not UTF-8", b'{"selected": "\xc3"}', 400, "body"),
    ("over the 4 KiB limit", {"selected": "A", "pad": "p" * 5000}, 413, None),
]

BLUEPRINT_CASES = [
    ("name too long", with_(GOOD_BLUEPRINT, name="n" * 121), 422, "name"),
    ("name empty", with_(GOOD_BLUEPRINT, name=""), 422, "name"),
    ("no domains", with_(GOOD_BLUEPRINT, domains=[]), 422, "domains"),
    ("count zero", with_(GOOD_BLUEPRINT, domains=[{"code": "EM", "count": 0}]), 422, "domains[0].count"),
    ("count a string", with_(GOOD_BLUEPRINT, domains=[{"code": "EM", "count": "1"}]), 422, "domains[0].count"),
    ("unknown domain", with_(GOOD_BLUEPRINT, domains=[{"code": "XX", "count": 1}]), 422, "domains[0].code"),
    ("time limit text", with_(GOOD_BLUEPRINT, time_limit_seconds="1h"), 422, "time_limit_seconds"),
    ("time limit past int32", with_(GOOD_BLUEPRINT, time_limit_seconds=2**31), 422, "time_limit_seconds"),
    ("cut over 100", with_(GOOD_BLUEPRINT, cut_score_percent=101), 422, "cut_score_percent"),
    ("cut NaN as text", with_(GOOD_BLUEPRINT, cut_score_percent="NaN"), 422, "cut_score_percent"),
    ("id with spaces", with_(GOOD_BLUEPRINT, id="Bad Id"), 422, "id"),
    ("question_count disagrees", with_(GOOD_BLUEPRINT, question_count=5), 422, "question_count"),
    ("a NUL in the name", with_(GOOD_BLUEPRINT, name=f"Drill{NUL}"), 422, "name"),
    ("truncated JSON", json.dumps(GOOD_BLUEPRINT).encode()[:30], 400, "body"),
    ("not UTF-8", json.dumps(GOOD_BLUEPRINT).encode().replace(b"Hostile", b"Hos\xfftile"), 400, "body"),
]

USER_CASES = [
    ("username with a space", {"username": "two words"}, 422, "username"),
    ("username too long", {"username": "u" * 65}, 422, "username"),
    ("username not ASCII", {"username": "zoë"}, 422, "username"),
    ("password too short", {"password": "short"}, 422, "password"),
    ("password a number", {"password": 12345678}, 422, "password"),
    ("role root", {"role": "root"}, 422, "role"),
    ("time_multiplier 9", {"time_multiplier": 9}, 422, "time_multiplier"),
    ("time_multiplier text", {"time_multiplier": "x1.5"}, 422, "time_multiplier"),
    ("display_name too long", {"display_name": "d" * 121}, 422, "display_name"),
    ("a NUL in display_name", {"display_name": f"Pat{NUL}"}, 422, "display_name"),
    ("a NUL in group", {"group": f"cohort{NUL}"}, 422, "group"),
    ("role missing", {"role": DROP}, 422, "role"),
    ("truncated JSON", b'{"username": "abc", "pass', 400, "body"),
    ("not UTF-8", b'{"username": "abc-def", "password": "long-enough-\xff", "role": "candidate"}', 400, "body"),
]

LOGIN_CASES = [
    ("username too long", {"username": "u" * 257, "password": "whatever-it-is"}, 422, "username"),
    ("username a number", {"username": 7, "password": "whatever-it-is"}, 422, "username"),
    ("password missing", {"username": "admin"}, 422, "password"),
    ("unknown field", {"username": "admin", "password": "x", "remember": True}, 422, "remember"),
    ("truncated JSON", b'{"username": "admin", "password": "', 400, "body"),
    ("body is null", None, 422, "body"),
    ("a NUL in the username", {"username": f"ad{NUL}min", "password": "whatever-it-is"}, 422, "username"),
    ("not UTF-8", b'{"username": "adm\xffin", "password": "whatever-it-is"}', 400, "body"),
]


@pytest.fixture(scope="module")
async def hstack(database_url):
    async with start_stack(database_url, seed_sample_bank=True, feed_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


@pytest.fixture(scope="module")
async def db(database_url):
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


@pytest.fixture(scope="module")
async def people(hstack):
    _, instructor = await hstack.new_user("instructor")
    _, candidate = await hstack.new_user("candidate")
    status, attempt = await hstack.request("POST", "/api/attempts", candidate, json={"blueprint_id": "cpc-100"})
    assert status == 201, attempt
    status, saved = await hstack.request("PUT", f"/api/attempts/{attempt['id']}/responses/1", candidate,
                                         json={"selected": "B", "flagged": True})
    assert status == 200, saved
    return {"instructor": instructor, "candidate": candidate, "attempt": attempt["id"],
            "admin": await hstack.admin_token()}


async def send(stack, method: str, path: str, token: str | None, body: Any) -> tuple[int, str, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **(auth(token) if token else {})}
    # A file-like body: aiohttp warns (ResourceWarning) on a megabyte body given as bytes.
    async with stack.session.request(method, stack.base_url + path, data=io.BytesIO(data), headers=headers) as resp:
        raw = await resp.read()
        ctype = resp.headers.get("Content-Type", "")
        return resp.status, ctype, json.loads(raw) if "json" in ctype else raw


def assert_refused(response: tuple[int, str, Any], status: int, field: str | None, case: str) -> None:
    got, ctype, body = response
    assert got == status, f"{case}: expected {status}, got {got}: {body}"
    assert ctype.startswith(PROBLEM), f"{case}: {ctype}"
    assert body["status"] == status and body["title"], case
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])]
        assert field in fields, f"{case}: the problem names {fields}, not {field!r}: {body.get('detail')}"


async def item_rows(db) -> tuple[int, int, int]:
    row = await db.fetchrow("SELECT (SELECT count(*) FROM item_bank.items), "
                            "(SELECT count(*) FROM item_bank.item_versions), (SELECT count(*) FROM item_bank.audit)")
    return tuple(row)


@pytest.mark.parametrize("case,body,status,field", ITEM_CASES, ids=[c[0] for c in ITEM_CASES])
async def test_item_creation_refuses(hstack, db, people, case, body, status, field):
    before = await item_rows(db)
    assert_refused(await send(hstack, "POST", "/api/items", people["instructor"], body), status, field, case)
    assert await item_rows(db) == before, f"{case}: something was written"


@pytest.mark.parametrize("case,body,status,field", ANSWER_CASES, ids=[c[0] for c in ANSWER_CASES])
async def test_answer_saving_refuses(hstack, db, people, case, body, status, field):
    query = "SELECT position, selected, flagged, saved_at FROM delivery.responses WHERE attempt_id = $1 ORDER BY 1"
    before = await db.fetch(query, uuid.UUID(people["attempt"]))
    path = f"/api/attempts/{people['attempt']}/responses/2"
    assert_refused(await send(hstack, "PUT", path, people["candidate"], body), status, field, case)
    assert await db.fetch(query, uuid.UUID(people["attempt"])) == before, f"{case}: something was written"


@pytest.mark.parametrize("position", ["²", "٣", "0", "-1", "1.0", "1e2", "151", "999999999999", "%00", "one"])
async def test_answer_positions_that_are_not_positions(hstack, db, people, position):
    """Only ASCII digits name a question; anything else is a 404 problem, never a 500 nor an alias.
    A NUL in the path is refused by the entry before routing (400 naming `path`)."""
    query = "SELECT position, selected, flagged, saved_at FROM delivery.responses WHERE attempt_id = $1 ORDER BY 1"
    before = await db.fetch(query, uuid.UUID(people["attempt"]))
    for path in (f"/api/attempts/{people['attempt']}/responses/{position}",
                 f"/api/attempts/{people['attempt']}/questions/{position}",
                 f"/api/attempts/{people['attempt']}/parts/{position}/close"):
        method = {"responses": "PUT", "questions": "GET", "parts": "POST"}[path.split("/")[4]]
        got = await send(hstack, method, path, people["candidate"], {"selected": "D"})
        if position == "%00":
            assert_refused(got, 400, "path", f"{method} {path}")
        else:
            assert_refused(got, 404, None, f"{method} {path}")
    assert await db.fetch(query, uuid.UUID(people["attempt"])) == before


async def blueprint_rows(db) -> list[Any]:
    return await db.fetch("SELECT id FROM delivery.blueprints ORDER BY id")


@pytest.mark.parametrize("case,body,status,field", BLUEPRINT_CASES, ids=[c[0] for c in BLUEPRINT_CASES])
async def test_blueprint_creation_refuses(hstack, db, people, case, body, status, field):
    before = await blueprint_rows(db)
    assert_refused(await send(hstack, "POST", "/api/blueprints", people["admin"], body), status, field, case)
    assert await blueprint_rows(db) == before, f"{case}: something was written"


async def user_rows(db) -> list[Any]:
    return await db.fetch("SELECT id, username, role, display_name, time_multiplier, group_name, disabled "
                          "FROM delivery.users ORDER BY id")


@pytest.mark.parametrize("case,changes,status,field", USER_CASES, ids=[c[0] for c in USER_CASES])
async def test_user_creation_refuses(hstack, db, people, case, changes, status, field):
    body = changes if isinstance(changes, bytes) else with_(good_user(), **changes)
    before = await user_rows(db)
    assert_refused(await send(hstack, "POST", "/api/users", people["admin"], body), status, field, case)
    assert await user_rows(db) == before, f"{case}: something was written"


@pytest.mark.parametrize("case,body,status,field", LOGIN_CASES, ids=[c[0] for c in LOGIN_CASES])
async def test_login_refuses(hstack, db, case, body, status, field):
    before = await user_rows(db)
    got = await send(hstack, "POST", "/api/auth/login", None, body)
    assert_refused(got, status, field, case)
    assert "token" not in got[2]
    assert await user_rows(db) == before


async def test_duplicate_username_names_the_field_and_keeps_the_first(hstack, db, people):
    body = good_user()
    status, _, created = await send(hstack, "POST", "/api/users", people["admin"], body)
    assert status == 201
    before = await user_rows(db)
    again = await send(hstack, "POST", "/api/users", people["admin"],
                       with_(body, role="admin", display_name="Imposter"))
    assert_refused(again, 409, "username", "duplicate username")
    assert await user_rows(db) == before
    assert next(r for r in before if str(r["id"]) == created["id"])["role"] == "candidate"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


async def test_unicode_heavy_text_is_accepted_and_kept(hstack, db, people):
    """Emoji, right-to-left text, combining marks, astral-plane letters: legitimate text, accepted and
    kept: item text in NFC (docs/item-bank.md, Validation), every other text byte for byte."""
    item = with_(GOOD_ITEM, stem=f"{HEAVY}: which code fits this visit?", rationale=f"Because {HEAVY} " * 3,
                 options=[{"label": lbl, "text": f"{HEAVY} {lbl}"} for lbl in "ABCD"])
    status, _, created = await send(hstack, "POST", "/api/items", people["instructor"], item)
    assert status == 201, created
    status, _, fetched = await send(hstack, "GET", f"/api/items/{created['id']}", people["instructor"], None)
    assert fetched["stem"] == nfc(item["stem"])
    assert [o["text"] for o in fetched["options"]] == [nfc(o["text"]) for o in item["options"]]
    assert fetched["rationale"] == nfc(item["rationale"]).strip()

    user = with_(good_user(), display_name=HEAVY, group="Ünïcödé cohort")
    status, _, made = await send(hstack, "POST", "/api/users", people["admin"], user)
    assert status == 201, made
    assert made["display_name"] == HEAVY and made["group"] == "Ünïcödé cohort"

    blueprint = with_(GOOD_BLUEPRINT, name=f"Drill {HEAVY}"[:120])
    status, _, bp = await send(hstack, "POST", "/api/blueprints", people["admin"], blueprint)
    assert status == 201, bp
    assert bp["name"] == blueprint["name"]
    status, _, listed = await send(hstack, "GET", f"/api/blueprints/{bp['id']}", people["admin"], None)
    assert listed["name"] == blueprint["name"]

    status, _, login = await send(hstack, "POST", "/api/auth/login", None,
                                  {"username": user["username"], "password": user["password"]})
    assert status == 200 and login["display_name"] == HEAVY
