"""Which SE a reported effect is pooled with: the paper's own before a reconstruction."""

import math

import pytest
from scipy import stats

from evidence.meta_analysis import (
    SE_FROM_CI,
    SE_FROM_GROUP_SIZES,
    SE_REPORTED,
    convert,
    hedges_g_from_d,
    small_sample_correction,
)
from evidence.models.estimates import SEBasis
from tests.factories import add_estimate


def z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 200))


def test_a_reported_se_wins_over_the_ci_and_the_group_sizes():
    effect = convert("hedges_g", 0.5, se=0.3, ci=(0.0, 2.0), n1=20, n2=20)
    assert (effect.estimate, effect.se, effect.se_basis) == (0.5, 0.3, SE_REPORTED)


@pytest.mark.parametrize("level", [90, 95, 99])
def test_a_reported_ci_is_read_at_its_stated_level_before_the_group_sizes(level):
    effect = convert("hedges_g", 0.5, ci=(0.1, 0.9), ci_level=level, n1=20, n2=20)
    assert effect.se == pytest.approx(0.8 / (2 * z(level)))
    assert effect.se_basis == SE_FROM_CI


@pytest.mark.parametrize("level", [90, 95, 99])
def test_a_mean_difference_ci_gives_its_se_at_its_level(level):
    effect = convert("md", -19.3, ci=(-23.8, -14.8), ci_level=level)
    assert effect.se == pytest.approx(9.0 / (2 * z(level)))
    assert effect.se_basis == SE_FROM_CI


def test_the_group_sizes_are_used_only_when_nothing_is_reported():
    effect = convert("cohens_d", 0.91, n1=46, n2=44)
    expected = hedges_g_from_d(0.91, 46, 44)
    assert (effect.estimate, effect.se) == pytest.approx((expected.estimate, expected.se))
    assert effect.se_basis == SE_FROM_GROUP_SIZES


def test_cohens_d_with_a_ci_scales_estimate_and_se_by_the_same_correction():
    j = small_sample_correction(8, 4)
    effect = convert("cohens_d", 1.4, ci=(-0.074, 2.874), n1=8, n2=4)
    assert effect.estimate == pytest.approx(j * 1.4)
    assert effect.se == pytest.approx(j * 2.948 / (2 * z(95)))
    # The interval keeps its shape: it still includes no effect, as the paper's does.
    assert effect.estimate - z(95) * effect.se < 0


def test_a_ratio_ci_is_read_on_the_log_scale_at_its_level():
    effect = convert("rr", 3.47, ci=(1.70, 7.06), ci_level=90)
    assert effect.se == pytest.approx((math.log(7.06) - math.log(1.70)) / (2 * z(90)))
    assert effect.se_basis == SE_FROM_CI


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "basis", "label"),
    [
        ({"se": 0.2}, SEBasis.REPORTED_SE, "SE as reported"),
        (
            {"ci_low": 0.1, "ci_high": 0.9, "ci_level": 90},
            SEBasis.REPORTED_CI,
            "SE from the reported 90% CI",
        ),
        ({}, SEBasis.GROUP_SIZES, "SE from the group sizes"),
    ],
)
def test_the_estimate_stores_and_names_where_its_se_comes_from(fields, basis, label):
    estimate = add_estimate(metric="hedges_g", n_treatment=20, n_control=20, **fields)
    estimate.refresh_from_db()
    assert estimate.se_basis == basis
    assert estimate.se_basis_label == label


@pytest.mark.django_db
def test_an_estimate_with_nothing_to_derive_an_se_from_says_so():
    # Group sizes give an SE only for a standardised difference, not for a mean difference.
    estimate = add_estimate(metric="md", value=-20.0, n_treatment=20, n_control=20)
    assert estimate.se_basis == SEBasis.NONE
