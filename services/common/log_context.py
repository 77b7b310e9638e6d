"""Fields every log line of the current task carries (article id, stage, task id, feed url).

Held in a context variable, so that each pool thread (or process) of a worker has its
own: the task hooks bind the task's fields when it starts and clear them when it ends,
and code that learns more on the way (the article id once a page's canonical URL is
known) adds it with ``bind``.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

_fields: ContextVar[dict[str, Any] | None] = ContextVar("bri_log_fields", default=None)


def bind(**fields: Any) -> None:
    """Add fields (None values are skipped) to every later log line of this task."""
    current = dict(_fields.get() or {})
    current.update({key: value for key, value in fields.items() if value is not None})
    _fields.set(current)


def clear() -> None:
    _fields.set(None)


def current() -> dict[str, Any]:
    return dict(_fields.get() or {})


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record, where the JSON formatter finds them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.bri_context = current()
        return True
