"""What the API says about each record, compared field by field with the real registry
sample and the curated seed data."""

import json

import pytest

from editorial.models import State
from evidence.models import Publication, RegulatoryMilestone
from tests.ctgov_studies import run_import
from tests.factories import make_trial
from trials.models import TrialChange

pytestmark = pytest.mark.django_db
SAMPLE = "v2/ctti-clinicaltrials__aact__NCT02552212.json"


def study_of(path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if "protocolSection" in data else data["studies"][0]


def test_trial_detail_says_what_the_registry_says(client, ctgov_samples, settings):
    settings.CTGOV_TOPIC_TERMS = []  # the sample is not an MDMA study; publish it anyway
    run_import("--from-file", str(ctgov_samples / SAMPLE))
    study = study_of(ctgov_samples / SAMPLE)
    protocol, results = study["protocolSection"], study["resultsSection"]
    trial = client.get("/api/v1/trials/NCT02552212/").json()

    status = protocol["statusModule"]
    assert trial["overall_status"] == status["overallStatus"]
    start = trial["start_date"]
    assert (start["value"], start["precision"]) == (status["startDateStruct"]["date"], "month")
    assert start["type"] == status["startDateStruct"].get("type", "")
    assert trial["completion_date"]["value"] == status["completionDateStruct"]["date"]
    arms = protocol["armsInterventionsModule"]["armGroups"]
    assert [a["label"] for a in trial["arms"]] == [a["label"] for a in arms]
    locations = protocol["contactsLocationsModule"]["locations"]
    assert len(trial["sites"]) == len(locations)
    registered = protocol["outcomesModule"]
    n_registered = sum(len(registered.get(k, [])) for k in registered)
    assert len(trial["outcomes"]) == n_registered

    outcomes = results["outcomeMeasuresModule"]["outcomeMeasures"]
    assert [o["title"] for o in trial["results"]] == [o["title"] for o in outcomes]
    first = outcomes[0]["classes"][0]["categories"][0]["measurements"][0]
    measured = trial["results"][0]["measurements"][0]
    assert (measured["group"], measured["value_raw"]) == (first["groupId"], first["value"])

    groups = results["adverseEventsModule"]["eventGroups"]
    expected = {g["id"]: (g.get("seriousNumAffected"), g.get("seriousNumAtRisk")) for g in groups}
    got = {
        g["code"]: (g["serious_affected"], g["serious_at_risk"]) for g in trial["adverse_events"]
    }
    assert got == expected
    assert trial["url"].endswith("/trials/NCT02552212/")
    assert trial["api_url"].endswith("/api/v1/trials/NCT02552212/")


def test_curated_trial_carries_its_evidence_and_nothing_unpublished(client, seeded):
    RegulatoryMilestone.objects.filter(seed_key="fda-adcomm-2024").update(state=State.DRAFT)
    Publication.objects.filter(seed_key="mitchell-2021").update(state=State.IN_REVIEW)
    trial = client.get("/api/v1/trials/NCT03537014/").json()
    assert trial["acronym"] == "MAPP1"
    assert trial["start_date"]["value"] == "2018-11-29"
    assert trial["start_date"]["precision"] == "day"
    assert {"kind": "SPONSOR", "value": "MAPP1"}.items() <= trial["identifiers"][0].items()
    assert "fda-adcomm-2024" not in json.dumps(trial)
    assert all(
        p["id"] != Publication.objects.get(seed_key="mitchell-2021").pk
        for p in trial["publications"]
    )
    mapp1 = next(e for e in trial["estimates"] if e["label"] == "MAPP1")
    assert (mapp1["metric"], mapp1["value"], mapp1["p_value_raw"]) == ("cohens_d", 0.91, "<0.0001")
    assert mapp1["n_treatment"] == 46 and mapp1["n_control"] == 44


def test_changes_and_arm_doses_are_in_the_detail(client, db):
    trial = make_trial(doses=(120,))
    TrialChange.objects.create(trial=trial, field="enrollment", old_value="50", new_value="90")
    detail = client.get(f"/api/v1/trials/{trial.url_key}/").json()
    arm = detail["arms"][0]
    assert (arm["dose_unit"], arm["dose_initial_min"], arm["dose_initial_max"]) == (
        "mg",
        "120.000",
        "120.000",
    )
    assert "120 mg" in detail["arms"][0]["dose_text"]
    change = detail["changes"][0]
    assert (change["source"], change["field"], change["old"], change["new"]) == (
        "registry",
        "enrollment",
        "50",
        "90",
    )


def test_publications_say_whether_they_were_retracted(client, seeded):
    retracted = client.get("/api/v1/publications/?retraction=retracted&page_size=50").json()
    assert retracted["count"] == 3
    for publication in retracted["results"]:
        assert publication["retraction"]["status"] == "retracted"
        assert publication["retraction"]["date"]["value"] == "2024-08-10"
    bad = client.get("/api/v1/publications/?retraction=maybe")
    assert bad.status_code == 400 and bad.json()["invalid_params"][0]["name"] == "retraction"


def test_milestones_filter_like_the_timeline(client, seeded):
    fda = client.get("/api/v1/milestones/?agency=FDA&page_size=100").json()
    html = client.get("/milestones/?agency=FDA")
    assert fda["count"] == len(html.context["milestones"]) > 0
    assert {m["agency"] for m in fda["results"]} == {"FDA"}
    assert client.get("/api/v1/milestones/?kind=nonsense").status_code == 400


def test_synthesis_pools_as_the_evidence_page_does(client, seeded):
    url = "/api/v1/syntheses/ptsd-clinician-rated/"
    headline = client.get(url).json()
    assert headline["participants"] == 194
    assert round(headline["result"]["estimate"], 2) == 0.79
    assert (round(headline["result"]["ci_low"], 2), round(headline["result"]["ci_high"], 2)) == (
        0.50,
        1.08,
    )
    assert any("retracted" in e["reason"] for e in headline["excluded"])
    page = client.get("/evidence/?family=ptsd-clinician-rated")
    assert headline["summary"] == page.context["synthesis"].summary
    with_retracted = client.get(f"{url}?include_retracted=1").json()
    assert with_retracted["participants"] == 297
    assert round(with_retracted["result"]["ci_low"], 2) == 0.55
    assert with_retracted["options"]["include_retracted"] is True
    assert client.get(f"{url}?method=XX").json()["invalid_params"][0]["name"] == "method"
    assert client.get("/api/v1/syntheses/no-such-family/").status_code == 404


def test_import_runs_are_summarised_without_their_logs(client, ctgov_samples):
    run_import("--from-file", str(ctgov_samples / SAMPLE))
    run = client.get("/api/v1/import-runs/").json()["results"][0]
    assert run["status"] == "succeeded" and run["studies_fetched"] == 1
    assert "log" not in run and "error_text" not in run
