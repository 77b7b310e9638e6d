"""Fields every log line of the current task carries (article id, stage, task id, feed url).

Held in a context variable, so that each pool thread (or process) of a worker has its
own: the task hooks ``start`` a context with the task's fields and ``clear`` it when the
task ends, and code that learns more on the way (the article id once a page's canonical
URL is known) adds it with ``bind``. Outside a task ``bind`` does nothing, so a command
that calls the same code never tags its later, unrelated lines with a stale article.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

_fields: ContextVar[dict[str, Any] | None] = ContextVar("bri_log_fields", default=None)


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def start(**fields: Any) -> None:
    """Begin a task's context with these fields (None values are skipped)."""
    _fields.set(_present(fields))


def bind(**fields: Any) -> None:
    """Add fields to every later log line of the current task; outside a task, nothing."""
    current = _fields.get()
    if current is not None:
        _fields.set({**current, **_present(fields)})


def clear() -> None:
    _fields.set(None)


def current() -> dict[str, Any]:
    return dict(_fields.get() or {})


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record, where the JSON formatter finds them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.bri_context = current()
        return True
