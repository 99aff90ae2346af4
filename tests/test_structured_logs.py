"""Logs an operator can use: one structured line per request, a 500's traceback once."""

import json
import logging

import pytest
from django.urls import path

from config.logs import JsonFormatter, KeyValueFormatter, RequestIdFilter
from config.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("kaboom")


urlpatterns = [path("boom/", boom), *site_urls]


@pytest.fixture
def log_lines():
    """Every log record the site writes, formatted as JSON lines as in production."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_each_request_logs_its_id_status_and_duration(client, log_lines):
    response = client.get("/trials/?status=NOPE", headers={"X-Request-ID": "probe-1234abcd"})
    assert response["X-Request-ID"] == "probe-1234abcd"
    access = [line for line in log_lines if line["logger"] == "config.requests"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "probe-1234abcd" and line["status"] == 400
    assert line["method"] == "GET" and line["path"] == "/trials/"
    assert line["duration_ms"] >= 0
    # Django's own warning about the 400 carries the same id.
    assert {entry["request_id"] for entry in log_lines} == {"probe-1234abcd"}


@pytest.mark.django_db
@pytest.mark.urls("tests.test_structured_logs")
def test_a_server_error_logs_its_traceback_exactly_once(client, log_lines):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    tracebacks = [line for line in log_lines if "exception" in line]
    assert len(tracebacks) == 1
    assert "RuntimeError: kaboom" in tracebacks[0]["exception"]
    assert tracebacks[0]["request_id"] == response["X-Request-ID"]


def test_key_value_lines_quote_what_needs_quoting():
    record = logging.LogRecord("x", logging.INFO, "", 0, "request", (), None)
    record.path = '/trials/?q=a "b"'
    record.status = 200
    RequestIdFilter().filter(record)
    line = KeyValueFormatter().format(record)
    assert 'path="/trials/?q=a \\"b\\""' in line and " status=200" in line
    assert "level=INFO logger=x request_id=- message=request" in line
