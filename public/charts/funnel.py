"""Small-study effects: Egger's regression test and the funnel plot's geometry.

Both are shown only with at least MIN_STUDIES estimates: with fewer, neither
can tell asymmetry from chance (Cochrane Handbook, section 13.3.5.4; Sterne
et al., BMJ 2011;343:d4002). The markup is `evidence/_funnel.svg`.

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
WIDTH, HEIGHT = 480, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 20, 50


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


@dataclass(frozen=True)
class FunnelPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class FunnelChart:
    points: Sequence[FunnelPoint]
    centre_x: float
    # Pseudo 95% confidence limits: estimate ± 1.96 SE, a triangle with its apex at SE 0.
    triangle: str
    top: float
    bottom: float
    left: int = LEFT
    right: int = WIDTH - RIGHT
    width: int = WIDTH
    height: int = HEIGHT


def funnel_chart(
    estimates: Sequence[float],
    standard_errors: Sequence[float],
    labels: Sequence[str],
    pooled: float,
) -> FunnelChart:
    """Studies by estimate (x) and SE (y, 0 at the top), around the pooled estimate."""
    max_se = max(standard_errors) * 1.05
    spread = max([abs(e - pooled) for e in estimates] + [1.96 * max_se])
    low, high = pooled - spread, pooled + spread

    def x(value: float) -> float:
        return LEFT + (value - low) / (high - low) * (WIDTH - LEFT - RIGHT)

    def y(se: float) -> float:
        return TOP + se / max_se * (HEIGHT - TOP - BOTTOM)

    triangle = (
        f"{x(pooled - 1.96 * max_se):.2f},{y(max_se):.2f} {x(pooled):.2f},{y(0):.2f} "
        f"{x(pooled + 1.96 * max_se):.2f},{y(max_se):.2f}"
    )
    points = [
        FunnelPoint(x(e), y(s), label)
        for e, s, label in zip(estimates, standard_errors, labels, strict=True)
    ]
    return FunnelChart(points, x(pooled), triangle, TOP, y(max_se))
