"""The facet rows follow every write, so the list's counts and filters never lag."""

from tests.factories import make_trial
from trials.models import CuratedTrialFacts, Site, Trial, TrialFacetValue


def facet(client, url, param) -> dict[str, int]:
    response = client.get(url)
    found = next(f for f in response.context["facets"] if f.param == param)
    return {option.value: option.count for option in found.options}


def test_a_curated_country_list_counts_and_filters_like_sites(client, db):
    trial = make_trial(countries=("US",))
    CuratedTrialFacts.objects.create(trial=trial, site_countries="DE US")
    assert facet(client, "/trials/", "country") == {"US": 1, "DE": 1}
    assert client.get("/trials/?country=DE").context["count"] == 1
    trial.curated_facts.delete()
    assert client.get("/trials/?country=DE").context["count"] == 0


def test_removing_a_phase_takes_the_trial_out_of_its_count(client, db):
    trial = make_trial(phases=("PHASE2", "PHASE3"))
    assert facet(client, "/trials/", "phase") == {"PHASE2": 1, "PHASE3": 1}
    trial.phases.remove(trial.phases.get(code="PHASE3"))
    assert facet(client, "/trials/", "phase") == {"PHASE2": 1}


def test_a_bulk_writer_shows_its_rows_once_it_refreshes_the_facets(client, db):
    trial = make_trial(countries=("US",))
    Site.objects.bulk_create([Site(trial=trial, country="Norway", country_code="NO")])
    Trial.objects.filter(pk=trial.pk).refresh_facets()
    assert facet(client, "/trials/", "country") == {"US": 1, "NO": 1}


def test_drafts_are_never_counted(client, db):
    make_trial(phases=("PHASE2",))
    make_trial(phases=("PHASE3",), state="draft")
    assert facet(client, "/trials/", "phase") == {"PHASE2": 1}
    assert facet(client, "/trials/?country=US", "phase") == {"PHASE2": 1}


def test_deleting_a_trial_with_sites_leaves_no_facet_rows(db):
    trial = make_trial(countries=("US", "NO"))
    trial_id = trial.pk
    Trial.objects.filter(pk=trial_id).delete()
    assert not TrialFacetValue.objects.filter(trial_id=trial_id).exists()
