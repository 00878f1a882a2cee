"""Rows as typed Structs: what the repository returns instead of `asyncpg.Record`, so the
service layer reads fields, never columns by string key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import asyncpg
import msgspec

T = TypeVar("T")


def one(kind: type[T], row: asyncpg.Record | None) -> T | None:
    return None if row is None else msgspec.convert(dict(row), kind)


def many(kind: type[T], rows: Iterable[asyncpg.Record]) -> list[T]:
    return [msgspec.convert(dict(r), kind) for r in rows]
