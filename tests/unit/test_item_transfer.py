"""Import parsing and export formatting, without a database."""

from __future__ import annotations

import csv
import io
import json

import msgspec
import pytest

from item_bank.interchange.schemas import ExportRow
from item_bank.interchange.transfer import FileProblem, csv_header, csv_lines, jsonl_lines, parse_csv, parse_jsonl
from mockcert.cli_items import csv_chunks, jsonl_chunks

ITEM = {
    "domain": "HCPCS",
    "stem": "Which code reports a standard cane, adjustable or fixed?",
    "options": [
        {"label": "A", "text": "E0100"},
        {"label": "B", "text": "E0105"},
        {"label": "C", "text": "E0110"},
        {"label": "D", "text": "E0130"},
    ],
    "key": "A",
    "rationale": "E0100 is a cane; E0105 a quad cane, E0110 crutches and E0130 a walker.",
    "tags": ["dme", "canes"],
    "code_set_year": 2025,
    "references": ["HCPCS Level II, E codes; DME", "Second"],
}


ITEM_ID = "6c1f5a52-3d0e-4f7b-9a51-0b8a2e1d9c47"


def record(item=ITEM):
    """An item as the exports write it."""
    return msgspec.convert({**item, "id": ITEM_ID, "version": 2, "status": "approved"}, ExportRow)


def test_jsonl_rows_are_numbered_by_line():
    data = (json.dumps(ITEM) + "\n\n" + "{broken\n" + json.dumps({**ITEM, "domain": "X"}) + "\n").encode()
    rows = parse_jsonl(b"\xef\xbb\xbf" + data, 2026)
    assert [(r.row, r.content is not None) for r in rows] == [(1, True), (3, False), (4, False)]
    assert rows[1].errors[0].field == "body"
    assert rows[2].errors[0].field == "domain"


def test_export_then_parse_is_identity_in_both_formats():
    jsonl = b"".join(jsonl_lines([record()]))
    (row,) = parse_jsonl(jsonl, 2026)
    assert row.content is not None and row.content.references == tuple(ITEM["references"])
    assert str(row.item_id) == ITEM_ID and row.base_version == 2  # which item, from which version
    data = csv_header() + b"".join(csv_lines([record()]))
    (row2,) = parse_csv(data, 2026)
    assert row2.content == row.content
    assert str(row2.item_id) == ITEM_ID and row2.base_version == 2 and row2.keep == ()


def test_ids_and_versions_that_are_not_refuse_the_row():
    rows = parse_jsonl(
        (json.dumps({**ITEM, "id": "not-a-uuid"}) + "\n" + json.dumps({**ITEM, "version": 0}) + "\n").encode(), 2026
    )
    assert [e.field for e in rows[0].errors] == ["id"]
    assert [e.field for e in rows[1].errors] == ["version"]
    data = csv_header() + b"".join(csv_lines([record()]))
    data = data.replace(ITEM_ID.encode(), b"nope").replace(b",2,approved,", b",two,published,")
    (row,) = parse_csv(data, 2026)
    assert {e.field for e in row.errors} == {"id", "version", "status"}


def test_csv_header_problems_are_file_level():
    with pytest.raises(FileProblem) as exc:
        parse_csv(b"domain,stem,stem\n", 2026)
    fields = [e.field for e in exc.value.errors]
    assert "option_a" in fields and "header" in fields


def test_csv_optional_columns_may_be_left_out():
    data = (
        b"domain,stem,option_a,option_b,option_c,option_d,key,rationale\n"
        b"TERM,Which suffix means inflammation of a joint here?,-itis,-ectomy,-otomy,-algia,a,"
        b"-itis is inflammation; the others are excision incision and pain.\n"
    )
    (row,) = parse_csv(data, 2026)
    assert row.errors == [] and row.content.key == "A" and row.content.tags == ()
    assert row.content.code_set_year == 2026


def test_cli_chunks_keep_file_numbering():
    lines = b"a\n\nb\nc\nd\n"
    assert [(o, n) for o, n, _ in jsonl_chunks(lines, 2)] == [(0, 2), (3, 2)]
    assert b"".join(chunk for _, _, chunk in jsonl_chunks(lines, 2)) == lines
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["h1", "h2"])
    writer.writerows([["1", "multi\nline"], ["", ""], ["2", "x"], ["3", "y"]])
    chunks = list(csv_chunks(out.getvalue().encode(), 2))
    assert [(o, n) for o, n, _ in chunks] == [(0, 2), (2, 1)]
    first = list(csv.reader(io.StringIO(chunks[0][2].decode())))
    assert first == [["h1", "h2"], ["1", "multi\nline"], ["2", "x"]]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "'=", "''-", "'", "'plain "])
def test_csv_export_neutralises_formulas_and_import_gives_the_text_back(lead):
    item = {
        **ITEM,
        "stem": f"{lead}HYPERLINK(\"https://evil.example\") which code reports a standard cane?",
        "options": [{"label": o["label"], "text": f"{lead}{o['text']}"} for o in ITEM["options"]],
        "rationale": f"{lead}{ITEM['rationale']}",
    }
    data = csv_header() + b"".join(csv_lines([record(item)]))
    cells = [c for r in csv.reader(io.StringIO(data.decode(), newline="")) for c in r]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    (row,) = parse_csv(data, 2026)
    assert row.errors == [] and row.content is not None
    assert row.content.stem == item["stem"]
    assert [text for _, text in row.content.options] == [o["text"] for o in item["options"]]
    assert row.content.rationale == item["rationale"]
