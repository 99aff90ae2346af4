"""Behaviour of the ClinicalTrials.gov client against a real local HTTP server."""

import itertools
import sys
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

# Lets `pytest -p no:django tests/...` import project modules without a pytest config.
PROJECT_ROOT = str(Path(__file__).resolve().parents[1])
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from tests.ctgov_server import CtgovServer, studies_page, study  # noqa: E402
from trials.ctgov.client import (  # noqa: E402
    CtgovClient,
    CtgovError,
    CtgovNotFound,
    CtgovUnavailable,
    Page,
)

STUDIES = "/studies"


class RecordingSleep:
    """Records requested sleeps without sleeping, so backoff can be asserted instantly."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeClock:
    """Virtual monotonic clock that only moves when slept on (or advanced by a test)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def server():
    with CtgovServer() as srv:
        yield srv


@pytest.fixture
def make_client(server):
    clients = []

    def make(**kwargs) -> CtgovClient:
        options = {"min_interval": 0, "backoff": 0.01, "retries": 4, "read_timeout": 2}
        options.update(kwargs)
        client = CtgovClient(server.url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def ids(pages: list[Page]) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for p in pages for s in p.studies]


def test_429_with_retry_after_waits_at_least_retry_after_then_succeeds(server, make_client):
    sleep = RecordingSleep()
    server.add("/version", status=429, headers={"Retry-After": "3"}, body="slow down")
    server.add("/version", json={"apiVersion": "2.0.3", "dataTimestamp": "2024-02-01T09:00:00"})

    version = make_client(sleep=sleep).get_version()

    assert version["apiVersion"] == "2.0.3"
    assert len(server.received_for("/version")) == 2
    assert sleep.calls and sleep.calls[0] >= 3


def test_retry_after_with_real_short_sleep_delays_the_retry(server, make_client):
    server.add("/version", status=429, headers={"Retry-After": "0.1"})
    server.add("/version", json={"apiVersion": "2"})

    make_client().get_version()

    first, second = server.received_for("/version")
    assert second.received_at - first.received_at >= 0.1


def test_retry_after_as_http_date_is_honoured(server, make_client):
    sleep = RecordingSleep()
    when = datetime.now(UTC) + timedelta(seconds=30)
    server.add(
        "/version",
        status=503,
        headers={"Retry-After": format_datetime(when, usegmt=True)},
    )
    server.add("/version", json={"apiVersion": "2"})

    make_client(sleep=sleep).get_version()

    assert 25 <= sleep.calls[0] <= 31


def test_retry_after_shorter_than_backoff_does_not_shorten_the_backoff(server, make_client):
    sleep = RecordingSleep()
    server.add("/version", status=429, headers={"Retry-After": "1"})
    server.add("/version", status=429, headers={"Retry-After": "garbage"})
    server.add("/version", json={"apiVersion": "2"})

    make_client(sleep=sleep, backoff=5).get_version()

    assert 5 <= sleep.calls[0] <= 6.25
    assert 10 <= sleep.calls[1] <= 12.5


def test_503_twice_then_success_makes_three_requests_with_growing_backoff(server, make_client):
    sleep = RecordingSleep()
    server.add("/version", status=503, body="<html>Service Unavailable</html>")
    server.add("/version", status=503)
    server.add("/version", json={"apiVersion": "2"})

    assert make_client(sleep=sleep, backoff=1).get_version() == {"apiVersion": "2"}

    assert len(server.received_for("/version")) == 3
    first, second = sleep.calls
    assert 1 <= first <= 1.25
    assert 2 <= second <= 2.5


def test_read_timeout_then_success(server, make_client, caplog):
    server.add(STUDIES, json=studies_page([study("NCT00000001")]), delay=0.6)
    server.add(STUDIES, json=studies_page([study("NCT00000002")]))

    pages = list(make_client(read_timeout=0.2).iter_pages(query_intr="MDMA"))

    assert ids(pages) == ["NCT00000002"]
    assert "ReadTimeout" in caplog.text
    assert len(server.received_for(STUDIES)) == 2


