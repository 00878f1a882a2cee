"""Round trips and interchange: an export carries id, version and status and honours the list's
filters; importing it back updates the same items (new versions) instead of duplicating them;
a dry run writes nothing; Moodle XML and QTI 2.1 packages written the way those platforms write
them come in with area and tags, and ours go out and back."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from item_bank.interchange import moodle_qti as interchange
from shared.db import POOL_KEY

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interchange"


def item(tag: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "GUIDE",
        "stem": f"Per the Official Guidelines, which condition is sequenced first? [{uuid.uuid4().hex[:8]}]",
        "options": [
            {"label": "A", "text": "The reason for the encounter"},
            {"label": "B", "text": "The comorbidity"},
            {"label": "C", "text": "The symptom"},
            {"label": "D", "text": "The external cause"},
        ],
        "key": "A",
        "rationale": "Section IV.G: list first the condition chiefly responsible for the encounter.",
        "tags": [tag],
        "code_set_year": 2025,
        "references": ["ICD-10-CM Official Guidelines IV.G"],
    }
    body.update(overrides)
    return body


async def export(stack, token, **params: str) -> bytes:
    async with stack.session.get(
        f"{stack.base_url}/api/items/export", params=params, headers={"Authorization": f"Bearer {token}"}
    ) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.read()


async def post_import(stack, token, data: bytes, ctype: str, query: str = "") -> tuple[int, Any]:
    return await stack.request(
        "POST", f"/api/items/import{query}", token, data=data, headers={"Content-Type": ctype}
    )


async def count_items(stack) -> int:
    async with stack.apps["item-bank"][POOL_KEY].acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM item_bank.items"))


async def bank(stack, token, tag: str) -> list[dict[str, Any]]:
    status, page = await stack.request("GET", f"/api/items?tag={tag}&limit=200", token)
    assert status == 200, page
    return page["items"]


async def test_export_follows_the_filters_and_carries_id_version_status(stack):
    _, author = await stack.new_user("instructor")
    tag = f"x{uuid.uuid4().hex[:6]}"
    ids = []
    for body in (item(tag), item(tag, domain="COMP"), item(tag, stem=f"Which laterality rule applies? [{tag}]")):
        status, created = await stack.request("POST", "/api/items", author, json=body)
        assert status == 201, created
        ids.append(created["id"])
    lines = [json.loads(line) for line in (await export(stack, author, format="jsonl", tag=tag)).splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(ids)
    assert all(line["version"] == 1 and line["status"] == "draft" for line in lines)
    comp = await export(stack, author, format="jsonl", tag=tag, domain="COMP")
    assert [json.loads(line)["id"] for line in comp.splitlines()] == [ids[1]]
    found = await export(stack, author, format="csv", tag=tag, q="laterality")
    rows = list(csv.DictReader(io.StringIO(found.decode())))
    assert [(r["id"], r["version"], r["status"]) for r in rows] == [(ids[2], "1", "draft")]
    assert await export(stack, author, format="jsonl", tag=tag, q="!!!") == b""


async def test_export_edit_reimport_makes_new_versions_not_new_items(stack):
    _, author = await stack.new_user("instructor")
    tag = f"r{uuid.uuid4().hex[:6]}"
    for _ in range(3):
        status, created = await stack.request("POST", "/api/items", author, json=item(tag))
        assert status == 201, created
    for fmt, ctype in (("jsonl", "application/x-ndjson"), ("csv", "text/csv")):
        exported = await export(stack, author, format=fmt, tag=tag)
        before = await count_items(stack)
        # Exactly as exported: every row unchanged.
        status, report = await post_import(stack, author, exported, ctype)
        assert status == 200, report
        assert (report["created"], report["updated"], report["unchanged"], report["refused"]) == (0, 0, 3, 0)
        # One row edited.
        if fmt == "jsonl":
            lines = [json.loads(line) for line in exported.splitlines()]
            edited_id = lines[0]["id"]
            lines[0]["stem"] = lines[0]["stem"] + f" (revised {fmt})"
            data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        else:
            rows = list(csv.reader(io.StringIO(exported.decode(), newline="")))
            edited_id = rows[1][0]
            rows[1][4] = rows[1][4] + f" (revised {fmt})"
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            data = out.getvalue().encode()
        status, dry = await post_import(stack, author, data, ctype, "?dry_run=true")
        assert status == 200 and dry["dry_run"] is True
        assert (dry["created"], dry["updated"], dry["unchanged"], dry["refused"]) == (0, 1, 2, 0)
        status, current = await stack.request("GET", f"/api/items/{edited_id}", author)
        assert not current["stem"].endswith(f"(revised {fmt})")  # the dry run wrote nothing
        status, report = await post_import(stack, author, data, ctype)
        assert (report["created"], report["updated"], report["unchanged"], report["refused"]) == (0, 1, 2, 0)
        updated = next(r for r in report["rows"] if r["status"] == "updated")
        assert updated["id"] == edited_id
        status, current = await stack.request("GET", f"/api/items/{edited_id}", author)
        assert current["stem"].endswith(f"(revised {fmt})") and current["version"] == updated["version"]
        assert current["references"] == ["ICD-10-CM Official Guidelines IV.G"]
        status, audit = await stack.request("GET", f"/api/items/{edited_id}/audit", author)
        assert audit["entries"][-1]["action"] == "imported"
        assert await count_items(stack) == before  # no duplicates


async def test_stale_rows_and_items_in_review_are_refused(stack):
    _, author = await stack.new_user("instructor")
    tag = f"s{uuid.uuid4().hex[:6]}"
    ids = []
    for _ in range(2):
        status, created = await stack.request("POST", "/api/items", author, json=item(tag))
        ids.append(created["id"])
    exported = [json.loads(line) for line in (await export(stack, author, format="jsonl", tag=tag)).splitlines()]
    by_id = {line["id"]: line for line in exported}
    # Someone edits the first item after the export; the second goes to review.
    edit = item(tag, stem=by_id[ids[0]]["stem"] + " v2")
    status, _ = await stack.request("PUT", f"/api/items/{ids[0]}", author, json=edit)
    await stack.request("POST", f"/api/items/{ids[1]}/transitions", author, json={"to": "in_review"})
    for line in exported:
        line["rationale"] += " More detail."
    status, report = await post_import(
        stack, author, b"".join(json.dumps(line).encode() + b"\n" for line in exported), "application/x-ndjson"
    )
    assert status == 200, report
    refused = {r["id"]: r["errors"][0] for r in report["rows"]}
    assert refused[ids[0]]["field"] == "version" and "now at version 2" in refused[ids[0]]["message"]
    assert refused[ids[1]]["field"] == "id" and "in review" in refused[ids[1]]["message"]
    status, report = await post_import(
        stack, author, json.dumps(exported[0]).encode() + b"\n" + json.dumps(exported[0]).encode() + b"\n",
        "application/x-ndjson", "?dry_run=true",
    )
    assert report["rows"][1]["status"] == "refused" and "row 1" in report["rows"][1]["errors"][0]["message"]


async def test_an_id_this_bank_does_not_hold_creates_that_item(stack):
    _, author = await stack.new_user("instructor")
    tag = f"n{uuid.uuid4().hex[:6]}"
    new_id = str(uuid.uuid4())
    line = {**item(tag), "id": new_id, "version": 4, "status": "approved"}
    status, report = await post_import(stack, author, json.dumps(line).encode() + b"\n", "application/x-ndjson")
    (row,) = report["rows"]
    assert (row["row"], row["status"], row["id"], row["version"]) == (1, "created", new_id, 1)
    status, stored = await stack.request("GET", f"/api/items/{new_id}", author)
    assert stored["status"] == "draft" and stored["version"] == 1  # imports arrive as drafts


async def test_templates_import_as_they_are(stack):
    _, author = await stack.new_user("instructor")
    for fmt, ctype in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
        async with stack.session.get(
            f"{stack.base_url}/api/items/import/template?format={fmt}",
            headers={"Authorization": f"Bearer {author}"},
        ) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith(ctype)
            assert "mockcert-items-template" in resp.headers["Content-Disposition"]
            data = await resp.read()
        status, report = await post_import(stack, author, data, ctype, "?dry_run=true")
        assert status == 200 and report["created"] == 1 and report["refused"] == 0, report
    status, problem = await stack.request("GET", "/api/items/import/template?format=xlsx", author)
    assert status == 422 and problem["errors"][0]["field"] == "format"


async def test_moodle_file_as_moodle_writes_it_imports_with_area_and_tags_and_goes_back_out(stack):
    _, author = await stack.new_user("instructor")
    data = (FIXTURES / "moodle_multichoice.xml").read_bytes()
    before = await count_items(stack)
    status, dry = await post_import(stack, author, data, "application/xml", "?dry_run=true")
    assert status == 200 and dry["created"] == 2 and dry["refused"] == 4, dry
    assert await count_items(stack) == before
    status, report = await post_import(stack, author, data, "application/xml")
    assert status == 200 and report["created"] == 2 and report["refused"] == 4, report
    rows = {r["source"]: r for r in report["rows"]}
    assert "img in the text (left out)" in rows["Type 2 diabetes without complications"]["not_carried"]
    assert rows["Five answers"]["errors"][0]["field"] == "options"
    assert rows["True or false"]["errors"][0]["field"] == "type"
    diabetes_id = rows["Type 2 diabetes without complications"]["id"]
    status, diabetes = await stack.request("GET", f"/api/items/{diabetes_id}", author)
    assert diabetes["domain"] == "ICD" and diabetes["tags"] == ["diabetes", "endocrine"] and diabetes["key"] == "A"
    assert diabetes["status"] == "draft"
    status, drug = await stack.request("GET", f"/api/items/{rows['Ceftriaxone injection']['id']}", author)
    assert drug["domain"] == "HCPCS" and drug["tags"] == ["drugs"]
    assert await count_items(stack) == before + 2

    # Out as Moodle XML (filtered to these two) and back: the same items, unchanged.
    out = await export(stack, author, format="moodle", tag="diabetes", domain="ICD")
    assert b"$course$/top/ICD-10-CM" in out and str(diabetes["id"]).encode() in out
    status, again = await post_import(stack, author, out, "text/plain", "?format=moodle")
    assert status == 200, again
    assert again["created"] == 0 and again["unchanged"] >= 1 and again["refused"] == 0, again
    assert await count_items(stack) == before + 2
    edited = out.replace(b"is seen for a routine follow-up.", b"is seen for a routine follow-up visit.")
    status, again = await post_import(stack, author, edited, "application/xml")
    changed = [r for r in again["rows"] if r["status"] == "updated"]
    assert [r["id"] for r in changed] == [diabetes["id"]] and changed[0]["version"] == 2
    status, current = await stack.request("GET", f"/api/items/{diabetes['id']}", author)
    assert current["references"] == diabetes["references"] and current["code_set_year"] == diabetes["code_set_year"]


def qti_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


async def test_qti_package_as_the_ims_examples_write_it_imports_and_goes_back_out(stack):
    _, author = await stack.new_user("instructor")
    before = await count_items(stack)
    status, report = await post_import(stack, author, qti_zip(FIXTURES / "qti_choice"), "application/zip")
    assert status == 200 and report["created"] == 1 and report["refused"] == 1, report
    refused, created = report["rows"]
    assert refused["source"] == "choice" and {e["field"] for e in refused["errors"]} == {"options", "domain"}
    status, fracture = await stack.request("GET", f"/api/items/{created['id']}", author)
    assert fracture["domain"] == "ICD" and fracture["tags"] == ["fractures", "seventh character"]
    assert fracture["key"] == "B" and fracture["options"][1]["text"] == "S52.324A"
    status, page = await stack.request("GET", "/api/items?q=S52.324", author)
    assert created["id"] in [i["id"] for i in page["items"]]  # its codes are searchable

    async with stack.session.get(
        f"{stack.base_url}/api/items/export", params={"format": "qti", "tag": "fractures"},
        headers={"Authorization": f"Bearer {author}"},
    ) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/zip"
        package = await resp.read()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert "imsmanifest.xml" in archive.namelist()
        assert f"items/{created['id']}.xml" in archive.namelist()
    status, again = await post_import(stack, author, package, "application/zip")
    assert status == 200 and again["created"] == 0 and again["refused"] == 0 and again["unchanged"] >= 1, again
    assert await count_items(stack) == before + 1


async def test_hostile_xml_and_packages_are_refused_and_nothing_is_written(stack, monkeypatch):
    _, author = await stack.new_user("instructor")
    before = await count_items(stack)
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<quiz><question type="multichoice"><name><text>&lol2;</text></name></question></quiz>"""
    external = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz><question type="multichoice">
