"""Tests for evidence.meta_analysis against published reference results.

Pure Python: no database, no Django.
"""

import dataclasses
import math

import pytest

from evidence.meta_analysis import (
    Effect,
    PooledResult,
    SynthesisError,
    hedges_g_from_d,
    log_ratio_from_ci,
    log_risk_ratio,
    pool,
    se_from_ci,
    smd_from_means,
)

# Printed to 4 decimals -> must agree to half a unit in the last place.
TOL4 = 0.00005
# Printed to 2 decimals.
TOL2 = 0.005

# BCG vaccine trials: metafor dat.bcg (Colditz et al., JAMA 1994;271:698-702).
# (trial, author, year, tpos, tneg, cpos, cneg)
BCG = [
    (1, "Aronson", 1948, 4, 119, 11, 128),
    (2, "Ferguson & Simes", 1949, 6, 300, 29, 274),
    (3, "Rosenthal et al", 1960, 3, 228, 11, 209),
    (4, "Hart & Sutherland", 1977, 62, 13536, 248, 12619),
    (5, "Frimodt-Moller et al", 1973, 33, 5036, 47, 5761),
    (6, "Stein & Aronson", 1953, 180, 1361, 372, 1079),
    (7, "Vandiviere et al", 1973, 8, 2537, 10, 619),
    (8, "TPT Madras", 1980, 505, 87886, 499, 87892),
    (9, "Coetzee & Berjak", 1968, 29, 7470, 45, 7232),
    (10, "Rosenthal et al", 1961, 17, 1699, 65, 1600),
    (11, "Comstock et al", 1974, 186, 50448, 141, 27197),
    (12, "Comstock & Webster", 1969, 5, 2493, 3, 2338),
    (13, "Comstock et al", 1976, 27, 16886, 29, 17825),
]
# metafor README, escalc(measure="RR", ...).
BCG_YI = [-0.8893, -1.5854, -1.3481, -1.4416, -0.2175, -0.7861, -1.6209,
          0.0120, -0.4694, -1.3713, -0.3394, 0.4459, -0.0173]  # fmt: skip
BCG_VI = [0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230,
          0.0040, 0.0564, 0.0730, 0.0124, 0.5325, 0.0714]  # fmt: skip

# Normand SL. Meta-analysis: formulating, evaluating, combining, and
# reporting. Stat Med 1999;18(3):321-359. Length of hospital stay (days),
# specialist (1) vs routine (2) stroke care; metafor dat.normand1999.
# (source, n1, m1, sd1, n2, m2, sd2)
NORMAND = [
    ("Edinburgh", 155, 55, 47, 156, 75, 64),
    ("Orpington-Mild", 31, 27, 7, 32, 29, 4),
    ("Orpington-Moderate", 75, 64, 17, 71, 119, 29),
    ("Orpington-Severe", 18, 66, 20, 18, 137, 48),
    ("Montreal-Home", 8, 14, 8, 13, 18, 11),
    ("Montreal-Transfer", 57, 19, 7, 52, 18, 4),
    ("Newcastle", 34, 52, 45, 33, 41, 34),
    ("Umea", 110, 21, 16, 183, 31, 27),
    ("Uppsala", 60, 30, 27, 52, 23, 20),
]
# Normand 1999, Table VIII (p. 351): mean differences and their variances
# (pooled-SD variance).
NORMAND_YI = [-20, -2, -55, -71, -4, 1, 11, -10, 7]
NORMAND_VI = [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69]


def bcg_effects() -> list[Effect]:
    return [log_risk_ratio(tp, tn, cp, cn) for *_, tp, tn, cp, cn in BCG]


def pool_bcg(method: str) -> PooledResult:
    effects = bcg_effects()
    return pool([e.estimate for e in effects], [e.se for e in effects], method)


def normand_effects() -> list[Effect]:
    """Mean differences with the pooled-SD variance, as Normand's Table VIII computes them."""
    effects = []
    for _, n1, m1, sd1, n2, m2, sd2 in NORMAND:
        pooled_variance = ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2)
        effects.append(Effect(m1 - m2, math.sqrt(pooled_variance * (1 / n1 + 1 / n2))))
    return effects


def pool_normand(method: str) -> PooledResult:
    effects = normand_effects()
    return pool([e.estimate for e in effects], [e.se for e in effects], method)


# --- conversions ---------------------------------------------------------


