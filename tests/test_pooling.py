"""Selecting, converting and pooling a family's published estimates (evidence.family_synthesis),
and the conversions to a common scale it relies on (evidence.meta_analysis.convert).

Expected numbers are computed here from the textbook formulas (Borenstein et
al. 2009, ch. 4 and 12-13), not from evidence.meta_analysis.
"""

import math

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from editorial.models import State
from evidence.family_synthesis import Options, all_families, synthesis_for, synthesise_all
from evidence.meta_analysis import (
    SynthesisError,
    convert,
    hedges_g_from_d,
    hedges_g_se,
    se_from_ci,
    se_from_ci_level,
    small_sample_correction,
)
from evidence.models import OutcomeFamily, Publication
from evidence.synthesis_summary import overview_syntheses, trial_syntheses
from tests import factories
from trials.models import Trial

Z = 1.959964


def hedges(d, n1, n2):
    """Hedges' g and its variance from Cohen's d, written out."""
    j = 1 - 3 / (4 * (n1 + n2 - 2) - 1)
    var_d = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
    return j * d, j * j * var_d


def fixed_effect(effects):
    weights = [1 / v for _, v in effects]
    mean = sum(w * g for w, (g, _) in zip(weights, effects, strict=True)) / sum(weights)
    q = sum(w * (g - mean) ** 2 for w, (g, _) in zip(weights, effects, strict=True))
    return mean, math.sqrt(1 / sum(weights)), q


MAPP1 = hedges(0.91, 46, 44)
MAPP2 = hedges(0.7, 53, 51)
MITHOEFER = hedges(0.8, 72, 31)


def ptsd(**options):
    return synthesis_for(OutcomeFamily.objects.get(slug="ptsd-clinician-rated"), Options(**options))


def add_estimate(**fields):
    """A published, verified estimate: one the synthesis counts unless ``fields`` say otherwise."""
    return factories.add_estimate(**{"state": State.PUBLISHED, "verified": True} | fields)


def make_family(slug, metrics, measure="Test scale", direction="higher"):
    return OutcomeFamily.objects.create(
        name=slug, slug=slug, measures=measure, metrics=metrics, direction=direction, order=9
    )


def test_ptsd_family_pools_mapp1_and_mapp2_as_hedges_g_by_default(seeded):
    synthesis = ptsd()
    mean, se, q = fixed_effect([MAPP1, MAPP2])
    # Q below its df: tau² is 0 (DerSimonian-Laird and REML), so random effects equal FE here.
    assert q < 1
    assert [row.label for row in synthesis.rows] == ["MAPP1", "MAPP2"]
    # Issue 15: the default method became REML (it was "DL").
    assert synthesis.result.method == "REML"
    assert synthesis.result.tau2 == 0
    assert synthesis.result.estimate == pytest.approx(mean, abs=1e-9)
    assert synthesis.result.estimate == pytest.approx(0.7892, abs=5e-5)
    assert synthesis.result.ci_low == pytest.approx(mean - Z * se, abs=1e-6)
    assert synthesis.result.ci_high == pytest.approx(mean + Z * se, abs=1e-6)
    assert synthesis.rows[0].effect.estimate == pytest.approx(MAPP1[0])
    assert synthesis.rows[0].effect.se == pytest.approx(math.sqrt(MAPP1[1]))


def test_ptsd_summary_sentence_reads_in_plain_language(seeded):
    assert ptsd().summary == (
        "Across 2 phase 3 trials (194 participants) the pooled standardised mean difference "
        "(Hedges' g) is 0.79 (95% CI 0.50 to 1.08), favouring MDMA-assisted therapy."
    )


def test_retracted_pooled_phase2_analysis_is_excluded_with_its_reason(seeded):
    excluded = {e.estimate.label: e.reason for e in ptsd().excluded}
    assert excluded == {
        "Pooled phase 2 (Mithoefer 2019)": (
            "its source publication was retracted on 10 August 2024"
        )
    }


