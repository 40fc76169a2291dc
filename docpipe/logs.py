"""structlog set-up: JSON lines in workers and the listener, a console for people.

Context (document id, key, stage, task id) is bound with
``structlog.contextvars.bound_contextvars`` where it becomes known, so every
line logged inside carries it.
"""

from __future__ import annotations

import logging
import sys

import structlog

# Names of settings whose values must never be logged.
SECRET_FIELDS = ("webhook_token", "password", "secret", "token", "authorization")


def redact_secrets(_logger, _method, event_dict: dict) -> dict:
    for name in list(event_dict):
        if any(secret in name.lower() for secret in SECRET_FIELDS):
            event_dict[name] = "***"
    return event_dict


def configure_logging(json_lines: bool, level: int = logging.INFO) -> None:
    processors = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    if json_lines:
        processors += [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        processors += [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