def test_log_risk_ratio_from_counts_reproduces_metafor_bcg_yi_and_vi():
    effects = bcg_effects()
    for effect, yi, vi in zip(effects, BCG_YI, BCG_VI, strict=True):
        assert abs(effect.estimate - yi) < TOL4
        assert abs(effect.variance - vi) < TOL4


def test_log_risk_ratio_uses_the_textbook_formula_on_a_hand_case():
    # a=10, b=90 (risk 0.1); c=20, d=80 (risk 0.2): yi = log(0.5) = -0.693147,
    # vi = 1/10 - 1/100 + 1/20 - 1/100 = 0.13.
    effect = log_risk_ratio(10, 90, 20, 80)
    assert effect.estimate == pytest.approx(math.log(0.5))
    assert effect.variance == pytest.approx(0.13)


def test_smd_from_means_matches_borenstein_chapter_4_worked_example():
    # Borenstein et al. 2009, Introduction to Meta-Analysis, ch. 4 worked
    # example: means 103 vs 100, SD 5.5 vs 4.5, n 50 and 50. By hand:
    # S_within = sqrt((49*5.5² + 49*4.5²)/98) = sqrt(25.25) = 5.0249
    # d = 3/5.0249 = 0.5970; Vd = 100/2500 + 0.5970²/200 = 0.0418
    # J = 1 - 3/(4*98 - 1) = 0.9923; g = 0.9923*0.5970 = 0.5924
    # Vg = 0.9923² * 0.0418 = 0.0411; SEg = 0.2028
    effect = smd_from_means(103, 5.5, 50, 100, 4.5, 50)
    assert abs(effect.estimate - 0.5924) < TOL4
    assert abs(effect.variance - 0.0411) < TOL4
    assert abs(effect.se - 0.2028) < TOL4


def test_smd_sign_follows_arm_one_minus_arm_two():
    assert smd_from_means(100, 4.5, 50, 103, 5.5, 50).estimate < 0


def test_hedges_g_from_d_applies_small_sample_correction_on_a_hand_case():
    # d = 0.5, n1 = n2 = 20: Vd = 40/400 + 0.25/80 = 0.103125
    # J = 1 - 3/(4*40 - 9) = 1 - 3/151 = 0.980132
    # g = 0.490066; Vg = 0.980132² * 0.103125 = 0.099068
    effect = hedges_g_from_d(0.5, 20, 20)
    assert effect.estimate == pytest.approx(0.490066, abs=1e-6)
    assert effect.variance == pytest.approx(0.099068, abs=1e-6)


def test_pooled_sd_mean_difference_matches_normand_table_viii():
    for effect, yi, vi in zip(normand_effects(), NORMAND_YI, NORMAND_VI, strict=True):
        assert effect.estimate == yi
        assert abs(effect.variance - vi) < TOL2


def test_se_from_ci_divides_width_by_two_times_1_96():
    # width 3.919928 = 2 * 1.959964 -> SE 1.
    assert se_from_ci(1.0, 4.919928) == pytest.approx(1.0)


def test_log_ratio_from_ci_works_on_log_scale():
    # BCG DL pooled RR 0.4896 [0.3449, 0.6950] (metafor): log(0.4896) =
    # -0.7142; SE = (log 0.6950 - log 0.3449) / 3.919928 = 0.7007/3.9199 =
    # 0.1787, the SE metafor reports on the log scale.
    effect = log_ratio_from_ci(0.4896, 0.3449, 0.6950)
    assert effect.estimate == pytest.approx(math.log(0.4896))
    assert abs(effect.se - 0.1787) < TOL4


@pytest.mark.parametrize(
    ("convert", "args"),
    [
        (smd_from_means, (1, 1, 1, 0, 1, 10)),  # n < 2
        (smd_from_means, (1, 1, 10.5, 0, 1, 10)),  # fractional n
        (smd_from_means, (1, 0, 10, 0, 1, 10)),  # SD = 0
        (smd_from_means, (1, 1, 10, 0, -1, 10)),  # SD < 0
        (smd_from_means, (math.nan, 1, 10, 0, 1, 10)),  # NaN mean
        (smd_from_means, ("a lot", 1, 10, 0, 1, 10)),  # not a number
        (hedges_g_from_d, (0.5, 1, 20)),  # n < 2
        (hedges_g_from_d, (math.inf, 20, 20)),  # infinite d
        (se_from_ci, (2.0, 1.0)),  # lower > upper
        (se_from_ci, (1.0, 1.0)),  # zero width
        (se_from_ci, (math.nan, 1.0)),
        (log_ratio_from_ci, (0.0, 0.5, 1.5)),  # ratio not positive
        (log_ratio_from_ci, (1.0, 0.0, 1.5)),  # limit not positive
        (log_ratio_from_ci, (1.0, -0.5, 1.5)),
        (log_ratio_from_ci, (1.0, 1.5, 0.5)),  # lower > upper
        (log_ratio_from_ci, (2.0, 0.5, 1.5)),  # ratio outside its CI
        (log_risk_ratio, (0, 10, 5, 10)),  # no events: log undefined
        (log_risk_ratio, (5, 10, 0, 10)),
        (log_risk_ratio, (5, -1, 5, 10)),  # negative count
        (log_risk_ratio, (5, 10, 5.5, 10)),  # fractional count
    ],
)
def test_conversions_reject_impossible_input_with_synthesis_error(convert, args):
    with pytest.raises(SynthesisError):
        convert(*args)


