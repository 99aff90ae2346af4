"""NUL characters never reach the database: stripped from registry values at parse time
with a warning, and a trial URL holding one answers 404."""

import pytest

from tests.ctgov_studies import mdma_study, run_import
from tests.test_import_ctgov import write_files
from trials.ctgov.parse import parse_study
from trials.ctgov.schema import strip_nul
from trials.models import ImportRun, Trial

pytestmark = pytest.mark.django_db


def nul_study() -> dict:
    record = mdma_study()
    ident = record["protocolSection"]["identificationModule"]
    ident["briefTitle"] = "MDMA\x00 for PTSD"
    record["protocolSection"]["conditionsModule"]["conditions"] = ["PT\x00SD"]
    record["protocolSection"]["statusModule"]["why\x00Stopped"] = "x"
    return record


def test_strip_nul_cleans_strings_and_keys_and_counts_them():
    value, count = strip_nul({"a\x00": ["b\x00\x00", 1, None], "c": "d"})
    assert value == {"a": ["b", 1, None], "c": "d"} and count == 3


def test_the_parser_removes_nul_and_warns():
    parsed = parse_study(nul_study())
    assert parsed.fields["brief_title"] == "MDMA for PTSD"
    assert parsed.conditions[0].name == "PTSD"
    assert any("NUL character(s) removed" in w for w in parsed.warnings)


def test_an_import_stores_no_nul_anywhere_and_logs_a_warning(tmp_path):
    run_import("--from-file", *write_files(tmp_path, nul_study()))
    trial = Trial.objects.get()
    assert trial.brief_title == "MDMA for PTSD"
    assert "\x00" not in str(trial.raw_json)
    assert "whyStopped" in trial.raw_json["protocolSection"]["statusModule"]
    assert "NUL character(s) removed" in ImportRun.objects.get().log
    # The cleaned record is what is compared next time: unchanged, nothing written.
    out, _ = run_import("--from-file", *write_files(tmp_path, nul_study()))
    assert "unchanged 1" in out


@pytest.mark.parametrize("url", ["/trials/%00/", "/trials/NCT0990%000001/", "/trials/a%00b/"])
def test_a_trial_url_with_nul_answers_404(client, tmp_path, url):
    run_import("--from-file", *write_files(tmp_path, mdma_study()))
    assert client.get(url).status_code == 404
