"""Structured log lines for operators: key=value or JSON, each with the request id.

The request id lives in a context variable set by config.middleware.RequestLogMiddleware,
so every record logged while a request is handled (a query error, a 500's traceback)
carries the same id as that request's access line.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else was passed with extra={...}.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "request",  # django.request passes the HttpRequest itself; the path is in the message
}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs 4xx/5xx after the middleware has finished; it passes
        # the request, which carries its id.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


def record_fields(record: logging.LogRecord) -> dict:
    """The record as ordered fields: time, level, logger, request id, message, extras."""
    fields = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "request_id": getattr(record, "request_id", request_id_var.get()),
        "message": record.getMessage(),
    }
    for key, value in vars(record).items():
        if key not in _STANDARD and not key.startswith("_"):
            fields[key] = value
    return fields


def _kv_value(value) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\\') and text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """`time=... level=INFO logger=... request_id=... message="..." status=200`."""

    def format(self, record: logging.LogRecord) -> str:
        line = " ".join(f"{k}={_kv_value(v)}" for k, v in record_fields(record).items())
        if record.exc_info:
            # The traceback follows on indented lines, so grep by request id still finds it.
            trace = self.formatException(record.exc_info)
            line += "\n" + "\n".join("  " + t for t in trace.splitlines())
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback is the "exception" field."""

    def format(self, record: logging.LogRecord) -> str:
        fields = record_fields(record)
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return json.dumps(fields, ensure_ascii=False, default=str)
