"""Import and export: JSON lines and CSV with a per-row report, bad rows never
stopping good ones nor half-writing, and an export that round-trips into an
empty bank; the `mockcert items import` command on top."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import secrets
import uuid
from typing import Any

import pytest

from mockcert import cli_items
from shared.auth import issue_user_token
from shared.db import POOL_KEY
from tests.conftest import create_database
from tests.support import start_stack

CONTENT = ("domain", "stem", "options", "key", "rationale", "tags", "code_set_year", "references")


def item(**overrides: Any) -> dict[str, Any]:
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
        "rationale": "Section IV.G: list first the condition chiefly responsible for the encounter; "
        "the others "
        "are coded as additional diagnoses.",
        "tags": ["sequencing"],
        "code_set_year": 2025,
        "references": ["ICD-10-CM Official Guidelines IV.G"],
    }
    body.update(overrides)
    return body


def jsonl(*rows: Any) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in rows)


async def post_import(stack, token, data: bytes, ctype: str, query: str = "") -> tuple[int, Any]:
    return await stack.request(
        "POST", f"/api/items/import{query}", token, data=data, headers={"Content-Type": ctype}
    )


async def count_items(stack) -> int:
    async with stack.apps["item-bank"][POOL_KEY].acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM item_bank.items"))


async def test_jsonl_import_mixing_good_and_bad_rows(stack):
    _, token = await stack.new_user("instructor")
    good = [item(), item(domain="COMP"), item(tags=["a", "b"], references=[])]
    data = jsonl(
        good[0],
        b"{not json",
        item(domain="NOPE"),
        good[1],
        item(
            options=[
                {"label": "A", "text": "x"},
                {"label": "B", "text": "x"},
                {"label": "C", "text": "y"},
                {"label": "D", "text": "z"},
            ]
        ),
        b"",  # a blank line is skipped, not a row
        item(colour="red"),
        good[2],
        b"[1, 2, 3]",
    )
    before = await count_items(stack)
    status, report = await post_import(stack, token, data, "application/x-ndjson")
    assert status == 200, report
    assert report["created"] == 3 and report["refused"] == 5
    by_row = {r["row"]: r for r in report["rows"]}
    assert [r["row"] for r in report["rows"]] == [1, 2, 3, 4, 5, 7, 8, 9]
    assert {n for n, r in by_row.items() if r["status"] == "created"} == {1, 4, 8}
    assert by_row[3]["errors"][0]["field"] == "domain"
    assert by_row[5]["errors"][0]["field"] == "options[1].text"
    assert by_row[7]["errors"][0]["field"] == "colour"
    assert all(r["errors"] for r in report["rows"] if r["status"] == "refused")
    assert await count_items(stack) == before + 3  # exactly the good ones, nothing half-written
    for row, expected in zip((by_row[1], by_row[4], by_row[8]), good, strict=True):
        status, stored = await stack.request("GET", f"/api/items/{row['id']}", token)
        assert status == 200 and stored["status"] == "draft" and stored["version"] == 1
        assert stored["stem"] == expected["stem"] and stored["domain"] == expected["domain"]
        status, audit = await stack.request("GET", f"/api/items/{row['id']}/audit", token)
        assert [e["action"] for e in audit["entries"]] == ["imported"]


async def test_nul_in_any_text_field_refuses_the_row_by_name(stack):
    """PostgreSQL text cannot hold U+0000: the row is refused naming the field, as a JSON body would be."""
    _, token = await stack.new_user("instructor")
    nul_option = item()
    nul_option["options"][3]["text"] = "The external\u0000 cause"
    data = jsonl(
        item(),
        item(stem="Which condition\u0000 is sequenced first per the guidelines?"),
        nul_option,
        item(rationale="Section IV.G\u0000: the reason for the encounter comes first."),
        item(tags=["sequencing", "nul\u0000tag"]),
        item(references=["ICD-10-CM Official Guidelines\u0000 IV.G"]),
        item(),
    )
    before = await count_items(stack)
    status, report = await post_import(stack, token, data, "application/x-ndjson")
    assert status == 200, report
    assert report["created"] == 2 and report["refused"] == 5
    refused = {r["row"]: r["errors"] for r in report["rows"] if r["status"] == "refused"}
    assert {row: [e["field"] for e in errors] for row, errors in refused.items()} == {
        2: ["stem"],
        3: ["options[3].text"],
        4: ["rationale"],
        5: ["tags[1]"],
        6: ["references[0]"],
    }
    assert all("NUL" in errors[0]["message"] for errors in refused.values())
    assert await count_items(stack) == before + 2

    row = csv_row(item(references=["Guideline\x00 I.A"]))
    status, report = await post_import(stack, token, csv_bytes([csv_row(item()), row]), "text/csv")
    assert status == 200, report
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(1, "created"), (2, "refused")]
    assert report["rows"][1]["errors"][0]["field"] == "references[0]"


async def test_a_row_the_database_refuses_is_retried_alone_and_leaves_nothing(pg_server_url, monkeypatch):
    """A chunk that fails in the database is retried row by row: the good rows of that chunk
    are created, the refused row leaves no item, version nor audit record."""
    from item_bank.interchange import service

    monkeypatch.setattr(service, "IMPORT_CHUNK", 3)  # rows 1-3, 4-6 (holding the bad one), 7
    url = await create_database(pg_server_url)
    async with start_stack(url, services=("item-bank",)) as own:
        pool = own.apps["item-bank"][POOL_KEY]
        # A rule only the database knows, as a future constraint or trigger would be.
        async with pool.acquire() as conn:
            await conn.execute(
                "ALTER TABLE item_bank.item_versions ADD CONSTRAINT test_refuses_marked_stems"
                " CHECK (stem NOT LIKE '%[refused by the database]%')"
            )
        token, _ = issue_user_token(own.settings["item-bank"], str(uuid.uuid4()), "instructor", "importer")
        rows = [item() for _ in range(7)]
        rows[4] = item(stem="Which condition is sequenced first? [refused by the database]")
        status, report = await post_import(own, token, jsonl(*rows), "application/x-ndjson")
        assert status == 200, report
        assert [(r["row"], r["status"]) for r in report["rows"]] == [
            (1, "created"),
            (2, "created"),
            (3, "created"),
            (4, "created"),
            (5, "refused"),
            (6, "created"),
            (7, "created"),
        ]
        assert report["created"] == 6 and report["refused"] == 1
        assert report["rows"][4]["errors"] == [{"field": "row", "message": "the database refused this row"}]
        created = {uuid.UUID(r["id"]) for r in report["rows"] if r["status"] == "created"}
        async with pool.acquire() as conn:
            items = {r["id"] for r in await conn.fetch("SELECT id FROM item_bank.items")}
            versions = await conn.fetch("SELECT item_id, version, stem FROM item_bank.item_versions")
            audit = await conn.fetch("SELECT item_id, action FROM item_bank.audit")
        assert items == created
        assert sorted(r["stem"] for r in versions) == sorted(rows[i]["stem"] for i in (0, 1, 2, 3, 5, 6))
        assert {r["item_id"] for r in versions} == created and all(r["version"] == 1 for r in versions)
        assert sorted(r["item_id"] for r in audit) == sorted(created)
        assert {r["action"] for r in audit} == {"imported"}


def csv_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        header
        or [
            "domain",
            "stem",
            "option_a",
            "option_b",
            "option_c",
            "option_d",
            "key",
            "rationale",
            "tags",
            "code_set_year",
            "references",
        ]
    )
    writer.writerows(rows)
    return out.getvalue().encode()


def csv_row(body: dict[str, Any]) -> list[Any]:
    opts = [o["text"] for o in body["options"]]
    return [
        body["domain"],
        body["stem"],
        *opts,
        body["key"],
        body["rationale"],
        ";".join(body["tags"]),
        body["code_set_year"],
        json.dumps(body["references"]),
    ]


async def test_csv_import_mixing_good_and_bad_rows(stack):
    _, token = await stack.new_user("instructor")
    multiline = item(stem='A stem, with a comma,\nand a second line: "quoted" text here.')
    rows = [
        csv_row(item()),
        csv_row(item(key="E")),
        ["ICD", "too few cells"],
        csv_row(multiline),
        [*csv_row(item())[:9], "twenty", "[]"],
        [*csv_row(item())[:10], "Guideline I.A; Guideline I.B"],  # a ;-separated reference list is accepted
        [*csv_row(item())[:10], "[not json"],
    ]
    before = await count_items(stack)
    status, report = await post_import(stack, token, csv_bytes(rows), "text/csv")
    assert status == 200, report
    assert [(r["row"], r["status"]) for r in report["rows"]] == [
        (1, "created"),
        (2, "refused"),
        (3, "refused"),
        (4, "created"),
        (5, "refused"),
        (6, "created"),
        (7, "refused"),
    ]
    errors = {r["row"]: r["errors"][0]["field"] for r in report["rows"] if r["status"] == "refused"}
    assert errors == {2: "key", 3: "row", 5: "code_set_year", 7: "references"}
    assert await count_items(stack) == before + 3
    status, stored = await stack.request("GET", f"/api/items/{report['rows'][3]['id']}", token)
    assert stored["stem"] == multiline["stem"]
    status, stored = await stack.request("GET", f"/api/items/{report['rows'][5]['id']}", token)
    assert stored["references"] == ["Guideline I.A", "Guideline I.B"]


async def test_file_level_problems(stack):
    _, token = await stack.new_user("instructor")
    status, body = await post_import(
        stack, token, csv_bytes([], header=["domain", "stem", "colour"]), "text/csv"
    )
    assert status == 422
    fields = {e["field"] for e in body["errors"]}
    assert {"option_a", "key", "rationale", "colour"} <= fields
    status, body = await post_import(stack, token, jsonl(item()), "text/plain")
    assert status == 415
    status, body = await post_import(stack, token, jsonl(item()), "text/plain", "?format=jsonl")
    assert status == 200 and body["created"] == 1
    status, body = await post_import(stack, token, b"\xff\xfe not utf-8", "text/csv")
    assert status == 422 and body["errors"][0]["field"] == "body"
    status, body = await post_import(stack, token, b"", "text/csv")
    assert status == 200 and body == {
        "created": 0, "refused": 0, "rows": [], "updated": 0, "unchanged": 0, "dry_run": False
    }


async def test_import_body_limit(pg_server_url):
    url = await create_database(pg_server_url)
    async with start_stack(url, services=("item-bank",), max_import_bytes=4096) as small:
        token, _ = issue_user_token(small.settings["item-bank"], str(uuid.uuid4()), "instructor", "limits")
        data = jsonl(*(item() for _ in range(20)))
        assert len(data) > 4096
        async with small.session.post(
            f"{small.urls['item-bank']}/api/items/import",
            data=data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"},
        ) as resp:
            assert resp.status == 413
        async with small.session.post(
            f"{small.urls['item-bank']}/api/items/import",
            data=jsonl(item()),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"},
        ) as resp:
            assert resp.status == 200


def content(entry: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(json.dumps(entry[k], sort_keys=True) for k in CONTENT)


async def export(stack, token, fmt: str, **params: str) -> tuple[str, bytes]:
    async with stack.session.get(
        f"{stack.base_url}/api/items/export",
        params={"format": fmt, **params},
        headers={"Authorization": f"Bearer {token}"},
    ) as resp:
        assert resp.status == 200, await resp.text()
        assert f"mockcert-items.{fmt}" in resp.headers["Content-Disposition"]
        return resp.headers["Content-Type"], await resp.read()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
async def test_export_then_import_into_an_empty_bank_gives_the_same_items(pg_server_url, fmt):
    tricky = [
        item(),
        item(
            stem="Quotes \"double\" and 'single', commas, semicolons; and a\nnew line — with ünïcödé.",
            references=["Ref; with a semicolon", "Second, with comma"],
            tags=["multi word", "x/y"],
        ),
        item(domain="TERM", tags=[], references=[], code_set_year=2022),
        item(
            options=[
                {"label": "A", "text": "-itis"},
                {"label": "B", "text": "=SUM(A1)"},
                {"label": "C", "text": "+ectomy"},
                {"label": "D", "text": "@algia"},
            ]
        ),
        item(
            stem='=HYPERLINK("https://evil.example","Which code?") reports a standard cane in this case?',
            options=[
                {"label": "A", "text": "'=already quoted"},
                {"label": "B", "text": "''+twice quoted"},
                {"label": "C", "text": "'plain quote"},
                {"label": "D", "text": "-2+3+cmd|' /C calc'!A0"},
            ],
            rationale="@SUM(A1) is not a rationale, but it must come back exactly as written here.",
        ),
    ]
    source_url, target_url = await create_database(pg_server_url), await create_database(pg_server_url)
    async with start_stack(source_url, services=("item-bank",)) as source:
        token, _ = issue_user_token(source.settings["item-bank"], str(uuid.uuid4()), "instructor", "exporter")
        for body in tricky:
            status, created = await source.request("POST", "/api/items", token, json=body)
            assert status == 201, created
        ctype, exported = await export(source, token, fmt)
        assert ctype.split(";")[0] == ("text/csv" if fmt == "csv" else "application/x-ndjson")
        status, original = await source.request("GET", "/api/items?limit=200", token)
    async with start_stack(target_url, services=("item-bank",)) as target:
        token, _ = issue_user_token(target.settings["item-bank"], str(uuid.uuid4()), "instructor", "importer")
        status, report = await post_import(target, token, exported, ctype)
        assert status == 200 and report["created"] == len(tricky) and report["refused"] == 0, report
        status, copied = await target.request("GET", "/api/items?limit=200", token)
        _, exported_again = await export(target, token, fmt)
    assert sorted(map(content, original["items"])) == sorted(map(content, copied["items"]))
    if fmt == "jsonl":
        assert sorted(exported.splitlines()) == sorted(exported_again.splitlines())
    else:
        cells = [c for r in csv.reader(io.StringIO(exported.decode(), newline="")) for c in r]
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
        assert exported.splitlines()[0] == exported_again.splitlines()[0]
        assert sorted(csv.reader(io.StringIO(exported.decode()))) == sorted(
            csv.reader(io.StringIO(exported_again.decode()))
        )


async def test_export_filters_by_status_and_streams_csv_header(stack):
    _, token = await stack.new_user("admin")
    _, author = await stack.new_user("instructor")
    _, reviewer = await stack.new_user("instructor")
    status, draft = await stack.request("POST", "/api/items", author, json=item())
    assert status == 201, draft
    status, approved = await stack.request("POST", "/api/items", author, json=item(domain="COMP"))
    assert status == 201, approved
    for who, to in ((author, "in_review"), (reviewer, "approved")):
        status, moved = await stack.request(
            "POST", f"/api/items/{approved['id']}/transitions", who, json={"to": to}
        )
        assert status == 200, moved

    async with stack.apps["item-bank"][POOL_KEY].acquire() as conn:
        approved_stems = {
            r["stem"]
            for r in await conn.fetch(
                "SELECT stem FROM item_bank.item_versions WHERE is_latest AND status = 'approved'"
            )
        }
    _, only_approved = await export(stack, token, "jsonl", status="approved")
    stems = [json.loads(line)["stem"] for line in only_approved.splitlines()]
    assert approved["stem"] in stems and draft["stem"] not in stems
    assert sorted(stems) == sorted(approved_stems)  # every approved item, and nothing else
    _, only_drafts = await export(stack, token, "jsonl", status="draft")
    stems = [json.loads(line)["stem"] for line in only_drafts.splitlines()]
    assert draft["stem"] in stems and approved["stem"] not in stems
    _, everything = await export(stack, token, "jsonl")
    stems = [json.loads(line)["stem"] for line in everything.splitlines()]
    assert {draft["stem"], approved["stem"]} <= set(stems)

    _, csv_data = await export(stack, token, "csv", status="approved")
    header = csv_data.splitlines()[0].decode()
    assert (
        header
        == "id,version,status,domain,stem,option_a,option_b,option_c,option_d,key,rationale,tags,code_set_year,"
        "references"
    )
    csv_stems = [row["stem"] for row in csv.DictReader(io.StringIO(csv_data.decode()))]
    assert sorted(csv_stems) == sorted(approved_stems)
    status, body = await stack.request("GET", "/api/items/export?status=published", token)
    assert status == 422 and body["errors"][0]["field"] == "status"
    status, body = await stack.request("GET", "/api/items/export?format=xml", token)
    assert status == 422 and body["errors"][0]["field"] == "format"


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mockcert")
    cli_items.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


async def make_instructor(stack) -> tuple[str, str]:
    username, password = f"cli-{uuid.uuid4().hex[:8]}", "pw" + secrets.token_urlsafe(12)
    status, body = await stack.request(
        "POST",
        "/api/users",
        await stack.admin_token(),
        json={"username": username, "password": password, "role": "instructor", "display_name": username},
    )
    assert status == 201, body
    return username, password


async def test_cli_imports_in_chunks_with_progress_and_file_row_numbers(stack, tmp_path, capsys):
    username, password = await make_instructor(stack)
    rows = [item() for _ in range(11)]
    rows[6] = item(domain="NOPE")
    path = tmp_path / "items.jsonl"
    path.write_bytes(jsonl(*rows[:3]) + b"\n" + jsonl(*rows[3:]))  # a blank line after row 3
    report_path = tmp_path / "report.json"
    argv = [
        "items",
        "import",
        str(path),
        "--url",
        stack.base_url,
        "--username",
        username,
        "--password",
        password,
        "--chunk-rows",
        "4",
        "--report",
        str(report_path),
    ]
    before = await count_items(stack)
    code = await asyncio.get_running_loop().run_in_executor(None, run_cli, argv)
    out, err = capsys.readouterr()
    assert code == 1  # one row refused
    assert "10 created, 1 refused" in out
    assert "row 8: domain:" in out  # numbered as in the file (line 8: the blank line counts)
    assert "importing [" in err and "11/11 rows" in err
    report = json.loads(report_path.read_text())
    assert report["created"] == 10 and [r["row"] for r in report["rows"]] == [
        1,
        2,
        3,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
    ]
    assert await count_items(stack) == before + 10

    csv_path = tmp_path / "items.csv"
    csv_path.write_bytes(csv_bytes([csv_row(item()) for _ in range(5)]))
    code = await asyncio.get_running_loop().run_in_executor(
        None,
        run_cli,
        [
            "items",
            "import",
            str(csv_path),
            "--url",
            stack.base_url,
            "--username",
            username,
            "--password",
            password,
            "--chunk-rows",
            "2",
            "--quiet",
        ],
    )
    out, err = capsys.readouterr()
    assert code == 0 and "5 created, 0 refused" in out and err == ""

    code = await asyncio.get_running_loop().run_in_executor(
        None,
        run_cli,
        [
            "items",
            "import",
            str(csv_path),
            "--url",
            stack.base_url,
            "--username",
            username,
            "--password",
            "wrong-password",
            "--quiet",
        ],
    )
    out, err = capsys.readouterr()
    assert code == 2 and "login refused" in err
