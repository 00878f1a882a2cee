"""A service restarted on its old port waits out a port held for a moment, and refuses
(exit code 3) a port that stays taken, before starting anything."""

from __future__ import annotations

import asyncio
import socket

import pytest

from shared import runner
from tests.support import free_port


def listener(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


async def test_a_port_held_for_a_moment_is_waited_for():
    port = free_port()
    holder = listener(port)
    asyncio.get_running_loop().call_later(0.5, holder.close)
    sock = await runner._bind("127.0.0.1", port)
    try:
        assert sock.getsockname()[1] == port
    finally:
        sock.close()


async def test_a_port_that_stays_taken_ends_the_process_with_code_3(monkeypatch):
    monkeypatch.setattr(runner, "BIND_RETRY_SECONDS", 0.3)
    port = free_port()
    holder = listener(port)
    try:
        with pytest.raises(SystemExit) as stop:
            await runner._bind("127.0.0.1", port)
        assert stop.value.code == 3
    finally:
        holder.close()
