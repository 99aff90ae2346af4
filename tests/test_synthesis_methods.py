"""REML, Hartung-Knapp-Sidik-Jonkman, Q-profile, I² from tau², leave-one-out and
cumulative meta-analysis (evidence.meta_analysis), against published and independent references.

Pure Python: no database. Sources of each expected number are given beside it:
- metafor (Viechtbauer 2010) on dat.bcg, as quoted in issue 15 and ../shared/meta/README.md;
- hand calculations written out in the comments;
- a second, deliberately different implementation in this file (plain Python, tau² by
  bisection on the estimating equation instead of Fisher scoring / Brent's method).
"""

import csv
import math
from pathlib import Path

import pytest
from scipy import stats

from evidence.meta_analysis import cumulative, leave_one_out, log_risk_ratio, pool

META_DIR = Path(__file__).resolve().parents[2] / "shared" / "meta"
TOL4 = 0.00005


def bcg():
    """dat.bcg read from the shared copy: log risk ratios and their SEs."""
    with open(META_DIR / "dat_bcg.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    effects = [
        log_risk_ratio(int(r["tpos"]), int(r["tneg"]), int(r["cpos"]), int(r["cneg"])) for r in rows
    ]
    return [e.estimate for e in effects], [e.se for e in effects]


# --- a second implementation, plain Python -----------------------------------


def _mean_and_q(y, v, tau2):
    w = [1 / (vi + tau2) for vi in v]
    mu = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    q = sum(wi * (yi - mu) ** 2 for wi, yi in zip(w, y, strict=True))
    return w, mu, q


def _reml_score(y, v, tau2):
    w, mu, _ = _mean_and_q(y, v, tau2)
    trace_p = sum(w) - sum(wi**2 for wi in w) / sum(w)
    return sum(wi**2 * (yi - mu) ** 2 for wi, yi in zip(w, y, strict=True)) - trace_p


def _bisect_decreasing(f, high=1e3, steps=200):
    """Root of a decreasing f on [0, high] by bisection; 0 when f(0) <= 0."""
    if f(0.0) <= 0:
        return 0.0
    low = 0.0
    for _ in range(steps):
        mid = (low + high) / 2
        low, high = (mid, high) if f(mid) > 0 else (low, mid)
    return (low + high) / 2


def reference_tau2(y, v, method):
    if method == "FE":
        return 0.0
    if method == "DL":
        w, _, q = _mean_and_q(y, v, 0.0)
        c = sum(w) - sum(wi**2 for wi in w) / sum(w)
        return max(0.0, (q - (len(y) - 1)) / c)
    if method == "PM":
        return _bisect_decreasing(lambda t: _mean_and_q(y, v, t)[2] - (len(y) - 1))
    return _bisect_decreasing(lambda t: _reml_score(y, v, t))


def reference_pool(y, v, method, ci):
    """(estimate, ci_low, ci_high, tau2) written out from the textbook formulas."""
    if len(y) == 1:
        se = math.sqrt(v[0])
        return y[0], y[0] - 1.959964 * se, y[0] + 1.959964 * se, None
    tau2 = reference_tau2(y, v, method)
    w, mu, q_re = _mean_and_q(y, v, tau2)
    if ci == "wald":
        se, crit = math.sqrt(1 / sum(w)), 1.959964
    else:
        factor = q_re / (len(y) - 1)
        factor = max(1.0, factor) if ci == "hk_adhoc" else factor
        se, crit = math.sqrt(factor / sum(w)), stats.t.ppf(0.975, len(y) - 1)
    return mu, mu - crit * se, mu + crit * se, tau2


# --- metafor on BCG ------------------------------------------------------------


def test_reml_matches_metafor_rma_reml_on_bcg():
    res = pool(*bcg(), method="REML")
    assert abs(res.tau2 - 0.3132) < TOL4
    assert abs(res.estimate - -0.7145) < TOL4
    assert abs(res.se - 0.1798) < TOL4
    assert abs(res.ci_low - -1.0669) < TOL4
    assert abs(res.ci_high - -0.3622) < TOL4
    assert abs(res.z - -3.9744) < TOL4
    assert res.ci_method == "wald" and res.df is None
    assert abs(res.i2 - 92.1173) < TOL4  # Q-based, the same for every model


