"""A scanner over everything a candidate receives during a whole attempt.

A candidate sits the built-in 100-question exam through the entry, exactly as
the candidate pages do (log in, the dashboard, start, every question, answers,
changes, flags, the review, the result page polled too early, the open code book
searched and read during the attempt), and pokes at
what a curious candidate would (another question's position, the result before
submission, the all-questions listing, the item bank's API). Every response
body is recorded, together with every page and every script and stylesheet
those pages load (followed through their imports).

Until the attempt is submitted, no recorded body may contain:
- the rationale of any item version in the bank (by its text), in any response,
  page or script;
- a JSON field that carries correctness: key, correct, rationale, answer, ...;
- a field that is not documented: every JSON response of the attempts,
  questions and blueprints routes (and the few others a candidate calls) is
  checked against an allowlist of the fields /work/shared/API.md and
  docs/exam-delivery.md document for it, at every depth, so a correctness
  field under a name nobody thought of is caught too;
- a key written as data (`"key": "B"`, `correct = 'C'`, `data-key="A"`), in any
  response, page or script;
- the form's keys as a run of letters (ten or more in a row of the keys by
  position, as the candidate sees them or as the items store them).

A positive control runs the same scanner over the result after submission,
where keys and rationales belong, and expects it to find them; the allowlist
and the key-run checks are shown a body with a planted key, and must flag it.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from tests.delivery_support import wait_for, wait_for_bank
from tests.support import auth, start_stack

FORBIDDEN_FIELDS = {
    "key", "keys", "correct", "is_correct", "correct_option", "correct_answer", "answer", "answers", "answer_key",
    "rationale", "rationales", "explanation", "solution", "key_original",
}
KEY_AS_DATA = re.compile(
    r"""["']?\b(?:keys?|key_original|correct\w*|answers?|answer_?key|right_answer|solution)\b["']?"""
    r"""\s*[:=]\s*\[?\s*["'][ABCD]["']""", re.IGNORECASE)
# Ten or more of A-D in a row, bare or as a list ("B","A",...): compared with the form's keys.
LETTER_RUN = re.compile(r"""[ABCD](?:["',\s]{0,4}[ABCD]){9,}""")
RUN = 10
CODE_IN_OPTION = re.compile(r"\b(?:[A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}|[A-V]\d{4})\b")  # ICD-10-CM or HCPCS

# The fields each candidate-facing response may hold (None: a value; a dict: an object, or a list of
# objects, with its own allowlist). From /work/shared/API.md, and docs/exam-delivery.md
# ("extra fields") for what the product adds; the docs name an attempt's `parts` but not their fields,
# taken here from PartState in services/exam-delivery/exam_delivery/schemas.py.
PROBLEM = {"type": None, "title": None, "status": None, "detail": None, "errors": {"field": None, "message": None}}
BLUEPRINT = {"id": None, "name": None, "question_count": None, "time_limit_seconds": None, "cut_score_percent": None,
             "domains": {"code": None, "count": None},
             "parts": {"name": None, "question_count": None, "time_limit_seconds": None},
             "builtin": None, "available": None, "shuffle_options": None, "target_difficulty": None,
             "created_at": None, "code_book": None,
             # docs/exam-delivery.md, "Attempt policy"
             "policy": {"blueprint_id": None, "max_attempts": None, "cooldown_seconds": None, "review_mode": None,
                        "review_after": None, "min_answered_share": None, "default": None, "updated_at": None}}
ELIGIBILITY = {"blueprint_id": None, "can_start": None, "attempts_used": None, "max_attempts": None,
               "attempts_remaining": None, "cooldown_seconds": None, "next_attempt_at": None, "reason": None,
               "review_mode": None, "review_after": None}
ATTEMPT_STARTED = {"id": None, "blueprint_id": None, "status": None, "started_at": None, "deadline": None,
                   "seconds_remaining": None, "question_count": None, "blueprint_name": None, "time_multiplier": None}
ATTEMPT = {**ATTEMPT_STARTED, "answered_count": None, "flagged_count": None, "submitted_at": None,
           "submitted_by": None, "current_part": None, "code_book": None,
           "items": {"position": None, "domain": None, "answered": None, "flagged": None, "part": None, "locked": None},
           "parts": {"number": None, "name": None, "first_position": None, "last_position": None, "closes_at": None,
                     "state": None}}
