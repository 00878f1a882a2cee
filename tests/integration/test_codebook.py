"""The open code book through the entry: ICD-10-CM search and code pages (notes, 7th-character
tables), HCPCS Level II, who may call it, and bad input named by field."""

from __future__ import annotations

import pytest

from shared.routing import service_for

ROUTES = ("/api/codebook", "/api/codebook/icd10cm/search?q=asthma", "/api/codebook/icd10cm/codes/E11.9",
          "/api/codebook/hcpcs/search?q=J34", "/api/codebook/hcpcs/codes/J3420")


@pytest.fixture(scope="module")
async def candidate(stack):
    _, token = await stack.new_user("candidate")
    return token


async def get(stack, path, token):
    return await stack.request("GET", path, token)


def codes(body):
    return [h["code"] for h in body["hits"]]


async def test_the_entry_routes_the_code_book_to_the_item_bank(stack, candidate):
    assert service_for("/api/codebook") == service_for("/api/codebook/icd10cm/search") == "item-bank"
    for path in ROUTES:
        status, body = await get(stack, path, candidate)
        assert status == 200, (path, body)


async def test_every_signed_in_role_may_read_it_and_nobody_else(stack, candidate):
    _, instructor = await stack.new_user("instructor")
    admin = await stack.admin_token()
    for path in ROUTES:
        for token in (candidate, instructor, admin):
            assert (await get(stack, path, token))[0] == 200, path
        status, body = await get(stack, path, None)
        assert status == 401 and body["status"] == 401, path
    # Read-only: no other verb is routed.
    status, _ = await stack.request("POST", "/api/codebook/icd10cm/search?q=x", candidate, json={})
    assert status == 405


async def test_words_find_the_code_a_coder_means(stack, candidate):
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=type%202%20diabetes", candidate)
    assert status == 200 and body["year"] == 2026
    top = codes(body)[:5]
    assert "E11.9" in top, top
    assert all(c.startswith("E11") for c in top), top
    e119 = next(h for h in body["hits"] if h["code"] == "E11.9")
    assert e119 == {"code": "E11.9", "title": "Type 2 diabetes mellitus without complications",
                    "kind": "subcategory", "billable": True, "term": None}
    # An inclusion term finds its code, and says which term matched.
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=high+blood+pressure", candidate)
    assert body["hits"][0]["code"] == "I10" and body["hits"][0]["term"] == "high blood pressure"
    # A word's beginning is enough; nothing found is an empty list, not an error.
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=otitis+med&limit=3", candidate)
    assert len(body["hits"]) == 3 and all(h["code"].startswith("H6") for h in body["hits"])
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=qqqzzz", candidate)
    assert status == 200 and body["hits"] == []


async def test_a_code_or_a_prefix_is_found_exactly(stack, candidate):
    for q in ("E11.9", "e119", "E119", " e11.9 "):
        status, body = await get(stack, f"/api/codebook/icd10cm/search?q={q}", candidate)
        assert status == 200 and codes(body)[0] == "E11.9", (q, body)
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=S52.5&limit=10", candidate)
    found = codes(body)
    assert found[0] == "S52.5" and len(found) == 10 and all(c.startswith("S52.5") for c in found), found
    assert body["hits"][0]["kind"] == "subcategory" and body["hits"][0]["billable"] is False
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=S72.001A", candidate)
    assert body["hits"][0] == {"code": "S72.001A", "kind": "code", "billable": True, "term": None,
                               "title": body["hits"][0]["title"]}
    assert body["hits"][0]["title"].endswith("initial encounter for closed fracture")
    status, body = await get(stack, "/api/codebook/icd10cm/search?q=E08-E13&limit=3", candidate)
    assert codes(body) == ["E08-E13", "E08", "E09"] and body["hits"][0]["kind"] == "block"


async def test_a_code_page_has_its_place_notes_and_inherited_notes(stack, candidate):
    status, e11 = await get(stack, "/api/codebook/icd10cm/codes/E11", candidate)
    assert status == 200
    assert e11["kind"] == "category" and not e11["billable"]
    assert [p["code"] for p in e11["parents"]] == ["4", "E08-E13"]
    assert [p["kind"] for p in e11["parents"]] == ["chapter", "block"]
    assert "E11.9" in [c["code"] for c in e11["children"]]
    assert any("type 1 diabetes" in e for e in e11["excludes1"]), e11["excludes1"]
    assert "diabetes NOS" in e11["includes"]
    assert any("Z79.84" in line for line in e11["use_additional_code"])
    assert e11["seventh_character"] is None

    status, e119 = await get(stack, "/api/codebook/icd10cm/codes/e119", candidate)
    assert status == 200 and e119["code"] == "E11.9" and e119["billable"] and e119["children"] == []
    # The category's notes apply to every code under it: shown with where they are written.
    inherited = {n["code"]: n for n in e119["inherited"]}
    assert "E11" in inherited and inherited["E11"]["excludes1"] == e11["excludes1"]

    # A category alone in its block (B20): under its chapter, and its page answers.
    status, b20 = await get(stack, "/api/codebook/icd10cm/codes/B20", candidate)
    assert status == 200 and b20["kind"] == "category" and b20["billable"]
    assert [p["code"] for p in b20["parents"]] == ["1"]

    status, body = await get(stack, "/api/codebook/icd10cm/codes/I10", candidate)
    assert "high blood pressure" in body["includes"] and body["excludes1"] and body["excludes2"]