def test_synthesis_error_is_a_value_error():
    assert issubclass(SynthesisError, ValueError)


# --- pooling: published references ---------------------------------------


def test_fixed_effect_matches_metafor_and_stata_metan_on_bcg():
    res = pool_bcg("FE")
    assert abs(res.estimate - -0.4303) < TOL4
    assert abs(res.se - 0.0405) < TOL4
    assert abs(res.ci_low - -0.5097) < TOL4
    assert abs(res.ci_high - -0.3509) < TOL4
    assert abs(res.z - -10.6247) < TOL4
    assert abs(res.i2 - 92.1173) < TOL4
    assert abs(res.q - 152.2330) < TOL4
    assert res.q_df == 12
    assert res.q_pvalue < 0.0001
    assert res.tau2 == 0.0
    assert res.method == "FE"
    assert res.k == 13


def test_dersimonian_laird_matches_metafor_on_bcg():
    res = pool_bcg("DL")
    assert abs(res.estimate - -0.7141) < TOL4
    assert abs(res.se - 0.1787) < TOL4
    assert abs(res.ci_low - -1.0644) < TOL4
    assert abs(res.ci_high - -0.3638) < TOL4
    assert abs(res.z - -3.9952) < TOL4
    assert abs(res.tau2 - 0.3088) < TOL4
    assert abs(res.i2 - 92.1173) < TOL4
    assert abs(res.q - 152.2330) < TOL4
    assert res.p_value < 0.0001
    assert abs(math.exp(res.estimate) - 0.4896) < TOL4
    assert abs(math.exp(res.ci_low) - 0.3449) < TOL4
    assert abs(math.exp(res.ci_high) - 0.6950) < TOL4


def test_paule_mandel_matches_reference_on_bcg():
    res = pool_bcg("PM")
    assert abs(res.tau2 - 0.3181) < TOL4
    assert abs(res.estimate - -0.7150) < TOL4
    assert abs(res.se - 0.1809) < TOL4
    assert abs(res.i2 - 92.1173) < TOL4


def test_pooled_mean_difference_matches_normand_1999_table_ix():
    # Normand 1999, Table IX (p. 352): FE -3.49 (-5.03, -1.96);
    # DerSimonian-Laird -14.10 (-24.45, -3.75) with tau² = 218.72.
    fe = pool_normand("FE")
    assert abs(fe.estimate - -3.49) < TOL2
    assert abs(fe.ci_low - -5.03) < TOL2
    assert abs(fe.ci_high - -1.96) < TOL2
    dl = pool_normand("DL")
    assert abs(dl.estimate - -14.10) < TOL2
    assert abs(dl.ci_low - -24.45) < TOL2
    assert abs(dl.ci_high - -3.75) < TOL2
    assert abs(dl.tau2 - 218.72) < TOL2


def test_paule_mandel_tau2_solves_its_estimating_equation_on_normand():
    # Guards a statsmodels quirk: with a tight tolerance its PM iteration
    # resets tau² to 0 on this data. PM's tau² makes the generalised Q equal
    # k - 1.
    effects = normand_effects()
    res = pool_normand("PM")
    weights = [1 / (e.variance + res.tau2) for e in effects]
    mean = sum(w * e.estimate for w, e in zip(weights, effects, strict=True)) / sum(weights)
    q_gen = sum(w * (e.estimate - mean) ** 2 for w, e in zip(weights, effects, strict=True))
    assert res.tau2 > 0
    assert q_gen == pytest.approx(len(effects) - 1, abs=1e-4)
    assert res.estimate == pytest.approx(mean)


# --- pooling: hand cases and properties ------------------------------------


