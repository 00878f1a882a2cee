"""Run one service process: settings, logging, app, graceful stop on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
import sys
import time
from collections.abc import Callable

from aiohttp import web

from shared.logging import configure_logging, get_logger
from shared.settings import Settings, SettingsError, load_settings


def run_service(service: str, create_app: Callable[[Settings], web.Application]) -> None:
    try:
        settings = load_settings(service)
    except SettingsError as exc:
        configure_logging(service, Settings().log_level)
        get_logger().error("bad_settings", error=str(exc))
        sys.exit(2)
    configure_logging(service, settings.log_level)
    asyncio.run(_serve(settings, create_app))


BIND_RETRY_SECONDS = 10.0


async def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the app starts anything (no background loop, no pool).

    A service restarted on its old port (by `mockcert run` after a crash) can find the port held
    for a moment: the entry and the other services keep connecting to it while it is down, and a
    client socket may get that very port as its ephemeral local port. That clears within a
    connection attempt, so retry briefly; a port really taken ends the process with exit code 3."""
    deadline = time.monotonic() + BIND_RETRY_SECONDS
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            return sock
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                get_logger().error("bind_failed", host=host, port=port, error=str(exc))
                sys.exit(3)
            await asyncio.sleep(0.1)


async def _serve(settings: Settings, create_app: Callable[[Settings], web.Application]) -> None:
    log = get_logger()
    sock = await _bind(settings.host, settings.port)
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.SockSite(runner, sock, backlog=1024)
    await site.start()
    log.info("service_started", host=settings.host, port=settings.port, mode=settings.mode)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("service_stopping")
    await runner.cleanup()