def test_including_retracted_sources_adds_mithoefer_and_changes_the_pooled_estimate(seeded):
    default, with_retracted = ptsd(), ptsd(include_retracted=True)
    mean, se, _ = fixed_effect([MAPP1, MAPP2, MITHOEFER])
    assert with_retracted.result.k == 3
    assert with_retracted.excluded == []
    assert with_retracted.result.estimate == pytest.approx(mean, abs=1e-9)
    assert with_retracted.result.se == pytest.approx(se, abs=1e-9)
    assert with_retracted.result.estimate != pytest.approx(default.result.estimate, abs=1e-4)
    assert with_retracted.summary.startswith("Across 3 studies (297 participants)")


@pytest.mark.parametrize("method", ["FE", "DL", "PM"])
def test_method_is_selectable_and_matches_the_formulas(db, method):
    make_family("hetero", ["md"])
    data = [(1.0, 1.0), (3.0, 2.0), (8.0, 0.5)]
    for i, (value, se) in enumerate(data):
        add_estimate(label=f"S{i}", outcome_measure="Test scale", metric="md", value=value, se=se)
    result = synthesis_for(OutcomeFamily.objects.get(slug="hetero"), Options(method=method)).result
    variances = [se**2 for _, se in data]
    w = [1 / v for v in variances]
    fe_mean, _, q = fixed_effect([(y, v) for (y, _), v in zip(data, variances, strict=True)])
    c = sum(w) - sum(x * x for x in w) / sum(w)
    tau2 = {"FE": 0.0, "DL": max(0.0, (q - 2) / c)}.get(method, result.tau2)
    w_star = [1 / (v + tau2) for v in variances]
    mean = sum(x * y for x, (y, _) in zip(w_star, data, strict=True)) / sum(w_star)
    assert result.method == method
    assert result.estimate == pytest.approx(mean, rel=1e-6)
    if method == "PM":
        # Paule-Mandel: the generalised Q at tau² equals its degrees of freedom.
        q_tau = sum(x * (y - mean) ** 2 for x, (y, _) in zip(w_star, data, strict=True))
        assert q_tau == pytest.approx(2, abs=1e-3)
    if method != "FE":
        assert result.estimate != pytest.approx(fe_mean, rel=1e-3)
        assert result.pi_low is not None


def test_family_with_one_estimate_says_no_pooling(seeded):
    family = OutcomeFamily.objects.get(slug="functional-impairment-sds")
    synthesis = synthesis_for(family)
    assert synthesis.result is None
    assert [row.label for row in synthesis.rows] == ["MAPP2"]
    assert synthesis.summary == (
        "Only one estimate (MAPP2) is included: no pooling. "
        "Its Hedges' g is 0.40 (95% CI 0.01 to 0.78)."
    )


def test_family_with_no_estimates_says_so(db):
    synthesis = synthesis_for(make_family("alcohol-use", ["smd"], measure="AUDIT"))
    assert synthesis.result is None and synthesis.rows == [] and synthesis.excluded == []
    assert synthesis.summary == "No published effect estimates belong to this outcome family yet."


@pytest.mark.parametrize("bad_se", [0.0, -0.3])
def test_estimate_with_zero_or_negative_se_is_excluded_with_reason(seeded, bad_se):
    add_estimate(label="Bad SE", se=bad_se)
    synthesis = ptsd()
    excluded = {e.estimate.label: e.reason for e in synthesis.excluded}
    assert excluded["Bad SE"] == (
        f"its standard error is recorded as {bad_se:g}; a standard error must be greater than 0"
    )
    assert synthesis.result.k == 2


def test_metric_outside_the_family_is_excluded_with_reason(seeded):
    add_estimate(label="Responders", metric="rr", value=2.1, ci_low=1.2, ci_high=3.5)
    excluded = {e.estimate.label: e.reason for e in ptsd().excluded}
    assert excluded["Responders"] == "its metric (Risk ratio) is not one this family pools"