ATTEMPT_ENTRY = {k: ATTEMPT[k] for k in ("id", "blueprint_id", "blueprint_name", "status", "started_at", "deadline",
                                         "seconds_remaining", "question_count", "answered_count", "submitted_at")}
QUESTION = {"position": None, "domain": None, "stem": None, "options": {"label": None, "text": None},
            "selected": None, "flagged": None, "domain_name": None, "question_count": None, "part": None,
            "read_only": None,
            # docs/exam-delivery.md, "Question tools": the candidate's own marks
            "tools": {"struck": None, "highlights": {"start": None, "end": None}, "note": None}}
TOOLS = {"position": None, "struck": None, "highlights": {"start": None, "end": None}, "note": None,
         "saved_at": None}
ATTEMPT_ROUTE = r"/api/attempts/[^/]+"
# The open code book (docs/codebook.md): code sets only, the same for everyone.
ICD_REF = {"code": None, "title": None, "kind": None, "billable": None}
ICD_NOTES = {"code": None, "title": None, "includes": None, "inclusion_terms": None, "excludes1": None,
             "excludes2": None, "code_first": None, "use_additional_code": None, "code_also": None, "notes": None}
ICD_CODE = {**ICD_NOTES, "kind": None, "billable": None, "year": None, "parents": ICD_REF, "children": ICD_REF,
            "inherited": ICD_NOTES,
            "seventh_character": {"defined_at": None, "note": None,
                                  "characters": {"character": None, "meaning": None}}}
HCPCS_CODE = {"code": None, "descriptor": None, "category": None, "year": None, "note": None}
CODE_SET = {"name": None, "year": None, "release": None, "codes": None}
ALLOWLISTS: list[tuple[str, re.Pattern[str], dict[str, Any]]] = [
    ("GET", re.compile(r"/api/blueprints"), BLUEPRINT),
    ("GET", re.compile(r"/api/blueprints/[^/]+"), BLUEPRINT),
    ("GET", re.compile(r"/api/blueprints/[^/]+/eligibility"), ELIGIBILITY),
    ("GET", re.compile(r"/api/attempts"), {"attempts": ATTEMPT_ENTRY}),
    ("POST", re.compile(r"/api/attempts"), ATTEMPT_STARTED),
    ("GET", re.compile(ATTEMPT_ROUTE), ATTEMPT),
    ("GET", re.compile(ATTEMPT_ROUTE + r"/questions"), {"questions": QUESTION}),
    ("GET", re.compile(ATTEMPT_ROUTE + r"/questions/[^/]+"), QUESTION),
    ("PUT", re.compile(ATTEMPT_ROUTE + r"/responses/[^/]+"),
     {"position": None, "selected": None, "flagged": None, "saved_at": None}),
    ("PUT", re.compile(ATTEMPT_ROUTE + r"/tools/[^/]+"), TOOLS),
    ("POST", re.compile(r"/api/auth/login"),
     {"token": None, "role": None, "user_id": None, "expires_at": None, "username": None, "display_name": None}),
    ("GET", re.compile(r"/api/me"), {"id": None, "username": None, "role": None, "display_name": None,
                                     "time_multiplier": None, "group": None, "disabled": None, "created_at": None}),
    # Before submission the candidate has no result: an empty list (and a 409 problem for the open attempt).
    ("GET", re.compile(r"/api/results"), {"results": {}, "next_cursor": None}),
    ("GET", re.compile(r"/api/results/[^/]+"), {"status": None}),
    # The content areas' names, for the review grid (never an item's content).
    ("GET", re.compile(r"/api/domains"), {"code": None, "name": None, "classic_count": None, "current_count": None}),
    ("GET", re.compile(r"/api/codebook"),
     {"icd10cm": CODE_SET, "hcpcs": CODE_SET, "cpt": {"name": None, "note": None}}),
    ("GET", re.compile(r"/api/codebook/icd10cm/search"),
     {"query": None, "year": None, "hits": {**ICD_REF, "term": None}}),
    ("GET", re.compile(r"/api/codebook/icd10cm/codes/[^/]+"), ICD_CODE),
    ("GET", re.compile(r"/api/codebook/hcpcs/search"), {"query": None, "year": None, "hits": HCPCS_CODE}),
    ("GET", re.compile(r"/api/codebook/hcpcs/codes/[^/]+"), HCPCS_CODE),
]
ASSET_RE = re.compile(r"""(?:src|href)="([^"]+)"|from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)""")