<questiontext><text>&x;</text></questiontext></question></quiz>"""
    for data in (laughs, external):
        status, problem = await post_import(stack, author, data, "application/xml")
        assert status == 422 and problem["errors"][0]["field"] == "body", problem
    monkeypatch.setattr(interchange, "MAX_UNCOMPRESSED", 50_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", b"<manifest/>")
        archive.writestr("bomb.bin", b"\0" * 1_000_000)
    status, problem = await post_import(stack, author, buffer.getvalue(), "application/zip")
    assert status == 422 and "unpacks to" in problem["errors"][0]["message"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.xml", b"<x/>")
    status, problem = await post_import(stack, author, buffer.getvalue(), "application/zip")
    assert status == 422 and "outside" in problem["errors"][0]["message"]
    status, problem = await post_import(stack, author, b"<quiz/>", "application/xml", "?domain=NOPE")
    assert status == 422 and problem["errors"][0]["field"] == "domain"
    assert await count_items(stack) == before


async def test_cli_import_of_an_export_says_unchanged_and_updated(stack, tmp_path, capsys):
    import asyncio

    from tests.integration.test_item_bank_transfer import make_instructor, run_cli

    username, password = await make_instructor(stack)
    token = await stack.login(username, password)
    tag = f"c{uuid.uuid4().hex[:6]}"
    for _ in range(2):
        status, created = await stack.request("POST", "/api/items", token, json=item(tag))
        assert status == 201, created
    lines = [json.loads(line) for line in (await export(stack, token, format="jsonl", tag=tag)).splitlines()]
    lines[0]["rationale"] += " Also see Section I.B."
    path = tmp_path / "edited.jsonl"
    path.write_bytes(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    argv = ["items", "import", str(path), "--url", stack.base_url, "--username", username, "--password", password,
            "--quiet"]
    code = await asyncio.get_running_loop().run_in_executor(None, run_cli, argv)
    out, _ = capsys.readouterr()
    assert code == 0 and "0 created, 1 updated, 1 unchanged, 0 refused" in out


async def test_a_question_without_feedback_comes_in_but_not_to_review_until_it_has_a_rationale(stack):
    import re

    _, author = await stack.new_user("instructor")
    data = (FIXTURES / "qti_choice" / "choice_laterality.xml").read_bytes()
    data = re.sub(rb"<modalFeedback.*</modalFeedback>", b"", data, flags=re.S)
    status, report = await post_import(stack, author, data, "application/xml", "?domain=ICD")
    assert status == 200 and report["created"] == 1, report
    (row,) = report["rows"]
    assert "no feedback: a placeholder rationale was written" in row["not_carried"]
    status, problem = await stack.request(
        "POST", f"/api/items/{row['id']}/transitions", author, json={"to": "in_review"}
    )
    assert status == 422 and problem["errors"][0]["field"] == "rationale", problem
    status, current = await stack.request("GET", f"/api/items/{row['id']}", author)
    body = {k: current[k] for k in ("domain", "stem", "options", "key", "tags", "code_set_year", "references")}
    body["rationale"] = "S52.324A: nondisplaced transverse shaft fracture of the right radius, initial encounter."
    status, _ = await stack.request("PUT", f"/api/items/{row['id']}", author, json=body)
    assert status == 200
    status, moved = await stack.request("POST", f"/api/items/{row['id']}/transitions", author, json={"to": "in_review"})
    assert status == 200 and moved["status"] == "in_review", moved
