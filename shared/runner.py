"""Run one service process: settings, logging, app, graceful stop on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import Callable

from aiohttp import web

from shared.logging import configure_logging, get_logger
from shared.settings import Settings, SettingsError, load_settings


def run_service(service: str, create_app: Callable[[Settings], web.Application]) -> None:
    configure_logging(service)
    log = get_logger()
    try:
        settings = load_settings(service)
    except SettingsError as exc:
        log.error("bad_settings", error=str(exc))
        sys.exit(2)
    asyncio.run(_serve(settings, create_app))


async def _serve(settings: Settings, create_app: Callable[[Settings], web.Application]) -> None:
    log = get_logger()
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5)
    await runner.setup()
    # SO_REUSEPORT lets two replicas of a service share a port when asked to.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
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