def test_mixed_metrics_that_cannot_be_converted_are_excluded_with_reasons(db):
    family = make_family("mixed", ["smd", "cohens_d", "hedges_g", "md"])
    add_estimate(label="G1", outcome_measure="Test scale", metric="hedges_g", value=0.5, se=0.2)
    add_estimate(label="G2", outcome_measure="test SCALE ", metric="smd", value=0.3, se=0.25)
    add_estimate(label="Raw", outcome_measure="Test scale", metric="md", value=-9, se=3)
    add_estimate(label="No n", outcome_measure="Test scale", n_treatment=None, n_control=None)
    add_estimate(label="No SE", outcome_measure="Test scale", metric="smd", n_control=None)
    synthesis = synthesis_for(family)
    assert [row.label for row in synthesis.rows] == ["G1", "G2"]
    assert {e.estimate.label: e.reason for e in synthesis.excluded} == {
        "Raw": "its metric (Mean difference) cannot be converted to a standardised mean "
        "difference (Hedges' g)",
        "No n": "Cohen's d needs the size of both groups to be converted to Hedges' g",
        "No SE": "no standard error can be derived: give the SE, a confidence interval "
        "or the size of both groups",
    }


def test_ratios_are_pooled_on_the_log_scale_and_shown_as_ratios(db):
    family = make_family("response", ["rr"], direction="higher")
    add_estimate(label="A", outcome_measure="Test scale", metric="rr", value=2.0, ci_low=1.0,
                 ci_high=4.0)  # fmt: skip
    add_estimate(label="B", outcome_measure="Test scale", metric="rr", value=1.5, ci_low=0.75,
                 ci_high=3.0)  # fmt: skip
    synthesis = synthesis_for(family, Options(method="FE"))
    se_a = (math.log(4.0) - math.log(1.0)) / (2 * Z)
    se_b = (math.log(3.0) - math.log(0.75)) / (2 * Z)
    mean, _, _ = fixed_effect([(math.log(2.0), se_a**2), (math.log(1.5), se_b**2)])
    assert synthesis.result.estimate == pytest.approx(mean)
    assert synthesis.shown["estimate"] == pytest.approx(math.exp(mean))
    assert "the pooled risk ratio is 1.73" in synthesis.summary


def test_sensitivity_options_exclude_with_their_reasons(seeded):
    add_estimate(label="Open label", randomised_controlled=False)
    add_estimate(label="Unchecked", verified=False, unverified_note="n not confirmed")
    synthesis = ptsd(include_retracted=True, phase3_only=True, rct_only=True, verified_only=True)
    excluded = {e.estimate.label: e.reason for e in synthesis.excluded}
    assert excluded["Pooled phase 2 (Mithoefer 2019)"] == "not a phase 3 trial (phase 3 only)"
    assert excluded["Open label"] == (
        "not a phase 3 trial (phase 3 only); not a randomised, controlled comparison"
    )
    assert excluded["Unchecked"] == (
        "not a phase 3 trial (phase 3 only); not verified: n not confirmed"
    )
    assert [row.label for row in synthesis.rows] == ["MAPP1", "MAPP2"]


def test_second_estimate_from_the_same_trial_is_not_counted_twice(seeded):
    add_estimate(label="MAPP1 (CAPS-IV)", outcome_measure="CAPS-IV total severity",
                 trial=Trial.objects.get(slug="mapp1"))  # fmt: skip
    synthesis = ptsd()
    assert synthesis.result.k == 2
    reason = {e.estimate.label: e.reason for e in synthesis.excluded}["MAPP1 (CAPS-IV)"]
    assert reason.startswith("the same trial is already included (MAPP1)")


def test_unpublished_estimates_do_not_count(seeded):
    add_estimate(label="Draft", state=State.DRAFT)
    add_estimate(label="In review", state=State.IN_REVIEW)
    synthesis = ptsd()
    labels = [r.label for r in synthesis.rows] + [e.estimate.label for e in synthesis.excluded]
    assert "Draft" not in labels and "In review" not in labels


def test_trial_syntheses_give_the_trials_estimate_weight_and_pooled_result(seeded):
    mapp1 = Trial.objects.get(slug="mapp1")
    [item] = trial_syntheses(mapp1)
    w1, w2 = 1 / MAPP1[1], 1 / MAPP2[1]
    assert item.family.slug == "ptsd-clinician-rated"
    assert item.row.weight == pytest.approx(w1 / (w1 + w2))
    assert item.synthesis.result.k == 2
    html = render_to_string("public/_trial_synthesis.html", {"syntheses": [item]})
    assert "45.5% of the weight in the pooled estimate of 0.79 (95% CI 0.50 to 1.08)" in html


