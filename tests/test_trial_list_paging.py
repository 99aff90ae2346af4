"""Deep pages of the trial list and its facets under filters that are not facets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import workflow
from editorial.models import State
from public.filters import SORT_KEYS, TrialFilter
from tests.factories import make_trial, make_trials_bulk
from trials.models import Trial


def page_keys(response) -> list[str]:
    return [t.slug for t in response.context["page"].object_list]


def facet_counts(response, param) -> dict[str, int]:
    facet = next(f for f in response.context["facets"] if f.param == param)
    return {option.value: option.count for option in facet.options}


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
def test_a_deep_page_holds_the_same_rows_as_an_offset_page(db, sort):
    make_trials_bulk(12)
    make_trial(start_date=None, state=State.PUBLISHED)
    trials = TrialFilter({"sort": sort}, queryset=Trial.objects.published()).sorted_qs()
    every = list(trials.values_list("slug", flat=True))
    for start in range(0, len(every), 5):
        deep = trials.page_rows(start, start + 5, deep_from=0)
        assert [t.slug for t in deep] == every[start : start + 5]


def test_a_search_ranked_deep_page_matches_the_offset_page(db):
    for n in range(6):
        make_trial(title=f"MDMA therapy {'PTSD ' * n}study {n}")
    trials = TrialFilter({"q": "PTSD"}, queryset=Trial.objects.published()).sorted_qs()
    every = list(trials.values_list("slug", flat=True))
    assert [t.slug for t in trials.page_rows(2, 4, deep_from=0)] == every[2:4]


def test_page_numbers_past_the_deep_threshold_still_work(client, db):
    make_trials_bulk(7)
    pages = [page_keys(client.get(f"/trials/?page_size=2&page={n}")) for n in (1, 2, 3, 4)]
    flat = [k for page in pages for k in page]
    assert len(flat) == len(set(flat)) == 7
    assert client.get("/trials/?page_size=2&page=5").status_code == 404


def test_dose_filtered_facets_count_a_newly_published_trial_at_once(client, lead_editor):
    make_trial(phases=("PHASE2",), doses=(125,))
    make_trial(phases=("PHASE2",), doses=(40,))
    draft = make_trial(phases=("PHASE3",), doses=(150,), state=State.IN_REVIEW)
    url = "/trials/?min_dose_mg=100"
    before = client.get(url)
    assert before.context["count"] == 1
    assert facet_counts(before, "phase") == {"PHASE2": 1}

    workflow.publish(draft, lead_editor)

    after = client.get(url)
    assert after.context["count"] == 2
    assert facet_counts(after, "phase") == {"PHASE2": 1, "PHASE3": 1}


def test_each_facet_counts_under_the_other_facets_and_the_other_filters(client, db):
    make_trial(phases=("PHASE2",), countries=("US",), enrollment=10)
    make_trial(phases=("PHASE3",), countries=("US",), enrollment=10)
    make_trial(phases=("PHASE3",), countries=("NO",), enrollment=10)
    make_trial(phases=("PHASE3",), countries=("NO",), enrollment=500)
    response = client.get("/trials/?phase=PHASE3&country=NO&max_enrollment=100")
    assert response.context["count"] == 1
    assert facet_counts(response, "phase") == {"PHASE3": 1}
    assert facet_counts(response, "country") == {"US": 1, "NO": 1}
    assert facet_counts(response, "status") == {"COMPLETED": 1}


def test_a_filter_no_trial_matches_reads_no_rows(client, db):
    make_trials_bulk(5)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/trials/?min_dose_mg=5000")
    assert response.context["count"] == 0
    # the count, the facets and the phase labels; no page of rows, no prefetches
    assert len(ctx.captured_queries) <= 3
