"""Safety findings as open data (the /safety/ exports and the package's table), and a
package that follows every publish: --if-stale rebuilds only when the data changed."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from frictionless import validate

from editorial.models import State
from evidence.models import SafetyFinding

pytestmark = pytest.mark.django_db


def served(client, filename: str) -> bytes:
    response = client.get(f"/data/{filename}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_PACKAGE_DIR = tmp_path / "data"
    return settings.DATA_PACKAGE_DIR


def safety_keys(client) -> set[str]:
    text = served(client, "safety_findings.csv").decode("utf-8")
    return {row["key"] for row in csv.DictReader(io.StringIO(text))}


def test_the_package_has_a_valid_safety_table_of_published_findings(client, seeded, data_dir):
    SafetyFinding.objects.filter(seed_key="SAF-MAPP2-NO-SAE").update(state=State.DRAFT)
    call_command("build_datapackage", verbosity=0)
    assert validate(str(data_dir / "datapackage.json")).valid
    descriptor = json.loads(served(client, "datapackage.json"))
    table = next(r for r in descriptor["resources"] if r["name"] == "safety_findings")
    assert {"numbers", "status", "retracted", "milestone_ids"} <= {
        f["name"] for f in table["schema"]["fields"]
    }
    rows = list(csv.DictReader(io.StringIO(served(client, "safety_findings.csv").decode())))
    assert len(rows) == 51 and "SAF-MAPP2-NO-SAE" not in {r["key"] for r in rows}
    mapp2 = next(r for r in rows if r["key"] == "SAF-MAPP2-SEVERE-TEAE")
    assert json.loads(mapp2["numbers"])["mdma"] == {"n": 5, "N": 53, "pct": 9.4}
    assert mapp2["trial_keys"] == "NCT04077437" and mapp2["status"] == "verified"
    assert next(r for r in rows if r["key"] == "SAF-TAPER-RETRACTED")["retracted"] == "true"


def test_publishing_changes_what_data_serves_and_drafts_never_appear(client, seeded, data_dir):
    finding = SafetyFinding.objects.get(seed_key="SAF-MAPP2-NO-SAE")
    finding.state = State.DRAFT
    finding.save()
    call_command("build_datapackage", verbosity=0)
    before = json.loads(served(client, "datapackage.json"))
    assert "SAF-MAPP2-NO-SAE" not in safety_keys(client)

    call_command("build_datapackage", if_stale=True, verbosity=0)
    assert json.loads(served(client, "datapackage.json"))["version"] == before["version"]

    finding.mark_published()
    finding.save()
    call_command("build_datapackage", if_stale=True, verbosity=0)
    after = json.loads(served(client, "datapackage.json"))
    assert after["version"] != before["version"]
    hashes = [{r["name"]: r["hash"] for r in p["resources"]} for p in (before, after)]
    assert hashes[0]["safety_findings"] != hashes[1]["safety_findings"]
    assert hashes[0]["trials"] == hashes[1]["trials"]
    assert "SAF-MAPP2-NO-SAE" in safety_keys(client)

    finding.state = State.DRAFT
    finding.save()
    call_command("build_datapackage", if_stale=True, verbosity=0)
    assert "SAF-MAPP2-NO-SAE" not in safety_keys(client)


def test_the_safety_page_offers_its_findings_as_csv_and_json(client, seeded):
    page = client.get("/safety/").content.decode()
    assert 'href="/safety/findings.csv"' in page and 'href="/safety/findings.json"' in page
    SafetyFinding.objects.filter(seed_key="SAF-MAPP2-NO-SAE").update(state=State.DRAFT)
    as_json = json.loads(b"".join(client.get("/safety/findings.json").streaming_content))
    findings = as_json["safety_findings"]
    assert len(findings) == 51 and "SAF-MAPP2-NO-SAE" not in {f["key"] for f in findings}
    vote = next(f for f in findings if f["key"] == "SAF-FDA-PDAC-VOTE")
    assert vote["status"] == "verified"
    assert vote["milestone_ids"]
    text = b"".join(client.get("/safety/findings.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 51
    by_key = {r["key"]: r for r in rows}
    lines = set(by_key["SAF-MAPP2-SEVERE-TEAE"]["numbers_text"].split("|"))
    assert {"trial: MAPP2", "mdma: 5 / 53 (9.4%)", "placebo: 2 / 51 (3.9%)"} <= lines
    assert client.get("/safety/findings.xlsx").status_code == 404
