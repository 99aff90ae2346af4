"""Registry dates keep their type (a planned date never reads as one that happened), UNKNOWN
status shows the last known one, results are posted / submitted / not posted / not known,
and registry facts say where they come from instead of carrying an "unverified" badge."""

import csv
import io
import json
import re

import pytest
from django.utils import timezone

from tests.ctgov_studies import mdma_study
from tests.factories import make_trial
from trials.choices import RecordSource
from trials.ctgov.upsert import upsert_study
from trials.dates import DateType
from trials.models import ImportRun, Trial, TrialChange

pytestmark = pytest.mark.django_db


def csv_rows(client, url: str) -> list[dict]:
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def main(response) -> str:
    """The page without its footer (whose legend explains the unverified badge)."""
    return response.content.decode().split("<footer")[0]


def text(response) -> str:
    content = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def study_with(nct_id="NCT09900001", results=False, **status_fields) -> dict:
    record = mdma_study(nct_id, results=results)
    record["protocolSection"]["statusModule"].update(status_fields)
    return record


def test_an_estimated_date_is_stored_and_shown_with_its_type(client):
    upsert_study(
        study_with(
            startDateStruct={"date": "2098-11", "type": "ESTIMATED"},
            completionDateStruct={"date": "2099-02", "type": "ANTICIPATED"},
        )
    )
    trial = Trial.objects.get()
    assert (trial.start_date_type, trial.completion_date_type) == ("ESTIMATED", "ANTICIPATED")
    assert trial.primary_completion_date_type == DateType.ESTIMATED
    page = text(client.get("/trials/NCT09900001/"))
    assert "Start 2098-11 (estimated)" in page
    assert "Primary completion 2099-06-30 (estimated)" in page
    assert "Completion 2099-02 (anticipated)" in page
    assert "First posted 2098-10-02 (actual)" in page
    listing = text(client.get("/trials/"))
    assert "2098-11 (estimated)" in listing


def test_a_date_without_a_type_is_shown_without_one(client):
    upsert_study(study_with())  # the fixture's completion date has no type
    trial = Trial.objects.get()
    assert trial.completion_date_type == ""
    assert "Completion 2099 " in text(client.get("/trials/NCT09900001/"))


def test_exports_carry_each_date_type_beside_the_date(client):
    upsert_study(study_with(startDateStruct={"date": "2098-11", "type": "ESTIMATED"}))
    row = csv_rows(client, "/trials/?format=csv")[0]
    assert (row["start_date"], row["start_date_type"]) == ("2098-11", "ESTIMATED")
    assert (row["primary_completion_date"], row["primary_completion_date_type"]) == (
        "2099-06-30",
        "ESTIMATED",
    )
    assert (row["completion_date"], row["completion_date_type"]) == ("2099", "")
    assert (row["first_posted"], row["first_posted_type"]) == ("2098-10-02", "ACTUAL")
    assert row["status_verified"] == "2099-01"
    body = b"".join(client.get("/trials/?format=json").streaming_content).decode()
    record = json.loads(body)["trials"][0]
    assert record["start_date_type"] == "ESTIMATED"
    assert record["verified"] is None and record["record_source"] == "registry"


def test_the_change_log_says_the_type_on_both_sides_of_a_date_change(client):
    upsert_study(study_with(primaryCompletionDateStruct={"date": "2099-02", "type": "ANTICIPATED"}))
    upsert_study(study_with(primaryCompletionDateStruct={"date": "2099-06", "type": "ACTUAL"}))
    change = TrialChange.objects.get(field="primary_completion_date")
    assert (change.old_value, change.new_value) == ("2099-02 (anticipated)", "2099-06 (actual)")
    assert change.significant
    page = text(client.get("/trials/NCT09900001/"))
    assert "Primary completion date 2099-02 (anticipated) 2099-06 (actual)" in page


def test_an_estimated_date_becoming_actual_is_a_change_even_on_the_same_day():
    upsert_study(study_with())
    upsert_study(study_with(primaryCompletionDateStruct={"date": "2099-06-30", "type": "ACTUAL"}))
    change = TrialChange.objects.get(field="primary_completion_date")
    assert (change.old_value, change.new_value) == ("2099-06-30 (estimated)", "2099-06-30 (actual)")


def test_a_parser_upgrade_fills_in_date_types_without_a_change_entry():
    upsert_study(study_with())
    # As the previous parser left it: no types, and a hash made by another parser version.
    Trial.objects.update(primary_completion_date_type="", start_date_type="", raw_hash="old")
    upsert_study(study_with())
    trial = Trial.objects.get()
    assert trial.primary_completion_date_type == "ESTIMATED" and trial.start_date_type == "ACTUAL"
    assert not TrialChange.objects.exists()


def test_the_start_filter_says_it_matches_actual_and_estimated_start_dates(client):
    upsert_study(study_with(startDateStruct={"date": "2098-11", "type": "ESTIMATED"}))
    page = text(client.get("/trials/?start_before=2099"))
    assert "start date (actual or estimated) 2099 or earlier" in page
    assert "2098-11 (estimated)" in page


