"""`make run`'s bounded first import: the topic query until a time limit, then the seed
is served; an unreachable API costs one line, not a traceback."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.ctgov_server import studies_page
from tests.ctgov_studies import mdma_study, run_import, stub_api
from trials.models import ImportRun, Trial


@pytest.fixture
def api(settings):
    with stub_api(settings) as server:
        yield server


def first_import(*args) -> str:
    out = StringIO()
    call_command("first_import", *args, stdout=out)
    return out.getvalue()


def two_pages(api):
    api.add("/studies", json=studies_page([mdma_study("NCT09900001")], "t1", total_count=2))
    api.add("/studies", json=studies_page([mdma_study("NCT09900002")], total_count=2))


def test_it_imports_page_by_page_with_progress_until_the_end_of_the_query(db, api):
    two_pages(api)
    out = first_import("--max-seconds", "600")
    assert "page 1: 1 studies, 1/2" in out
    assert "page 2: 1 studies, 2/2" in out
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {"NCT09900001", "NCT09900002"}
    assert ImportRun.objects.get().status == ImportRun.Status.SUCCEEDED


def test_it_stops_between_pages_at_the_time_limit_and_records_a_partial_run(db, api):
    two_pages(api)
    # A limit already passed: the first page is imported, the second never fetched.
    out = first_import("--max-seconds", "0")
    assert "page 1: 1 studies, 1/2" in out
    assert "Stopped at the time limit; `make sync` imports the rest." in out
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09900001"]
    assert len(api.received_for("/studies")) == 1
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PARTIAL
    assert "stopped at the time limit after 1 pages" in run.log


def test_the_next_sync_after_a_partial_run_fetches_the_whole_query_again(db, api, client):
    two_pages(api)
    first_import("--max-seconds", "0")
    assert "first import stopped at its time limit" in client.get("/").content.decode()
    api.add("/studies", json=studies_page([mdma_study("NCT09900001")], "t1", total_count=2))
    api.add("/studies", json=studies_page([mdma_study("NCT09900002")], total_count=2))
    run_import()
    # No checkpoint came from the partial run: the sync asked for every update ever.
    assert api.received_for("/studies")[-2].param("filter.advanced") is None
    assert Trial.objects.filter(nct_id="NCT09900002").exists()
    assert ImportRun.objects.last_data().status == ImportRun.Status.SUCCEEDED
    assert "stopped at its time limit" not in client.get("/").content.decode()


def test_it_does_nothing_once_an_import_has_run(db, api):
    two_pages(api)
    first_import()
    out = first_import()
    assert out == "Registry data already imported; `make sync` brings it up to date.\n"
    assert ImportRun.objects.count() == 1


def test_an_unreachable_api_costs_one_line_and_the_seed_is_served(db, settings, capsys):
    settings.CTGOV_API_URL = "http://127.0.0.1:9/api/v2"
    out = first_import()
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines == [
        "ClinicalTrials.gov cannot be reached at http://127.0.0.1:9/api/v2 (ConnectionError); "
        "serving the seed data."
    ]
    assert "Traceback" not in out + capsys.readouterr().err
    assert not ImportRun.objects.exists()


def test_the_overview_says_how_to_import_when_nothing_has_been(client, db):
    text = re.sub(r"<[^>]+>", "", client.get("/").content.decode())
    assert "not yet imported from ClinicalTrials.gov — run make sync" in text
