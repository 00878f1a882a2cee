"""The one shape of every background loop: a step run at an interval (or when
woken), whose failures are logged and retried with backoff and never end the
loop; cancelled when the app stops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import structlog

from shared.backoff import backoff_delay

_log = structlog.get_logger("mockcert.background")
MAX_LOOP_BACKOFF = 10.0
EXPECTED_FAILURES: tuple[type[BaseException], ...] = (
    OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError,
)


def retry_delay(failures: int, interval: float) -> float:
    """Seconds before the next step after `failures` failed ones in a row: twice the interval
    after the first, doubled after each further one, at most MAX_LOOP_BACKOFF."""
    return backoff_delay(failures + 1, interval, MAX_LOOP_BACKOFF)


async def run_loop(
    name: str,
    step: Callable[[], Awaitable[object]],
    interval: float,
    wake: asyncio.Event | None = None,
    *,
    expected: tuple[type[BaseException], ...] = EXPECTED_FAILURES,
) -> None:
    failures = 0
    while True:
        try:
            await step()
            failures = 0
            delay = interval
        except asyncio.CancelledError:
            raise
        except expected as exc:
            # A peer or the database down: expected, said in one line, retried.
            failures += 1
            delay = retry_delay(failures, interval)
            _log.warning(
                "background_step_failed",
                loop=name,
                error=f"{type(exc).__name__}: {exc}",
                failures=failures,
                retry_in=round(delay, 2),
            )
        except Exception:
            failures += 1
            delay = retry_delay(failures, interval)
            _log.exception("background_step_error", loop=name, failures=failures, retry_in=round(delay, 2))
        if wake is None:
            await asyncio.sleep(delay)
        else:
            try:
                await asyncio.wait_for(wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            wake.clear()
