"""The rows an import reads, shared by every format's parser (transfer: JSON lines and CSV;
interchange: Moodle XML and QTI 2.1): a row's content or its errors, and the file-wide refusal.
Pure."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from item_bank.items.validation import ItemContent, ItemLike, check_item
from item_bank.lint import lint_item
from shared.errors import FieldError


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
    item_id: uuid.UUID | None = None  # the item the row names (an export's id), if any
    base_version: int | None = None  # the version the row was exported from
    # Fields the file's format cannot carry: an update keeps the item's own values of these.
    keep: tuple[str, ...] = ()
    source: str | None = None  # the question's name or identifier in a Moodle or QTI file
    not_carried: list[str] = []  # what the file held that an item cannot


def check_row(row: int, body: ItemLike, current_year: int, **extra: Any) -> Row:
    """A parsed row checked as an item (rules, then the linter: its errors refuse the row)."""
    content, errors = check_item(body, current_year)
    if content is None:
        return Row(row=row, content=content, errors=errors, **extra)
    found = lint_item(content)
    lint_errors = [FieldError(f.field, f.message) for f in found if f.level == "error"]
    warnings = [FieldError(f.field, f.message) for f in found if f.level == "warning"]
    if lint_errors:
        return Row(row=row, content=None, errors=lint_errors, warnings=warnings, **extra)
    return Row(row=row, content=content, errors=[], warnings=warnings, **extra)
