"""Put study results on a common scale and pool them into one estimate.

Conversions turn what papers report (arm means and SDs, Cohen's d, 95%
confidence intervals, 2x2 counts) into an estimate with a standard error;
`pool` combines such estimates by inverse-variance meta-analysis (fixed
effect; DerSimonian-Laird, Paule-Mandel or REML random effects) with a
Wald or Hartung-Knapp-Sidik-Jonkman interval; `leave_one_out` and
`cumulative` repeat it over subsets (numerical core in `estimators`).

Pure Python on top of numpy/scipy, so it can be tested without Django.
Every function raises `SynthesisError` (a ValueError) for input it cannot
use, with a message fit to show a user.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import effectsize_2proportions

from evidence import estimators
from evidence.effect_scales import (
    SCALE_CODE_OF_METRIC,
    SE_FROM_CI,
    SE_FROM_GROUP_SIZES,
    SE_REPORTED,
    Z_95,
)

CONFIDENCE = 0.95
METHODS = ("FE", "DL", "PM", "REML")
# Summary-effect intervals: normal quantile, Hartung-Knapp-Sidik-Jonkman, and
# HKSJ with Röver, Knapp & Friede's ad hoc floor (never narrower than Wald).
CI_METHODS = ("wald", "hk", "hk_adhoc")
DEFAULT_METHOD = "REML"
DEFAULT_CI = "wald"


class SynthesisError(ValueError):
    """Input that cannot be converted or pooled; the message says why."""


@dataclass(frozen=True)
class Effect:
    """An estimate on an additive scale (difference, SMD or log ratio)."""

    estimate: float
    se: float
    # Where the SE came from, so pages can say so; not part of equality.
    se_basis: str = field(default="", compare=False)

    @property
    def variance(self) -> float:
        return self.se**2


@dataclass(frozen=True, kw_only=True)
class PooledResult:
    """Result of `pool`, or of one study alone (k = 1: heterogeneity fields None).

    `weights`: normalised, in input order. `i2` (from Q) and `i2_tau` (from tau²)
    in percent. `ci_method` names the summary interval and `df` its t degrees of
    freedom (None for Wald; then `z` is a z, else a t statistic). `pi_*`: 95%
    prediction interval (random effects, k >= 3); `tau2_ci_*`: 95% Q-profile.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    weights: tuple[float, ...]
    k: int
    method: str
    tau2: float | None = None
    i2: float | None = None
    q: float | None = None
    q_df: int = 0
    q_pvalue: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    ci_method: str = DEFAULT_CI
    df: int | None = None
    i2_tau: float | None = None
    tau2_ci_low: float | None = None
    tau2_ci_high: float | None = None


