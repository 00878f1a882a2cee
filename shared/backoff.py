"""The one backoff rule: how long to wait before the next try after some failed ones.

Exponential (base x 2^(failures-1)), capped, optionally with jitter so that
replicas failing together do not retry together. Used by the background loops,
the outbox, the statistics loop and the launcher's restarts.
"""

from __future__ import annotations

import random


def backoff_delay(failures: int, base: float, cap: float, *, jitter: float = 0.0, floor: float = 0.05) -> float:
    """Seconds to wait after `failures` consecutive failures (0 failures: `base`).

    `jitter` of 0.2 spreads the delay uniformly over +/-20 %.
    """
    delay = min(cap, max(base, floor) * 2 ** min(max(0, failures - 1), 30))
    if jitter:
        delay *= random.uniform(1.0 - jitter, 1.0 + jitter)
    return delay
