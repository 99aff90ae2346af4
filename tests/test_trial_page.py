"""The trial page: registry fields, results, evidence beside them, and honesty about doubt."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial.models import State
from evidence.models import Publication, RegulatoryMilestone
from tests.factories import add_results, make_trial
from trials.models import ImportRun, Trial, TrialChange

pytestmark = pytest.mark.django_db


def text(response) -> str:
    content = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def test_retracted_publication_shows_a_banner_on_each_linked_trial(client, seeded):
    page = text(client.get("/trials/NCT00090064/"))
    assert "publications about this trial have been retracted" in page
    assert "Mithoefer" in page


def test_trial_without_retractions_has_no_banner(client, seeded):
    content = client.get("/trials/NCT03537014/").content.decode()
    assert "retraction-banner" not in content


def test_unverified_trial_says_so_with_the_note(client, seeded):
    trial = Trial.objects.get(slug="mp-1")
    page = text(client.get(trial.get_absolute_url()))
    assert "unverified" in page
    assert trial.unverified_note in page
    assert "registry id unverified" in page


def test_registry_fields_are_readable_and_dates_keep_their_precision(client, seeded):
    page = text(client.get("/trials/NCT01793610/"))
    assert "Phase 2" in page
    assert "Completed" in page
    assert "2012-10" in page and "2012-10-01" not in page
    assert "2017-02" in page


def test_enrollment_says_whether_it_is_actual(client, seeded):
    page = text(client.get("/trials/NCT03537014/"))
    assert "90 participants (actual)" in page


def test_sites_are_grouped_by_country(client, seeded):
    content = client.get("/trials/NCT04030169/").content.decode()
    assert re.search(r"<h3>Norway \(\d+\)</h3>", content)


def test_arms_show_their_doses(client, db):
    trial = make_trial(doses=(120,))
    assert "120 mg, 3 sessions" in text(client.get(trial.get_absolute_url()))


def test_posted_results_appear_as_tables_with_ci_and_p_value(client, db):
    trial = make_trial()
    add_results(trial)
    content = client.get(trial.get_absolute_url()).content.decode()
    table = re.search(r'<table class="results-table">.*?</table>', content, re.S).group(0)
    assert '<th scope="col" class="num">MDMA-assisted therapy' in table
    assert "-24.4 (1.4)" in table and "-13.9 (1.5)" in table
    analyses = re.search(r'<table class="analyses-table">.*?</table>', content, re.S).group(0)
    assert "95% CI -16.1 to -7.7" in analyses
    assert "&lt;0.0001" in analyses


def test_linked_milestones_and_estimates_are_listed(client, seeded):
    page = text(client.get("/trials/NCT03537014/"))
    adcomm = RegulatoryMilestone.objects.get(seed_key="fda-adcomm-2024")
    assert f"2024-06-04 · FDA: {adcomm.title}" in page
    assert adcomm.outcome_details in page
    assert "Cohen" in page and "0.91" in page


def test_unpublished_evidence_is_not_shown(client, seeded):
    milestone = RegulatoryMilestone.objects.get(seed_key="fda-adcomm-2024")
    milestone.state = State.DRAFT
    milestone.save()
    publication = Publication.objects.get(seed_key="mitchell-2021")
    publication.state = State.IN_REVIEW
    publication.save()
    page = text(client.get("/trials/NCT03537014/"))
    assert milestone.title not in page
    assert publication.title not in page


def test_other_registry_ids_link_out(client, seeded):
    content = client.get("/trials/NCT03537014/").content.decode()
    assert 'href="https://clinicaltrials.gov/study/NCT03537014"' in content


def test_slug_and_lowercase_ids_redirect_to_the_canonical_address(client, seeded):
    assert client.get("/trials/mapp1/")["Location"] == "/trials/NCT03537014/"
    assert client.get("/trials/nct03537014/")["Location"] == "/trials/NCT03537014/"


def test_trial_without_nct_id_lives_at_its_slug(client, seeded):
    response = client.get("/trials/ostfold-mdd/")
    assert response.status_code == 200
    assert "No ClinicalTrials.gov id" in text(response)


def test_draft_trial_is_not_found(client, db):
    trial = make_trial(state=State.DRAFT)
    assert client.get(trial.get_absolute_url()).status_code == 404
    trial.state = State.IN_REVIEW
    trial.save()
    assert client.get(trial.get_absolute_url()).status_code == 404


def test_withdrawn_trial_keeps_its_url_and_says_why(client, db):
    trial = make_trial()
    trial.mark_withdrawn("it duplicated another record", when=timezone.now())
    trial.save()
    response = client.get(trial.get_absolute_url())
    assert response.status_code == 410
    page = text(response)
    assert f"Withdrawn on {timezone.now():%Y-%m-%d}, because it duplicated another record" in page


def test_freshness_and_registry_dates_are_shown(client, db):
    trial = make_trial(
        last_update_posted=datetime.date(2025, 3, 4),
        last_checked_at=datetime.datetime(2025, 3, 5, 6, 7, tzinfo=datetime.UTC),
    )
    page = text(client.get(trial.get_absolute_url()))
    assert "not yet imported" in page
    assert "2025-03-04" in page and "2025-03-05 06:07" in page
    ImportRun.objects.create(
        started_at=timezone.now(),
        finished_at=datetime.datetime(2025, 3, 5, 6, 0, tzinfo=datetime.UTC),
        status=ImportRun.Status.SUCCEEDED,
        data_timestamp="2025-03-04T09:00:00",
    )
    page = text(client.get(trial.get_absolute_url()))
    assert "Registry data as of 2025-03-04T09:00:00, checked 2025-03-05 06:00" in page


def test_registry_changes_are_listed_in_words(client, db):
    trial = make_trial()
    TrialChange.objects.create(
        trial=trial, field="overall_status", old_value="RECRUITING", new_value="COMPLETED"
    )
    content = client.get(trial.get_absolute_url()).content.decode()
    changes = content[content.index('id="changes-heading"') :]
    assert "Overall status</th><td>Recruiting</td><td>Completed</td>" in changes
    assert "overall_status" not in changes and "RECRUITING" not in changes


def test_sources_of_curated_facts_are_cited(client, seeded):
    content = client.get("/trials/NCT03537014/").content.decode()
    sources = content[content.index('id="trial-sources-heading"') :]
    assert 'href="https://maps.org/mdma/ptsd/mapp1"' in sources
    assert 'href="https://clinicaltrials.gov/ct2/show/record/NCT03537014"' in sources


def _queries_of_a_second_visit(client, trial) -> int:
    """Queries of a page view once the shared cache (syntheses, last import) is warm."""
    client.get(trial.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(trial.get_absolute_url()).status_code == 200
    return len(queries)


def test_a_registry_trial_page_costs_at_most_8_queries(client, db):
    assert _queries_of_a_second_visit(client, make_trial()) <= 8


def test_a_seeded_trial_with_results_costs_one_query_per_kind_of_row(client, seeded):
    trial = Trial.objects.get(nct_id="NCT04077437")
    add_results(trial)
    # The trial; its short lists; arms, their interventions, the interventions; four of
    # results; publications, milestones, safety findings and theirs, estimates; history
    # and registry changes. More outcomes or sites add none.
    assert _queries_of_a_second_visit(client, trial) <= 15
