"""Issue 13: a trial page costs at most 8 queries, however much the registry posted
and the editors linked. Each real sample study with results (flow, baseline, outcomes,
analyses, adverse events) renders its page and its API detail within that, on a cold
cache."""

import re

import pytest
from django.core.cache import cache

from tests.ctgov_studies import run_import
from tests.factories import add_results, make_trial
from tests.test_flow_baseline_fidelity import result_studies
from trials.models import Trial

pytestmark = pytest.mark.django_db

STUDIES = result_studies()


@pytest.fixture(autouse=True)
def samples_are_public(settings):
    """The samples are not MDMA studies: the topic guard would keep them as drafts."""
    settings.CTGOV_TOPIC_TERMS = []


@pytest.mark.parametrize(("path", "nct_id"), STUDIES, ids=[nct_id for _, nct_id in STUDIES])
def test_a_trial_with_posted_results_costs_at_most_8_queries(
    client, django_assert_max_num_queries, path, nct_id
):
    run_import("--from-file", path)
    for url in (f"/trials/{nct_id}/", f"/api/v1/trials/{nct_id}/"):
        client.get(url)  # the process's one-off work (the database's features)
        cache.clear()  # the data version and syntheses too: a first visit
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_each_arm_lists_the_interventions_linked_to_it_even_another_trials(client, db):
    trial = make_trial(doses=(75, 125), interventions=("MDMA", "Placebo"))
    other = make_trial(interventions=("Sertraline",))
    low, high = trial.arms.order_by("order")
    low.interventions.set(trial.interventions.filter(name="Placebo"))
    high.interventions.set([trial.interventions.get(name="MDMA")])
    cells = re.findall(r"<td>([^<>]*)</td></tr>", client.get(trial.get_absolute_url()).text)
    assert cells == ["Placebo", "MDMA"]
    arms = client.get(f"/api/v1/trials/{trial.url_key}/").json()["arms"]
    assert [arm["interventions"] for arm in arms] == [["Placebo"], ["MDMA"]]
    # The admin can link an arm to any intervention; the page still lists it.
    high.interventions.add(other.interventions.get())
    assert "MDMA; Sertraline" in client.get(trial.get_absolute_url()).text


def test_a_curated_trial_with_results_and_every_kind_of_evidence_costs_at_most_8_queries(
    client, seeded, django_assert_max_num_queries
):
    trial = Trial.objects.get(nct_id="NCT04077437")
    add_results(trial)
    for evidence in ("publications", "milestones", "safety_findings", "effect_estimates"):
        assert getattr(trial, evidence).exists(), evidence
    client.get(trial.get_absolute_url())  # the shared caches (data version, syntheses)
    with django_assert_max_num_queries(8):
        assert client.get(trial.get_absolute_url()).status_code == 200
