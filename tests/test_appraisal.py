"""Risk of bias (RoB 2) per estimate and certainty of evidence per outcome family: seeded
only from ../shared/facts/appraisal, shown as traffic lights, a sensitivity option and a
Summary-of-findings table; reviews side by side, never merged."""

import csv
import html
import io
import json
import re
from pathlib import Path

from django.urls import reverse

from editorial.models import State
from evidence.family_synthesis import Options, synthesis_for
from evidence.models import CertaintyRating, EffectEstimate, OutcomeFamily, RiskOfBias
from evidence.seeding import FIXTURES_DIR, load_seed

FACTS = Path(__file__).resolve().parents[2] / "shared" / "facts" / "appraisal" / "appraisal.json"
PAGE = reverse("public:synthesis")
DOMAINS = {
    "randomisation_process": "randomisation",
    "deviations_from_intended_interventions": "deviations",
    "missing_outcome_data": "missing_data",
    "measurement_of_the_outcome": "measurement",
    "selection_of_the_reported_result": "selection",
    "overall": "overall",
}
CODES = {None: "", "Low": "low", "Some concerns": "some_concerns", "High": "high"}


def facts():
    return json.loads(FACTS.read_text(encoding="utf-8"))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def ptsd(**options):
    return synthesis_for(OutcomeFamily.objects.get(slug="ptsd-clinician-rated"), Options(**options))


def test_the_seed_file_is_the_shared_fact_sheet_verbatim():
    assert json.loads((FIXTURES_DIR / "appraisal.json").read_text(encoding="utf-8")) == facts()


def test_every_rob2_item_is_stored_field_by_field_with_its_source_and_status(seeded):
    items = [i for i in facts() if i["kind"] == "rob2"]
    assert RiskOfBias.objects.count() == len(items) == 7
    for item in items:
        record = RiskOfBias.objects.get(seed_key=item["id"])
        for key, field in DOMAINS.items():
            assert getattr(record, field) == CODES[item["rob2"][key]], (item["id"], key)
        assert record.verified == (item["status"] == "VERIFIED")
        assert item["source"]["url"] in record.sources
        assert record.quote == item["quote"]
        assert record.state == State.PUBLISHED


def test_rob2_judgements_link_to_the_estimate_of_the_outcome_assessed(seeded):
    linked = {
        r.seed_key: r.estimate.label for r in RiskOfBias.objects.filter(estimate__isnull=False)
    }
    assert linked == {"rob2-sevchik2026-mapp1": "MAPP1", "rob2-sevchik2026-mapp2": "MAPP2"}
    # MP-4 and MP-9: no review gives a judgement, so nothing is stored.
    assert not RiskOfBias.objects.filter(trial__nct_id__in=["NCT01958593", "NCT01689740"])


def test_a_review_without_per_trial_ratings_is_kept_apart_not_merged(seeded):
    fares = RiskOfBias.objects.get(seed_key="rob2-fares-otero-summary")
    assert (fares.trial, fares.estimate, fares.overall, fares.measurement) == (None, None, "", "")
    assert "measurement of the outcome: High (most studies)" in fares.justification
    assert fares.overall_text == "not assessed"


def test_certainty_ratings_keep_each_reviews_words_and_downgrades(seeded):
    by_key = {r.seed_key: r for r in CertaintyRating.objects.all()}
    sevchik = by_key["grade-sevchik2026-overall--ptsd-clinician-rated"]
    assert (sevchik.certainty, sevchik.scale) == ("low", "GRADE")
    assert sevchik.indirectness.startswith("−2: functional unblinding")
    assert (sevchik.risk_of_bias, sevchik.inconsistency, sevchik.imprecision) == ("", "", "")
    fares = by_key["grade-fares-otero-overall--ptsd-clinician-rated"]
    assert (fares.certainty, fares.downgrades) == ("very_low", [])
    yong = by_key["grade-yong2025-overview--ptsd-clinician-rated"]
    assert yong.certainty == ""
    assert yong.rating_text.startswith("low to very low")
    icer = by_key["icer-2024-mdma-ap-vs-placebo-therapy--ptsd-clinician-rated"]
    assert (icer.scale, icer.rating_text, icer.certainty) == (
        "ICER evidence rating",
        "insufficient",
        "",
    )
    # Harms are no family here: stored, shown with no family.
    assert by_key["grade-colcott2024-harms"].family is None