@pytest.mark.parametrize("code, defined_at", [("S52.501", "S52"), ("S72.001", "S72"), ("S72.001A", "S72"),
                                              ("S52", "S52")])
async def test_the_7th_character_table_is_inherited_from_where_it_is_written(stack, candidate, code, defined_at):
    status, body = await get(stack, f"/api/codebook/icd10cm/codes/{code}", candidate)
    assert status == 200, body
    table = body["seventh_character"]
    assert table["defined_at"] == defined_at
    meaning = {c["character"]: c["meaning"] for c in table["characters"]}
    assert list(meaning)[:4] == ["A", "B", "C", "D"]
    assert meaning["A"] == "initial encounter for closed fracture"
    assert meaning["D"] == "subsequent encounter for closed fracture with routine healing"
    assert meaning["S"] == "sequela"
    assert "/\t" not in meaning["B"] and "open fracture NOS" in meaning["B"]
    assert "7th character" in table["note"]


async def test_hcpcs_level_ii(stack, candidate):
    status, body = await get(stack, "/api/codebook/hcpcs/search?q=vitamin+b-12", candidate)
    assert status == 200 and codes(body) == ["J3420"] and body["year"] == 2026
    assert "1,000 mcg" in body["hits"][0]["descriptor"]
    status, body = await get(stack, "/api/codebook/hcpcs/search?q=j34", candidate)
    assert codes(body) == ["J3420", "J3490"]
    status, body = await get(stack, "/api/codebook/hcpcs/search?q=wheelchair", candidate)
    assert codes(body) == ["K0001", "K0002", "K0003", "K0004"]
    status, body = await get(stack, "/api/codebook/hcpcs/codes/e0601", candidate)
    assert status == 200 and body["code"] == "E0601" and "CPAP" in body["descriptor"]
    status, body = await get(stack, "/api/codebook/hcpcs/codes/J9999", candidate)
    assert status == 404 and body["status"] == 404


async def test_what_the_code_book_holds_and_that_cpt_is_not_in_it(stack, candidate):
    status, body = await get(stack, "/api/codebook", candidate)
    assert status == 200
    assert body["icd10cm"]["year"] == 2026 and "April 1, 2026" in body["icd10cm"]["release"]
    assert body["icd10cm"]["codes"] > 90000
    assert body["hcpcs"]["name"] == "HCPCS Level II" and body["hcpcs"]["codes"] >= 60
    assert body["cpt"]["note"].startswith("The CPT manual is the candidate's own")
    # No CPT code path exists, and CPT codes are not found in either code set.
    status, _ = await get(stack, "/api/codebook/cpt/search?q=99213", candidate)
    assert status == 404
    for path in ("/api/codebook/icd10cm/search?q=99213", "/api/codebook/hcpcs/search?q=99213"):
        status, body = await get(stack, path, candidate)
        assert status == 200 and body["hits"] == [], path


@pytest.mark.parametrize("query, field", [
    ("", "q"), ("?q=", "q"), ("?q=%20%20", "q"), ("?q=" + "a" * 101, "q"), ("?q=x&limit=0", "limit"),
    ("?q=x&limit=51", "limit"), ("?q=x&limit=ten", "limit"), ("?q=x&sort=code", "sort"),
])
async def test_bad_input_is_a_4xx_naming_the_field(stack, candidate, query, field):
    for route in ("/api/codebook/icd10cm/search", "/api/codebook/hcpcs/search"):
        async with stack.session.get(f"{stack.base_url}{route}{query}",
                                     headers={"Authorization": f"Bearer {candidate}"}) as resp:
            body = await resp.json(content_type=None)
            assert resp.status == 422 and resp.content_type == "application/problem+json", (route, query, body)
            assert [e["field"] for e in body["errors"]] == [field], body


async def test_unknown_or_malformed_codes_are_404_or_422(stack, candidate):
    for code in ("E11.99999", "Z99.999X", "foo", "99213", "E11-E99"):
        status, body = await get(stack, f"/api/codebook/icd10cm/codes/{code}", candidate)
        assert status == 404 and body["status"] == 404, (code, body)
    status, body = await get(stack, "/api/codebook/icd10cm/codes/" + "E" * 40, candidate)
    assert status == 422 and body["errors"][0]["field"] == "code"
