"""Parsing ClinicalTrials.gov API v2 records into plain data (no database needed)."""

import json
from decimal import Decimal

import pytest

from tests.ctgov_studies import mdma_study
from trials.ctgov.parse import (
    LegacyFormatError,
    ParseError,
    parse_study,
    studies_in_document,
)
from trials.ctgov.parse_protocol import country_code
from trials.ctgov.parse_results import parse_number
from trials.dates import Precision


def _sample(ctgov_samples, name):
    path = next((ctgov_samples / "v2").glob(f"*{name}*.json"))
    return studies_in_document(json.loads(path.read_text()), path.name)


def test_every_v2_sample_parses_with_its_nct_id(ctgov_samples):
    files = sorted((ctgov_samples / "v2").glob("*.json"))
    assert len(files) >= 20
    for path in files:
        studies = studies_in_document(json.loads(path.read_text()), path.name)
        assert studies, path.name
        for record in studies:
            parsed = parse_study(record)
            assert parsed.nct_id.startswith("NCT")
            assert parsed.fields["brief_title"]


def test_legacy_classic_api_documents_are_refused_with_a_clear_message(ctgov_samples):
    for path in sorted((ctgov_samples / "legacy_v1").glob("*.json")):
        with pytest.raises(LegacyFormatError, match="retired classic ClinicalTrials.gov API"):
            studies_in_document(json.loads(path.read_text()), path.name)


def test_a_document_that_is_neither_study_nor_page_is_refused():
    with pytest.raises(ParseError, match="not a ClinicalTrials.gov API v2 study"):
        studies_in_document({"results": []}, "odd.json")


def test_partial_records_leave_unfetched_parts_unknown(ctgov_samples):
    (record,) = _sample(ctgov_samples, "get_nct06604689")
    parsed = parse_study(record)
    assert parsed.sites is None  # no contactsLocationsModule was fetched
    assert parsed.results is None and "has_results" not in parsed.fields
    assert parsed.outcomes is None
    assert parsed.conditions  # but what was fetched is there


def test_dates_keep_the_precision_the_registry_gave():
    fields = parse_study(mdma_study()).fields
    assert fields["start_date"].precision == Precision.MONTH
    assert fields["primary_completion_date"].precision == Precision.DAY
    assert fields["completion_date"].precision == Precision.YEAR
    assert str(fields["completion_date"]) == "2099"


def test_an_unknown_enum_value_is_kept_raw_with_a_warning():
    record = mdma_study(status="PAUSED_FOR_LUNCH")
    parsed = parse_study(record)
    assert parsed.fields["overall_status"] == "PAUSED_FOR_LUNCH"
    assert any("PAUSED_FOR_LUNCH" in w for w in parsed.warnings)


def test_a_study_without_an_nct_id_is_an_error():
    record = mdma_study()
    del record["protocolSection"]["identificationModule"]["nctId"]
    with pytest.raises(ParseError, match="nctId"):
        parse_study(record)


def test_a_malformed_date_is_an_error_naming_the_study_and_field():
    record = mdma_study()
    record["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "November 2018"
    with pytest.raises(ParseError, match="NCT09900001: startDateStruct"):
        parse_study(record)


def test_result_numbers_keep_raw_text_and_inequalities_have_no_number():
    assert parse_number("<0.001") is None
    assert parse_number("NA") is None
    assert parse_number("=0.247") == pytest.approx(0.247)
    assert parse_number("-13.3") == pytest.approx(-13.3)
    (outcome,) = parse_study(mdma_study()).results
    (analysis,) = outcome.analyses
    assert (analysis.p_value_raw, analysis.p_value) == ("<0.001", None)
    assert (analysis.ci_lower_raw, analysis.ci_lower) == ("-13.3", -13.3)
    spreads = {m.group_code: (m.spread_raw, m.spread) for m in outcome.measurements}
    assert spreads == {"OG000": ("1.6", 1.6), "OG001": ("NA", None)}
    assert [g.participants for g in outcome.groups] == [53, 51]


def test_posted_analyses_of_a_real_record_are_parsed(ctgov_samples):
    (record,) = _sample(ctgov_samples, "NCT02552212")
    analyses = [a for o in parse_study(record).results for a in o.analyses]
    assert len(analyses) == 12
    raw_p = {a.p_value_raw: a.p_value for a in analyses}
    assert raw_p["<0.001"] is None and raw_p["=0.247"] == pytest.approx(0.247)


def test_conditions_carry_the_mesh_term_the_registry_indexed(ctgov_samples):
    (record,) = _sample(ctgov_samples, "NCT02210780")
    (condition,) = parse_study(record).conditions
    assert (condition.name, condition.mesh_term, condition.mesh_id) == (
        "Atopic Dermatitis",
        "Dermatitis, Atopic",
        "D000003876",
    )


def test_country_names_map_to_iso_codes_and_unknown_ones_warn():
    assert country_code("United States") == "US"
    assert country_code("Korea, Republic of") == "KR"
    assert country_code("Turkey") == "TR"
    parsed = parse_study(mdma_study())
    assert {s.country: s.country_code for s in parsed.sites}["Atlantis"] == ""
    assert any("'Atlantis' has no ISO 3166 code" in w for w in parsed.warnings)


def test_an_arm_dose_is_read_only_from_an_mdma_arm_and_keeps_its_source_text():
    arms = {a.label: a.dose for a in parse_study(mdma_study()).arms}
    fixed = arms["MDMA-assisted therapy"]
    assert (fixed.unit, fixed.initial_min, fixed.initial_max, fixed.sessions) == (
        "mg",
        Decimal("120"),
        Decimal("120"),
        3,
    )
    assert fixed.source_text == "Midomafetamine 120 mg in each of three sessions."
    flexible = arms["Flexible-dose MDMA"]
    assert (
        flexible.initial_min,
        flexible.initial_max,
        flexible.supplemental_min,
        flexible.supplemental_max,
    ) == (Decimal("80"), Decimal("120"), Decimal("40"), Decimal("60"))
    assert not arms["Placebo with therapy"].has_amount


def test_a_comparator_drug_dose_is_not_taken_for_an_mdma_dose(ctgov_samples):
    (record,) = _sample(ctgov_samples, "NCT02210780")
    arms = parse_study(record).arms
    assert any("300 mg" in a.label for a in arms)
    assert all(not a.dose.has_amount and not a.dose.source_text for a in arms)


def test_secondary_ids_and_former_nct_ids_become_identifiers():
    parsed = parse_study(mdma_study(aliases=["NCT09900000"]))
    kinds = {(i.kind, i.value) for i in parsed.identifiers}
    assert kinds == {
        ("NCT_ALIAS", "NCT09900000"),
        ("SPONSOR", "TEST-MDMA-3"),
        ("EUDRACT", "2099-000001-11"),
        ("ISRCTN", "ISRCTN00000001"),
        ("OTHER", "R01DA000001"),
    }
    assert parsed.aliases == ("NCT09900000",)