def test_malformed_json_then_success(server, make_client):
    server.add(
        STUDIES,
        body='{"studies": [{"protocolSection": ',
        content_type="application/json",
    )
    server.add(STUDIES, json=studies_page([study("NCT00000001")]))

    assert ids(list(make_client().iter_pages())) == ["NCT00000001"]
    assert len(server.received_for(STUDIES)) == 2


def test_html_page_with_status_200_then_success(server, make_client):
    html = "<html><body>Scheduled maintenance</body></html>"
    server.add(STUDIES, body=html, content_type="text/html")
    server.add(STUDIES, json=studies_page([study("NCT00000001")]))

    assert ids(list(make_client().iter_pages())) == ["NCT00000001"]
    assert len(server.received_for(STUDIES)) == 2


def test_json_without_studies_list_is_treated_as_malformed_and_retried(server, make_client):
    server.add(STUDIES, json=[{"nctId": "NCT00000001"}])
    server.add(STUDIES, json={"studies": "nope"})
    server.add(STUDIES, json=studies_page([study("NCT00000001")]))

    assert ids(list(make_client().iter_pages())) == ["NCT00000001"]
    assert len(server.received_for(STUDIES)) == 3


def test_truncated_body_then_success(server, make_client, caplog):
    server.add(
        STUDIES,
        json=studies_page([study(f"NCT0000000{i}") for i in range(5)]),
        truncate=True,
    )
    server.add(STUDIES, json=studies_page([study("NCT00000009")]))

    assert ids(list(make_client().iter_pages())) == ["NCT00000009"]
    assert "IncompleteRead" in caplog.text
    assert len(server.received_for(STUDIES)) == 2


def test_exhausted_retries_raise_unavailable_naming_status_and_attempts(server, make_client):
    server.add("/version", status=502, body="Bad Gateway", repeat=True)

    with pytest.raises(CtgovUnavailable) as excinfo:
        make_client(retries=3).get_version()

    message = str(excinfo.value)
    assert "502" in message and "3 attempts" in message and "/version" in message
    assert len(server.received_for("/version")) == 3


def test_connection_refused_is_retried_then_raises_unavailable():
    closed = CtgovServer().start()
    closed.stop()  # nothing listens on its port any more

    client = CtgovClient(closed.url, min_interval=0, backoff=0.01, retries=2)
    with pytest.raises(CtgovUnavailable, match="2 attempts.*ConnectionError"):
        client.get_version()


def test_404_for_get_study_raises_not_found_at_once(server, make_client):
    server.add("/studies/NCT99999999", status=404, body="Study not found")

    with pytest.raises(CtgovNotFound, match="NCT99999999"):
        make_client().get_study("NCT99999999")

    assert len(server.received) == 1


def test_400_is_not_retried_and_reports_the_api_error_text(server, make_client):
    server.add(STUDIES, status=400, body="filter.ids: invalid NCT number 'XYZ'")

    with pytest.raises(CtgovError, match="invalid NCT number") as excinfo:
        list(make_client().iter_pages(nct_ids=["XYZ"]))

    assert not isinstance(excinfo.value, CtgovUnavailable)
    assert len(server.received) == 1


def test_get_study_follows_alias_redirect_and_returns_final_json(server, make_client):
    target = f"{server.prefix}/studies/NCT00000002?format=json"
    server.add("/studies/NCT00000001", status=301, headers={"Location": target})
    server.add("/studies/NCT00000002", json=study("NCT00000002"))

    record = make_client().get_study("NCT00000001", fields=["NCTId", "BriefTitle"])

    assert record == study("NCT00000002")
    assert server.received[0].param("fields") == "NCTId,BriefTitle"


def test_get_version_returns_api_version_and_data_timestamp(server, make_client):
    body = {"apiVersion": "2.0.3", "dataTimestamp": "2024-02-01T09:00:05"}
    server.add("/version", json=body)

    assert make_client().get_version() == body


def test_pagination_follows_three_pages_including_empty_middle_page(server, make_client):
    server.add(
        STUDIES,
        json=studies_page([study("NCT1"), study("NCT2")], "tok1", total_count=4),
    )
    server.add(STUDIES, json=studies_page([], "tok2"), params={"pageToken": "tok1"})
    server.add(
        STUDIES,
        json=studies_page([study("NCT3"), study("NCT4")]),
        params={"pageToken": "tok2"},
    )

    pages = list(make_client().iter_pages(query_intr="MDMA"))

    assert [p.number for p in pages] == [1, 2, 3]
    assert ids(pages) == ["NCT1", "NCT2", "NCT3", "NCT4"]
    assert [p.next_page_token for p in pages] == ["tok1", "tok2", None]
    assert [r.param("pageToken") for r in server.received] == [None, "tok1", "tok2"]
    assert server.pending() == []


