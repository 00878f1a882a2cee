"""Search over the latest versions: filters, PostgreSQL full text, keyset
cursor pages, parameterised queries; and the code-set rollover view."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import pytest

from shared.db import POOL_KEY


def item(word: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "TERM",
        "stem": f"The suffix meaning inflammation appears in which term about the {word}?",
        "options": [
            {"label": "A", "text": f"{word}itis"},
            {"label": "B", "text": f"{word}ectomy"},
            {"label": "C", "text": f"{word}ostomy"},
            {"label": "D", "text": f"{word}algia"},
        ],
        "key": "A",
        "rationale": "-itis means inflammation; -ectomy is excision, -ostomy an opening, -algia pain.",
        "tags": ["suffixes"],
    }
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
async def bank(stack):
    """A small bank: one author's items in several domains, tags, statuses and code-set years."""
    author_id, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    tag = f"t{uuid.uuid4().hex[:6]}"
    made: dict[str, list[str]] = {"all": []}

    async def add(key: str, body: dict[str, Any], approve: bool = False) -> str:
        status, created = await stack.request("POST", "/api/items", author, json=body)
        assert status == 201, created
        if approve:
            for token, to in ((author, "in_review"), (reviewer, "approved")):
                status, _ = await stack.request(
                    "POST", f"/api/items/{created['id']}/transitions", token, json={"to": to}
                )
                assert status == 200
        made.setdefault(key, []).append(created["id"])
        made["all"].append(created["id"])
        return str(created["id"])

    for i in range(7):
        await add("arthr", item("arthr", tags=[tag, "joints"]), approve=i % 2 == 0)
    for _ in range(3):
        await add("hepat", item("hepat", domain="ANAT", tags=[tag]))
    await add("old", item("nephr", tags=[tag], code_set_year=2024), approve=True)
    await add("older", item("gastr", tags=[tag], code_set_year=2023), approve=True)
    return {"author_id": author_id, "author": author, "reviewer": reviewer, "tag": tag, "ids": made}


async def fetch_all(stack, token, query: str, limit: int = 3) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        path = f"/api/items?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, page = await stack.request("GET", path, token)
        assert status == 200, page
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_filters_combine(stack, bank):
    token, tag, ids = bank["author"], bank["tag"], bank["ids"]
    everything = await fetch_all(stack, token, f"tag={tag}")
    assert sorted(i["id"] for i in everything) == sorted(ids["all"])
    # Newest first, no duplicates across pages.
    stamps = [(i["updated_at"], i["id"]) for i in everything]
    assert len(set(stamps)) == len(stamps)
    assert [i["updated_at"] for i in everything] == sorted(
        (i["updated_at"] for i in everything), reverse=True
    )

    anat = await fetch_all(stack, token, f"tag={tag}&domain=ANAT")
    assert sorted(i["id"] for i in anat) == sorted(ids["hepat"])
    approved = await fetch_all(stack, token, f"tag={tag}&status=approved")
    assert len(approved) == 4 + 2 and all(i["status"] == "approved" for i in approved)
    mine = await fetch_all(stack, token, f"tag={tag}&author={bank['author_id']}")
    assert len(mine) == len(ids["all"])
    status, other = await stack.request("GET", f"/api/items?tag={tag}&author={uuid.uuid4()}", token)
    assert other["items"] == []
    by_year = await fetch_all(stack, token, f"tag={tag}&code_set_year=2024")
    assert [i["id"] for i in by_year] == ids["old"]
    stale = await fetch_all(stack, token, f"tag={tag}&stale_code_set=true")
    assert sorted(i["id"] for i in stale) == sorted(ids["old"] + ids["older"])
    joints = await fetch_all(stack, token, "tag=JOINTS")  # tags are matched as cleaned: lower case
    assert set(ids["arthr"]) <= {i["id"] for i in joints}


