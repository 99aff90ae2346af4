"""Small-study effects: Egger's regression test for funnel-plot asymmetry.

It is shown (with the funnel plot, `public.charts.funnel`) only with at least
MIN_STUDIES estimates: with fewer, neither can tell asymmetry from chance
(Cochrane Handbook, section 13.3.5.4; Sterne et al., BMJ 2011;343:d4002).

Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis
detected by a simple, graphical test. BMJ 1997;315:629-634: regress y/se on
1/se by least squares; the intercept measures asymmetry, tested with t on
k - 2 degrees of freedom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

MIN_STUDIES = 10


@dataclass(frozen=True)
class EggerResult:
    intercept: float
    se: float
    t: float
    df: int
    p_value: float


def egger_test(estimates: Sequence[float], standard_errors: Sequence[float]) -> EggerResult:
    """Egger's regression test for funnel-plot asymmetry (needs at least 3 studies)."""
    if len(estimates) < 3:
        raise ValueError("Egger's test needs at least 3 studies")
    precision = [1 / s for s in standard_errors]
    standardised = [y / s for y, s in zip(estimates, standard_errors, strict=True)]
    fit = stats.linregress(precision, standardised)
    df = len(estimates) - 2
    if fit.intercept_stderr <= 1e-12:  # points exactly on a line: no residual variation
        return EggerResult(fit.intercept, 0.0, float("nan"), df, float("nan"))
    t = fit.intercept / fit.intercept_stderr
    return EggerResult(
        fit.intercept, fit.intercept_stderr, t, df, float(2 * stats.t.sf(abs(t), df))
    )
