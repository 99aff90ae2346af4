"""What curated trial pages say where a registry record would: sites, results, dates, badges."""

import html
import json
import re

import pytest
from django.urls import reverse

from trials.models import Site, Trial


def page_text(client, key: str) -> str:
    response = client.get(reverse("public:trial", args=[key]))
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.mark.django_db
def test_mapp1_shows_its_sourced_site_count_not_placeholder_sites(client, seeded):
    text = page_text(client, "NCT03537014")
    assert "15 sites in 3 countries (sites not listed): United States, Canada, Israel." in text
    assert "maps.org/mdma/ptsd/mapp1" in text
    assert " Site " not in text
    assert not Trial.objects.get(nct_id="NCT03537014").sites.exists()


@pytest.mark.django_db
def test_real_sites_replace_the_curated_count(client, seeded):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    Site.objects.create(trial=mapp1, facility="Wake Forest Clinic", country_code="US")
    text = page_text(client, "NCT03537014")
    assert "Wake Forest Clinic" in text
    assert "sites not listed" not in text


@pytest.mark.django_db
def test_mapp2_shows_its_results_posting_date_with_the_source(client, seeded):
    text = page_text(client, "NCT04077437")
    source = "meddatax.com/clinical-trials/NCT04077437/results"
    assert f"Results Posted 2025-06-06 (source: {source} )" in text
    assert "No results posted" not in text


@pytest.mark.django_db
def test_a_curated_trial_without_a_sourced_results_state_says_unknown(client, seeded):
    text = page_text(client, "NCT03537014")
    assert "Results Not known (no source says whether results are posted)" in text
    assert "No results posted" not in text


@pytest.mark.django_db
def test_the_ostfold_depression_study_labels_its_recruitment_window(client, seeded):
    text = page_text(client, "ostfold-mdd")
    assert "Recruitment opened 2021-09-01" in text
    assert "Recruitment closed 2024-08-31" in text
    assert "Status Not given" in text


@pytest.mark.django_db
def test_an_observational_study_has_no_randomisation_to_give(client, seeded):
    text = page_text(client, "NCT05066282")
    assert "Design Not applicable (observational study)" in text


@pytest.mark.django_db
def test_a_verified_record_with_a_caveat_shows_it(client, seeded):
    text = page_text(client, "NCT01793610")
    caveat = "A registry mirror gives the start as 2013-05-13."
    assert f"partly unverified Checked against a primary source, except: {caveat}" in text


@pytest.mark.django_db
def test_a_curated_trial_page_does_not_claim_a_registry_check(client, seeded):
    text = page_text(client, "NCT03537014")
    assert "Not yet checked against the registry" in text
    assert ", checked " not in text


@pytest.mark.django_db
def test_the_autism_trial_has_no_unsourced_acronym(client, seeded):
    assert Trial.objects.get(nct_id="NCT02008396").acronym == ""
    assert "MAA" not in page_text(client, "NCT02008396")


@pytest.mark.django_db
def test_curated_countries_still_find_their_trials(client, seeded):
    response = client.get(reverse("public:trials"), {"country": "IL", "format": "json"})
    data = json.loads(b"".join(response.streaming_content))
    ids = {t["nct_id"] for t in data["trials"]}
    assert {"NCT03537014", "NCT04077437"} <= ids


@pytest.mark.django_db
def test_a_conflicting_start_date_is_flagged_beside_the_start_date(client, seeded):
    text = page_text(client, "NCT01793610")
    assert "Start 2012-10 unverified A registry mirror gives the start as 2013-05-13." in text