async def test_full_text_over_stem_and_options(stack, bank):
    token, tag, ids = bank["author"], bank["tag"], bank["ids"]
    found = await fetch_all(stack, token, f"tag={tag}&q=hepatectomy")  # an option's text
    assert sorted(i["id"] for i in found) == sorted(ids["hepat"])
    found = await fetch_all(stack, token, f"tag={tag}&q=inflammation%20suffix")  # stem words, stemmed
    assert len(found) == len(ids["all"])
    found = await fetch_all(stack, token, f"tag={tag}&q=nephritis%20OR%20gastritis")
    assert sorted(i["id"] for i in found) == sorted(ids["old"] + ids["older"])
    found = await fetch_all(stack, token, f"tag={tag}&q=%22about%20the%20hepat%22")
    assert sorted(i["id"] for i in found) == sorted(ids["hepat"])


async def test_search_is_parameterised(stack, bank):
    token = bank["author"]
    attempts = [
        "'; DROP TABLE item_bank.items; --",
        "x' OR '1'='1",
        "\\'); SELECT pg_sleep(5); --",
        "!!! ::: & | <-> ( ",
        "%' UNION SELECT * FROM delivery.users --",
    ]
    for q in attempts:
        status, body = await stack.request("GET", "/api/items", token, params={"q": q})
        assert status == 200, (q, body)
        assert body["items"] == []
    for field in ("domain", "tag", "author"):
        status, body = await stack.request("GET", "/api/items", token, params={field: "x' OR 1=1 --"})
        assert status == 200 and body["items"] == [], field
    async with stack.apps["item-bank"][POOL_KEY].acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM item_bank.items") >= len(bank["ids"]["all"])


async def test_bad_queries(stack, bank):
    token = bank["author"]
    for query, field in (
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("status=published", "status"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WzEsMl0", "cursor"),
        ("color=red", "color"),
    ):
        status, body = await stack.request("GET", f"/api/items?{query}", token)
        assert status in (400, 422), (query, body)
        assert body["errors"][0]["field"] == field, (query, body)


async def test_review_queue_is_a_status_filter(stack, bank):
    token = bank["author"]
    status, created = await stack.request(
        "POST", "/api/items", token, json=item("cardi", tags=["queue-test"])
    )
    await stack.request("POST", f"/api/items/{created['id']}/transitions", token, json={"to": "in_review"})
    queue = await fetch_all(stack, bank["reviewer"], "status=in_review&tag=queue-test")
    assert [i["id"] for i in queue] == [created["id"]]


async def test_rollover_lists_approved_items_of_older_code_sets(stack, bank):
    token = bank["reviewer"]
    status, page = await stack.request("GET", "/api/items/rollover?limit=1", token)
    assert status == 200, page
    assert page["current_code_set_year"] == stack.settings["item-bank"].current_code_set_year
    assert page["total"] >= 2
    collected = page["items"]
    ids = page["item_ids"]
    while page["next_cursor"]:
        status, page = await stack.request(
            "GET", f"/api/items/rollover?limit=1&cursor={page['next_cursor']}", token
        )
        collected += page["items"]
        ids += page["item_ids"]
    assert set(bank["ids"]["old"] + bank["ids"]["older"]) <= set(ids)
    assert all(v["status"] == "approved" and v["in_service"] for v in collected)
    years = [v["code_set_year"] for v in collected]
    assert years == sorted(years) and max(years) < page["current_code_set_year"]
    status, page = await stack.request("GET", "/api/items/rollover?year=2024", token)
    assert bank["ids"]["older"][0] in page["item_ids"] and bank["ids"]["old"][0] not in page["item_ids"]


async def new_named_instructor(stack) -> tuple[str, str, str]:
    """An instructor whose username the test knows; return (user_id, username, token)."""
    username = f"author-{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    status, user = await stack.request(
        "POST",
        "/api/users",
        await stack.admin_token(),
        json={"username": username, "password": password, "role": "instructor", "display_name": "A. Author"},
    )
    assert status == 201, user
    return str(user["id"]), username, await stack.login(username, password)