def test_hartung_knapp_matches_metafor_knha_on_bcg():
    res = pool(*bcg(), method="REML", ci="hk")
    assert 0.1807 <= res.se <= 0.1808 + TOL4
    assert res.ci_low == pytest.approx(-1.108, abs=0.0005)
    assert res.ci_high == pytest.approx(-0.321, abs=0.0005)
    assert res.df == 12
    assert res.ci_method == "hk"


def test_i2_from_tau2_and_q_profile_interval_match_metafor_confint_on_bcg():
    res = pool(*bcg(), method="REML")
    assert abs(res.i2_tau - 92.22) < 0.005
    assert abs(res.tau2_ci_low - 0.1197) < TOL4
    assert abs(res.tau2_ci_high - 1.1115) < TOL4


def test_reml_converges_to_1e_10_on_the_estimating_equation():
    y, se = bcg()
    v = [s**2 for s in se]
    res = pool(y, se, method="REML")
    assert res.tau2 == pytest.approx(reference_tau2(y, v, "REML"), abs=1e-10)
    assert abs(_reml_score(y, v, res.tau2)) < 1e-8


def test_q_profile_limits_put_generalised_q_on_the_chi_square_quantiles():
    # Viechtbauer 2007: Q(lower) = chi²(0.975, k-1), Q(upper) = chi²(0.025, k-1).
    y, se = bcg()
    v = [s**2 for s in se]
    res = pool(y, se)
    assert _mean_and_q(y, v, res.tau2_ci_low)[2] == pytest.approx(stats.chi2.ppf(0.975, 12))
    assert _mean_and_q(y, v, res.tau2_ci_high)[2] == pytest.approx(stats.chi2.ppf(0.025, 12))


@pytest.mark.parametrize("method", ["FE", "DL", "PM", "REML"])
@pytest.mark.parametrize("ci", ["wald", "hk", "hk_adhoc"])
def test_every_method_and_interval_agrees_with_the_second_implementation(method, ci):
    y, se = bcg()
    v = [s**2 for s in se]
    res = pool(y, se, method, ci)
    mu, low, high, tau2 = reference_pool(y, v, method, ci)
    assert res.estimate == pytest.approx(mu, abs=1e-8)
    assert res.ci_low == pytest.approx(low, abs=1e-6)
    assert res.ci_high == pytest.approx(high, abs=1e-6)
    assert res.tau2 == pytest.approx(tau2, abs=1e-9)
    assert res.method == method and res.ci_method == ci


# --- hand cases -----------------------------------------------------------------


def test_hartung_knapp_on_a_hand_case_uses_t_with_k_minus_1_df():
    # y = 0, 1, 2, SE 0.5: DL tau² = 0.75 (see test_synthesis), RE weights 1 each,
    # mu = 1; sum w (y - mu)² = 2, / (k - 1) = 1, so SE_HK = sqrt(1 / 3) as Wald,
    # but the quantile is t(0.975, 2) = 4.302653: 1 ± 4.302653 * 0.577350 = 1 ± 2.484138.
    res = pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5], "DL", "hk")
    assert res.se == pytest.approx(math.sqrt(1 / 3))
    assert res.ci_low == pytest.approx(1 - 2.484138, abs=1e-6)
    assert res.ci_high == pytest.approx(1 + 2.484138, abs=1e-6)
    assert res.df == 2


def test_ad_hoc_correction_keeps_hk_from_being_narrower_than_wald():
    # Two homogeneous studies, 0.7 and 0.9 with SE 0.2: weights 25 each, Q = 0.5, so the
    # HK factor is 0.5 and SE_HK = sqrt(0.5 / 50) = 0.1 (narrower than Wald's 0.141421);
    # the ad hoc version floors the factor at 1: SE 0.141421 with t(0.975, 1) = 12.706205.
    hk = pool([0.7, 0.9], [0.2, 0.2], "REML", "hk")
    adhoc = pool([0.7, 0.9], [0.2, 0.2], "REML", "hk_adhoc")
    wald = pool([0.7, 0.9], [0.2, 0.2], "REML", "wald")
    assert hk.se == pytest.approx(0.1)
    assert adhoc.se == pytest.approx(wald.se) == pytest.approx(math.sqrt(1 / 50))
    assert adhoc.ci_high - adhoc.estimate == pytest.approx(12.706205 * math.sqrt(1 / 50))
    assert adhoc.ci_high - adhoc.ci_low > wald.ci_high - wald.ci_low


