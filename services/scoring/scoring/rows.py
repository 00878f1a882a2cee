"""Database rows as typed values: a repository hands the service layer msgspec Structs,
never `asyncpg.Record`s read by string key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def struct_of(cls: type[S], record: Mapping[str, Any]) -> S:
    """The Struct `cls` from the columns of `record` that it names (others are ignored)."""
    return cls(**{name: record[name] for name in cls.__struct_fields__})


def struct_or_none(cls: type[S], record: Mapping[str, Any] | None) -> S | None:
    return None if record is None else struct_of(cls, record)
