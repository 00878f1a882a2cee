"""Server-owned time, as pure functions that mirror the SQL in the migrations
(`delivery.part_of`, `delivery.current_part`) and repository (the deadline).

Times are whole seconds: an attempt starts on a whole second and every limit is
rounded up (`ceil(limit x multiplier)`), so what the API shows is exactly what
the database checks.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from shared.times import iso_utc


def scaled_seconds(seconds: int, multiplier: float) -> int:
    return math.ceil(seconds * multiplier)


def deadline_for(started_at: dt.datetime, limit_seconds: int, multiplier: float) -> dt.datetime:
    return started_at + dt.timedelta(seconds=scaled_seconds(limit_seconds, multiplier))


def part_close_times(
    started_at: dt.datetime, multiplier: float, cum_seconds: Sequence[int]
) -> list[dt.datetime]:
    return [started_at + dt.timedelta(seconds=scaled_seconds(c, multiplier)) for c in cum_seconds]


def part_of(ends: Sequence[int], position: int) -> int:
    """0-based part of a position."""
    return sum(1 for e in ends if e < position)


def current_part(
    started_at: dt.datetime, multiplier: float, cum_seconds: Sequence[int], closed: int, now: dt.datetime
) -> int:
    """0-based index of the open part (== number of parts once all are over)."""
    over = sum(1 for t in part_close_times(started_at, multiplier, cum_seconds) if t <= now)
    return max(closed, over)


def seconds_left(deadline: dt.datetime, now: dt.datetime) -> int:
    return max(0, math.floor((deadline - now).total_seconds()))


iso = iso_utc