async def test_author_filter_takes_the_creators_username(stack):
    """`author` is the user id or the username of whoever created the item, whoever edited it since."""
    author_id, username, author = await new_named_instructor(stack)
    editor_id, editor_name, editor = await new_named_instructor(stack)
    tag = f"t{uuid.uuid4().hex[:6]}"
    ids = []
    for word in ("arthr", "hepat", "nephr"):
        status, created = await stack.request("POST", "/api/items", author, json=item(word, tags=[tag]))
        assert status == 201, created
        assert created["created_by_name"] == username
        ids.append(created["id"])
    # A second instructor edits one of them: the item is still the first one's.
    status, edited = await stack.request(
        "PUT", f"/api/items/{ids[0]}", editor, json=item("arthr", tags=[tag], key="B")
    )
    assert status == 200 and edited["version"] == 2 and edited["author"] == editor_id, edited

    by_name = await fetch_all(stack, author, f"tag={tag}&author={username}")
    assert sorted(i["id"] for i in by_name) == sorted(ids)
    by_id = await fetch_all(stack, author, f"tag={tag}&author={author_id}")
    assert sorted(i["id"] for i in by_id) == sorted(ids)
    assert await fetch_all(stack, author, f"tag={tag}&author={editor_name}") == []
    assert await fetch_all(stack, author, f"tag={tag}&author={username[:-1]}") == []  # not a prefix


async def test_decomposed_accents_find_the_text_stored_in_nfc(stack):
    """Item text is stored in NFC; the search text and the tag filter are normalised the same
    way, so an é typed as e + U+0301 finds the stored é (and the other way round)."""
    _, author = await stack.new_user("instructor")
    word = f"cr\u00e8me{uuid.uuid4().hex[:6]}"  # one word, composed è
    tag = f"caf\u00e9-{uuid.uuid4().hex[:6]}"
    body = item("arthr", stem=f"The word {word} appears in which term about the arthr?", tags=[tag])
    status, created = await stack.request("POST", "/api/items", author, json=body)
    assert status == 201, created
    decomposed_word = word.replace("\u00e8", "e\u0300")
    decomposed_tag = tag.replace("\u00e9", "e\u0301")
    for q, t in ((decomposed_word, tag), (word, decomposed_tag), (decomposed_word, decomposed_tag.upper())):
        found = await fetch_all(stack, author, f"tag={quote(t)}&q={quote(q)}")
        assert [i["id"] for i in found] == [created["id"]], (q, t)
    # Stored with a decomposed accent, found with a composed one.
    status, again = await stack.request(
        "POST", "/api/items", author, json={**body, "stem": body["stem"].replace(word, decomposed_word)}
    )
    assert status == 201, again
    status, fetched = await stack.request("GET", f"/api/items/{again['id']}", author)
    assert word in fetched["stem"] and decomposed_word not in fetched["stem"]


async def test_a_word_finds_that_word_only_and_the_count_says_how_many(stack):
    """'laterality' finds the items that contain it, never 'Later on the same day' nor 'lateral'."""
    _, author = await stack.new_user("instructor")
    tag = f"t{uuid.uuid4().hex[:6]}"
    bodies = {
        "laterality": item("arthr", stem="Which character of the code gives the laterality of the arthr?", tags=[tag]),
        "later": item("hepat", stem="Later on the same day the patient returns for the hepat visit.", tags=[tag]),
        "lateral": item("nephr", stem="A lateral bone view is taken of the nephr region here.", tags=[tag]),
        "plural": item("gastr", stem="Both lateralities are documented for the gastr finding.", tags=[tag]),
    }
    ids = {}
    for name, body in bodies.items():
        status, created = await stack.request("POST", "/api/items", author, json=body)
        assert status == 201, created
        ids[name] = created["id"]
    status, page = await stack.request("GET", f"/api/items?tag={tag}&q=laterality", author)
    assert status == 200, page
    assert sorted(i["id"] for i in page["items"]) == sorted([ids["laterality"], ids["plural"]])
    assert page["total"] == 2
    status, page = await stack.request("GET", f"/api/items?tag={tag}&q=later", author)
    assert [i["id"] for i in page["items"]] == [ids["later"]] and page["total"] == 1
    status, page = await stack.request("GET", f"/api/items?tag={tag}&q=lat*", author)  # a prefix, asked for
    assert page["total"] == 4
    # The count is of every page together, the pages as before.
    status, page = await stack.request("GET", f"/api/items?tag={tag}&limit=1", author)
    assert len(page["items"]) == 1 and page["total"] == 4 and page["next_cursor"]
    status, page = await stack.request("GET", f"/api/items?tag={tag}&q=%21%21%21", author)
    assert page == {"items": [], "next_cursor": None, "total": 0}