def test_count_total_only_on_first_page_and_total_count_reported(server, make_client):
    server.add(STUDIES, json=studies_page([study("NCT1")], "tok1", total_count=2))
    server.add(STUDIES, json=studies_page([study("NCT2")], total_count=2))

    pages = list(make_client().iter_pages())

    assert [r.param("countTotal") for r in server.received] == ["true", None]
    assert [p.total_count for p in pages] == [2, None]


def test_search_parameters_are_sent_on_every_page(server, make_client):
    server.add(STUDIES, json=studies_page([], "tok1"))
    server.add(STUDIES, json=studies_page([]))

    client = make_client()
    list(client.iter_pages("MDMA", ["NCT1", "NCT2"], page_size=50))

    for request in server.received:
        assert request.param("format") == "json"
        assert request.param("pageSize") == "50"
        assert request.param("query.intr") == "MDMA"
        assert request.param("filter.ids") == "NCT1,NCT2"


def test_since_filter_is_sent_as_filter_advanced(server, make_client):
    server.add(STUDIES, json=studies_page([]))

    list(make_client().iter_pages(since=date(2024, 1, 30)))

    expected = "AREA[LastUpdatePostDate]RANGE[2024-01-30,MAX]"
    assert server.received[0].param("filter.advanced") == expected


def test_user_agent_header_names_the_app_and_contact(server, make_client):
    server.add("/version", json={"apiVersion": "2"})

    make_client(contact="mailto:team@example.org").get_version()

    agent = server.received[0].header("User-Agent")
    assert agent.startswith("mdma-evidence-tracker/")
    assert "mailto:team@example.org" in agent


def test_pacing_spaces_request_starts_by_min_interval():
    # Client and server share one virtual clock, so the gaps are exact, not load-dependent.
    clock = FakeClock()
    with CtgovServer(clock=clock) as server:
        server.add("/version", json={"apiVersion": "2"}, repeat=True)
        client = CtgovClient(server.url, min_interval=0.2, clock=clock, sleep=clock.sleep)
        for _ in range(3):
            client.get_version()
        client.close()

    times = [r.received_at for r in server.received]
    assert len(times) == 3
    assert all(b - a >= 0.2 - 1e-9 for a, b in itertools.pairwise(times))


def test_pacing_with_real_sleeps_takes_at_least_the_intervals(server, make_client):
    server.add("/version", json={"apiVersion": "2"}, repeat=True)
    client = make_client(min_interval=0.1)

    started = time.monotonic()
    for _ in range(3):
        client.get_version()

    assert time.monotonic() - started >= 0.2
    assert len(server.received) == 3


def test_pacing_waits_only_for_the_rest_of_the_interval(server, make_client):
    clock = FakeClock()
    server.add("/version", json={"apiVersion": "2"}, repeat=True)
    client = make_client(min_interval=1.0, clock=clock, sleep=clock.sleep)

    client.get_version()
    clock.now += 0.3  # the caller spent 0.3 s processing
    client.get_version()
    clock.now += 5  # long pause: no wait needed
    client.get_version()

    assert clock.sleeps == [pytest.approx(0.7)]
    assert len(server.received) == 3


def test_repeated_page_token_stops_with_an_error(server, make_client):
    server.add(STUDIES, json=studies_page([study("NCT1")], "same"))
    server.add(STUDIES, json=studies_page([study("NCT2")], "same"), repeat=True)

    pages = []
    with pytest.raises(CtgovError, match="page 2 repeated pageToken 'same'"):
        pages.extend(make_client().iter_pages())

    assert ids(pages) == ["NCT1"]
    assert len(server.received) == 2


def test_unscripted_request_fails_fast_with_a_clear_message(server, make_client):
    with pytest.raises(CtgovError, match="unscripted request"):
        make_client().get_version()
    assert len(server.received) == 1
