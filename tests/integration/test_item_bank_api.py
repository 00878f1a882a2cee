"""The item bank's public API on a real PostgreSQL, through the entry: authoring,
validation, versions, the review workflow, audit and diff."""

from __future__ import annotations

import uuid
from typing import Any


def item(**overrides: Any) -> dict[str, Any]:
    marker = uuid.uuid4().hex[:8]
    body: dict[str, Any] = {
        "domain": "ICD",
        "stem": f"A 45-year-old patient presents with a closed fracture of the right femur ({marker}). "
        "Which code is reported for the initial encounter?",
        "options": [
            {"label": "A", "text": "S72.91XA"},
            {"label": "B", "text": "S72.92XA"},
            {"label": "C", "text": "S72.91XD"},
            {"label": "D", "text": "S72.91XS"},
        ],
        "key": "A",
        "rationale": "A is right: right femur, initial encounter (7th character A). B is the left side; "
        "C is a subsequent encounter; D is a sequela.",
        "tags": ["fractures", "Laterality"],
        "code_set_year": 2026,
        "references": ["ICD-10-CM guideline I.C.19.a"],
    }
    body.update(overrides)
    return body


async def create(stack, token, **overrides) -> dict[str, Any]:
    status, body = await stack.request("POST", "/api/items", token, json=item(**overrides))
    assert status == 201, body
    return body


async def move(stack, token, item_id, to, comment=None, version=None):
    payload: dict[str, Any] = {"to": to}
    if comment is not None:
        payload["comment"] = comment
    if version is not None:
        payload["version"] = version
    return await stack.request("POST", f"/api/items/{item_id}/transitions", token, json=payload)


async def test_create_returns_version_1_draft_with_cleaned_fields(stack):
    author_id, token = await stack.new_user("instructor")
    body = await create(stack, token, stem="  A patient presents with an injury to the wrist; code it.  ")
    assert body["version"] == 1 and body["status"] == "draft" and body["versions"] == 1
    assert uuid.UUID(body["id"])
    assert body["author"] == author_id and body["created_by"] == author_id
    assert body["approved_version"] is None
    assert body["stem"] == "A patient presents with an injury to the wrist; code it."
    assert body["tags"] == ["fractures", "laterality"]  # cleaned: lower case
    assert body["references"] == ["ICD-10-CM guideline I.C.19.a"]
    status, fetched = await stack.request("GET", f"/api/items/{body['id']}", token)
    assert status == 200 and fetched == body


async def test_code_set_year_defaults_to_the_current_one(stack):
    _, token = await stack.new_user("instructor")
    payload = item()
    del payload["code_set_year"], payload["references"], payload["tags"]
    status, body = await stack.request("POST", "/api/items", token, json=payload)
    assert status == 201, body
    assert body["code_set_year"] == stack.settings["item-bank"].current_code_set_year
    assert body["tags"] == [] and body["references"] == []


async def test_validation_names_every_broken_field(stack):
    _, token = await stack.new_user("instructor")
    bad = item(
        domain="NOPE",
        stem="short",
        rationale="too short",
        key="B",
        options=[
            {"label": "A", "text": "same"},
            {"label": "B", "text": " Same "},
            {"label": "C", "text": "  "},
            {"label": "D", "text": "other"},
        ],
    )
    status, body = await stack.request("POST", "/api/items", token, json=bad)
    assert status == 422, body
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"domain", "stem", "rationale", "options[1].text", "options[2].text"}
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert "repeats option A" in messages["options[1].text"]
    assert "empty" in messages["options[2].text"]


