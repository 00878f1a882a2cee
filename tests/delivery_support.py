"""Helpers for the delivery tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.support import Stack


async def wait_for(
    predicate: Callable[[], Awaitable[Any]], timeout: float = 20.0, interval: float = 0.1, what: str = "condition"
) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)


async def wait_for_bank(stack: Stack, timeout: float = 30.0) -> None:
    """Wait until delivery has followed the item bank's feed far enough to fill the built-in blueprints
    (the stack was started with seed_sample_bank=True)."""
    token = await stack.admin_token()

    async def followed() -> bool:
        status, bps = await stack.request("GET", "/api/blueprints", token)
        return status == 200 and all(b["available"] for b in bps if b["builtin"])

    await wait_for(followed, timeout=timeout, what="delivery to follow the item bank's feed")
