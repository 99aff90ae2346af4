"""A page of changed studies is written in bulk, yet comes out as if upserted one by one."""

import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import samples_dir
from tests.ctgov_server import studies_page
from tests.ctgov_studies import mdma_study, run_import, stub_api
from trials.ctgov.bulk_update import compare_page, update_studies
from trials.ctgov.parse import raw_hash, studies_in_document
from trials.ctgov.upsert import upsert_study
from trials.models import (
    Arm,
    FieldLock,
    ImportRun,
    ResultOutcome,
    Site,
    Trial,
    TrialChange,
    TrialIdentifier,
)


@pytest.fixture
def api(settings, db):
    settings.CTGOV_TOPIC_TERMS = []  # the samples are not MDMA studies
    with stub_api(settings) as server:
        yield server


def sample_studies(count: int) -> list[dict]:
    """The first `count` distinct studies of the real samples."""
    found = {}
    for path in sorted((samples_dir() / "v2").glob("*.json")):
        for study in studies_in_document(json.loads(path.read_text(encoding="utf-8")), path.name):
            found.setdefault(study["protocolSection"]["identificationModule"]["nctId"], study)
    assert len(found) >= count
    return list(found.values())[:count]


def revised(study: dict) -> dict:
    """The study as the registry might revise it: title, enrollment, a new site and id."""
    study = json.loads(json.dumps(study))
    section = study["protocolSection"]
    section["identificationModule"]["briefTitle"] += " (revised)"
    design = section.setdefault("designModule", {})
    design.setdefault("enrollmentInfo", {})["count"] = 321
    section.setdefault("contactsLocationsModule", {}).setdefault("locations", []).append(
        {"facility": "Landspitali", "city": "Reykjavik", "country": "Iceland"}
    )
    section["identificationModule"].setdefault("secondaryIdInfos", []).append(
        {"id": "REVISED-1", "type": "OTHER"}
    )
    return study


def test_the_queries_of_a_page_of_changed_studies_do_not_grow_with_the_page(api, ctgov_samples):
    studies = sample_studies(12)
    api.add("/studies", json=studies_page(studies))
    run_import("--full")

    def queries_for(page: list[dict], changed: int) -> int:
        api.add("/studies", json=studies_page(page))
        with CaptureQueriesContext(connection) as ctx:
            run_import("--full")
        run = ImportRun.objects.order_by("pk").last()
        assert (run.updated, run.unchanged, run.refused) == (changed, len(page) - changed, 0)
        return len(ctx.captured_queries)

    page = [revised(s) for s in studies[:1]] + studies[1:]
    one = queries_for(page, 1)
    ten = queries_for(page[:1] + [revised(s) for s in studies[1:11]] + studies[11:], 10)
    assert ten <= one + 3, (one, ten)


def stored(nct_id: str) -> dict:
    """Everything the import writes for one trial, as comparable values."""
    trial = Trial.objects.get(nct_id=nct_id)
    # The clock's; rebuilt from search_text; a sponsor created twice gets two ids (by name).
    skip = {"updated_at", "search_vector", "lead_sponsor"}
    return {
        "trial": {
            f.attname: getattr(trial, f.attname)
            for f in Trial._meta.concrete_fields
            if f.name not in skip
        },
        "lead_sponsor": trial.lead_sponsor.name if trial.lead_sponsor else "",
        "locks": list(trial.field_locks.values_list("field", "registry_value")),
        "arms": sorted(
            trial.arms.values_list("label", "record_source", "description", "dose_unit", "order")
        ),
        "arm_history": sorted(
            Arm.history.filter(trial_id=trial.pk).values_list("label", "history_type")
        ),
        "interventions": sorted(
            (i.name, tuple(sorted(a.label for a in i.arms.all())))
            for i in trial.interventions.all()
        ),
        "sites": sorted(trial.sites.values_list("facility", "city", "country", "record_source")),
        "identifiers": sorted(trial.identifiers.values_list("kind", "value", "record_source")),
        "outcomes": sorted(trial.outcome_measures.values_list("kind", "measure")),
        "links": [
            sorted(trial.phases.values_list("code", flat=True)),
            sorted(trial.conditions.values_list("name", flat=True)),
            sorted(trial.collaborators.values_list("name", flat=True)),
        ],
        "results": ResultOutcome.objects.filter(trial=trial).count(),
        "changes": list(
            TrialChange.objects.filter(trial=trial)
            .order_by("pk")
            .values_list("field", "old_value", "new_value", "applied", "significant")
        ),
        "history": [
            (h.history_type, h.history_change_reason, h.brief_title, h.overall_status)
            for h in trial.history.order_by("history_date", "history_id")
        ],
    }


