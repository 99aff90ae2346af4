"""Arm doses end to end: import, dose-range filters, the list column, the trial page, exports."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError

from tests.ctgov_studies import mdma_study, run_import
from tests.factories import make_trial
from trials.ctgov.parse import parse_study
from trials.models import Arm, Trial

pytestmark = pytest.mark.django_db


def keys(client, query: str) -> set[str]:
    response = client.get("/trials/?page_size=100&" + query)
    assert response.status_code == 200, response.content[:500]
    return {t.slug for t in response.context["page"].object_list}


def dosed_trial(slug: str, unit="mg", low=None, high=None, **dose) -> Trial:
    trial = make_trial(slug=slug, doses=())
    Arm.objects.create(
        trial=trial,
        label="MDMA",
        dose_unit=unit,
        dose_initial_min=None if low is None else Decimal(low),
        dose_initial_max=None if high is None else Decimal(high),
        **dose,
    )
    return trial


def import_study(tmp_path, description: str) -> Trial:
    record = mdma_study()
    arm = record["protocolSection"]["armsInterventionsModule"]["armGroups"][0]
    arm["description"] = description
    path = tmp_path / "study.json"
    path.write_text(json.dumps(record))
    run_import("--from-file", str(path))
    return Trial.objects.get(nct_id="NCT09900001")


# Filters ---------------------------------------------------------------------------


def test_dose_filters_match_an_arm_whose_initial_range_overlaps_the_bound(client, seeded):
    # MAPP1 and MAPP2 give 80–120 mg: inside, overlapping either end, or outside.
    assert {"mapp1", "mapp2"} <= keys(client, "min_dose_mg=100&max_dose_mg=110")
    assert {"mapp1", "mapp2"} <= keys(client, "max_dose_mg=90")
    assert {"mapp1", "mapp2"} <= keys(client, "min_dose_mg=120")
    assert "mapp1" not in keys(client, "min_dose_mg=121")
    assert "mapp1" not in keys(client, "max_dose_mg=79")
    # The autism trial's 75–125 mg is not one fixed 125 mg.
    assert "autism-social-anxiety" in keys(client, "max_dose_mg=75")


def test_an_open_range_overlaps_on_its_open_side(client, db):
    dosed_trial("up-to", high="125")
    dosed_trial("at-least", low="80")
    assert keys(client, "max_dose_mg=50") == {"up-to"}
    assert keys(client, "min_dose_mg=500") == {"at-least"}
    assert keys(client, "min_dose_mg=200") == {"at-least"}
    assert keys(client, "min_dose_mg=100") == {"up-to", "at-least"}


def test_a_weight_based_dose_never_matches_a_mg_bound(client, db):
    dosed_trial("per-kg", unit="mg/kg", low="0.75", high="0.75")
    assert keys(client, "max_dose_mg=1") == set()
    assert keys(client, "min_dose_mg=0") == set()


def test_amounts_without_a_unit_are_refused_by_the_database(db):
    trial = make_trial(doses=())
    with pytest.raises(IntegrityError):
        Arm.objects.create(trial=trial, label="x", dose_initial_min=Decimal(80))


def test_a_reversed_range_is_refused_by_the_database(db):
    trial = make_trial(doses=())
    with pytest.raises(IntegrityError):
        Arm.objects.create(
            trial=trial,
            label="x",
            dose_unit="mg",
            dose_initial_min=Decimal(120),
            dose_initial_max=Decimal(80),
        )


# Import --------------------------------------------------------------------------------


def test_an_imported_weight_based_dose_keeps_its_unit_and_no_mg_number(tmp_path):
    trial = import_study(tmp_path, "MDMA 1.5 mg/kg followed by 0.75 mg/kg 2 h later.")
    arm = trial.arms.get(label="MDMA-assisted therapy")
    assert (arm.dose_unit, arm.dose_initial_min, arm.dose_supplemental_max) == (
        "mg/kg",
        Decimal("1.5"),
        Decimal("0.75"),
    )
    assert arm.dose_text == "1.5 mg/kg + 0.75 mg/kg"
    assert arm not in Arm.objects.initial_dose_overlaps(Decimal(0), None)


def test_an_unclear_imported_dose_keeps_the_registry_text_and_no_number(client, tmp_path):
    text = "MDMA 125 mg followed by 62.5 mg."
    trial = import_study(tmp_path, text)
    arm = trial.arms.get(label="MDMA-assisted therapy")
    assert (arm.dose_unit, arm.dose_initial_min, arm.dose_source_text) == ("", None, text)
    page = client.get(trial.get_absolute_url()).content.decode()
    assert "not given" in page and f"As stated in the registry: “{text}”" in page


def test_reapplying_the_same_doses_rewrites_no_arm(tmp_path):
    trial = import_study(tmp_path, "MDMA 80 mg/40 mg")
    arm = trial.arms.get(label="MDMA-assisted therapy")
    assert (arm.dose_initial_min, arm.dose_supplemental_min) == (80, 40)
    run_import("--from-file", str(tmp_path / "study.json"), "--force")
    # Stored 80.000 and parsed 80 are the same dose: the arm row is kept, not replaced.
    assert trial.arms.get(label="MDMA-assisted therapy").pk == arm.pk


# List, page, exports --------------------------------------------------------------------


def test_the_trial_list_shows_each_trials_doses(client, seeded):
    content = client.get("/trials/?phase=PHASE3").content.decode()
    assert "MDMA dose" in content
    assert "80–120 mg + 40–60 mg, 3 sessions" in content


def test_the_trial_page_shows_each_arm_dose_with_the_source_words(client, seeded):
    content = client.get("/trials/NCT03537014/").content.decode()
    assert "80–120 mg + 40–60 mg, 3 sessions" in content
    assert "80 mg + 40 mg in session 1, then 120 mg + 60 mg in sessions 2 and 3" in content
    assert "As stated in the fact sheet: “80+40, then 120+60 ×2 (80–180 mg)”" in content


def test_csv_export_carries_every_dose_field(client, seeded):
    text = b"".join(client.get("/trials/?format=csv").streaming_content).decode()
    rows = {r["url_key"]: r for r in csv.DictReader(io.StringIO(text[1:]))}
    mapp1 = rows["NCT03537014"]
    assert mapp1["doses"] == "80–120 mg + 40–60 mg, 3 sessions"
    assert [mapp1[f"dose_{n}"] for n in ("unit", "initial_min", "initial_max")] == [
        "mg",
        "80",
        "120",
    ]
    assert (mapp1["dose_supplemental_min"], mapp1["dose_supplemental_max"]) == ("40", "60")
    assert (mapp1["dosing_sessions"], mapp1["dose_arms"]) == ("3", "MDMA-assisted therapy")
    assert mapp1["dose_source_text"] == "80+40, then 120+60 ×2 (80–180 mg)"
    mp8 = rows["NCT01211405"]
    assert mp8["dose_initial_min"] == "30 | 75 | 125"
    assert mp8["dose_supplemental_max"] == "15 | 37.5 | 62.5"


def test_json_export_carries_every_dose_field(client, seeded):
    text = b"".join(client.get("/trials/?format=json").streaming_content).decode()
    trials = {t["url_key"]: t for t in json.loads(text)["trials"]}
    assert trials["NCT02008396"]["doses"] == [
        {
            "arm": "MDMA",
            "dose": "75–125 mg, 2 sessions",
            "unit": "mg",
            "initial_min": 75,
            "initial_max": 125,
            "supplemental_min": None,
            "supplemental_max": None,
            "sessions": 2,
            "schedule": "75–125 mg per session",
            "source_text": "75–125 mg ×2",
        }
    ]
    # No number where the sheet gives none; the words are kept.
    (bima,) = trials["bima"]["doses"]
    assert (bima["initial_min"], bima["source_text"]) == (None, "187.5 mg per session ×2")


def test_an_arm_without_a_dose_takes_it_from_its_mdma_intervention():
    record = mdma_study()
    module = record["protocolSection"]["armsInterventionsModule"]
    module["armGroups"][0]["description"] = "MDMA-assisted therapy in three sessions."
    module["interventions"][0]["description"] = "Midomafetamine 100 mg + optional 50 mg."
    arms = {a.label: a.dose for a in parse_study(record).arms}
    dose = arms["MDMA-assisted therapy"]
    assert (dose.initial_min, dose.supplemental_min, dose.source_text) == (
        Decimal("100"),
        Decimal("50"),
        "Midomafetamine 100 mg + optional 50 mg.",
    )
    # The placebo arm is not linked to the MDMA intervention and states no MDMA.
    assert not arms["Placebo with therapy"].has_amount