async def test_validation_of_shapes(stack):
    _, token = await stack.new_user("instructor")
    three = item(options=item()["options"][:3])
    status, body = await stack.request("POST", "/api/items", token, json=three)
    assert status == 422 and body["errors"][0]["field"] == "options"
    status, body = await stack.request("POST", "/api/items", token, json=item(key="E"))
    assert status == 422 and body["errors"][0]["field"] == "key"
    wrong_label = item()
    wrong_label["options"][1]["label"] = "C"
    status, body = await stack.request("POST", "/api/items", token, json=wrong_label)
    assert status == 422 and body["errors"][0]["field"] == "options[1].label"
    status, body = await stack.request("POST", "/api/items", token, json=item(colour="red"))
    assert status == 422 and body["errors"][0]["field"] == "colour"
    status, body = await stack.request("POST", "/api/items", token, json=item(stem="x" * 4001))
    assert status == 422 and body["errors"][0]["field"] == "stem"
    status, body = await stack.request("POST", "/api/items", token, json=item(code_set_year=1990))
    assert status == 422 and body["errors"][0]["field"] == "code_set_year"
    status, body = await stack.request(
        "POST", "/api/items", token, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 400


async def test_rationale_is_at_most_8000_characters(stack):
    _, token = await stack.new_user("instructor")
    longest = "Answer A is right because the code matches; " * 200
    longest = longest[:8000]
    assert len(longest) == 8000
    created = await create(stack, token, rationale=longest)
    assert created["rationale"] == longest.strip()
    status, body = await stack.request("POST", "/api/items", token, json=item(rationale=longest + "x"))
    assert status == 422, body
    assert [e["field"] for e in body["errors"]] == ["rationale"]
    assert "8000" in body["errors"][0]["message"]
    # An edit is held to the same limit.
    status, body = await stack.request(
        "PUT", f"/api/items/{created['id']}", token, json=item(rationale=longest + "x")
    )
    assert status == 422 and body["errors"][0]["field"] == "rationale", body


async def test_unknown_item_is_404(stack):
    _, token = await stack.new_user("instructor")
    for path in (
        f"/api/items/{uuid.uuid4()}",
        "/api/items/not-a-uuid",
        f"/api/items/{uuid.uuid4()}/versions",
        f"/api/items/{uuid.uuid4()}/audit",
    ):
        status, body = await stack.request("GET", path, token)
        assert status == 404, (path, body)
    status, _ = await stack.request("PUT", f"/api/items/{uuid.uuid4()}", token, json=item())
    assert status == 404
    status, _ = await move(stack, token, uuid.uuid4(), "in_review")
    assert status == 404


async def test_review_workflow_and_self_approval(stack):
    author_id, author = await stack.new_user("instructor")
    reviewer_id, reviewer = await stack.new_user("instructor")
    created = await create(stack, author)
    item_id = created["id"]

    status, body = await move(stack, author, item_id, "approved")
    assert status == 409, body  # draft -> approved skips review
    status, body = await move(stack, author, item_id, "in_review")
    assert status == 200 and body["status"] == "in_review"
    status, body = await move(stack, author, item_id, "in_review")
    assert status == 409  # already there

    status, body = await move(stack, author, item_id, "approved")
    assert status == 403, body
    assert "another instructor" in body["detail"]

    status, body = await move(stack, reviewer, item_id, "draft")
    assert status == 422 and body["errors"][0]["field"] == "comment"
    status, body = await move(stack, reviewer, item_id, "draft", comment="Option D is ambiguous")
    assert status == 200 and body["status"] == "draft"

    await move(stack, author, item_id, "in_review")
    status, body = await move(stack, reviewer, item_id, "approved", comment="Looks right")
    assert status == 200, body
    assert body["status"] == "approved" and body["approved_version"] == 1

    status, body = await move(stack, reviewer, item_id, "in_review")
    assert status == 409
    status, body = await move(stack, reviewer, item_id, "draft", comment="no")
    assert status == 409  # approved versions are edited (new version) or retired, never reopened
    status, body = await move(stack, reviewer, item_id, "retired", comment="Old guideline")
    assert status == 200 and body["status"] == "retired" and body["approved_version"] is None
    status, body = await move(stack, reviewer, item_id, "approved")
    assert status == 409
    status, body = await move(stack, reviewer, item_id, "draft")
    assert status == 422  # reopening needs a comment too
    status, body = await move(stack, reviewer, item_id, "draft", comment="Rework for 2027")
    assert status == 200 and body["status"] == "draft"

    status, audit = await stack.request("GET", f"/api/items/{item_id}/audit", author)
    assert status == 200
    moves = [
        (e["action"], e["from_status"], e["to_status"], e["actor"], e["comment"]) for e in audit["entries"]
    ]
    assert moves == [
        ("created", None, "draft", author_id, ""),
        ("transition", "draft", "in_review", author_id, ""),
        ("transition", "in_review", "draft", reviewer_id, "Option D is ambiguous"),
        ("transition", "draft", "in_review", author_id, ""),
        ("transition", "in_review", "approved", reviewer_id, "Looks right"),
        ("transition", "approved", "retired", reviewer_id, "Old guideline"),
        ("transition", "retired", "draft", reviewer_id, "Rework for 2027"),
    ]
    assert all(e["at"].endswith("Z") for e in audit["entries"])


async def test_bad_transition_bodies(stack):
    _, token = await stack.new_user("instructor")
    created = await create(stack, token)
    status, body = await move(stack, token, created["id"], "published")
    assert status == 422 and body["errors"][0]["field"] == "to"
    status, body = await move(stack, token, created["id"], "in_review", version=7)
    assert status == 404 and body["errors"][0]["field"] == "version"


async def test_editing_makes_immutable_versions_and_keeps_the_approved_one_in_service(stack):
    author_id, author = await stack.new_user("instructor")
    editor_id, editor = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("admin")
    created = await create(stack, author)
    item_id = created["id"]
    await move(stack, author, item_id, "in_review")
    status, _ = await stack.request("PUT", f"/api/items/{item_id}", author, json=item())
    assert status == 409  # frozen while in review
    await move(stack, reviewer, item_id, "approved")

    new_stem = created["stem"].replace("right femur", "left femur")
    status, v2 = await stack.request(
        "PUT", f"/api/items/{item_id}", editor, json=item(stem=new_stem, key="B", base_version=1)
    )
    assert status == 200, v2
    assert v2["version"] == 2 and v2["status"] == "draft" and v2["versions"] == 2
    assert v2["approved_version"] == 1  # still in service
    assert v2["author"] == editor_id and v2["created_by"] == author_id

    status, body = await stack.request("PUT", f"/api/items/{item_id}", editor, json=item(base_version=1))
    assert status == 409 and "version 2" in body["detail"]  # stale editor

    status, versions = await stack.request("GET", f"/api/items/{item_id}/versions", author)
    assert status == 200
    assert [(v["version"], v["status"], v["in_service"]) for v in versions["versions"]] == [
        (1, "approved", True),
        (2, "draft", False),
    ]
    assert versions["versions"][0]["stem"] == created["stem"]  # the old version is untouched

    # The editor cannot approve their own version, but the original author can.
    await move(stack, editor, item_id, "in_review")
    status, _ = await move(stack, editor, item_id, "approved")
    assert status == 403
    status, body = await move(stack, author, item_id, "approved")
    assert status == 200 and body["approved_version"] == 2
    status, versions = await stack.request("GET", f"/api/items/{item_id}/versions", author)
    assert [(v["version"], v["status"], v["in_service"]) for v in versions["versions"]] == [
        (1, "retired", False),
        (2, "approved", True),
    ]
    status, audit = await stack.request("GET", f"/api/items/{item_id}/audit", author)
    superseded = [e for e in audit["entries"] if e["version"] == 1 and e["to_status"] == "retired"]
    assert superseded and superseded[0]["comment"] == "superseded by version 2"


async def test_retiring_the_version_in_service_while_a_draft_exists(stack):
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    created = await create(stack, author)
    item_id = created["id"]
    await move(stack, author, item_id, "in_review")
    await move(stack, reviewer, item_id, "approved")
    await stack.request("PUT", f"/api/items/{item_id}", author, json=item())
    status, body = await move(stack, reviewer, item_id, "in_review", version=1)
    assert status == 409  # an older version does not move through review
    status, body = await move(stack, reviewer, item_id, "retired", version=1, comment="withdrawn at once")
    assert status == 200, body
    assert body["version"] == 2 and body["status"] == "draft" and body["approved_version"] is None


async def test_diff_between_versions(stack):
    _, token = await stack.new_user("instructor")
    created = await create(stack, token)
    item_id = created["id"]
    changed = item(stem=created["stem"].replace("right femur", "left femur"), key="B", tags=["fractures"])
    changed["options"][3]["text"] = "S72.92XD"
    await stack.request("PUT", f"/api/items/{item_id}", token, json=changed)
    status, body = await stack.request("GET", f"/api/items/{item_id}/diff?from=1&to=2", token)
    assert status == 200, body
    by_field = {c["field"]: c for c in body["changes"]}
    assert set(by_field) == {"stem", "option D", "key", "tags"}
    stem = by_field["stem"]["segments"]
    assert {"op": "delete", "text": "right"} in stem and {"op": "insert", "text": "left"} in stem
    assert by_field["key"]["before"] == "A" and by_field["key"]["after"] == "B"
    status, body = await stack.request("GET", f"/api/items/{item_id}/diff?from=1&to=9", token)
    assert status == 404 and body["errors"][0]["field"] == "to"
    status, body = await stack.request("GET", f"/api/items/{item_id}/diff?from=1", token)
    assert status == 422


async def test_item_text_is_stored_as_given_not_as_markup(stack):
    _, token = await stack.new_user("instructor")
    stem = "<script>alert(1)</script> Which code is reported for <b>this</b> encounter?"
    created = await create(stack, token, stem=stem)
    status, body = await stack.request("GET", f"/api/items/{created['id']}", token)
    assert body["stem"] == stem


async def test_domains(stack):
    _, token = await stack.new_user("instructor")
    status, body = await stack.request("GET", "/api/domains", token)
    assert status == 200 and len(body) == 17
    assert {"code": "ICD", "name": "ICD-10-CM"}.items() <= body[
        [d["code"] for d in body].index("ICD")
    ].items()


async def test_openapi_document_lists_the_item_bank(stack):
    async with stack.session.get(f"{stack.base_url}/openapi/item-bank.json") as resp:
        assert resp.status == 200
        doc = await resp.json()
    for path in (
        "/api/items",
        "/api/items/{item_id}",
        "/api/items/{item_id}/transitions",
        "/api/items/import",
        "/api/items/export",
        "/api/items/{item_id}/diff",
    ):
        assert path in doc["paths"], path
    assert "/internal/feed" not in doc["paths"]  # in the internal document (test_openapi_documents.py)
    assert doc["paths"]["/api/items"]["post"]["x-roles"] == ["admin", "instructor"]