def both_paths(record: dict) -> tuple[dict, dict]:
    """What `upsert_study` leaves for the record, then what the bulk path leaves for it,
    each from the same stored state."""
    nct_id, now = record["protocolSection"]["identificationModule"]["nctId"], timezone.now()
    with transaction.atomic():
        upsert_study(record, now=now)
        single = stored(nct_id)
        transaction.set_rollback(True)
    studies, rest, orgs = compare_page([(nct_id, record, raw_hash(record))], now)
    assert rest == []
    update_studies(studies, orgs, run=None, now=now, force=False)
    return single, stored(nct_id)


EDITORS_SITE = {"facility": "Editors' clinic", "city": "Oslo", "country": "Norway"}


def curated_revision(nct_id: str) -> dict:
    record = mdma_study(nct_id, title="Renamed by the registry", status="COMPLETED")
    section = record["protocolSection"]
    section["designModule"]["enrollmentInfo"]["count"] = 99
    for arm in section["armsInterventionsModule"]["armGroups"]:
        arm["description"] = "Revised arm text"
    section["contactsLocationsModule"]["locations"].append(
        {"facility": "Landspitali", "city": "Reykjavik", "country": "Iceland"}
    )
    return record


def test_a_curated_trial_under_a_lock_comes_out_of_the_bulk_path_as_upsert_study_leaves_it(
    seeded,
):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    upsert_study(mdma_study("NCT03537014"), now=timezone.now() - timedelta(days=1))
    FieldLock.objects.create(trial=mapp1, field="brief_title", reason="Registry typo")
    FieldLock.objects.create(trial=mapp1, field="enrollment", reason="Sponsor's count")
    Site.objects.create(trial=mapp1, record_source="curated", **EDITORS_SITE)
    TrialIdentifier.objects.create(trial=mapp1, kind="OTHER", value="ED-7")
    single, bulk = both_paths(curated_revision("NCT03537014"))
    assert single["trial"]["record_source"] == "curated"
    assert ("brief_title", "Renamed by the registry") in single["locks"]
    assert (*EDITORS_SITE.values(), "curated") in single["sites"]
    assert any(change[0] == "overall_status" and change[4] for change in single["changes"])
    assert ("Flexible-dose MDMA", "-") in single["arm_history"]  # the registry's arm replaced
    for part in single:
        assert bulk[part] == single[part], part


def test_a_study_first_imported_by_an_older_parser_comes_out_as_upsert_study_leaves_it(
    seeded,
):
    # The curated trial was never imported: no stored record to trust, fields filled in.
    single, bulk = both_paths(curated_revision("NCT03537014"))
    for part in single:
        assert bulk[part] == single[part], part


def page_with_one_bad(api, enrollment: int) -> tuple[list[dict], ImportRun]:
    """Three stored studies revised, the second with this enrollment; the run's record."""
    studies = sample_studies(3)
    api.add("/studies", json=studies_page(studies))
    run_import("--full")
    page = [revised(s) for s in studies]
    page[1]["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = enrollment
    api.add("/studies", json=studies_page(page))
    run_import("--full")
    return studies, ImportRun.objects.order_by("pk").last()


def stored_hash(study: dict) -> str:
    nct_id = study["protocolSection"]["identificationModule"]["nctId"]
    return Trial.objects.get(nct_id=nct_id).raw_hash


def test_a_changed_study_that_cannot_be_parsed_is_refused_alone(api, ctgov_samples):
    studies, run = page_with_one_bad(api, enrollment=-5)
    assert (run.updated, run.refused) == (2, 1)
    assert stored_hash(studies[1]) == raw_hash(studies[1])  # the stored record stands


def test_a_page_the_database_refuses_is_written_one_by_one_and_the_bad_study_refused(
    api, ctgov_samples
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores any integer; PostgreSQL refuses one out of range")
    studies, run = page_with_one_bad(api, enrollment=3_000_000_000)
    assert "bulk update of 3 studies failed" in run.log
    assert (run.updated, run.refused) == (2, 1)
    assert stored_hash(studies[1]) == raw_hash(studies[1])