async def test_codes_are_found_exactly_or_by_prefix(stack):
    _, author = await stack.new_user("instructor")
    tag = f"t{uuid.uuid4().hex[:6]}"
    diabetes = item(
        "endo",
        stem="Type 2 diabetes mellitus without complications is reported with which code for the endo?",
        options=[
            {"label": "A", "text": "E11.9"},
            {"label": "B", "text": "E10.9"},
            {"label": "C", "text": "E11.65"},
            {"label": "D", "text": "R73.9"},
        ],
        rationale="E11.9 is type 2 without complications; E10.9 is type 1, E11.65 with hyperglycemia.",
        tags=[tag],
    )
    drug = item(
        "inj",
        stem="An injection of vitamin B-12 up to 1,000 mcg (J3420) is given with 96372 for the inj.",
        tags=[tag],
    )
    ids = []
    for body in (diabetes, drug):
        status, created = await stack.request("POST", "/api/items", author, json=body)
        assert status == 201, created
        ids.append(created["id"])
    for q, expected in (
        ("E11.9", [ids[0]]),
        ("e119", [ids[0]]),
        ("E11", [ids[0]]),  # a category: every code under it
        ("E11.65", [ids[0]]),
        ("E11.8", []),
        ("J3420", [ids[1]]),
        ("j3420", [ids[1]]),
        ("96372", [ids[1]]),
        ("99213", []),
    ):
        status, page = await stack.request("GET", f"/api/items?tag={tag}&q={quote(q)}", author)
        assert status == 200, page
        assert [i["id"] for i in page["items"]] == expected, q
    async with stack.apps["item-bank"][POOL_KEY].acquire() as conn:
        codes = await conn.fetchval(
            "SELECT codes FROM item_bank.item_versions WHERE item_id = $1", uuid.UUID(ids[0])
        )
    assert {"E11", "E119", "E116", "E1165", "E10", "E109", "R73", "R739"} == set(codes)


async def test_an_item_is_found_by_its_id_or_the_first_eight_hex_digits(stack):
    _, author = await stack.new_user("instructor")
    status, created = await stack.request("POST", "/api/items", author, json=item("oste"))
    assert status == 201, created
    item_id = created["id"]
    for q in (item_id, item_id.upper(), item_id[:8], item_id.replace("-", "")[:12]):
        status, page = await stack.request("GET", f"/api/items?q={quote(q)}", author)
        assert status == 200, page
        assert item_id in [i["id"] for i in page["items"]], q
    status, page = await stack.request("GET", f"/api/items?q={item_id}", author)
    assert page["total"] == 1
    # Eight hex digits may also be a word of the text (a marker, a reference number): both are found.
    word = uuid.uuid4().hex[:8]
    status, marked = await stack.request(
        "POST", "/api/items", author, json=item("oste", stem=f"Which term about the oste is in case {word}?")
    )
    status, page = await stack.request("GET", f"/api/items?q={word}", author)
    assert marked["id"] in [i["id"] for i in page["items"]]
