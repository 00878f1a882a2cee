"""The statistics loop's pacing: a long computation slows the ticks, a failing one backs off
with the shared rule (`shared.backoff`) and comes back to the tick after a success."""

from __future__ import annotations

import pytest

from scoring.analysis.loop import (
    BACKOFF_FACTOR,
    FAILURE_BACKOFF_CAP,
    MAX_BACKOFF_SECONDS,
    failure_delay,
    pace_delay,
)


def test_a_quick_tick_waits_the_interval_and_a_long_one_three_times_its_length_within_the_cap() -> None:
    assert pace_delay(0.01, 10.0) == 10.0
    assert pace_delay(5.0, 10.0) == pytest.approx(BACKOFF_FACTOR * 5.0)
    assert pace_delay(60.0, 10.0) == MAX_BACKOFF_SECONDS


@pytest.mark.parametrize("interval", [0.2, 1.0, 10.0])
def test_failed_ticks_back_off_from_the_interval_doubling_up_to_the_cap(interval: float) -> None:
    delays = [failure_delay(n, interval) for n in range(1, 12)]
    cap = max(interval, FAILURE_BACKOFF_CAP)
    assert delays[0] == pytest.approx(interval)
    assert all(b == pytest.approx(min(cap, 2 * a)) for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] == pytest.approx(cap)


def test_a_tick_longer_than_the_cap_is_never_retried_sooner_than_the_tick() -> None:
    assert failure_delay(1, 30.0) == 30.0 and failure_delay(5, 30.0) == 30.0