def test_i2_from_tau2_uses_the_typical_within_study_variance():
    # y = 0, 1, 2, SE 0.5 (w = 4): s² = 2 * 12 / (144 - 48) = 0.25; DL tau² 0.75,
    # I²(tau²) = 0.75 / (0.75 + 0.25) = 75%, here equal to the Q-based 75%.
    res = pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5], "DL")
    assert res.i2_tau == pytest.approx(75.0)


def test_prediction_interval_uses_the_chosen_interval_se():
    # Higgins 2009 with SE_HK: same hand case, SE_HK = SE_Wald so the PI is unchanged.
    wald = pool([0.0, 1.0, 2.0], [0.5, 0.5, 0.5], "DL")
    hk = pool([0.0, 0.5, 2.0], [0.5, 0.5, 0.5], "REML", "hk")
    half = stats.t.ppf(0.975, 1) * math.sqrt(hk.tau2 + hk.se**2)
    assert wald.pi_low == pytest.approx(-12.225037, abs=1e-6)
    assert hk.pi_low == pytest.approx(hk.estimate - half)


def test_reml_on_homogeneous_studies_is_exactly_zero_and_equals_fixed_effect():
    res, fe = pool([0.7, 0.9], [0.2, 0.2], "REML"), pool([0.7, 0.9], [0.2, 0.2], "FE")
    assert res.tau2 == 0.0
    assert (res.estimate, res.se) == pytest.approx((fe.estimate, fe.se))


def test_unknown_interval_method_is_refused():
    with pytest.raises(ValueError, match="unknown interval"):
        pool([0.1, 0.2], [0.1, 0.1], "REML", "profile")


# --- leave-one-out and cumulative ----------------------------------------------


@pytest.mark.parametrize(("method", "ci"), [("REML", "wald"), ("DL", "hk_adhoc"), ("PM", "hk")])
def test_leave_one_out_omits_each_study_in_input_order(method, ci):
    y, se = bcg()
    v = [s**2 for s in se]
    results = leave_one_out(y, se, method, ci)
    assert len(results) == 13
    for omitted, res in enumerate(results):
        rest_y = y[:omitted] + y[omitted + 1 :]
        rest_v = v[:omitted] + v[omitted + 1 :]
        mu, low, high, tau2 = reference_pool(rest_y, rest_v, method, ci)
        assert res.k == 12
        assert res.estimate == pytest.approx(mu, abs=1e-8)
        assert (res.ci_low, res.ci_high) == pytest.approx((low, high), abs=1e-6)
        assert res.tau2 == pytest.approx(tau2, abs=1e-9)


def test_cumulative_adds_one_study_at_a_time_in_the_order_given():
    y, se = bcg()
    v = [s**2 for s in se]
    results = cumulative(y, se, "REML", "hk_adhoc")
    assert [r.k for r in results] == list(range(1, 14))
    for n, res in enumerate(results[1:], start=2):
        mu, low, high, tau2 = reference_pool(y[:n], v[:n], "REML", "hk_adhoc")
        assert res.estimate == pytest.approx(mu, abs=1e-8)
        assert (res.ci_low, res.ci_high) == pytest.approx((low, high), abs=1e-6)
        assert res.tau2 == pytest.approx(tau2, abs=1e-9)
    # All 13 studies: the full analysis.
    assert results[-1] == pool(y, se, "REML", "hk_adhoc")


def test_cumulative_starts_with_the_first_studys_own_estimate_and_no_tau2():
    # Aronson 1948: log RR -0.8893, variance 0.3256 -> SE 0.5706, CI -0.8893 ± 1.96 * 0.5706.
    first = cumulative(*bcg())[0]
    assert first.k == 1
    assert abs(first.estimate - -0.8893) < TOL4
    assert abs(first.se - math.sqrt(0.3256)) < 0.0001
    assert first.ci_low == pytest.approx(first.estimate - 1.959964 * first.se)
    assert first.tau2 is None and first.i2 is None and first.tau2_ci_low is None


def test_leave_one_out_of_two_studies_gives_each_remaining_study_alone():
    results = leave_one_out([0.7, 0.9], [0.2, 0.3])
    assert [(r.k, r.estimate, r.se) for r in results] == [(1, 0.9, 0.3), (1, 0.7, 0.2)]


def test_leave_one_out_needs_two_studies_and_cumulative_one():
    with pytest.raises(ValueError, match="nothing to pool"):
        leave_one_out([0.5], [0.1])
    with pytest.raises(ValueError, match="no estimates"):
        cumulative([], [])