@dataclass
class Recorded:
    method: str
    path: str
    status: int
    ctype: str
    body: bytes


@dataclass
class Session:
    """A candidate's HTTP session through the entry, recording every response."""

    stack: Any
    token: str | None = None
    seen: list[Recorded] = field(default_factory=list)

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = auth(self.token) if self.token else {}
        async with self.stack.session.request(method, self.stack.base_url + path, json=body,
                                              headers=headers) as resp:
            raw = await resp.read()
            ctype = resp.headers.get("Content-Type", "")
            self.seen.append(Recorded(method, path, resp.status, ctype, raw))
            return resp.status, (json.loads(raw) if "json" in ctype and raw else raw.decode("utf-8", "replace"))

    async def page(self, path: str) -> None:
        """A page, and every same-origin asset it loads, recursively (scripts follow their imports)."""
        todo, done = [path], set()
        while todo:
            current = todo.pop()
            if current in done:
                continue
            done.add(current)
            status, text = await self.call("GET", current)
            assert status == 200, (current, status)
            for groups in ASSET_RE.findall(text if isinstance(text, str) else ""):
                ref = next(g for g in groups if g)
                target = urllib.parse.urljoin(current, ref)
                if target.startswith("/") and not target.startswith("//") and target.startswith(("/static/",)):
                    todo.append(target)


def fields_in(value: Any, path: str = "$") -> list[str]:
    """Every forbidden field name anywhere in a JSON value, with where it is."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k.lower() in FORBIDDEN_FIELDS:
                found.append(f"{path}.{k}")
            found.extend(fields_in(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(fields_in(v, f"{path}[{i}]"))
    return found


def scan(records: list[Recorded], rationales: list[str]) -> list[str]:
    """What in these responses tells a candidate a key or a rationale."""
    leaks = []
    for r in records:
        text = r.body.decode("utf-8", "replace")
        where = f"{r.method} {r.path} ({r.status}, {r.ctype.split(';')[0]})"
        for rationale in rationales:
            if rationale in text:
                leaks.append(f"{where}: the rationale {rationale[:60]!r}")
                break
        if "json" in r.ctype and r.body:
            leaks.extend(f"{where}: field {f}" for f in fields_in(json.loads(r.body)))
        leaks.extend(f"{where}: {m.group(0)!r}" for m in KEY_AS_DATA.finditer(text))
    return leaks


def allowlist_for(r: Recorded) -> dict[str, Any] | None:
    if not 200 <= r.status < 300:
        return PROBLEM
    path = r.path.split("?", 1)[0]
    return next((spec for method, route, spec in ALLOWLISTS if method == r.method and route.fullmatch(path)), None)


def undocumented(value: Any, spec: dict[str, Any], path: str = "$") -> list[str]:
    """Every field of `value` (an object, or a list of objects) that `spec` does not allow, with where it is."""
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in undocumented(v, spec, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return [f"{path} (an object was documented)"]
    found = []
    for k, v in value.items():
        if k not in spec:
            found.append(f"{path}.{k}")
        elif isinstance(spec[k], dict) and v is not None:
            found.extend(undocumented(v, spec[k], f"{path}.{k}"))
    return found


def check_allowlists(records: list[Recorded]) -> tuple[list[str], int]:
    """(the undocumented fields in every JSON response, how many responses were checked)."""
    found, checked = [], 0
    for r in records:
        if "json" not in r.ctype or not r.body:
            continue
        where = f"{r.method} {r.path} ({r.status})"
        spec = allowlist_for(r)
        if spec is None:
            found.append(f"{where}: a JSON response with no allowlist")
            continue
        checked += 1
        found.extend(f"{where}: undocumented field {f}" for f in undocumented(json.loads(r.body), spec))
    return found, checked


def key_runs(records: list[Recorded], keys: dict[str, str]) -> list[str]:
    """Runs of A-D letters in any response that are a stretch of the form's keys (by position)."""
    leaks = []
    for r in records:
        for m in LETTER_RUN.finditer(r.body.decode("utf-8", "replace")):
            run = re.sub(r"[^ABCD]", "", m.group(0))
            for name, sequence in keys.items():
                if any(run[i:i + RUN] in sequence for i in range(len(run) - RUN + 1)):
                    leaks.append(f"{r.method} {r.path} ({r.status}): {RUN}+ {name} in a row: {m.group(0)[:40]!r}")
    return leaks


