"""Worker logs as one JSON object per line, carrying the task's bound context fields.

The standard library's logging is used rather than structlog: Celery and every library
here already log through it, so one formatter and one filter on the root handler make
all of their lines structured too, with no second logging system to bridge.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from services.common.log_context import ContextFilter

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "bri_context", "taskName",
}


# Celery attaches each message's arguments to its task lines; for the pipeline's payloads
# that is a whole article's text on every line, so they are left out (the ids stay).
_CELERY_PAYLOAD_KEYS = ("args", "kwargs")


def _without_payload(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in _CELERY_PAYLOAD_KEYS}
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        line.update(getattr(record, "bri_context", {}) or {})
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                line[key] = _without_payload(value) if key == "data" else value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For people at a terminal: the usual line, then the context fields as key=value."""

    def __init__(self) -> None:
        super().__init__("[%(asctime)s %(levelname)s %(name)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = getattr(record, "bri_context", {}) or {}
        if context:
            text += " " + " ".join(f"{key}={value}" for key, value in context.items())
        return text


def configure_logging(level: str, fmt: str) -> None:
    """Send every log record to standard error, as JSON lines or as text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
