"""Schema drift: a field whose JSON type the API's schema does not allow refuses that one
study, with a message naming the field and the NCT id, and writes nothing of it."""

import copy
import json

import pytest

from tests.ctgov_studies import mdma_study, run_import
from tests.test_import_ctgov import write_files
from trials.ctgov.parse import ParseError, parse_study
from trials.ctgov.schema import check_types, expected_types, type_table
from trials.models import RefusedStudy, Trial, TrialChange


def _set(record: dict, path: str, value) -> dict:
    record = copy.deepcopy(record)
    *parents, last = path.split(".")
    node = record
    for key in parents:
        node = node[key]
    node[last] = value
    return record


DRIFT = [
    ("protocolSection.conditionsModule.conditions", "PTSD", "should be an array but is a string"),
    ("protocolSection.designModule", [{"studyType": "INTERVENTIONAL"}], "should be an object"),
    ("protocolSection.statusModule", None, "should be an object but is null"),
    ("protocolSection.designModule.enrollmentInfo.count", "ninety", "should be an integer"),
    ("protocolSection.designModule.phases", "PHASE3", "should be an array"),
    ("hasResults", "yes", "should be a boolean"),
]


@pytest.mark.parametrize("path, value, message", DRIFT)
def test_a_field_of_the_wrong_type_refuses_the_study_naming_field_and_id(path, value, message):
    record = _set(mdma_study(), path, value)
    with pytest.raises(ParseError) as error:
        parse_study(record)
    assert str(error.value).startswith("NCT09900001: field ")
    assert path in str(error.value) and message in str(error.value)


def test_a_list_item_of_the_wrong_type_is_named_with_its_index():
    record = mdma_study()
    record["protocolSection"]["conditionsModule"]["conditions"] = ["PTSD", {"name": "x"}]
    with pytest.raises(ParseError, match=r"conditions\[1\] should be a string"):
        parse_study(record)


@pytest.mark.parametrize("path, value, message", DRIFT[:3])
def test_a_drifted_real_sample_is_refused_the_others_import_and_nothing_of_it_is_written(
    db, tmp_path, ctgov_samples, settings, path, value, message
):
    settings.CTGOV_TOPIC_TERMS = []
    sample = next((ctgov_samples / "v2").glob("*NCT03418623.json"))
    good = json.loads(sample.read_text())
    files = write_files(tmp_path, _set(good, path, value), mdma_study())
    out, _ = run_import("--from-file", *files)
    assert "finished with 1 study refused" in out and "created 1" in out
    assert not Trial.objects.filter(nct_id="NCT03418623").exists()
    refusal = RefusedStudy.objects.get()
    assert refusal.nct_id == "NCT03418623" and path in refusal.error and message in refusal.error


def test_drift_in_an_update_leaves_the_stored_trial_as_it_was(db, tmp_path):
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    before = Trial.objects.values().get()
    drifted = _set(mdma_study(), "protocolSection.conditionsModule.conditions", "PTSD")
    run_import("--from-file", *write_files(tmp_path, drifted))
    assert Trial.objects.values().get() == before
    trial = Trial.objects.get()
    assert sorted(trial.conditions.values_list("name", flat=True)) == [
        "PTSD",
        "Stress Disorders, Post-Traumatic",
    ]
    assert not TrialChange.objects.exists()


def test_every_real_sample_passes_the_type_check(ctgov_samples):
    from trials.ctgov.parse import studies_in_document, study_nct_id

    for path in sorted((ctgov_samples / "v2").glob("*.json")):
        for study in studies_in_document(json.loads(path.read_text()), path.name):
            check_types(study, study_nct_id(study))


def test_the_type_table_is_the_one_derived_from_the_api_schema(ctgov_samples):
    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load((ctgov_samples / "openapi-v2.0.5.yaml").read_text())
    table = type_table(spec)
    assert table == expected_types()
    assert table["protocolSection.statusModule"] == "object"
    assert table["protocolSection.conditionsModule.conditions[]"] == "string"
