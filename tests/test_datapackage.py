"""The /data/ package: valid Frictionless, published records only, checksums that match."""

import csv
import hashlib
import json

import pytest
from django.core.management import call_command
from frictionless import validate

from editorial.models import State
from public.datapackage import build_package
from tests.factories import make_trial

pytestmark = pytest.mark.django_db
TABLES = {
    "trials",
    "arms",
    "sites",
    "conditions",
    "outcomes",
    "results",
    "adverse_events",
    "milestones",
    "publications",
    "estimates",
    "safety_findings",
}


def rows(folder, name) -> list[dict]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def package(seeded, tmp_path):
    make_trial(slug="draft", state=State.DRAFT, nct_id="NCT09999999", countries=("NO",))
    folder = tmp_path / "data"
    build_package(folder)
    return folder


def test_frictionless_finds_the_package_valid(package):
    report = validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_every_table_is_there_with_a_checksum_that_matches(package):
    descriptor = json.loads((package / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} == TABLES
    assert descriptor["version"]
    for resource in descriptor["resources"]:
        content = (package / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)


def test_only_published_records_appear(package):
    trials = rows(package, "trials")
    assert len(trials) == 18
    assert "NCT09999999" not in {t["key"] for t in trials}
    assert "NCT09999999" not in {s["trial_key"] for s in rows(package, "sites")}
    assert len(rows(package, "publications")) == 24
    assert len(rows(package, "milestones")) == 23
    assert len(rows(package, "estimates")) == 7


def test_dates_keep_their_precision(package):
    mplong = next(t for t in rows(package, "trials") if t["acronym"] == "MPLONG")
    assert (mplong["start_date"], mplong["start_date_precision"]) == ("2021-03", "month")
    retracted = [p for p in rows(package, "publications") if p["retraction_status"] == "retracted"]
    assert {p["retraction_date"] for p in retracted} == {"2024-08-10"}


def test_data_page_serves_the_files_the_command_wrote(client, seeded, settings, tmp_path):
    settings.DATA_PACKAGE_DIR = tmp_path / "data"
    assert client.get("/data/").status_code == 404  # not built yet
    call_command("build_datapackage", verbosity=0)
    index = client.get("/data/").content.decode()
    assert 'href="trials.csv"' in index and "sha256:" in index
    descriptor = client.get("/data/datapackage.json")
    assert descriptor.status_code == 200
    assert b"".join(descriptor.streaming_content).startswith(b"{")
    trials_csv = client.get("/data/trials.csv")
    assert trials_csv["Content-Type"].startswith("text/csv")
    assert client.get("/data/..%2Fdb.sqlite3").status_code == 404
    assert client.get("/data/settings.py").status_code == 404


def test_a_rebuild_replaces_the_package_whole_and_leaves_nothing_behind(seeded, tmp_path):
    target = tmp_path / "data"
    first = build_package(target)
    make_trial(slug="new-trial", nct_id="NCT09999998")
    second = build_package(target)
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no half-built or old folders
    assert len(rows(target, "trials")) == 19
    trials_hash = {r["name"]: r["hash"] for r in second["resources"]}["trials"]
    assert trials_hash != {r["name"]: r["hash"] for r in first["resources"]}["trials"]
