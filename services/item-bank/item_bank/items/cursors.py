"""Opaque page cursors: url-safe base64 of a small JSON array. Pure."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from typing import Any

import msgspec

from shared.errors import field_problem

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def encode(*parts: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(list(parts))).decode().rstrip("=")


def _decode(cursor: str, arity: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = msgspec.json.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise field_problem("cursor", "not a cursor this endpoint gave out", status=400) from None
    if not isinstance(parts, list) or len(parts) != arity:
        raise field_problem("cursor", "not a cursor this endpoint gave out", status=400)
    return parts


def encode_time_id(at: dt.datetime, item_id: uuid.UUID) -> str:
    """A (timestamp, uuid) keyset position; the time as integer microseconds, exact."""
    micros = (at - _EPOCH) // dt.timedelta(microseconds=1)
    return encode(micros, str(item_id))


def decode_time_id(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    micros, item_id = _decode(cursor, 2)
    try:
        if not isinstance(micros, int) or isinstance(micros, bool):
            raise ValueError
        return _EPOCH + dt.timedelta(microseconds=micros), uuid.UUID(str(item_id))
    except (ValueError, OverflowError):
        raise field_problem("cursor", "not a cursor this endpoint gave out", status=400) from None


def encode_int_id(value: int, item_id: uuid.UUID) -> str:
    return encode(value, str(item_id))


def decode_int_id(cursor: str) -> tuple[int, uuid.UUID]:
    value, item_id = _decode(cursor, 2)
    try:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**31 - 1:
            raise ValueError
        return value, uuid.UUID(str(item_id))
    except ValueError:
        raise field_problem("cursor", "not a cursor this endpoint gave out", status=400) from None
