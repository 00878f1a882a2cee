"""structlog, configured once per process, JSON lines on stdout."""

from __future__ import annotations

import logging
import os
import sys

import structlog

from shared.settings import Settings


def configure_logging(service: str, level: str | None = None) -> None:
    """`level`: the services give their settings' `log_level`; without one (the local entry),
    MOCKCERT_LOG_LEVEL or the settings' default."""
    level = (level or os.environ.get("MOCKCERT_LOG_LEVEL") or Settings().log_level).upper()
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=getattr(logging, level, logging.INFO))
    # aiohttp's access log duplicates our own request log line.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level, logging.INFO)),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str = "mockcert") -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
