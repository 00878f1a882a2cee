"""Import and export formats: JSON lines and CSV carrying the same fields. Pure.

JSON lines: one object per line, exactly the body of POST /api/items.
CSV: a header row, then one item per row, with the columns
    domain, stem, option_a, option_b, option_c, option_d, key, rationale, tags, code_set_year, references
where `tags` is `;`-separated (a tag cannot contain `;`) and `references` is a
JSON array of strings (a plain `;`-separated list is accepted on import too).
Text cells are written safe to open in a spreadsheet (a leading `'` before text
that begins with `=`, `+`, `-`, `@`, tab or carriage return: shared/csvcells.py),
and the import takes that quote off again, so export then import gives back the
text exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from item_bank.lint import lint_item
from item_bank.schemas import ExportRow, ItemIn, Option
from item_bank.validation import ItemContent, check_item
from shared import csvcells
from shared.contracts import LABELS
from shared.errors import FieldError, from_msgspec

CSV_COLUMNS = (
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
}

_item_decoder = msgspec.json.Decoder(ItemIn)
_encoder = msgspec.json.Encoder()


class FileProblem(ValueError):
    """The file as a whole cannot be read (not a row's fault)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class Row(msgspec.Struct):
    row: int
    content: ItemContent | None
    errors: list[FieldError]
    warnings: list[FieldError] = []  # the item linter's warnings (a row with lint errors is refused)


def _check(row: int, body: ItemIn, current_year: int) -> Row:
    content, errors = check_item(body, current_year)
    if content is None:
        return Row(row=row, content=content, errors=errors)
    found = lint_item(content)
    lint_errors = [FieldError(f.field, f.message) for f in found if f.level == "error"]
    warnings = [FieldError(f.field, f.message) for f in found if f.level == "warning"]
    if lint_errors:
        return Row(row=row, content=None, errors=lint_errors, warnings=warnings)
    return Row(row=row, content=content, errors=[], warnings=warnings)


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
        rows.append(_check(number, body, current_year))
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
        errors = [FieldError(c, "required column missing") for c in missing]
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
        errors: list[FieldError] = []
        body: dict[str, Any] = {
            "domain": cells["domain"],
            "stem": cells["stem"],
            "options": [{"label": label, "text": cells[f"option_{label.lower()}"]} for label in LABELS],
            "key": cells["key"].strip().upper(),
            "rationale": cells["rationale"],
            "tags": _split_tags(cells.get("tags", "")),
        }
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
        rows.append(_check(number, item, current_year))
    return rows


def parse(data: bytes, fmt: str, current_year: int) -> list[Row]:
    return parse_csv(data, current_year) if fmt == "csv" else parse_jsonl(data, current_year)


# ------------------------------------------------------------------ export


def export_row(record: Any) -> ExportRow:
    return ExportRow(
        domain=record["domain"],
        stem=record["stem"],
        options=[Option(label=o["label"], text=o["text"]) for o in record["options"]],
        key=record["key"],
        rationale=record["rationale"],
        tags=list(record["tags"]),
        code_set_year=record["code_set_year"],
        references=list(record["refs"]),
    )


def jsonl_lines(records: Iterable[Any]) -> Iterator[bytes]:
    for record in records:
        yield _encoder.encode(export_row(record)) + b"\n"


def csv_header() -> bytes:
    return csvcells.row(CSV_COLUMNS)


def csv_lines(records: Iterable[Any]) -> Iterator[bytes]:
    for record in records:
        options = {o["label"]: o["text"] for o in record["options"]}
        yield csvcells.row(
            [
                record["domain"],
                record["stem"],
                options["A"],
                options["B"],
                options["C"],
                options["D"],
                record["key"],
                record["rationale"],
                ";".join(record["tags"]),
                record["code_set_year"],
                _encoder.encode(list(record["refs"])).decode(),
            ]
        )
