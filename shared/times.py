"""Times on the wire: ISO 8601 UTC to the second, as the contract writes them."""

from __future__ import annotations

import datetime as dt


def iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
