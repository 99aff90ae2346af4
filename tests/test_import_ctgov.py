"""The ClinicalTrials.gov import, run through the real command against saved files and
a local HTTP server imitating the API."""

import json
from datetime import timedelta

import pytest
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial.models import State
from evidence.models import EffectEstimate, Publication
from tests.ctgov_server import studies_page
from tests.ctgov_studies import VERSION, mdma_study, run_import, stub_api
from trials.ctgov.run_lock import ADVISORY_LOCK_KEY
from trials.models import (
    AdverseEventGroup,
    Arm,
    FieldLock,
    ImportRun,
    ResultAnalysis,
    ResultMeasurement,
    ResultOutcome,
    Trial,
    TrialChange,
)

RESULT_STUDIES = [
    "NCT00763412",
    "NCT02210780",
    "NCT02552212",
    "NCT05594173",
    "NCT02299791",
    "NCT02513394",
]


@pytest.fixture
def api(settings):
    with stub_api(settings, CTGOV_RETRIES=3) as server:
        yield server


def write_files(tmp_path, *records):
    paths = []
    for n, record in enumerate(records):
        path = tmp_path / f"study{n}.json"
        path.write_text(json.dumps(record))
        paths.append(str(path))
    return paths


def test_every_real_sample_imports_with_its_results(db, ctgov_samples):
    files = sorted(str(p) for p in (ctgov_samples / "v2").glob("*.json"))
    out, _ = run_import("--from-file", *files)
    assert "created 32" in out and "errors 0" in out
    for nct_id in RESULT_STUDIES:
        trial = Trial.objects.get(nct_id=nct_id)
        assert trial.has_results and trial.result_outcomes.exists(), nct_id
        assert ResultMeasurement.objects.filter(outcome__trial=trial).exists(), nct_id
        assert trial.adverse_event_groups.exists(), nct_id
    analyses = ResultAnalysis.objects.filter(outcome__trial__nct_id="NCT02552212")
    assert analyses.count() == 12
    assert analyses.filter(p_value_raw="<0.001", p_value__isnull=True).count() == 10
    assert analyses.get(p_value_raw="=0.247").p_value == pytest.approx(0.247)
    run = ImportRun.objects.get()
    assert (run.status, run.mode, run.created) == ("succeeded", "file", 32)


def test_second_import_reports_all_unchanged_and_writes_nothing(db, ctgov_samples):
    files = sorted(str(p) for p in (ctgov_samples / "v2").glob("*.json"))
    run_import("--from-file", *files)
    counts = (
        Trial.history.count(),
        Arm.history.count(),
        TrialChange.objects.count(),
        ResultOutcome.objects.count(),
    )
    updated_at = dict(Trial.objects.values_list("nct_id", "updated_at"))
    out, _ = run_import("--from-file", *files)
    assert "created 0, updated 0, unchanged 32, errors 0" in out
    assert counts == (
        Trial.history.count(),
        Arm.history.count(),
        TrialChange.objects.count(),
        ResultOutcome.objects.count(),
    )
    assert dict(Trial.objects.values_list("nct_id", "updated_at")) == updated_at


def test_legacy_files_are_refused_and_nothing_is_imported(db, ctgov_samples):
    files = [
        str(next((ctgov_samples / "v2").glob("*NCT00973089.json"))),
        *(str(p) for p in (ctgov_samples / "legacy_v1").glob("*.json")),
    ]
    with pytest.raises(CommandError, match="FullStudiesResponse|StudyFieldsResponse"):
        run_import("--from-file", *files)
    assert not Trial.objects.exists() and not ImportRun.objects.exists()


def test_new_registry_trial_is_stored_with_its_relations(db, tmp_path):
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    trial = Trial.objects.get(nct_id="NCT09900001")
    assert (trial.record_source, trial.state) == ("registry", State.PUBLISHED)
    assert str(trial.start) == "2098-11 (actual)"
    assert list(trial.phases.values_list("code", flat=True)) == ["PHASE3"]
    assert trial.lead_sponsor.name == "Test Sponsor PBC"
    assert {s.country_code for s in trial.sites.all()} == {"US", "TR", ""}
    arm = trial.arms.get(label="MDMA-assisted therapy")
    assert (arm.dose_unit, arm.dose_initial_min, arm.dose_initial_max) == ("mg", 120, 120)
    assert arm.dose_source_text == "Midomafetamine 120 mg in each of three sessions."
    assert trial.interventions.get(name="Placebo").arms.get().label == "Placebo with therapy"
    assert trial.outcome_measures.count() == 2
    assert AdverseEventGroup.objects.get(trial=trial, code="EG001").serious_affected == 2
    assert "Midomafetamine" in trial.search_text
    assert trial.raw_json["protocolSection"]["identificationModule"]["nctId"] == "NCT09900001"


