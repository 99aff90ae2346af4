"""One bad study never stalls the sync: it is refused alone and recorded with its error,
the run succeeds ("finished with N studies refused") and moves the checkpoint, and every
later run fetches the study again until it imports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.ctgov_server import studies_page
from tests.ctgov_studies import mdma_study, run_import, stub_api
from trials.ctgov.sync import checkpoint_for
from trials.models import ImportRun, RefusedStudy, Trial

QUERY = "MDMA"


@pytest.fixture
def api(settings):
    with stub_api(settings, CTGOV_RETRIES=2) as server:
        yield server


@pytest.fixture
def last_success(db):
    started = timezone.now() - timedelta(days=5)
    return ImportRun.objects.create(
        started_at=started, finished_at=started, status="succeeded", mode="query", query=QUERY
    )


def impossible_date_study(nct_id: str) -> dict:
    record = mdma_study(nct_id)
    record["protocolSection"]["statusModule"]["startDateStruct"] = {"date": "2024-02-30"}
    return record


def test_a_refused_study_does_not_hold_back_the_checkpoint_and_is_retried(api, last_success):
    api.add(
        "/studies",
        json=studies_page([impossible_date_study("NCT09900301"), mdma_study("NCT09900302")]),
    )
    out, _ = run_import("--query", QUERY)
    assert "Import succeeded" in out and "finished with 1 study refused" in out
    first = ImportRun.objects.latest("started_at")
    assert (first.status, first.refused, first.created) == ("succeeded", 1, 1)
    assert checkpoint_for(QUERY, 2) == timezone.localdate(first.started_at) - timedelta(days=2)
    refusal = RefusedStudy.objects.get()
    assert refusal.nct_id == "NCT09900301" and refusal.run == first
    assert "startDateStruct" in refusal.error and "2024-02-30" in refusal.error
    assert not Trial.objects.filter(nct_id="NCT09900301").exists()

    # The next incremental page no longer holds it; the run asks for it by id.
    api.add("/studies", json=studies_page([mdma_study("NCT09900303")]))
    api.add("/studies/NCT09900301", json=mdma_study("NCT09900301"))
    out, _ = run_import("--query", QUERY)
    assert "refused 0" in out and "finished with" not in out
    assert Trial.objects.filter(nct_id="NCT09900301").exists()
    assert RefusedStudy.objects.get().resolved_at is not None
    assert "NCT09900301: refused by an earlier run; trying again" in (
        ImportRun.objects.latest("started_at").log
    )


def test_a_study_still_bad_is_refused_again_by_each_run(api, last_success):
    api.add("/studies", json=studies_page([impossible_date_study("NCT09900311")]))
    run_import("--query", QUERY)
    api.add("/studies", json=studies_page([]))
    api.add("/studies/NCT09900311", json=impossible_date_study("NCT09900311"))
    out, _ = run_import("--query", QUERY)
    assert "finished with 1 study refused" in out
    assert RefusedStudy.objects.unresolved().count() == 2
    assert RefusedStudy.objects.pending_nct_ids() == ["NCT09900311"]


def test_a_quiet_run_still_reports_refused_studies_and_exits_zero(api, last_success):
    api.add("/studies", json=studies_page([impossible_date_study("NCT09900321")]))
    out, err = run_import("--query", QUERY, verbosity=0)
    assert out == "" and "finished with 1 study refused" in err


def test_refused_studies_are_shown_on_the_run_and_in_the_review_queue(
    api, last_success, admin_client
):
    api.add("/studies", json=studies_page([impossible_date_study("NCT09900331")]))
    run_import("--query", QUERY)
    run = ImportRun.objects.latest("started_at")
    run_page = admin_client.get(f"/admin/trials/importrun/{run.pk}/change/").content.decode()
    assert "NCT09900331" in run_page and "2024-02-30" in run_page
    queue = admin_client.get("/admin/").content.decode()
    assert "Studies the import refused (1)" in queue and "NCT09900331" in queue


def test_a_failed_fetch_still_fails_the_run_and_keeps_the_checkpoint(api, last_success):
    from django.core.management.base import CommandError

    api.add("/studies", status=503, body="down", repeat=True)
    with pytest.raises(CommandError, match="Import failed"):
        run_import("--query", QUERY)
    assert checkpoint_for(QUERY, 2) == timezone.localdate(last_success.started_at) - timedelta(2)
