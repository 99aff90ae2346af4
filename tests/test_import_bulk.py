"""A page of new studies is written in bulk, yet reads as if imported one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.ctgov_server import studies_page
from tests.ctgov_studies import mdma_study, run_import, stub_api
from trials.ctgov.parse import raw_hash
from trials.models import Arm, ImportRun, Intervention, Trial
from trials.synthetic import plans, raw_record


@pytest.fixture
def api(settings, db):
    with stub_api(settings) as server:
        yield server


def test_new_studies_of_a_page_get_history_relations_and_search_text(api):
    records = [raw_record(p) for p in plans(5, seed=9)]
    api.add("/studies", json=studies_page(records))
    run_import("--full")
    run = ImportRun.objects.get()
    assert run.created == 5
    for record, trial in zip(records, Trial.objects.order_by("nct_id"), strict=True):
        assert trial.raw_hash == raw_hash(record)
        history = trial.history.get()
        assert history.history_type == "+" and str(run.pk) in history.history_change_reason
        assert trial.arms.count() == len(
            record["protocolSection"]["armsInterventionsModule"]["armGroups"]
        )
        assert trial.search_text == trial.build_search_text()
    assert Arm.history.count() == Arm.objects.count()
    # Each dosed arm is linked to the MDMA intervention, as the record says.
    linked = Intervention.arms.through.objects.count()
    assert linked == Arm.objects.filter(dose_unit="mg").count()


def test_the_queries_of_a_page_of_new_studies_do_not_grow_with_the_page(api):
    def queries_for(records):
        api.add("/studies", json=studies_page(records))
        with CaptureQueriesContext(connection) as ctx:
            run_import("--full")
        return len(ctx.captured_queries)

    small = queries_for([raw_record(p) for p in plans(3, seed=1)])
    large = queries_for([raw_record(p) for p in plans(30, seed=1, start=100)])
    assert large <= small + 10  # plus the unchanged-trial UPDATE and missing flagging


def test_a_bad_study_among_new_ones_is_refused_alone(api):
    bad = mdma_study("NCT09900031")
    del bad["protocolSection"]["identificationModule"]["briefTitle"]
    records = [raw_record(p) for p in plans(3, seed=2)] + [bad]
    api.add("/studies", json=studies_page(records))
    run_import("--full")
    assert Trial.objects.count() == 3
    assert not Trial.objects.filter(nct_id="NCT09900031").exists()
    assert ImportRun.objects.get().refused == 1


def test_a_full_run_flags_what_it_did_not_see_in_one_statement(api):
    api.add("/studies", json=studies_page([raw_record(p) for p in plans(4, seed=3)]))
    run_import("--full")
    api.add("/studies", json=studies_page([raw_record(p) for p in plans(2, seed=3)]))
    run_import("--full")
    flagged = Trial.objects.filter(missing_from_registry_since__isnull=False)
    assert sorted(flagged.values_list("nct_id", flat=True)) == ["NCT80000002", "NCT80000003"]


def test_a_changed_study_counts_under_its_new_country_once_its_page_is_written(api, client):
    records = [raw_record(p) for p in plans(3, seed=4)]
    api.add("/studies", json=studies_page(records))
    run_import("--full")
    assert client.get("/trials/?country=IS").context["count"] == 0
    module = records[0]["protocolSection"].setdefault("contactsLocationsModule", {})
    module.setdefault("locations", []).append(
        {"facility": "Landspitali", "city": "Reykjavik", "country": "Iceland"}
    )
    api.add("/studies", json=studies_page(records))
    run_import("--full")
    assert ImportRun.objects.first().updated == 1
    assert client.get("/trials/?country=IS").context["count"] == 1
