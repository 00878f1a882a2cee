"""Import and export formats: JSON lines and CSV carrying the same fields. Pure.

JSON lines: one object per line, the body of POST /api/items, with the `id`, `version` and
`status` an export writes (optional on import).
CSV: a header row, then one item per row, with the columns
    id, version, status, domain, stem, option_a, option_b, option_c, option_d, key, rationale, tags,
    code_set_year, references
(id, version, status, tags, code_set_year and references may be left out) where `tags` is
`;`-separated (a tag cannot contain `;`) and `references` is a JSON array of strings (a plain
`;`-separated list is accepted on import too).
Text cells are written safe to open in a spreadsheet (a leading `'` before text
that begins with `=`, `+`, `-`, `@`, tab or carriage return: shared/csvcells.py),
and the import takes that quote off again, so export then import gives back the
text exactly.

A row with the id of an item of this bank updates that item (a new draft version when the
content differs, "unchanged" when not); a row whose `version` is older than the item's latest
is refused rather than overwriting an edit made since the export. A row with an id this bank
does not hold creates the item under that id, so a bank moved to another installation and back
keeps its ids.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from item_bank.interchange import moodle_qti
from item_bank.interchange.import_rows import FileProblem, Row, check_row
from item_bank.interchange.schemas import ExportRow, ImportItemIn
from item_bank.items.schemas import ItemIn
from shared import csvcells
from shared.contracts import LABELS
from shared.errors import FieldError, from_msgspec

CSV_COLUMNS = (
    "id",
    "version",
    "status",
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
)
REQUIRED_CSV_COLUMNS = ("domain", "stem", "option_a", "option_b", "option_c", "option_d", "key", "rationale")
FORMATS = {
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json-lines": "jsonl",
    "application/x-jsonlines": "jsonl",
    "text/csv": "csv",
    "application/csv": "csv",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/zip": "qti",
    "application/x-zip-compressed": "qti",
}

_item_decoder = msgspec.json.Decoder(ImportItemIn)
_encoder = msgspec.json.Encoder()


def parse_id(raw: str | None) -> uuid.UUID | None:
    """An item id as a file carries it; ValueError when it is not one."""
    if raw is None or not raw.strip():
        return None
    return uuid.UUID(raw.strip())


def _identity(row: int, raw_id: str | None, version: int | None) -> dict[str, Any] | Row:
    try:
        item_id = parse_id(raw_id)
    except ValueError:
        return Row(row=row, content=None, errors=[FieldError("id", "not an item id (a uuid from an export)")])
    return {"item_id": item_id, "base_version": version}


def parse_jsonl(data: bytes, current_year: int) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            body = _item_decoder.decode(line)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            rows.append(Row(row=number, content=None, errors=from_msgspec(exc).errors))
            continue
        identity = _identity(number, body.id, body.version)
        if isinstance(identity, Row):
            rows.append(identity)
            continue
        rows.append(check_row(number, body, current_year, **identity))
    return rows


def _split_tags(value: str) -> list[str]:
    return [t for t in (part.strip() for part in value.split(";")) if t]


def _split_references(value: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    if value.startswith("["):
        refs = msgspec.json.decode(value.encode())
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise ValueError("references: a JSON array of strings")
        return refs
    return [r for r in (part.strip() for part in value.split(";")) if r]


def parse_csv(data: bytes, current_year: int) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem([FieldError("body", f"the file is not UTF-8 text (byte {exc.start})")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return []
    except csv.Error as exc:
        raise FileProblem([FieldError("header", str(exc))]) from None
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        errors: list[FieldError] = [FieldError(c, "required column missing") for c in missing]
        errors += [
            FieldError(c, f"unknown column (the columns are {', '.join(CSV_COLUMNS)})") for c in unknown
        ]
        if len(set(header)) != len(header):
            errors.append(FieldError("header", "a column is named twice"))
        raise FileProblem(errors)
    rows: list[Row] = []
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            rows.append(Row(row=number, content=None, errors=[FieldError("row", f"unreadable CSV: {exc}")]))
            break  # the reader cannot resynchronise after a broken quote
        number += 1
        if not any(cell.strip() for cell in record):
            number -= 1
            continue
        if len(record) != len(header):
            rows.append(
                Row(
                    row=number,
                    content=None,
                    errors=[FieldError("row", f"{len(record)} cells where the header has {len(header)}")],
                )
            )
            continue
        cells = dict(zip(header, (csvcells.restore(cell) for cell in record), strict=True))
        errors = []
        body: dict[str, Any] = {
            "domain": cells["domain"],
            "stem": cells["stem"],
            "options": [{"label": label, "text": cells[f"option_{label.lower()}"]} for label in LABELS],
            "key": cells["key"].strip().upper(),
            "rationale": cells["rationale"],
            "tags": _split_tags(cells.get("tags", "")),
        }
        version: int | None = None
        raw_version = cells.get("version", "").strip()
        if raw_version:
            try:
                version = int(raw_version)
                if not 1 <= version <= 2**31 - 1:
                    raise ValueError
            except ValueError:
                errors.append(FieldError("version", f"not a version number: {raw_version!r}"))
        status = cells.get("status", "").strip()
        if status and status not in ("draft", "in_review", "approved", "retired"):
            errors.append(FieldError("status", f"not a status: {status!r}"))
        identity = _identity(number, cells.get("id"), version)
        if isinstance(identity, Row):
            errors += identity.errors
            identity = {}
        year = cells.get("code_set_year", "").strip()
        if year:
            try:
                body["code_set_year"] = int(year)
            except ValueError:
                errors.append(FieldError("code_set_year", f"not a year: {year!r}"))
        try:
            body["references"] = _split_references(cells.get("references", ""))
        except (ValueError, msgspec.DecodeError):
            errors.append(FieldError("references", "a JSON array of strings, or a ;-separated list"))
        if errors:
            rows.append(Row(row=number, content=None, errors=errors))
            continue
        try:
            item = msgspec.convert(body, ItemIn)
        except msgspec.ValidationError as exc:
            rows.append(Row(row=number, content=None, errors=from_msgspec(exc).errors))
            continue
        # Columns the file left out: an update keeps the item's own values of these.
        keep = tuple(c for c in ("tags", "code_set_year", "references") if c not in header)
        rows.append(check_row(number, item, current_year, keep=keep, **identity))
    return rows


def parse(data: bytes, fmt: str, current_year: int, default_domain: str | None = None) -> list[Row]:
    if fmt == "csv":
        return parse_csv(data, current_year)
    if fmt in ("moodle", "qti", "xml"):
        return moodle_qti.parse(data, fmt, current_year, default_domain)
    return parse_jsonl(data, current_year)


# ------------------------------------------------------------------ export


def jsonl_lines(records: Iterable[ExportRow]) -> Iterator[bytes]:
    for record in records:
        yield _encoder.encode(record) + b"\n"


def csv_header() -> bytes:
    return csvcells.row(CSV_COLUMNS)


def csv_lines(records: Iterable[ExportRow]) -> Iterator[bytes]:
    for record in records:
        options = {o.label: o.text for o in record.options}
        yield csvcells.row(
            [
                record.id,
                record.version,
                record.status,
                record.domain,
                record.stem,
                options["A"],
                options["B"],
                options["C"],
                options["D"],
                record.key,
                record.rationale,
                ";".join(record.tags),
                record.code_set_year,
                _encoder.encode(record.references).decode(),
            ]
        )


# ------------------------------------------------------------------ template

_TEMPLATE_ITEM = {
    "domain": "ICD",
    "stem": "A patient with type 2 diabetes mellitus without complications is seen for a routine visit. "
    "Which ICD-10-CM code is reported?",
    "options": [
        {"label": "A", "text": "E11.9"},
        {"label": "B", "text": "E10.9"},
        {"label": "C", "text": "E11.65"},
        {"label": "D", "text": "R73.9"},
    ],
    "key": "A",
    "rationale": "E11.9 is type 2 diabetes without complications. E10.9 is type 1; E11.65 needs "
    "hyperglycemia documented; R73.9 is hyperglycemia without a diabetes diagnosis.",
    "tags": ["diabetes", "endocrine"],
    "code_set_year": None,
    "references": ["ICD-10-CM Tabular List, category E11"],
}


def template(fmt: str, current_year: int) -> bytes:
    """A file to start from: the header (CSV) and one example row, without an id (a new item)."""
    item = {**_TEMPLATE_ITEM, "code_set_year": current_year}
    if fmt == "jsonl":
        return _encoder.encode(item) + b"\n"
    options = {o["label"]: o["text"] for o in item["options"]}  # type: ignore[index, union-attr]
    return csv_header() + csvcells.row(
        [
            "",
            "",
            "",
            item["domain"],
            item["stem"],
            options["A"],
            options["B"],
            options["C"],
            options["D"],
            item["key"],
            item["rationale"],
            ";".join(item["tags"]),  # type: ignore[arg-type]
            item["code_set_year"],
            _encoder.encode(item["references"]).decode(),
        ]
    )
