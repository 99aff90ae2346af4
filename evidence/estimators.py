"""The numerical core of `evidence.meta_analysis.pool`: tau² estimators and intervals.

Pure numpy/scipy functions on arrays of estimates `y` and within-study
variances `v`. Every tau² is floored at 0 (a negative variance means "no
detectable heterogeneity").

References: DerSimonian & Laird 1986 (moment estimator); Paule & Mandel 1982
and DerSimonian & Kacker 2007 (generalised Q = k - 1); Viechtbauer 2005
(REML by Fisher scoring, as metafor does it); Viechtbauer 2007 (Q-profile
confidence interval); Hartung & Knapp 2001 and Sidik & Jonkman 2002 (the
HKSJ interval); Röver, Knapp & Friede 2015 (its ad hoc correction); Higgins,
Thompson & Spiegelhalter 2009 (prediction interval); Higgins & Thompson
2002 (I² and the typical within-study variance).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

# Convergence tolerance on tau² for the iterative estimators.
TAU2_TOL = 1e-10
MAX_ITERATIONS = 1000
# Upper search limit for root finding, as a multiple of the spread of the data.
_BRACKET_GROWTH = 10.0


def generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Cochran's Q with random-effects weights 1/(v + tau²); Q(0) is the usual Q."""
    w = 1 / (v + tau2)
    mu = w @ y / w.sum()
    return float(w @ (y - mu) ** 2)


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> float:
    """Method-of-moments tau² (DerSimonian & Laird 1986), floored at 0."""
    w = 1 / v
    c = w.sum() - (w**2).sum() / w.sum()
    return max(0.0, (generalised_q(y, v, 0.0) - (len(y) - 1)) / c)


def _upper_bracket(y: np.ndarray, v: np.ndarray, f) -> float:
    """A tau² where the decreasing function `f` is negative (it is for large tau²)."""
    upper = max(float(np.var(y, ddof=0)), float(v.max()), 1e-8)
    for _ in range(200):
        if f(upper) < 0:
            return upper
        upper *= _BRACKET_GROWTH
    raise ArithmeticError("no upper bracket for tau²")


def _root_above_zero(y: np.ndarray, v: np.ndarray, f) -> float:
    """The tau² ≥ 0 where the decreasing `f` crosses 0; 0 when f(0) ≤ 0."""
    if f(0.0) <= 0:
        return 0.0
    upper = _upper_bracket(y, v, f)
    return float(optimize.brentq(f, 0.0, upper, xtol=TAU2_TOL * 1e-2, rtol=4 * np.finfo(float).eps))


def paule_mandel(y: np.ndarray, v: np.ndarray) -> float:
    """tau² solving generalised Q(tau²) = k - 1 (Paule & Mandel 1982), floored at 0."""
    df = len(y) - 1
    return _root_above_zero(y, v, lambda t: generalised_q(y, v, t) - df)