@pytest.fixture(scope="module")
async def sstack(database_url):
    async with start_stack(database_url, seed_sample_bank=True, feed_poll_seconds=0.2,
                           outbox_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        yield stack


async def bank_rationales(database_url: str) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT DISTINCT rationale FROM item_bank.item_versions")
    finally:
        await conn.close()
    # The shortest first would stop early on a common phrase; longest first names the leak precisely.
    return sorted((r["rationale"].strip() for r in rows if len(r["rationale"].strip()) >= 20), key=len, reverse=True)


async def test_nothing_a_candidate_receives_before_submission_tells_a_key_or_a_rationale(sstack, database_url):
    stack = sstack
    rationales = await bank_rationales(database_url)
    assert len(rationales) > 500, "the sample bank should be loaded"
    username = "scan-candidate"
    password = "scan-candidate-password"
    status, _ = await stack.request("POST", "/api/users", await stack.admin_token(), json={
        "username": username, "password": password, "role": "candidate", "display_name": "Scan Candidate"})
    assert status == 201

    s = Session(stack)
    await s.page("/")
    status, login = await s.call("POST", "/api/auth/login", {"username": username, "password": password})
    assert status == 200
    s.token = login["token"]
    await s.page("/exam")
    await s.call("GET", "/api/me")
    status, blueprints = await s.call("GET", "/api/blueprints")
    assert status == 200
    for bp in blueprints:
        await s.call("GET", f"/api/blueprints/{bp['id']}")
        await s.call("GET", f"/api/blueprints/{bp['id']}/eligibility")
    await s.call("GET", "/api/attempts")
    status, attempt = await s.call("POST", "/api/attempts", {"blueprint_id": "cpc-100"})
    assert status == 201, attempt
    base = f"/api/attempts/{attempt['id']}"
    await s.page(f"/exam/attempts/{attempt['id']}")
    status, state = await s.call("GET", base)
    n = state["question_count"]
    assert n == 100

    # Every question, answered in turn; some answers changed, some flagged, some cleared; the tools
    # (options struck out, highlights, a note) used on some, before the question is read again.
    for pos in range(1, n + 1):
        if pos % 5 == 0:
            status, tools = await s.call("PUT", f"{base}/tools/{pos}", {
                "struck": ["ABCD"[pos % 4], "ABCD"[(pos + 2) % 4]], "highlights": [{"start": 0, "end": 4}],
                "note": f"Question {pos}: check the modifier and the guideline."})
            assert status == 200, tools
        status, q = await s.call("GET", f"{base}/questions/{pos}")
        assert status == 200 and len(q["options"]) == 4
        status, _ = await s.call("PUT", f"{base}/responses/{pos}", {"selected": "ABCD"[pos % 4]})
        assert status == 200
        if pos % 7 == 0:
            await s.call("PUT", f"{base}/responses/{pos}", {"selected": "ABCD"[(pos + 1) % 4], "flagged": True})
        if pos % 11 == 0:
            await s.call("PUT", f"{base}/responses/{pos}", {"selected": None})
        if pos % 25 == 0:
            await s.call("GET", base)
    # What a curious candidate tries before submitting.
    for path in (f"{base}/questions/{n + 1}", f"{base}/questions/0", f"{base}/questions",
                 f"/api/results/{attempt['id']}", "/api/results", "/api/items?limit=5",
                 "/api/stats/items?blueprint_id=cpc-100", "/api/domains"):
        await s.call("GET", path)
    await s.call("PUT", f"{base}/responses/{n + 1}", {"selected": "A"})
    await s.call("PUT", f"{base}/tools/{n + 1}", {"note": "beyond the form"})
    await s.call("PUT", f"{base}/tools/1", {"highlights": [{"start": 0, "end": 100000}]})
    # The open code book, as the exam screen's panel calls it: searches, and the code of every ICD
    # and HCPCS option the candidate was shown (answers are chosen among those codes).
    await s.call("GET", "/api/codebook")
    for q in ("type 2 diabetes", "E11.9", "S52.5", "fracture of radius", "otitis media"):
        await s.call("GET", f"/api/codebook/icd10cm/search?q={urllib.parse.quote(q)}")
    for q in ("injection", "J34", "wheelchair"):
        await s.call("GET", f"/api/codebook/hcpcs/search?q={urllib.parse.quote(q)}")
    shown = {code for r in s.seen if r.status == 200 and "/questions/" in r.path
             for option in json.loads(r.body)["options"] for code in CODE_IN_OPTION.findall(option["text"])}
    icd_codes = sorted(c for c in shown if "." in c)[:40]
    hcpcs_codes = sorted(c for c in shown if re.fullmatch(r"[A-V]\d{4}", c))[:20]
    for code in ["S52.501", "S72.001A", *icd_codes]:
        await s.call("GET", f"/api/codebook/icd10cm/codes/{code}")
    for code in ["J3420", *hcpcs_codes]:
        await s.call("GET", f"/api/codebook/hcpcs/codes/{code}")
    assert sum(r.path.startswith("/api/codebook/") and r.status == 200 for r in s.seen) >= 12
    await s.page(f"/exam/attempts/{attempt['id']}/review")
    await s.call("GET", base)
    await s.page(f"/exam/attempts/{attempt['id']}/result")  # the result page, opened too early
    await s.call("GET", f"/api/results/{attempt['id']}")

    before = list(s.seen)
    assert sum(r.path.startswith("/static/") for r in before) >= 4, [r.path for r in before]
    assert sum("/questions/" in r.path and r.status == 200 for r in before) == n
    assert sum("/tools/" in r.path and r.status == 200 for r in before) == n // 5
    assert all(json.loads(r.body)["tools"]["note"] for r in before
               if r.status == 200 and r.path.endswith(tuple(f"/questions/{p}" for p in range(5, n + 1, 5))))
    leaks = scan(before, rationales)
    assert not leaks, "before submission the candidate received:\n" + "\n".join(leaks[:30])

    # Every JSON response holds only the fields documented for it, at every depth.
    extra, checked = check_allowlists(before)
    assert not extra, "before submission the candidate received:\n" + "\n".join(extra[:30])
    assert checked > 2 * n, checked
    questions = [r for r in before if r.status == 200 and "/questions/" in r.path]
    planted = json.loads(questions[0].body)
    planted["options"][2]["is_key"] = True
    planted["difficulty"] = 0.42
    flagged = check_allowlists([Recorded("GET", questions[0].path, 200, "application/json",
                                         json.dumps(planted).encode())])[0]
    assert len(flagged) == 2 and {f.rsplit(" ", 1)[1] for f in flagged} == {"$.options[2].is_key", "$.difficulty"}, (
        flagged)

    # Positive control: after submission the result carries keys and rationales, and the scanner sees them.
    status, submitted = await s.call("POST", f"{base}/submit")
    assert status == 200 and submitted["status"] == "submitted"

    async def scored():
        status, body = await s.call("GET", f"/api/results/{attempt['id']}")
        return body if status == 200 else None

    result = await wait_for(scored, timeout=30, what="the result")
    assert len(result["review"]) == n
    after = scan(s.seen[len(before):], rationales)
    assert any("rationale" in leak for leak in after), "the scanner found nothing in the result: it is blind"
    assert any(".key" in leak for leak in after)

    # The form's keys, known now: nowhere before submission as a run of letters.
    review = sorted(result["review"], key=lambda r: r["position"])
    keys = {"keys as shown": "".join(r["key"] for r in review),
            "keys as stored": "".join(r["key_original"] for r in review)}
    runs = key_runs(before, keys)
    assert not runs, "before submission the candidate received:\n" + "\n".join(runs[:30])
    planted = Recorded("GET", "/static/planted.js", 200, "text/javascript",
                       ("const order = " + json.dumps(list(keys["keys as shown"][20:35])) + ";").encode())
    assert key_runs([planted], keys), "the key-run check is blind"