def test_new_trials_are_drafts_when_the_import_does_not_publish(db, tmp_path, settings):
    settings.IMPORT_PUBLISHES_TRIALS = False
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    assert Trial.objects.get(nct_id="NCT09900001").state == State.DRAFT


def test_curated_trial_takes_registry_values_and_keeps_curated_facts(seeded, tmp_path):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    before = {
        "sources": mapp1.sources,
        "state": mapp1.state,
        "verified": mapp1.verified,
        "publications": Publication.objects.filter(trials=mapp1).count(),
        "estimates": EffectEstimate.objects.filter(trial=mapp1).count(),
    }
    curated_arm = mapp1.arms.get(label="MDMA-assisted therapy")
    mapp1.editor_notes = "checked against the NEJM paper"
    mapp1.save()
    run_import("--from-file", *write_files(tmp_path, mdma_study("NCT03537014", status="COMPLETED")))
    mapp1.refresh_from_db()
    assert mapp1.record_source == "curated"
    assert mapp1.brief_title.startswith("Hand-made")  # unlocked: the registry's value
    assert mapp1.editor_notes == "checked against the NEJM paper"
    assert before == {
        "sources": mapp1.sources,
        "state": mapp1.state,
        "verified": mapp1.verified,
        "publications": Publication.objects.filter(trials=mapp1).count(),
        "estimates": EffectEstimate.objects.filter(trial=mapp1).count(),
    }
    arm = Arm.objects.get(pk=curated_arm.pk)
    assert (arm.record_source, arm.dose_text) == ("curated", "80–120 mg + 40–60 mg, 3 sessions")
    # The registry arm with the curated arm's label is not added beside it.
    assert mapp1.arms.filter(label__iexact="MDMA-assisted therapy").count() == 1
    assert mapp1.identifiers.filter(kind="SPONSOR", value="MAPP1", record_source="curated")
    # MAPP1's curated record names no sites, only a sourced count; the registry's real ones arrive.
    assert not mapp1.sites.filter(record_source="curated").exists()
    assert mapp1.sites.filter(record_source="registry").exists()
    assert mapp1.curated_facts.site_count == 15
    assert mapp1.raw_json is not None


def test_locked_title_survives_and_the_change_log_shows_the_registry_value(seeded, tmp_path):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    curated_title = mapp1.brief_title
    lock = FieldLock.objects.create(trial=mapp1, field="brief_title", reason="Registry typo")
    run_import("--from-file", *write_files(tmp_path, mdma_study("NCT03537014", title="Renamed")))
    mapp1.refresh_from_db()
    lock.refresh_from_db()
    assert mapp1.brief_title == curated_title
    assert lock.registry_value == "Renamed" and lock.registry_value_seen_at is not None
    change = TrialChange.objects.get(trial=mapp1, field="brief_title")
    assert (change.old_value, change.new_value, change.applied) == (curated_title, "Renamed", False)
    assert change.run == ImportRun.objects.get()


def test_status_and_enrollment_changes_enter_the_review_queue(db, tmp_path):
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    assert not TrialChange.objects.exists()  # a new trial is not a change
    changed = mdma_study(status="COMPLETED", enrollment=104)
    out, _ = run_import("--from-file", *write_files(tmp_path, changed))
    assert "updated 1" in out
    queue = TrialChange.objects.awaiting_review()
    assert {(c.field, c.old_value, c.new_value) for c in queue} == {
        ("overall_status", "RECRUITING", "COMPLETED"),
        ("enrollment", "100", "104"),
    }
    trial = Trial.objects.get(nct_id="NCT09900001")
    assert trial.history.first().history_change_reason == (
        f"ClinicalTrials.gov import {ImportRun.objects.first().pk}"
    )
    history = trial.history.count()
    run_import("--from-file", *write_files(tmp_path, changed))
    assert TrialChange.objects.count() == 2 and trial.history.count() == history