def test_seeding_again_adds_no_appraisal(seeded):
    report = load_seed()
    assert report.created.get("risk-of-bias judgements", 0) == 0
    assert report.present["certainty ratings"] == CertaintyRating.objects.count() == 6


def test_forest_svg_and_rows_csv_carry_the_risk_of_bias(client, seeded):
    svg = client.get(reverse("public:forest_svg")).content.decode()
    assert svg.count('class="rob rob-low"') == 2
    assert "<title>Risk of bias: low (Sevchik et al. 2026)</title>" in svg
    response = client.get(reverse("public:rows_csv"), {"include_retracted": "1"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert {r["study"]: r["risk_of_bias"] for r in rows} == {
        "MAPP1": "low (Sevchik et al. 2026)",
        "MAPP2": "low (Sevchik et al. 2026)",
        "Pooled phase 2 (Mithoefer 2019)": "not assessed",
    }


def test_excluding_high_risk_of_bias_drops_the_estimate_with_its_reason(seeded):
    RiskOfBias.objects.filter(seed_key="rob2-sevchik2026-mapp2").update(overall="high")
    synthesis = ptsd(exclude_high_rob=True)
    assert [r.label for r in synthesis.rows] == ["MAPP1"]
    reasons = {e.estimate.label: e.reason for e in synthesis.excluded}
    assert reasons["MAPP2"] == "judged at high risk of bias (Sevchik et al. 2026)"
    assert [r.label for r in ptsd().rows] == ["MAPP1", "MAPP2"]


def test_a_draft_judgement_never_reaches_the_page_plot_or_csv(client, seeded):
    mapp1 = EffectEstimate.objects.get(seed_key__isnull=False, label="MAPP1")
    RiskOfBias.objects.create(
        estimate=mapp1,
        outcome_assessed="CAPS-5",
        appraiser="Draft review 2030",
        overall="high",
        sources="https://example.org/draft",
        state=State.DRAFT,
    )
    assert "Draft review" not in client.get(PAGE).content.decode()
    assert "Draft review" not in client.get(reverse("public:forest_svg")).content.decode()
    assert [r.label for r in ptsd(exclude_high_rob=True).rows] == ["MAPP1", "MAPP2"]


def test_editing_a_judgement_keeps_its_history(seeded):
    record = RiskOfBias.objects.get(seed_key="rob2-sevchik2026-mp1")
    record.justification = "Corrected wording."
    record.save()
    assert record.history.count() == 2
    assert record.history.earliest().justification != "Corrected wording."


def test_page_shows_rob_table_reviews_side_by_side_and_summary_of_findings(client, seeded):
    text = text_of(client.get(PAGE))
    assert "MAPP1 Sevchik et al. 2026 low low low low low low" in text
    assert "Reviews that report risk of bias only across studies" in text
    assert "Fares-Otero et al. GRADE very low not stated by the source" in text
    assert "Sevchik et al. 2026 GRADE low Indirectness: −2: functional unblinding" in text
    # Summary of findings: one row per family; LSAS has no rating.
    assert (
        "PTSD symptom severity, clinician-rated (CAPS-IV and CAPS-5 total) 2 194 "
        "Hedges' g 0.79 (0.50 to 1.08); Hartung-Knapp" in text
    )
    assert "Social anxiety (LSAS) 1 12 not pooled not rated" in text
    assert "the certainty of this evidence is rated very low by Fares-Otero et al. (GRADE);" in text