def _finite(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SynthesisError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise SynthesisError(f"{name} must be a finite number, got {value!r}")
    return number


def _whole(name: str, value: float, minimum: int) -> int:
    number = _finite(name, value)
    if not number.is_integer():
        raise SynthesisError(f"{name} must be a whole number, got {value!r}")
    if number < minimum:
        raise SynthesisError(f"{name} must be at least {minimum}, got {value!r}")
    return int(number)


def _positive(name: str, value: float) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise SynthesisError(f"{name} must be greater than 0, got {value!r}")
    return number


def _pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def _small_sample_correction(n1: int, n2: int) -> float:
    # Hedges' J with df = n1 + n2 - 2: 1 - 3 / (4 df - 1).
    return 1 - 3 / (4 * (n1 + n2) - 9)


def hedges_g_from_d(d: float, n1: int, n2: int) -> Effect:
    """Hedges' g and its SE from Cohen's d (Borenstein et al. 2009, ch. 4)."""
    d = _finite("d", d)
    n1, n2 = _whole("n1", n1, 2), _whole("n2", n2, 2)
    var_d = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
    j = _small_sample_correction(n1, n2)
    return Effect(estimate=j * d, se=math.sqrt(j**2 * var_d))


def small_sample_correction(n1: int, n2: int) -> float:
    """Hedges' J, the factor that turns Cohen's d (and its SE) into Hedges' g."""
    return _small_sample_correction(_whole("n1", n1, 2), _whole("n2", n2, 2))


def hedges_g_se(g: float, n1: int, n2: int) -> float:
    """SE of a reported Hedges' g from the group sizes (Borenstein et al. 2009, ch. 4)."""
    g = _finite("g", g)
    return hedges_g_from_d(g / small_sample_correction(n1, n2), n1, n2).se


def smd_from_means(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> Effect:
    """Hedges' g (arm 1 minus arm 2) and its SE from per-arm mean, SD and n.

    Means may be mean changes from baseline, with the SDs of the change.
    """
    # Computed here rather than with statsmodels' effectsize_smd because that
    # uses a different variance approximation than Borenstein's ch. 4.
    mean1, mean2 = _finite("mean1", mean1), _finite("mean2", mean2)
    sd1, sd2 = _positive("sd1", sd1), _positive("sd2", sd2)
    n1, n2 = _whole("n1", n1, 2), _whole("n2", n2, 2)
    d = (mean1 - mean2) / _pooled_sd(sd1, n1, sd2, n2)
    return hedges_g_from_d(d, n1, n2)


def back_transform(value: float | None, is_ratio: bool = True) -> float | None:
    """A value on its pooling scale as readers read it: a ratio back from its log, any
    other value as it is."""
    return math.exp(value) if is_ratio and value is not None else value


def se_from_ci(lower: float, upper: float) -> float:
    """SE of a difference-scale estimate from its 95% CI."""
    lower, upper = _finite("lower", lower), _finite("upper", upper)
    if lower >= upper:
        raise SynthesisError(f"CI lower limit ({lower}) must be below the upper limit ({upper})")
    return (upper - lower) / (2 * Z_95)


def log_ratio_from_ci(ratio: float, lower: float, upper: float) -> Effect:
    """log(ratio) and its SE from a risk or odds ratio with its 95% CI."""
    ratio = _positive("ratio", ratio)
    lower, upper = _positive("lower", lower), _positive("upper", upper)
    if not lower <= ratio <= upper:
        raise SynthesisError(f"ratio {ratio} lies outside its CI ({lower}, {upper})")
    return Effect(estimate=math.log(ratio), se=se_from_ci(math.log(lower), math.log(upper)))


def log_risk_ratio(a: int, b: int, c: int, d: int) -> Effect:
    """Log risk ratio and SE from a 2x2 table.

    a/b: events/non-events in arm 1; c/d: the same in arm 2.
    """
    a, c = _whole("a (arm 1 events)", a, 1), _whole("c (arm 2 events)", c, 1)
    b, d = _whole("b (arm 1 non-events)", b, 0), _whole("d (arm 2 non-events)", d, 0)
    log_rr, var = effectsize_2proportions(a, a + b, c, c + d, statistic="risk-ratio")
    return Effect(estimate=float(log_rr), se=math.sqrt(float(var)))


def _validated_inputs(
    estimates: Sequence[float],
    standard_errors: Sequence[float],
    method: str,
    ci: str,
    minimum: int = 2,
) -> tuple[np.ndarray, np.ndarray, str, str]:
    """Estimates, variances and the normalised method names; raises SynthesisError."""
    method, ci = str(method).upper(), str(ci).lower()
    if method not in METHODS:
        raise SynthesisError(f"unknown method {method!r}; use one of {METHODS}")
    if ci not in CI_METHODS:
        raise SynthesisError(f"unknown interval {ci!r}; use one of {CI_METHODS}")
    if len(estimates) != len(standard_errors):
        raise SynthesisError(
            f"{len(estimates)} estimates but {len(standard_errors)} standard errors"
        )
    if len(estimates) == 0:
        raise SynthesisError("no estimates to pool")
    if len(estimates) < minimum:
        raise SynthesisError("one estimate: nothing to pool")
    effects = [_finite(f"estimate {i + 1}", v) for i, v in enumerate(estimates)]
    ses = [_positive(f"standard error {i + 1}", v) for i, v in enumerate(standard_errors)]
    return np.array(effects), np.array(ses) ** 2, method, ci


def pool(
    estimates: Sequence[float],
    standard_errors: Sequence[float],
    method: str = DEFAULT_METHOD,
    ci: str = DEFAULT_CI,
) -> PooledResult:
    """Inverse-variance pooling of at least two estimates.

    method: "FE", "DL", "PM" or "REML" (default); ci: "wald" (normal
    quantile, default), "hk" (Hartung-Knapp-Sidik-Jonkman, t with k - 1 df)
    or "hk_adhoc" (HKSJ never narrower than Wald). Raises SynthesisError.
    """
    y, v, method, ci = _validated_inputs(estimates, standard_errors, method, ci)
    return PooledResult(**estimators.fit(y, v, method, ci, CONFIDENCE), method=method, ci_method=ci)


def _pool_subset(y: np.ndarray, v: np.ndarray, method: str, ci: str) -> PooledResult:
    # One study: its own estimate and Wald interval, nothing pooled, no tau².
    if len(y) == 1:
        return PooledResult(**estimators.one_study(y, v, CONFIDENCE), method=method)
    return pool(list(y), list(np.sqrt(v)), method, ci)


def leave_one_out(
    estimates: Sequence[float],
    standard_errors: Sequence[float],
    method: str = DEFAULT_METHOD,
    ci: str = DEFAULT_CI,
) -> list[PooledResult]:
    """The pooled result with each study omitted in turn, in input order.

    With two studies each "pool" is the remaining study on its own.
    """
    y, v, method, ci = _validated_inputs(estimates, standard_errors, method, ci)
    keep = np.ones(len(y), dtype=bool)
    results = []
    for index in range(len(y)):
        keep[index] = False
        results.append(_pool_subset(y[keep], v[keep], method, ci))
        keep[index] = True
    return results


def cumulative(
    estimates: Sequence[float],
    standard_errors: Sequence[float],
    method: str = DEFAULT_METHOD,
    ci: str = DEFAULT_CI,
) -> list[PooledResult]:
    """The pooled result after each of the first 1..k studies, in the order given.

    The caller orders the studies (e.g. by publication date); the first
    result is the first study's own estimate and interval.
    """
    y, v, method, ci = _validated_inputs(estimates, standard_errors, method, ci, minimum=1)
    return [_pool_subset(y[:n], v[:n], method, ci) for n in range(1, len(y) + 1)]


_NO_SE = "no standard error can be derived: give the SE, a confidence interval{}"


def se_from_ci_level(lower: float, upper: float, level: float = 95) -> float:
    """SE of a difference-scale estimate from a CI at any confidence level (percent)."""
    level = _finite("confidence level", level)
    if not 0 < level < 100:
        raise SynthesisError(f"a {level:g}% confidence level is not usable")
    return se_from_ci(lower, upper) * Z_95 / float(stats.norm.ppf(0.5 + level / 200))


def _checked_se(se: float | None) -> float | None:
    if se is not None and _finite("standard error", se) <= 0:
        raise SynthesisError(
            f"its standard error is recorded as {se:g}; a standard error must be greater than 0"
        )
    return se


def _both(n1: int | None, n2: int | None) -> bool:
    return bool(n1) and bool(n2)


def reported_se(se, ci, ci_level) -> tuple[float | None, str]:
    """The SE a paper gives, directly or through its CI, on the reported scale."""
    if se is not None:
        return se, SE_REPORTED
    return (se_from_ci_level(*ci, ci_level), SE_FROM_CI) if None not in ci else (None, "")


def _smd_effect(metric, value, se, ci, ci_level, n1, n2) -> Effect:
    se, basis = reported_se(se, ci, ci_level)
    if metric == "cohens_d":
        if not _both(n1, n2):
            why = "Cohen's d needs the size of both groups to be converted to Hedges' g"
            raise SynthesisError(why)
        if se is None:
            return replace(hedges_g_from_d(value, n1, n2), se_basis=SE_FROM_GROUP_SIZES)
        # J scales d and its SE alike, so a reported interval keeps its shape.
        j = small_sample_correction(n1, n2)
        return Effect(j * value, j * se, basis)
    if se is None and _both(n1, n2):
        se, basis = hedges_g_se(value, n1, n2), SE_FROM_GROUP_SIZES
    if se is None:
        raise SynthesisError(_NO_SE.format(" or the size of both groups"))
    return Effect(value, se, basis)


def convert(
    metric: str,
    value: float,
    *,
    se: float | None = None,
    ci: tuple[float | None, float | None] = (None, None),
    ci_level: float = 95,
    n1: int | None = None,
    n2: int | None = None,
) -> Effect:
    """A reported effect on its pooling scale (see SCALE_CODE_OF_METRIC) with its SE: the reported
    SE (log scale for ratios), else from the CI at its level, else (SMDs) from the group sizes.
    """
    if metric not in SCALE_CODE_OF_METRIC:
        raise SynthesisError(f"unknown metric {metric!r}")
    value, se = _finite("estimate", value), _checked_se(se)
    scale = SCALE_CODE_OF_METRIC[metric]
    if scale == "smd":
        return _smd_effect(metric, value, se, ci, ci_level, n1, n2)
    if scale == "md":
        se, basis = reported_se(se, ci, ci_level)
        if se is None:
            raise SynthesisError(_NO_SE.format(""))
        return Effect(value, se, basis)
    if value <= 0:
        raise SynthesisError(f"a ratio must be greater than 0, got {value:g}")
    if se is not None:
        return Effect(math.log(value), se, SE_REPORTED)
    if None in ci:
        raise SynthesisError(_NO_SE.format(""))
    log_se = se_from_ci_level(math.log(ci[0]), math.log(ci[1]), ci_level)
    return Effect(log_ratio_from_ci(value, *ci).estimate, log_se, SE_FROM_CI)
