"""Mantel-Haenszel pooled risk ratio and risk difference, checked against a calculation done
by hand (worked below) on a small set with a single-zero and a double-zero trial."""

import math

import pytest

from evidence.harms import Arms, mh_risk_difference, mh_risk_ratio

TRIALS = [
    Arms("T1", 10, 50, 5, 50),
    Arms("T2", 3, 30, 0, 30),  # single zero: 0.5 added to each cell -> 3.5/31 vs 0.5/31
    Arms("T3", 0, 20, 0, 20),  # double zero: no information on a ratio, excluded
]


def test_pooled_risk_ratio_matches_the_hand_calculation():
    # T1: a*n2/N = 10*50/100 = 5;       c*n1/N = 5*50/100 = 2.5
    #     (n1*n2*(a+c) - a*c*N)/N^2 = (2500*15 - 5000)/10000 = 3.25
    # T2: a*n2/N = 3.5*31/62 = 1.75;    c*n1/N = 0.5*31/62 = 0.25
    #     (31*31*4 - 3.5*0.5*62)/62^2 = (3844 - 108.5)/3844 = 0.97177...
    # RR = (5 + 1.75) / (2.5 + 0.25) = 6.75 / 2.75 = 2.4545...
    # var(log RR) = (3.25 + 0.97177) / (6.75 * 2.75) = 0.227436...
    pooled = mh_risk_ratio(TRIALS)
    assert pooled.estimate == pytest.approx(6.75 / 2.75)
    se = math.sqrt((3.25 + (3844 - 108.5) / 3844) / (6.75 * 2.75))
    assert pooled.low == pytest.approx(math.exp(math.log(6.75 / 2.75) - 1.959964 * se), rel=1e-6)
    assert pooled.high == pytest.approx(math.exp(math.log(6.75 / 2.75) + 1.959964 * se), rel=1e-6)
    assert (round(pooled.low, 3), round(pooled.high, 3)) == (0.964, 6.250)
    assert pooled.k == 2
    assert pooled.excluded == ("T3",) and pooled.corrected == ("T2",)


def test_pooled_risk_difference_matches_the_hand_calculation():
    # Weights n1*n2/N: 25, 15, 10 (sum 50); (a*n2 - c*n1)/N: 2.5, 1.5, 0 -> RD = 4/50 = 0.08
    # Sato: P = -1.25 - 0.75 + 0 = -2;  Q = 3.25 + 0.75 + 0 = 4
    # var = (0.08 * -2 + 4) / 50^2 = 0.001536
    pooled = mh_risk_difference(TRIALS)
    assert pooled.estimate == pytest.approx(0.08)
    assert pooled.low == pytest.approx(0.08 - 1.959964 * math.sqrt(0.001536), rel=1e-6)
    assert pooled.high == pytest.approx(0.08 + 1.959964 * math.sqrt(0.001536), rel=1e-6)
    assert pooled.k == 3


def test_a_single_trial_without_zero_cells_is_its_own_risk_ratio():
    pooled = mh_risk_ratio([Arms("T1", 10, 50, 5, 50)])
    assert pooled.estimate == pytest.approx(2.0)
    assert pooled.corrected == () and pooled.excluded == ()


def test_only_double_zero_trials_give_no_ratio():
    assert mh_risk_ratio([Arms("T3", 0, 20, 0, 20)]) is None
    assert mh_risk_difference([Arms("T3", 0, 20, 0, 20)]).estimate == 0


def test_ratio_agrees_with_statsmodels_stratified_table():
    from statsmodels.stats.contingency_tables import StratifiedTable

    tables = [[[10, 40], [5, 45]], [[3.5, 27.5], [0.5, 30.5]]]
    assert mh_risk_ratio(TRIALS).estimate == pytest.approx(StratifiedTable(tables).riskratio_pooled)


def test_one_trial_risk_ratio_and_weights_match_the_hand_calculation():
    from evidence.harms import mh_weights, trial_risk_ratio

    # T1: RR = (10/50)/(5/50) = 2; se(log RR) = sqrt(1/10 - 1/50 + 1/5 - 1/50) = sqrt(0.26)
    one = trial_risk_ratio(TRIALS[0])
    assert one.estimate == pytest.approx(2.0)
    assert one.low == pytest.approx(math.exp(math.log(2) - 1.959964 * math.sqrt(0.26)), rel=1e-6)
    # T2 corrected: (3.5/31)/(0.5/31) = 7
    assert trial_risk_ratio(TRIALS[1]).estimate == pytest.approx(7.0)
    assert trial_risk_ratio(TRIALS[2]) is None
    # Weights c*n1/N: T1 2.5, T2 0.25 -> 2.5/2.75 and 0.25/2.75; T3 has none.
    assert mh_weights(TRIALS) == pytest.approx({"T1": 2.5 / 2.75, "T2": 0.25 / 2.75})
