"""Faults between us and ClinicalTrials.gov, each against a real local HTTP server: the
run either recovers or fails cleanly, with no partial trial, the checkpoint unmoved
after a failure, and a run log that says what happened."""

from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from tests.ctgov_server import CtgovServer, studies_page
from tests.ctgov_studies import mdma_study, run_import, stub_api
from trials.ctgov.sync import checkpoint_for
from trials.models import ImportRun, Trial

QUERY = "MDMA"
FIRST_PAGE = {"pageToken": None}


@pytest.fixture
def api(settings):
    with stub_api(settings, CTGOV_RETRIES=3, CTGOV_READ_TIMEOUT=0.5) as server:
        yield server


@pytest.fixture
def last_success(db):
    """A clean run five days ago, so each test can check the checkpoint did not move."""
    started = timezone.now() - timedelta(days=5)
    return ImportRun.objects.create(
        started_at=started, finished_at=started, status="succeeded", mode="query", query=QUERY
    )


def good_page(*ids, token=None):
    return studies_page([mdma_study(i) for i in ids], next_page_token=token)


def assert_failed_cleanly(last_success, message: str):
    run = ImportRun.objects.latest("started_at")
    assert run.status == "failed" and run.finished_at is not None
    assert message in run.error_text or message in run.log
    assert checkpoint_for(QUERY, 2) == timezone.localdate(last_success.started_at) - timedelta(2)
    assert not ImportRun.objects.filter(status="running").exists()


def test_429_with_retry_after_is_waited_out(api, last_success):
    api.add("/studies", status=429, headers={"Retry-After": "1"}, body="slow down")
    api.add("/studies", json=good_page("NCT09900101"))
    out, _ = run_import("--query", QUERY)
    assert "created 1" in out
    first, second = api.received_for("/studies")
    assert second.received_at - first.received_at >= 0.9


def test_503_twice_then_success_recovers(api, last_success):
    api.add("/studies", status=503, body="busy")
    api.add("/studies", status=503, body="busy")
    api.add("/studies", json=good_page("NCT09900102"))
    run_import("--query", QUERY)
    assert Trial.objects.filter(nct_id="NCT09900102").exists()
    assert ImportRun.objects.latest("started_at").status == "succeeded"


def test_a_read_timeout_is_retried(api, last_success):
    api.add("/studies", json=good_page("NCT09900103"), delay=1.0)
    api.add("/studies", json=good_page("NCT09900103"))
    run_import("--query", QUERY)
    assert Trial.objects.filter(nct_id="NCT09900103").count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"body": '{"studies": [{"protocolSection": ', "content_type": "application/json"},
        {"body": "<html><body>Down for maintenance</body></html>", "content_type": "text/html"},
        {"json": good_page("NCT09900104", "NCT09900105"), "truncate": True},
    ],
    ids=["malformed-json", "html-with-200", "truncated-body"],
)
def test_a_broken_response_recovers_when_the_retry_succeeds(api, last_success, bad):
    api.add("/studies", **bad)
    api.add("/studies", json=good_page("NCT09900104", "NCT09900105"))
    out, _ = run_import("--query", QUERY)
    assert "created 2" in out


@pytest.mark.parametrize(
    "bad",
    [
        {"body": "{not json", "content_type": "application/json"},
        {"body": "<html>maintenance</html>", "content_type": "text/html"},
        {"json": good_page("NCT09900106"), "truncate": True},
        {"status": 503, "body": "busy"},
    ],
    ids=["malformed-json", "html-with-200", "truncated-body", "503"],
)
def test_a_page_that_keeps_failing_fails_the_run_cleanly(api, last_success, bad):
    api.add("/studies", json=good_page("NCT09900107", token="t1"), params=FIRST_PAGE)
    api.add("/studies", params={"pageToken": "t1"}, repeat=True, **bad)
    with pytest.raises(CommandError, match="Import failed"):
        run_import("--query", QUERY)
    assert_failed_cleanly(last_success, "failed after 3 attempts")
    # What came before the failure is whole; nothing of the failed page is there.
    trial = Trial.objects.get(nct_id="NCT09900107")
    assert trial.arms.count() == 3 and trial.result_outcomes.count() == 1
    assert not Trial.objects.filter(nct_id="NCT09900106").exists()


def test_an_empty_page_with_a_token_is_not_the_end(api, last_success):
    api.add("/studies", json=studies_page([], next_page_token="t1"), params=FIRST_PAGE)
    api.add("/studies", json=good_page("NCT09900108"), params={"pageToken": "t1"})
    _, err = run_import("--query", QUERY)
    assert "page 1: 0 studies" in err
    assert Trial.objects.filter(nct_id="NCT09900108").exists()


def test_the_same_study_on_two_pages_is_imported_once(api, last_success):
    api.add("/studies", json=good_page("NCT09900109", token="t1"), params=FIRST_PAGE)
    api.add("/studies", json=good_page("NCT09900109"), params={"pageToken": "t1"})
    out, _ = run_import("--query", QUERY)
    assert "fetched 1, created 1" in out
    assert "NCT09900109: appeared again in this run" in ImportRun.objects.latest("started_at").log


def test_a_study_missing_required_fields_is_refused_but_not_the_others(api, last_success):
    nameless = mdma_study("NCT09900110")
    del nameless["protocolSection"]["identificationModule"]["nctId"]
    page = studies_page([nameless, mdma_study("NCT09900111")])
    api.add("/studies", json=page)
    out, _ = run_import("--query", QUERY)
    assert "finished with 1 study refused" in out
    run = ImportRun.objects.latest("started_at")
    assert run.status == "succeeded" and "study without a usable NCT id" in run.log
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09900111"]


def test_an_unreachable_version_endpoint_does_not_stop_the_import(settings, db):
    with CtgovServer() as server:
        settings.CTGOV_API_URL = server.url
        settings.CTGOV_MIN_INTERVAL = 0
        settings.CTGOV_RETRIES = 1
        server.add("/studies", json=good_page("NCT09900112"))
        run_import("--query", QUERY)
    run = ImportRun.objects.get()
    assert run.status == "succeeded" and run.data_timestamp == ""
    assert "could not read /version" in run.log
