"""Structured logs: every line can carry the interchange, partner and document it is about.

The context lives in ``contextvars``, so it follows a request or a Celery task and never leaks
into the next one. It is set where the facts become known (:mod:`ops.signals`: an interchange
is saved, a message is mapped, a task starts) and it crosses the broker in a task header, so a
line logged by the worker that maps an ASN names the same interchange as the web request that
received it. :class:`ContextFilter` copies the context onto each record; with ``LOG_FORMAT=json``
:class:`JsonFormatter` writes one JSON object per line.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

FIELDS = ("interchange_id", "partner", "document", "task_id", "request_id")

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("tsunagi_log_context", default=None)


def current() -> dict[str, Any]:
    """The log context in force (a copy)."""
    return dict(_context.get() or {})


def bind(**values: Any) -> None:
    """Add to the context for the rest of this request or task (``None`` values are ignored)."""
    clean = {k: v for k, v in values.items() if k in FIELDS and v not in (None, "")}
    if clean:
        _context.set({**(_context.get() or {}), **clean})


def bind_missing(**values: Any) -> None:
    """Like :func:`bind`, but never overwrites what is already known."""
    known = _context.get() or {}
    bind(**{k: v for k, v in values.items() if k not in known})


def clear() -> None:
    _context.set({})


@contextmanager
def log_context(**values: Any) -> Iterator[None]:
    token = _context.set({**(_context.get() or {}), **{k: v for k, v in values.items() if v not in (None, "")}})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Puts the context fields on every record (empty strings when unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = _context.get() or {}
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, ctx.get(name, ""))
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, context, extras."""

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        for name in FIELDS:
            value = getattr(record, name, "")
            if value in ("", None):
                log_record.pop(name, None)
            else:
                log_record[name] = value
        if record.exc_info and "exc_info" not in log_record:
            log_record["exc_info"] = self.formatException(record.exc_info)


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dict for settings: ``fmt`` is ``plain`` or ``json``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "portal.logging.ContextFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "portal.logging.JsonFormatter", "format": "%(message)s"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if fmt == "json" else "plain",
                                 "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
