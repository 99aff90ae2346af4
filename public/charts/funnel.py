"""The funnel plot's geometry; the markup is `public/charts/funnel.svg`.

Each study sits at its estimate (x) and standard error (y, 0 at the top) around the
pooled estimate; Egger's test beside it is `evidence.egger`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string

from evidence.effect_scales import Z_95
from public.charts.scales import LinearScale, px

WIDTH, HEIGHT = 480, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 20, 50
# Pseudo 95% confidence limits: estimate ± Z_95 SE.


@dataclass(frozen=True)
class FunnelPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class FunnelChart:
    points: Sequence[FunnelPoint]
    centre_x: float
    # The pseudo 95% confidence limits: a triangle with its apex at SE 0, as
    # (x, y) corners: bottom left, apex, bottom right.
    triangle: tuple[tuple[float, float], ...]
    top: float
    bottom: float
    left: int = LEFT
    right: int = WIDTH - RIGHT
    width: int = WIDTH
    height: int = HEIGHT
    caption_y: int = HEIGHT - 10


def funnel_scales(
    estimates: Sequence[float], standard_errors: Sequence[float], pooled: float
) -> tuple[LinearScale, LinearScale]:
    """(x, y): a domain symmetric about the pooled estimate, wide enough for every study
    and the pseudo-CI; SE from 0 at the top to a little past the largest at the bottom."""
    max_se = max(standard_errors) * 1.05
    spread = max([abs(e - pooled) for e in estimates] + [Z_95 * max_se])
    x = LinearScale(pooled - spread, pooled + spread, LEFT, WIDTH - RIGHT)
    return x, LinearScale(0, max_se, TOP, HEIGHT - BOTTOM)


def funnel_chart(
    estimates: Sequence[float],
    standard_errors: Sequence[float],
    labels: Sequence[str],
    pooled: float,
) -> FunnelChart:
    """Studies by estimate (x) and SE (y, 0 at the top), around the pooled estimate."""
    x, y = funnel_scales(estimates, standard_errors, pooled)
    max_se = y.high
    triangle = (
        (px(x(pooled - Z_95 * max_se)), px(y(max_se))),
        (px(x(pooled)), px(y(0))),
        (px(x(pooled + Z_95 * max_se)), px(y(max_se))),
    )
    points = [
        FunnelPoint(px(x(e)), px(y(s)), label)
        for e, s, label in zip(estimates, standard_errors, labels, strict=True)
    ]
    return FunnelChart(points, px(x(pooled)), triangle, TOP, px(y(max_se)))


def funnel_svg(chart: FunnelChart) -> str:
    return render_to_string("public/charts/funnel.svg", {"funnel": chart})
