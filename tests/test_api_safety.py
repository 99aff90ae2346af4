"""/api/v1/safety/: every published finding with its structured numbers, links and status;
filters as documented; drafts never; the same HTTP manners as every other resource."""

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import State
from evidence.models import SafetyFinding

pytestmark = pytest.mark.django_db
LIST = "/api/v1/safety/"


def all_results(client, query="") -> list[dict]:
    body = client.get(f"{LIST}?page_size=1000{query}").json()
    return body["results"]


def test_the_list_has_every_published_finding_with_its_numbers_and_links(client, seeded):
    results = all_results(client)
    assert len(results) == SafetyFinding.objects.published().count() == 52
    mapp2 = next(r for r in results if r["key"] == "SAF-MAPP2-SEVERE-TEAE")
    assert mapp2["numbers"]["mdma"] == {"n": 5, "N": 53, "pct": 9.4}
    assert mapp2["numbers"]["placebo"] == {"n": 2, "N": 51, "pct": 3.9}
    assert "mdma: 5 / 53 (9.4%)" in mapp2["numbers_text"]
    assert mapp2["status"] == "verified" and mapp2["retracted"] is False
    assert mapp2["url"] == "http://testserver/safety/#saf-mapp2-severe-teae"
    assert mapp2["api_url"] == f"http://testserver{LIST}{mapp2['id']}/"
    assert mapp2["source"]["url"].startswith("https://www.nature.com/")
    assert [t["nct_id"] for t in mapp2["trials"]] == ["NCT04077437"]


def test_a_detail_carries_its_milestones_and_the_retraction_flag(client, seeded):
    vote = SafetyFinding.objects.get(seed_key="SAF-FDA-PDAC-VOTE")
    body = client.get(f"{LIST}{vote.pk}/").json()
    assert [m["date"]["value"] for m in body["milestones"]] == ["2024-06-04"]
    assert body["milestones"][0]["api_url"].startswith("http://testserver/api/v1/milestones/")
    retracted = SafetyFinding.objects.get(seed_key="SAF-TAPER-RETRACTED")
    assert client.get(f"{LIST}{retracted.pk}/").json()["retracted"] is True


def test_filters_by_topic_status_and_trial(client, seeded):
    regulatory = all_results(client, "&topic=regulatory")
    assert regulatory and {r["topic"] for r in regulatory} == {"regulatory"}
    unverified = all_results(client, "&status=unverified")
    assert len(unverified) == SafetyFinding.objects.filter(verified=False).count() == 8
    secondary = all_results(client, "&status=secondary")
    assert secondary and all(r["status"] == "secondary" for r in secondary)
    mapp2 = all_results(client, "&trial=nct04077437")
    assert mapp2 and all("NCT04077437" in [t["nct_id"] for t in r["trials"]] for r in mapp2)


@pytest.mark.parametrize(
    "query,param",
    [("topic=weather", "topic"), ("status=maybe", "status"), ("trial=NCT1", "trial")],
)
def test_bad_filters_are_a_400_naming_the_parameter(client, seeded, query, param):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalid_params"][0]["name"] == param


def test_drafts_never_appear_and_withdrawn_ones_are_gone(client, seeded):
    draft = SafetyFinding.objects.get(seed_key="SAF-MAPP2-SEVERE-TEAE")
    draft.state = State.DRAFT
    draft.save()
    assert "SAF-MAPP2-SEVERE-TEAE" not in {r["key"] for r in all_results(client)}
    assert client.get(f"{LIST}{draft.pk}/").status_code == 404
    SafetyFinding.objects.filter(seed_key="SAF-MAPP2-NO-SAE").update(state=State.WITHDRAWN)
    withdrawn = SafetyFinding.objects.get(seed_key="SAF-MAPP2-NO-SAE")
    assert client.get(f"{LIST}{withdrawn.pk}/").status_code == 410


def test_http_manners_match_the_other_resources(client, seeded):
    first = client.get(LIST, HTTP_ORIGIN="https://example.org")
    assert first["Access-Control-Allow-Origin"] == "*" and first["ETag"]
    assert "next" in first.json() and "Link" in first or first.json()["next"] is None
    again = client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_list_costs_the_same_queries_however_many_findings(client, seeded):
    def count(size):
        cache.clear()  # both cold: the shared count and data timestamp are computed afresh
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{LIST}?page_size={size}").status_code == 200
        return len(queries)

    assert count(5) == count(50)


def test_the_schema_documents_the_safety_resource(client, seeded):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert "/api/v1/safety/" in schema["paths"] and "/api/v1/safety/{id}/" in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/v1/safety/"]["get"]["parameters"]}
    assert {"topic", "status", "trial"} <= names


def test_a_trial_detail_lists_its_published_safety_findings(client, seeded):
    SafetyFinding.objects.filter(seed_key="SAF-MAPP2-NO-SAE").update(state=State.DRAFT)
    trial = client.get("/api/v1/trials/NCT04077437/").json()
    keys = {f["key"] for f in trial["safety_findings"]}
    assert "SAF-MAPP2-SEVERE-TEAE" in keys and "SAF-MAPP2-NO-SAE" not in keys
    finding = next(f for f in trial["safety_findings"] if f["key"] == "SAF-MAPP2-SEVERE-TEAE")
    assert finding["api_url"].startswith("http://testserver/api/v1/safety/")