def test_unknown_status_shows_the_last_known_status_and_when_it_was_verified(client):
    upsert_study(
        study_with(
            overallStatus="UNKNOWN", lastKnownStatus="RECRUITING", statusVerifiedDate="2019-03"
        )
    )
    assert Trial.objects.get().last_known_status == "RECRUITING"
    expected = "Unknown status — last known: recruiting, verified 2019-03"
    assert expected in text(client.get("/trials/NCT09900001/"))
    assert expected in text(client.get("/trials/"))
    row = csv_rows(client, "/trials/?format=csv")[0]
    assert (row["overall_status"], row["last_known_status"]) == ("UNKNOWN", "RECRUITING")


def test_posted_results_show_their_date_and_its_type(client):
    record = mdma_study()
    record["protocolSection"]["statusModule"]["resultsFirstPostDateStruct"] = {
        "date": "2099-03-01",
        "type": "ACTUAL",
    }
    upsert_study(record)
    assert Trial.objects.get().results_status == "posted"
    assert "Results Posted 2099-03-01 (actual)" in text(client.get("/trials/NCT09900001/"))


def test_results_submitted_but_not_posted_say_so(client):
    upsert_study(study_with(resultsFirstSubmitDate="2099-02-10"))
    trial = Trial.objects.get()
    assert trial.results_status == "submitted"
    page = text(client.get("/trials/NCT09900001/"))
    assert "Results submitted 2099-02-10 (actual), not yet posted" in page
    assert "no results" not in page.lower()


def test_an_estimated_results_submission_date_is_labelled_estimated(client):
    record = study_with()
    record["derivedSection"] = {
        "miscInfoModule": {"submissionTracking": {"estimatedResultsFirstSubmitDate": "2099-04-01"}}
    }
    upsert_study(record)
    page = text(client.get("/trials/NCT09900001/"))
    assert "Results submitted 2099-04-01 (estimated), not yet posted" in page


def test_a_record_that_says_no_results_says_not_posted(client):
    upsert_study(study_with())  # hasResults false
    assert Trial.objects.get().results_status == "not_posted"
    page = text(client.get("/trials/NCT09900001/"))
    assert "Not posted (the registry says no results are posted)" in page
    assert "none posted" in text(client.get("/trials/"))


def test_a_partial_record_never_claims_there_are_no_results(client):
    record = study_with()
    del record["hasResults"]
    upsert_study(record)
    assert Trial.objects.get().results_status is None
    page = text(client.get("/trials/NCT09900001/")).lower()
    assert "results not known" in page
    assert "no results" not in page and "not posted" not in page


def test_a_curated_trial_without_registry_data_has_unknown_results(client):
    trial = make_trial(record_source=RecordSource.CURATED, sources="https://example.org/a")
    page = text(client.get(trial.get_absolute_url())).lower()
    assert "results not known" in page and "no results" not in page
    assert "not known" in text(client.get("/trials/"))


def test_a_curated_results_status_shows_its_source(client):
    trial = make_trial(
        record_source=RecordSource.CURATED,
        sources="https://example.org/a",
        results_status="not_posted",
        results_status_source="https://example.org/sponsor-statement",
    )
    page = text(client.get(trial.get_absolute_url()))
    assert "source: https://example.org/sponsor-statement" in page


def test_registry_facts_name_their_record_instead_of_an_unverified_badge(client):
    upsert_study(study_with())
    trial = Trial.objects.get()
    assert not trial.verified
    content = main(client.get("/trials/NCT09900001/"))
    page = text(client.get("/trials/NCT09900001/"))
    assert "ClinicalTrials.gov record, last updated 2099-01-15, status verified 2099-01" in page
    assert "badge-unverified" not in content
    assert "badge-unverified" not in main(client.get("/trials/"))


def test_a_curated_unverified_trial_keeps_its_unverified_badge(client):
    trial = make_trial(
        record_source=RecordSource.CURATED,
        sources="https://example.org/a",
        verified=False,
        unverified_note="enrollment from a press release",
    )
    page = text(client.get(trial.get_absolute_url()))
    assert "unverified" in page and "enrollment from a press release" in page


def test_freshness_never_says_an_unstated_date(client):
    now = timezone.now()
    ImportRun.objects.create(started_at=now, finished_at=now, status="succeeded")
    upsert_study(study_with())
    page = text(client.get("/trials/NCT09900001/"))
    assert "an unstated date" not in page
    assert "did not state the date of its data" in page
    assert "last updated 2099-01-15" in page


def test_the_results_filter_never_counts_unknown_as_none_posted(client):
    make_trial(slug="posted", has_results=True, results_status="posted")
    make_trial(slug="said-none", results_status="not_posted")
    make_trial(slug="submitted", results_status="submitted")
    make_trial(slug="nobody-said")

    def slugs(query):
        response = client.get("/trials/?" + query)
        return sorted(t.slug for t in response.context["page"].object_list)

    assert slugs("has_results=true") == ["posted"]
    assert slugs("has_results=false") == ["said-none", "submitted"]
    assert slugs("has_results=unknown") == ["nobody-said"]
    facets = {f.param: f for f in client.get("/trials/").context["facets"]}
    counts = {o.value: o.count for o in facets["has_results"].options}
    assert counts == {"true": 1, "false": 2, "unknown": 1}
    assert "registry says none posted" in text(client.get("/trials/?has_results=false"))
