"""Wire messages of import and export: the queries, a JSON-lines row, the per-row report."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from item_bank.items.schemas import ItemId, ItemIn, Option, Status, VersionNumber
from item_bank.items.validation import MAX_TAG, MAX_YEAR, MIN_YEAR

ExportFormat = Literal["jsonl", "csv", "moodle", "qti"]


class ExportQuery(msgspec.Struct, forbid_unknown_fields=True):
    """The export takes the list's filters, so what is exported is what the list shows."""

    format: ExportFormat = "jsonl"
    status: Status | None = None
    domain: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    tag: Annotated[str, msgspec.Meta(max_length=MAX_TAG)] | None = None
    author: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    code_set_year: Annotated[int, msgspec.Meta(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    q: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class ImportQuery(msgspec.Struct, forbid_unknown_fields=True):
    format: ExportFormat | None = None
    dry_run: bool = False  # report what would be created, updated, unchanged or refused; write nothing
    # The content area for rows whose file names none (a Moodle category or QTI metadata that
    # matches no area): a code of GET /api/domains.
    domain: Annotated[str, msgspec.Meta(max_length=32)] | None = None


class TemplateQuery(msgspec.Struct, forbid_unknown_fields=True):
    format: Literal["jsonl", "csv"] = "csv"


class ImportItemIn(ItemIn, forbid_unknown_fields=True, kw_only=True):
    """One JSON-lines import row: an item body, with the id, version and status an export wrote.

    A row naming an item of this bank updates it (a new draft version when the content differs);
    `version` is the version the file was exported from; `status` is informational."""

    id: ItemId | None = None
    version: VersionNumber | None = None
    status: Status | None = None

class FieldErrorOut(msgspec.Struct):
    field: str
    message: str


class ImportRow(msgspec.Struct, omit_defaults=True):
    row: int
    status: Literal["created", "updated", "unchanged", "refused"]
    id: str | None = None
    errors: list[FieldErrorOut] = []
    warnings: list[FieldErrorOut] = []  # the item linter's warnings on this row
    version: int | None = None  # the version written (or that would be, in a dry run)
    source: str | None = None  # the question's name or identifier in a Moodle or QTI file
    not_carried: list[str] = []  # what the file held that an item cannot (images, answer feedback…)

class ImportReport(msgspec.Struct):
    created: int
    refused: int
    rows: list[ImportRow]
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False  # nothing was written: the statuses say what an import would do


class ExportRow(msgspec.Struct):
    """One exported item: the same fields an import takes, plus which item and version it is."""

    id: str
    version: int
    status: str
    domain: str
    stem: str
    options: list[Option]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int
    references: list[str]