def test_a_record_under_a_new_nct_id_updates_the_trial_of_its_former_id(db, tmp_path):
    run_import("--from-file", *write_files(tmp_path, mdma_study("NCT09900000")))
    moved = mdma_study("NCT09900009", aliases=["NCT09900000"])
    run_import("--from-file", *write_files(tmp_path, moved))
    trial = Trial.objects.get()
    assert trial.nct_id == "NCT09900009"
    assert Trial.objects.find("NCT09900000").get() == trial


def test_a_study_failing_mid_upsert_leaves_no_partial_trial(db, tmp_path):
    broken = mdma_study("NCT09900002")
    groups = broken["resultsSection"]["adverseEventsModule"]["eventGroups"]
    groups[1]["id"] = groups[0]["id"]  # the database allows one group per code
    paths = write_files(tmp_path, broken, mdma_study("NCT09900003"))
    out, _ = run_import("--from-file", *paths)
    assert "finished with 1 study refused" in out
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09900003"]
    run = ImportRun.objects.get()
    assert run.status == "succeeded" and run.refused == 1
    assert run.refused_studies.get().nct_id == "NCT09900002"


def test_a_study_missing_its_title_is_an_error_and_others_still_import(db, tmp_path):
    untitled = mdma_study("NCT09900004")
    del untitled["protocolSection"]["identificationModule"]["briefTitle"]
    paths = write_files(tmp_path, untitled, mdma_study("NCT09900005"))
    out, _ = run_import("--from-file", *paths)
    assert "finished with 1 study refused" in out
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09900005"]
    assert "NCT09900004: no briefTitle" in ImportRun.objects.get().log


def test_dry_run_reports_changes_and_writes_nothing(db, tmp_path):
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    history = Trial.history.count()
    changed = write_files(tmp_path, mdma_study(status="COMPLETED"), mdma_study("NCT09900006"))
    out, _ = run_import("--from-file", *changed, "--dry-run", verbosity=2)
    assert "Dry run, nothing written" in out and "would be created 1" in out
    assert "NCT09900001 overall_status: 'RECRUITING' -> 'COMPLETED'" in out
    assert Trial.objects.get().overall_status == "RECRUITING"
    assert not TrialChange.objects.exists() and Trial.history.count() == history
    assert ImportRun.objects.count() == 1


def test_quiet_run_prints_nothing_on_success(db, tmp_path):
    out, err = run_import("--from-file", *write_files(tmp_path, mdma_study()), verbosity=0)
    assert (out, err) == ("", "")


def test_a_query_run_follows_three_pages_of_tokens_and_imports_each_study_once(db, api):
    ids = [f"NCT0990001{n}" for n in range(6)]
    pages = [ids[0:2], ids[2:4], ids[4:6]]
    api.add("/studies", json=studies_page([mdma_study(i) for i in pages[0]], "t1", 6))
    api.add("/studies", json=studies_page([mdma_study(i) for i in pages[1]], "t2"))
    api.add("/studies", json=studies_page([mdma_study(i) for i in pages[2]]))
    out, err = run_import()
    assert "page 1: 2 studies, 2/6" in err and "page 3: 2 studies, 6/6" in err
    assert "fetched 6, created 6" in out
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == ids
    tokens = [r.param("pageToken") for r in api.received_for("/studies")]
    assert tokens == [None, "t1", "t2"]
    run = ImportRun.objects.get()
    assert (run.pages, run.data_timestamp) == (3, VERSION["dataTimestamp"])


def test_incremental_run_starts_two_days_before_the_last_clean_run(db, api):
    started = timezone.now() - timedelta(days=5)
    ImportRun.objects.create(
        started_at=started, status="succeeded", mode="query", query="MDMA", finished_at=started
    )
    api.add("/studies", json=studies_page([]), repeat=True)
    run_import("--query", "MDMA")
    since = timezone.localdate(started) - timedelta(days=2)
    first = api.received_for("/studies")[-1]
    assert first.param("filter.advanced") == f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
    assert first.param("query.intr") == "MDMA"
    run_import("--query", "MDMA", "--since", "2020-01-31")
    assert "RANGE[2020-01-31,MAX]" in api.received_for("/studies")[-1].param("filter.advanced")
    run_import("--query", "MDMA", "--full")
    assert api.received_for("/studies")[-1].param("filter.advanced") is None


