"""Wire messages of the item bank (the public API and the import/export rows)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from item_bank.items.validation import (
    MAX_OPTION,
    MAX_RATIONALE,
    MAX_REFERENCE,
    MAX_REFERENCES,
    MAX_STEM,
    MAX_TAG,
    MAX_TAGS,
    MAX_YEAR,
    MIN_YEAR,
)

Status = Literal["draft", "in_review", "approved", "retired"]
ItemId = Annotated[str, msgspec.Meta(max_length=64)]


# Versions are PostgreSQL integers: anything larger is a client error, not a database one.
VersionNumber = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]

class Option(msgspec.Struct, forbid_unknown_fields=True):
    label: Annotated[str, msgspec.Meta(max_length=1)]
    text: Annotated[str, msgspec.Meta(max_length=MAX_OPTION)]


class ItemIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The body of POST /api/items and PUT /api/items/{id}, and one import row.

    Shapes and hard caps are checked here; the rules that need the whole item
    (distinct options, trimmed lengths, known domain) in `validation`, which
    reports every broken field at once.
    """

    domain: Annotated[str, msgspec.Meta(max_length=32)]
    stem: Annotated[str, msgspec.Meta(max_length=MAX_STEM)]
    options: Annotated[list[Option], msgspec.Meta(max_length=8)]
    key: Annotated[str, msgspec.Meta(max_length=1)]
    rationale: Annotated[str, msgspec.Meta(max_length=MAX_RATIONALE)]
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=MAX_TAG)]], msgspec.Meta(max_length=MAX_TAGS)
    ] = []
    code_set_year: Annotated[int, msgspec.Meta(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    references: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=MAX_REFERENCE)]], msgspec.Meta(max_length=MAX_REFERENCES)
    ] = []
    # Optimistic concurrency for PUT: the version the editor started from.
    base_version: VersionNumber | None = None


class TransitionIn(msgspec.Struct, forbid_unknown_fields=True):
    to: Status
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    # Which version to move; the latest by default. Only retiring may name the
    # approved version in service when a newer draft exists.
    version: VersionNumber | None = None


class ItemOut(msgspec.Struct):
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
    versions: int
    approved_version: int | None
    author: str
    author_name: str
    created_by: str
    created_by_name: str
    created_at: str
    updated_at: str
    status_changed_at: str


class ItemPage(msgspec.Struct):
    items: list[ItemOut]
    next_cursor: str | None
    total: int = 0  # how many items the search matches in all (every page together)


class VersionOut(msgspec.Struct):
    version: int
    status: str
    in_service: bool
    domain: str
    stem: str
    options: list[Option]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int
    references: list[str]
    author: str
    author_name: str
    created_at: str
    status_changed_at: str


class VersionList(msgspec.Struct):
    id: str
    approved_version: int | None
    versions: list[VersionOut]


class AuditEntry(msgspec.Struct):
    version: int
    action: str
    from_status: str | None
    to_status: str | None
    actor: str
    actor_name: str
    comment: str
    at: str


class AuditList(msgspec.Struct):
    id: str
    entries: list[AuditEntry]


class DiffSegment(msgspec.Struct):
    op: Literal["equal", "insert", "delete"]
    text: str


class FieldChange(msgspec.Struct):
    field: str
    before: str
    after: str
    segments: list[DiffSegment]


class DiffOut(msgspec.Struct):
    id: str
    from_version: int
    to_version: int
    changes: list[FieldChange]


class DomainOut(msgspec.Struct):
    code: str
    name: str
    classic_count: int
    current_count: int


class SearchQuery(msgspec.Struct, forbid_unknown_fields=True):
    domain: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    tag: Annotated[str, msgspec.Meta(max_length=MAX_TAG)] | None = None
    status: Status | None = None
    author: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    code_set_year: Annotated[int, msgspec.Meta(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    stale_code_set: bool = False
    q: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50
    cursor: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class RolloverQuery(msgspec.Struct, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50
    cursor: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class RolloverPage(msgspec.Struct):
    current_code_set_year: int
    items: list[VersionOut]
    item_ids: list[str]
    next_cursor: str | None
    total: int


class DiffQuery(msgspec.Struct, forbid_unknown_fields=True):
    from_: VersionNumber = msgspec.field(name="from")
    to: VersionNumber


class FeedQuery(msgspec.Struct, forbid_unknown_fields=True):
    cursor: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)] = 0
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 500


BulkAction = Literal["submit_for_review", "approve", "return", "retire", "tag"]
MAX_BULK = 500


class BulkIn(msgspec.Struct, forbid_unknown_fields=True):
    ids: Annotated[list[ItemId], msgspec.Meta(min_length=1, max_length=MAX_BULK)]
    action: BulkAction
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=MAX_TAG)]], msgspec.Meta(max_length=MAX_TAGS)
    ] = []


class BulkResult(msgspec.Struct, omit_defaults=True):
    id: str
    ok: bool
    status: str | None = None  # the item's status after the action
    version: int | None = None  # the version acted on (or written, for tags)
    error: str | None = None  # why this item was refused


class BulkOut(msgspec.Struct):
    action: str
    done: int
    refused: int
    results: list[BulkResult]


class TagsQuery(msgspec.Struct, forbid_unknown_fields=True):
    prefix: Annotated[str, msgspec.Meta(max_length=MAX_TAG)] = ""
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


class TagOut(msgspec.Struct):
    tag: str
    items: int  # latest versions carrying it


class TagList(msgspec.Struct):
    tags: list[TagOut]


class LintFindingOut(msgspec.Struct):
    level: Literal["error", "warning"]
    field: str
    rule: str
    message: str


class LintOut(msgspec.Struct):
    """The item linter's findings on a draft, each naming its field (docs/item-bank.md)."""

    errors: int
    warnings: int
    findings: list[LintFindingOut]
