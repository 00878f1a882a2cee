"""Dates of the pass-rate queries: the `from`/`to` bounds and the labels of weeks and months."""

from __future__ import annotations

import datetime as dt


def parse_bound(value: str | None, field_name: str, end: bool) -> float | None:
    """Epoch seconds of a `from`/`to` bound: a date (whole day) or an ISO 8601 time.

    A date as `to` (`end`) counts its whole day. ValueError(field_name) when unreadable."""
    if value is None or value == "":
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
            return (start + dt.timedelta(days=1 if end else 0)).timestamp()
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(field_name) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def day(epoch_day: int) -> str:
    """The ISO date of a day counted from 1970-01-01."""
    return (dt.date(1970, 1, 1) + dt.timedelta(days=epoch_day)).isoformat()


def week_label(monday: int) -> str:
    """The ISO week ("2026-W03") of the week starting on epoch day `monday`."""
    year, week, _ = (dt.date(1970, 1, 1) + dt.timedelta(days=monday)).isocalendar()
    return f"{year}-W{week:02d}"


def month(index: int) -> dt.date:
    """The first day of the month `index` months after 1970-01."""
    return dt.date(1970 + index // 12, index % 12 + 1, 1)