def test_a_full_run_flags_trials_that_left_the_query_and_keeps_them(db, api):
    api.add("/studies", json=studies_page([mdma_study("NCT09900021"), mdma_study("NCT09900022")]))
    run_import("--full")
    api.add("/studies", json=studies_page([mdma_study("NCT09900021")]))
    run_import("--full")
    gone = Trial.objects.get(nct_id="NCT09900022")
    assert gone.missing_from_registry_since is not None
    assert Trial.objects.get(nct_id="NCT09900021").missing_from_registry_since is None
    assert "no longer match the query" in ImportRun.objects.first().log


def test_nct_run_for_an_unknown_id_fails_with_a_clear_error(db, api):
    api.publish(mdma_study("NCT09900031"))
    with pytest.raises(CommandError, match="failed"):
        run_import("--nct", "NCT09900031", "nct09999999")
    run = ImportRun.objects.get()
    assert run.status == "failed" and run.mode == "nct"
    assert "NCT09999999: not found in ClinicalTrials.gov" in run.log
    assert Trial.objects.filter(nct_id="NCT09900031").exists()


def test_nct_run_fetches_its_ids_in_one_request(db, api):
    ids = ["NCT09900032", "NCT09900033", "NCT09900034"]
    api.publish(*[mdma_study(nct_id) for nct_id in ids])
    run_import("--nct", *ids)
    (request,) = api.received_for("/studies")
    assert request.param("filter.ids") == ",".join(ids)
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == ids
    assert ImportRun.objects.get().status == "succeeded"


def test_nct_run_splits_its_ids_by_the_page_size(db, api, settings):
    settings.CTGOV_PAGE_SIZE = 2
    ids = ["NCT09900035", "NCT09900036", "NCT09900037"]
    api.publish(*[mdma_study(nct_id) for nct_id in ids])
    run_import("--nct", *ids)
    batches = [r.param("filter.ids") for r in api.received_for("/studies")]
    assert batches == ["NCT09900035,NCT09900036", "NCT09900037"]
    assert Trial.objects.count() == 3


def test_a_malformed_nct_id_is_refused_before_anything_runs(db):
    with pytest.raises(CommandError, match="not an NCT id: NCT123"):
        run_import("--nct", "NCT123")
    assert not ImportRun.objects.exists()


def test_a_second_run_is_refused_while_another_is_running(transactional_db, tmp_path):
    paths = write_files(tmp_path, mdma_study())
    holder = None
    if connections["default"].vendor == "postgresql":
        holder = connections.create_connection("default")
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
    else:
        ImportRun.objects.create(started_at=timezone.now(), status="running")
    try:
        with pytest.raises(CommandError, match="another import is running"):
            run_import("--from-file", *paths)
    finally:
        if holder is not None:
            holder.close()
    assert not Trial.objects.exists()


def test_a_stale_running_row_is_recovered(transactional_db, tmp_path):
    stale = ImportRun.objects.create(
        started_at=timezone.now() - timedelta(hours=9), status="running"
    )
    paths = write_files(tmp_path, mdma_study())
    args = ["--from-file", *paths]
    if connections["default"].vendor != "postgresql":
        with pytest.raises(CommandError, match="--force-unlock"):
            run_import(*args)
        args.append("--force-unlock")
    run_import(*args)
    stale.refresh_from_db()
    assert stale.status == "failed" and stale.error_text.startswith("abandoned")
    assert ImportRun.objects.latest("started_at").status == "succeeded"


def test_bad_since_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_import("--since", "yesterday")
    assert not ImportRun.objects.exists()


def test_an_unchanged_reimport_costs_the_same_few_queries_at_any_size(db, tmp_path):
    counts = []
    for size in (3, 30):
        page = studies_page([mdma_study(f"NCT0980{size:02d}{n:02d}") for n in range(size)])
        path = tmp_path / f"page{size}.json"
        path.write_text(json.dumps(page))
        run_import("--from-file", str(path))
        with CaptureQueriesContext(connection) as queries:
            run_import("--from-file", str(path))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
