"""The statistics thread yields the CPU to requests: it runs at a lower priority than the
event loop's thread, so a recompute never takes a core from candidates saving answers."""

from __future__ import annotations

import os
import threading

from scoring.analysis.loop import STATS_THREAD_NICENESS, StatsEngine
from shared.settings import Settings


async def test_statistics_run_at_a_lower_priority_than_requests():
    engine = StatsEngine(pool=None, settings=Settings(service="scoring"))  # type: ignore[arg-type]
    try:
        def niceness() -> int:
            return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

        loop_niceness = niceness()
        assert await engine._run(niceness) == min(19, loop_niceness + STATS_THREAD_NICENESS)
        assert niceness() == loop_niceness  # the event loop's thread keeps its priority
    finally:
        engine.close()
