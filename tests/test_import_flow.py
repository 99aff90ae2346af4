"""Importing participant flow and baseline characteristics: revisions replace the rows
and enter the change log, a malformed module refuses the study and writes nothing, a
dry run writes nothing, and the trial page costs the same queries at any table size."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import samples_dir
from tests.ctgov_studies import mdma_study, run_import
from tests.flow_pages import tables
from trials.models import (
    BaselineValue,
    FlowCount,
    FlowStep,
    ImportRun,
    ParticipantFlow,
    RefusedStudy,
    Trial,
    TrialChange,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("samples_are_public")]


NCT = "NCT09900010"


def with_flow(nct_id: str = NCT) -> dict:
    record = mdma_study(nct_id)
    record["resultsSection"]["participantFlowModule"] = {
        "groups": [
            {"id": "FG000", "title": "MDMA-assisted therapy"},
            {"id": "FG001", "title": "Placebo with therapy"},
        ],
        "periods": [
            {
                "title": "Overall Study",
                "milestones": [
                    {
                        "type": "STARTED",
                        "achievements": [
                            {"groupId": "FG000", "numSubjects": "53"},
                            {"groupId": "FG001", "numSubjects": "51"},
                        ],
                    }
                ],
                "dropWithdraws": [
                    {
                        "type": "Lost to Follow-up",
                        "reasons": [
                            {"groupId": "FG000", "numSubjects": "2"},
                            {"groupId": "FG009", "numSubjects": "1"},
                        ],
                    }
                ],
            }
        ],
    }
    record["resultsSection"]["baselineCharacteristicsModule"] = {
        "groups": [{"id": "BG000", "title": "MDMA-assisted therapy"}],
        "measures": [
            {
                "title": "Age, Continuous",
                "paramType": "GEOMETRIC_MEAN",
                "dispersionType": "STANDARD_DEVIATION",
                "unitOfMeasure": "years",
                "classes": [
                    {"categories": [{"measurements": [{"groupId": "BG000", "value": "41.1"}]}]}
                ],
            }
        ],
    }
    return record


def import_records(tmp_path, *records, options=()):
    paths = []
    for n, record in enumerate(records):
        path = tmp_path / f"study{n}.json"
        path.write_text(json.dumps(record))
        paths.append(str(path))
    return run_import(*options, "--from-file", *paths)


def test_a_revised_count_replaces_the_flow_and_is_logged(client, tmp_path):
    import_records(tmp_path, with_flow())
    revised = with_flow()
    milestone = revised["resultsSection"]["participantFlowModule"]["periods"][0]["milestones"][0]
    milestone["achievements"][0]["numSubjects"] = "54"
    out, _ = import_records(tmp_path, revised)
    assert "updated 1" in out
    started = FlowCount.objects.get(step__step_type="STARTED", group_code="FG000")
    assert (started.subjects_raw, started.subjects) == ("54", 54)
    change = TrialChange.objects.get(field="participant flow")
    assert change.new_value == "1 period, 1 milestone, 1 drop/withdraw reason (values revised)"
    assert not TrialChange.objects.filter(field="baseline characteristics").exists()
    html = client.get("/trials/NCT09900010/").content.decode()
    (table,) = tables(html, "flow-table")
    assert table.rows[0].header == "Started" and table.rows[0].cells[0] == "54"


def test_a_withdrawn_flow_and_baseline_are_removed_and_logged(tmp_path):
    import_records(tmp_path, with_flow())
    import_records(tmp_path, mdma_study(NCT))
    assert not ParticipantFlow.objects.exists() and not BaselineValue.objects.exists()
    logged = dict(TrialChange.objects.values_list("field", "old_value"))
    assert logged["participant flow"] == "1 period, 1 milestone, 1 drop/withdraw reason"
    assert logged["baseline characteristics"] == "1 measure in 1 group"


def test_a_count_for_an_unlisted_group_is_kept_and_shown_in_its_own_column(client, tmp_path):
    import_records(tmp_path, with_flow())
    orphan = FlowCount.objects.get(group_code="FG009")
    assert orphan.group is None and orphan.subjects_raw == "1"
    html = client.get("/trials/NCT09900010/").content.decode()
    (table,) = tables(html, "flow-table")
    assert table.columns == ["Milestone", "MDMA-assisted therapy", "Placebo with therapy", "FG009"]
    assert table.rows[-1].header == "Lost to Follow-up"
    assert table.rows[-1].cells == ["2", "not given", "1"]


def test_registry_enums_read_as_words_on_the_page(client, tmp_path):
    import_records(tmp_path, with_flow())
    html = client.get("/trials/NCT09900010/").content.decode()
    (table,) = tables(html, "baseline-table")
    assert "Geometric mean (standard deviation), years" in html
    assert "GEOMETRIC_MEAN" not in html and "STANDARD_ERROR" not in html
    # The outcome results above it say the same in words.
    assert "Least squares mean (standard error), score on a scale" in html
    assert table.rows[-1].header == "Age, Continuous" and table.rows[-1].cells == ["41.1"]


def test_a_malformed_flow_refuses_that_study_and_writes_nothing_of_it(tmp_path):
    broken = with_flow("NCT09900011")
    broken["resultsSection"]["participantFlowModule"]["periods"][0]["milestones"] = "STARTED"
    # A refused study no longer fails the run; it is recorded and retried (see refused studies).
    import_records(tmp_path, broken, with_flow("NCT09900012"))
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT09900012"]
    assert FlowStep.objects.filter(period__flow__trial__nct_id="NCT09900011").count() == 0
    log = ImportRun.objects.get().log
    assert "NCT09900011" in log
    assert "resultsSection.participantFlowModule.periods[0].milestones" in log
    assert RefusedStudy.objects.filter(nct_id="NCT09900011").exists()


def test_a_dry_run_reports_a_flow_revision_and_writes_nothing(tmp_path):
    import_records(tmp_path, with_flow())
    revised = with_flow()
    revised["resultsSection"]["baselineCharacteristicsModule"]["measures"] = []
    rows = list(BaselineValue.objects.values_list("pk", "value_raw"))
    out, _ = import_records(tmp_path, revised, options=("--dry-run",))
    assert "would be updated 1" in out
    assert list(BaselineValue.objects.values_list("pk", "value_raw")) == rows
    assert not TrialChange.objects.exists()


def test_the_trial_page_costs_the_same_queries_for_a_large_and_a_small_flow(client):
    files = {p.name.split("__")[-1]: p for p in (samples_dir() / "v2").glob("*.json")}
    if "NCT02552212.json" not in files:
        pytest.skip("ClinicalTrials.gov samples not found")
    run_import("--from-file", str(files["NCT02552212.json"]), str(files["NCT00763412.json"]))
    counts = {}
    for nct_id in ("NCT02552212", "NCT00763412"):
        client.get(f"/trials/{nct_id}/")  # both with the same warm cache (data version, syntheses)
    for nct_id in ("NCT02552212", "NCT00763412"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/trials/{nct_id}/").status_code == 200
        counts[nct_id] = len(queries)
    large = FlowCount.objects.filter(step__period__flow__trial__nct_id="NCT02552212").count()
    small = FlowCount.objects.filter(step__period__flow__trial__nct_id="NCT00763412").count()
    assert large > 10 * small  # and the small one has four times the baseline measures
    # The size of the flow never adds queries; only a section the small study has no rows
    # in (adverse-event terms, result analyses) skips its query.
    assert counts["NCT02552212"] - counts["NCT00763412"] in (0, 1, 2)
    assert counts["NCT02552212"] <= 22  # a guard; without posted results a trial page needs ≤ 8
