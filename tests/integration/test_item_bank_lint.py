"""The item linter where instructors meet it: the import's row report, the editor's lint endpoint and
the refusal to submit a draft with lint errors for review, on a real PostgreSQL through the entry."""

from __future__ import annotations

import json
import uuid
from typing import Any


def item(options: list[str], **overrides: Any) -> dict[str, Any]:
    marker = uuid.uuid4().hex[:8]
    body: dict[str, Any] = {
        "domain": "ICD",
        "stem": f"A 58-year-old woman returns for her diabetes check; her sugars stay in range with diet and "
        f"exercise alone and there are no eye, kidney or nerve problems ({marker}). Which ICD-10-CM code is "
        "reported?",
        "options": [{"label": lab, "text": text} for lab, text in zip("ABCD", options, strict=True)],
        "key": "A",
        "rationale": "E11.9: type 2 without complications. E11.8 needs a stated complication; E10.9 is type 1; "
        "E11.65 needs documented hyperglycemia.",
        "tags": ["diabetes"],
        "code_set_year": 2026,
        "references": ["ICD-10-CM Tabular, E11"],
    }
    body.update(overrides)
    return body


GOOD = ["E11.9", "E11.8", "E10.9", "E11.65"]
INVALID = ["E11.9", "E11.8", "E10.9", "E11.99"]  # E11.99 is no code


async def test_import_row_report_carries_lint_errors_and_warnings(stack):
    _, token = await stack.new_user("instructor")
    quoting = item(GOOD, stem=f"Diagnosis: type 2 diabetes mellitus without complications "
                              f"({uuid.uuid4().hex[:8]}). Which ICD-10-CM code is reported?")
    data = b"".join(json.dumps(r).encode() + b"\n" for r in (item(GOOD), item(INVALID), quoting))
    status, report = await stack.request(
        "POST", "/api/items/import", token, data=data, headers={"Content-Type": "application/x-ndjson"}
    )
    assert status == 200, report
    assert (report["created"], report["refused"]) == (2, 1)
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[1]["status"] == "created" and "warnings" not in rows[1]
    assert rows[2]["status"] == "refused"
    assert rows[2]["errors"] == [{"field": "options[3].text", "message": "E11.99 is an unknown ICD-10-CM code"}]
    assert rows[3]["status"] == "created"
    assert [w["field"] for w in rows[3]["warnings"]] == ["stem"]
    assert "E11.9" in rows[3]["warnings"][0]["message"]


async def test_lint_endpoint_names_the_field_and_stores_nothing(stack):
    _, token = await stack.new_user("instructor")
    status, body = await stack.request("POST", "/api/items/lint", token, json=item(INVALID))
    assert status == 200, body
    assert body["errors"] == 1 and body["findings"][0]["field"] == "options[3].text"
    assert body["findings"][0]["level"] == "error" and body["findings"][0]["rule"] == "icd-valid"
    status, body = await stack.request("POST", "/api/items/lint", token, json=item(GOOD))
    assert status == 200 and body == {"errors": 0, "warnings": 0, "findings": []}
    # An unfinished draft is linted as it is; a malformed body is a 4xx naming the field.
    status, body = await stack.request("POST", "/api/items/lint", token, json=item(["", "", "", ""], key=""))
    assert status == 200 and any(f["field"] == "key" for f in body["findings"])
    status, body = await stack.request("POST", "/api/items/lint", token, json={**item(GOOD), "key": 7})
    assert status == 422 and body["errors"][0]["field"] == "key"
    _, candidate = await stack.new_user("candidate")
    status, _ = await stack.request("POST", "/api/items/lint", candidate, json=item(GOOD))
    assert status == 403


async def test_a_draft_with_lint_errors_is_not_submitted_for_review(stack):
    _, token = await stack.new_user("instructor")
    status, created = await stack.request("POST", "/api/items", token, json=item(INVALID))
    assert status == 201, created  # a draft may be saved unfinished
    path = f"/api/items/{created['id']}/transitions"
    status, body = await stack.request("POST", path, token, json={"to": "in_review"})
    assert status == 422, body
    assert body["errors"] == [{"field": "options[3].text", "message": "E11.99 is an unknown ICD-10-CM code"}]
    status, body = await stack.request("GET", f"/api/items/{created['id']}", token)
    assert body["status"] == "draft"
    status, body = await stack.request(
        "PUT", f"/api/items/{created['id']}", token, json=item(GOOD, base_version=1)
    )
    assert status == 200, body
    status, body = await stack.request("POST", path, token, json={"to": "in_review"})
    assert status == 200 and body["status"] == "in_review", body