def reml_score(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Twice the derivative of the restricted log-likelihood with respect to tau².

    Y'PPY - tr(P), with P = W - W11'W / sum(w) and W = diag(1/(v + tau²)).
    """
    w = 1 / (v + tau2)
    mu = w @ y / w.sum()
    trace_p = w.sum() - (w**2).sum() / w.sum()
    return float((w**2) @ (y - mu) ** 2 - trace_p)


def _reml_information(w: np.ndarray) -> float:
    # tr(PP) for diagonal W, the Fisher information (times 2) for tau².
    s = w.sum()
    return float((w**2).sum() - 2 * (w**3).sum() / s + ((w**2).sum() / s) ** 2)


def reml(y: np.ndarray, v: np.ndarray) -> float:
    """Restricted maximum-likelihood tau² (Viechtbauer 2005), floored at 0.

    Fisher scoring from the DerSimonian-Laird value with step halving to stay
    non-negative, stopping when a step changes tau² by less than 1e-10.
    When the score is not positive at 0 the maximum is on the boundary: 0.
    """
    if reml_score(y, v, 0.0) <= 0:
        return 0.0
    tau2 = dersimonian_laird(y, v)
    for _ in range(MAX_ITERATIONS):
        w = 1 / (v + tau2)
        step = reml_score(y, v, tau2) / _reml_information(w)
        while tau2 + step < 0:
            step /= 2
        tau2 += step
        if abs(step) < TAU2_TOL:
            return max(0.0, tau2)
    # Scoring can oscillate on odd data; the score equation still has a root.
    return _root_above_zero(y, v, lambda t: reml_score(y, v, t))


ESTIMATORS = {"DL": dersimonian_laird, "PM": paule_mandel, "REML": reml}


def q_profile_interval(y: np.ndarray, v: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for tau² by inverting generalised Q (Viechtbauer 2007).

    The lower limit solves Q(tau²) = chi²(1 - alpha/2, k-1), the upper one
    Q(tau²) = chi²(alpha/2, k-1); a limit is 0 when Q(0) is already below its
    quantile.
    """
    df = len(y) - 1
    alpha = 1 - level
    high_quantile = float(stats.chi2.ppf(1 - alpha / 2, df))
    low_quantile = float(stats.chi2.ppf(alpha / 2, df))
    lower = _root_above_zero(y, v, lambda t: generalised_q(y, v, t) - high_quantile)
    upper = _root_above_zero(y, v, lambda t: generalised_q(y, v, t) - low_quantile)
    return lower, upper


def typical_within_variance(v: np.ndarray) -> float:
    """Higgins & Thompson's typical within-study variance, from fixed-effect weights."""
    w = 1 / v
    return float((len(v) - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum()))


def i2_from_tau2(tau2: float, v: np.ndarray) -> float:
    """I² (percent) from tau², tau² / (tau² + s²), as Cochrane now reports it."""
    s2 = typical_within_variance(v)
    return 100 * tau2 / (tau2 + s2)


def hksj_factor(y: np.ndarray, w: np.ndarray, mu: float, *, floored: bool) -> float:
    """Hartung-Knapp-Sidik-Jonkman scaling, sum(w (y - mu)²) / (k - 1).

    floored=True applies Röver, Knapp & Friede's ad hoc correction (at least
    1), so the interval is never narrower than the Wald interval's SE.
    """
    factor = float(w @ (y - mu) ** 2) / (len(y) - 1)
    return max(1.0, factor) if floored else factor


def prediction_interval(
    estimate: float, se: float, tau2: float, k: int, level: float = 0.95
) -> tuple[float | None, float | None]:
    """Where a new study's true effect is expected (t with k - 2 df); None below k = 3."""
    if k < 3:
        return None, None
    half_width = float(stats.t.ppf((1 + level) / 2, k - 2)) * float(np.sqrt(tau2 + se**2))
    return estimate - half_width, estimate + half_width


def summary_interval(y, w, mu: float, ci: str, level: float):
    """SE, t degrees of freedom (None for Wald) and critical value of a summary effect.

    Wald uses sqrt(1 / sum(w)) and the normal quantile;
    "hk"/"hk_adhoc" scale it by the HKSJ factor and use t with k - 1 df.
    """
    if ci == "wald":
        return float(np.sqrt(1 / w.sum())), None, float(stats.norm.ppf((1 + level) / 2))
    factor = hksj_factor(y, w, mu, floored=ci == "hk_adhoc")
    df = len(y) - 1
    return float(np.sqrt(factor / w.sum())), df, float(stats.t.ppf((1 + level) / 2, df))


def no_effect_test(estimate: float, se: float, df: int | None) -> tuple[float, float]:
    """Test statistic and two-sided p-value for "no effect" (z, or t with df)."""
    if se == 0:  # HKSJ without the ad hoc floor on identical estimates
        return (float(np.copysign(np.inf, estimate)) if estimate else 0.0), float(estimate == 0)
    statistic = estimate / se
    tail = stats.norm.sf(abs(statistic)) if df is None else stats.t.sf(abs(statistic), df)
    return statistic, float(2 * tail)


def fit(y: np.ndarray, v: np.ndarray, method: str, ci: str, level: float) -> dict:
    """Every number of an inverse-variance pooled result (fields of `PooledResult`)."""
    k = len(y)
    tau2 = 0.0 if method == "FE" else ESTIMATORS[method](y, v)
    w = 1 / (v + tau2)
    mu = float(w @ y / w.sum())
    se, df, critical = summary_interval(y, w, mu, ci, level)
    q = generalised_q(y, v, 0.0)
    pi = prediction_interval(mu, se, tau2, k, level) if method != "FE" else (None, None)
    tau2_ci = q_profile_interval(y, v, level)
    return {
        **_estimate_and_interval(mu, se, critical, df),
        "tau2": tau2,
        # Q-based I², floored at 0 (and 0 when Q is 0).
        "i2": 100 * max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0,
        "q": q,
        "q_df": k - 1,
        "q_pvalue": float(stats.chi2.sf(q, k - 1)),
        "pi_low": pi[0],
        "pi_high": pi[1],
        "weights": tuple(float(x) for x in w / w.sum()),
        "k": k,
        "df": df,
        "i2_tau": i2_from_tau2(tau2, v),
        "tau2_ci_low": tau2_ci[0],
        "tau2_ci_high": tau2_ci[1],
    }


def one_study(y: np.ndarray, v: np.ndarray, level: float) -> dict:
    """A single study's own estimate and Wald interval (heterogeneity left unset)."""
    estimate, se = float(y[0]), float(np.sqrt(v[0]))
    critical = float(stats.norm.ppf((1 + level) / 2))
    return {**_estimate_and_interval(estimate, se, critical, None), "weights": (1.0,), "k": 1}


def _estimate_and_interval(estimate: float, se: float, critical: float, df: int | None) -> dict:
    """An estimate with its interval and its test of no effect (t with df, else z)."""
    statistic, p_value = no_effect_test(estimate, se, df)
    return {
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - critical * se,
        "ci_high": estimate + critical * se,
        "z": statistic,
        "p_value": p_value,
    }