def test_trial_synthesis_partials_render_nothing_without_syntheses(seeded):
    mapp2 = Trial.objects.get(slug="mapp2")
    assert len(trial_syntheses(mapp2)) == 2
    assert trial_syntheses(Trial.objects.get(slug="mp-1")) == []
    for name in ("_trial_synthesis.html", "_overview_synthesis.html"):
        assert render_to_string(f"public/{name}", {"syntheses": []}).strip() == ""


def test_overview_gives_the_headline_sentence_of_each_family(seeded):
    syntheses = overview_syntheses()
    assert [s.family.slug for s in syntheses] == [
        "ptsd-clinician-rated",
        "functional-impairment-sds",
        "social-anxiety-lsas",
    ]
    html = render_to_string("public/_overview_synthesis.html", {"syntheses": syntheses})
    assert "Across 2 phase 3 trials (194 participants)" in html


def test_syntheses_of_all_families_take_a_constant_number_of_queries(seeded):
    with CaptureQueriesContext(connection) as before:
        synthesise_all(all_families())
    for i in range(15):
        add_estimate(label=f"Extra {i}", trial=None)
    with CaptureQueriesContext(connection) as after:
        results = synthesise_all(all_families())
    assert results[0].result.k == 17
    # Issue 15: one more query, the published RoB 2 judgements prefetched with the estimates.
    assert len(after) == len(before) <= 4


def test_retracting_a_publication_removes_its_estimate(seeded):
    Publication.objects.filter(seed_key="mitchell-2023").update(retraction_status="retracted")
    synthesis = ptsd()
    assert [row.label for row in synthesis.rows] == ["MAPP1"]
    assert synthesis.result is None


def test_small_sample_correction_is_hedges_j():
    # J = 1 - 3 / (4 df - 1) with df = 46 + 44 - 2 = 88: 1 - 3/351.
    assert small_sample_correction(46, 44) == pytest.approx(1 - 3 / 351)


def test_se_of_a_reported_hedges_g_matches_converting_the_d_behind_it():
    g = hedges_g_from_d(0.91, 46, 44)
    assert hedges_g_se(g.estimate, 46, 44) == pytest.approx(g.se)


def test_se_from_a_90_percent_ci_uses_its_own_z():
    # z(0.95) = 1.644854: a 90% CI of width 2 x 1.644854 has SE 1.
    assert se_from_ci_level(-1.644854, 1.644854, 90) == pytest.approx(1, abs=1e-6)
    assert se_from_ci_level(0, 3.92, 95) == pytest.approx(se_from_ci(0, 3.92))
    with pytest.raises(SynthesisError, match="100% confidence level"):
        se_from_ci_level(0, 1, 100)


def test_convert_prefers_an_explicit_se_and_scales_cohens_d_by_j():
    j = 1 - 3 / 351
    effect = convert("cohens_d", 0.91, se=0.2, n1=46, n2=44)
    assert (effect.estimate, effect.se) == pytest.approx((j * 0.91, j * 0.2))
    ratio = convert("or", 2.0, se=0.3)
    assert (ratio.estimate, ratio.se) == pytest.approx((math.log(2.0), 0.3))


def test_convert_reads_a_ratio_se_off_its_ci_on_the_log_scale():
    effect = convert("rr", 2.0, ci=(1.0, 4.0))
    assert effect.estimate == pytest.approx(math.log(2))
    assert effect.se == pytest.approx(math.log(4) / 3.919928)


@pytest.mark.parametrize(
    ("metric", "value", "kwargs", "message"),
    [
        ("rr", 0.0, {"se": 0.1}, "a ratio must be greater than 0"),
        ("md", 1.0, {"se": -1.0}, "a standard error must be greater than 0"),
        ("md", 1.0, {}, "no standard error can be derived"),
        ("cohens_d", 0.5, {"n1": 10}, "needs the size of both groups"),
        ("eta_squared", 0.5, {"se": 0.1}, "unknown metric"),
    ],
)
def test_convert_refuses_what_it_cannot_put_on_a_scale(metric, value, kwargs, message):
    with pytest.raises(SynthesisError, match=message):
        convert(metric, value, **kwargs)