def test_prediction_interval_follows_higgins_2009_on_a_hand_case():
    # y = 0, 1, 2 with SE 0.5 (v = 0.25, w = 4): FE mean 1, Q = 4*(1+0+1) = 8,
    # df 2, C = 12 - 48/12 = 8, tau² = (8-2)/8 = 0.75, I² = 6/8 = 75%.
    # RE weights 1/(0.25+0.75) = 1 each: estimate 1, SE = sqrt(1/3).
    # PI = 1 ± t(0.975, 1) * sqrt(0.75 + 1/3) = 1 ± 12.706205 * 1.040833
    #    = 1 ± 13.225037 -> (-12.225037, 14.225037).
    res = pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5], "DL")
    assert res.tau2 == pytest.approx(0.75)
    assert res.i2 == pytest.approx(75.0)
    assert res.estimate == pytest.approx(1.0)
    assert res.se == pytest.approx(math.sqrt(1 / 3))
    assert res.pi_low == pytest.approx(-12.225037, abs=1e-6)
    assert res.pi_high == pytest.approx(14.225037, abs=1e-6)


def test_prediction_interval_is_none_for_fixed_effect_and_for_two_studies():
    fe = pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5], "FE")
    two = pool([0.0, 1.0], [0.5, 0.5], "DL")
    assert (fe.pi_low, fe.pi_high) == (None, None)
    assert (two.pi_low, two.pi_high) == (None, None)


@pytest.mark.parametrize("method", ["DL", "PM"])
def test_homogeneous_studies_floor_i2_and_tau2_at_zero(method):
    # w = 1/0.01 = 100, mean 0.11: Q = 100*(0.01² + 0 + 0.01²) = 0.02 < df = 2,
    # so (Q - df)/Q < 0 and the DL moment estimate of tau² is negative.
    estimates, ses = [0.10, 0.11, 0.12], [0.1, 0.1, 0.1]
    res = pool(estimates, ses, method)
    fe = pool(estimates, ses, "FE")
    assert 0 < res.q < res.q_df
    assert res.i2 == 0.0
    assert res.tau2 == 0.0
    assert res.estimate == pytest.approx(fe.estimate)
    assert res.se == pytest.approx(fe.se)


def test_identical_estimates_give_zero_q_and_zero_i2():
    res = pool([0.3, 0.3, 0.3], [0.1, 0.2, 0.3])
    assert res.q == pytest.approx(0.0, abs=1e-12)
    assert res.i2 == 0.0
    assert res.tau2 == 0.0
    assert res.estimate == pytest.approx(0.3)


def test_weights_are_fractions_summing_to_one_in_input_order():
    # FE weights are 1/v normalised: v = 1, 4 -> w = 1, 0.25 -> 0.8, 0.2.
    res = pool([0.0, 1.0], [1.0, 2.0], "FE")
    assert res.weights == pytest.approx((0.8, 0.2))
    assert sum(pool_bcg("DL").weights) == pytest.approx(1.0)


def test_default_method_is_reml_and_method_name_is_case_insensitive():
    # Issue 15: REML became the default (Cochrane SMG 2022); it was "DL".
    assert pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5]).method == "REML"
    assert pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5], "pm").method == "PM"


def test_pooled_result_is_frozen():
    res = pool([0.0, 1.0], [0.5, 0.5])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 2.0


def test_one_estimate_is_refused_with_nothing_to_pool():
    with pytest.raises(SynthesisError, match="one estimate: nothing to pool"):
        pool([0.5], [0.1])


@pytest.mark.parametrize(
    ("estimates", "ses", "method"),
    [
        ([], [], "DL"),  # empty
        ([0.1, 0.2], [0.1], "DL"),  # mismatched lengths
        ([0.1, 0.2], [0.1, 0.0], "DL"),  # SE = 0
        ([0.1, 0.2], [0.1, -0.1], "FE"),  # SE < 0
        ([0.1, 0.2], [0.1, math.nan], "PM"),  # SE not finite
        ([0.1, 0.2], [0.1, math.inf], "DL"),
        ([0.1, math.inf], [0.1, 0.1], "DL"),  # estimate not finite
        ([0.1, math.nan], [0.1, 0.1], "FE"),
        ([0.1, 0.2], [0.1, 0.1], "ML"),  # unsupported method (REML is supported since issue 15)
    ],
)
def test_pool_rejects_what_it_cannot_pool_with_synthesis_error(estimates, ses, method):
    with pytest.raises(SynthesisError):
        pool(estimates, ses, method)
