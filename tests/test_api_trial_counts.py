"""/api/v1/trials/ gives the same trials as /trials/ for the same filters, in the same order."""

import pytest

from editorial.models import State
from tests.factories import make_trial

pytestmark = pytest.mark.django_db

FILTERS = [
    "",
    "phase=PHASE2",
    "phase=PHASE3",
    "phase=PHASE2&phase=PHASE3",
    "status=COMPLETED",
    "status=RECRUITING&status=ENROLLING_BY_INVITATION",
    "study_type=INTERVENTIONAL",
    "study_type=OBSERVATIONAL",
    "country=NO",
    "country=us",
    "country=US&phase=PHASE3",
    "condition=Post-Traumatic Stress Disorder",
    "condition=Anxiety&condition=Major Depressive Disorder",
    "has_results=true",
    "has_results=false",
    "start_after=2018",
    "start_before=2019-06",
    "start_after=2015&start_before=2021-12-31",
    "min_enrollment=50",
    "max_enrollment=20",
    "min_dose_mg=100",
    "max_dose_mg=80",
    "min_dose_mg=100&max_dose_mg=130",
    "q=PTSD",
    "q=MDMA -depression",
    "sponsor=Synthetic Sponsor",
    "intervention=MDMA",
    "phase=PHASE3&status=COMPLETED&sort=-enrollment",
    "sort=title",
    "sort=-updated&has_results=false",
]


def html_keys(client, query: str) -> tuple[int, list[str]]:
    response = client.get(f"/trials/?{query}&page_size=100")
    assert response.status_code == 200, query
    return response.context["count"], [t.url_key for t in response.context["trials"]]


def api_keys(client, query: str) -> tuple[int, list[str]]:
    response = client.get(f"/api/v1/trials/?{query}&page_size=1000")
    assert response.status_code == 200, (query, response.content[:300])
    body = response.json()
    return body["count"], [t["key"] for t in body["results"]]


def test_api_lists_what_the_trial_page_lists_for_every_filter(client, seeded):
    make_trial(slug="phase-2-3", phases=("PHASE2", "PHASE3"), has_results=True, doses=(40, 180))
    make_trial(slug="draft-only", state=State.DRAFT, phases=("PHASE3",))
    make_trial(slug="withdrawn", state=State.WITHDRAWN, countries=("NO",))
    differences = {}
    for query in FILTERS:
        html, api = html_keys(client, query), api_keys(client, query)
        if html != api:
            differences[query] = {"html": html, "api": api}
    assert differences == {}
    assert len(FILTERS) >= 20


def test_drafts_and_withdrawn_trials_are_never_listed(client, seeded):
    hidden = [
        make_trial(state=State.DRAFT, phases=("PHASE3",)).url_key,
        make_trial(state=State.IN_REVIEW).url_key,
        make_trial(state=State.WITHDRAWN, countries=("NO",)).url_key,
    ]
    count, keys = api_keys(client, "")
    assert count == 18 and len(keys) == 18
    assert set(hidden).isdisjoint(keys)
    for key in hidden:
        assert client.get(f"/api/v1/trials/{key}/").status_code in (404, 410)


def test_a_bad_filter_is_a_400_naming_the_parameter(client, db):
    response = client.get("/api/v1/trials/?start_after=2019-13&phase=PHASE3")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad request"
    assert [p["name"] for p in problem["invalid_params"]] == ["start_after"]
