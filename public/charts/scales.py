"""Geometry shared by the charts: linear scales, round tick values, pixel rounding."""

from __future__ import annotations

import math
from dataclasses import dataclass

from evidence.meta_analysis import back_transform

TICK_STEPS = (1, 2, 2.5, 5)
TARGET_TICKS = 6
# Nice tick values for ratio axes, which are drawn on a log scale.
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class LinearScale:
    """A linear map from the domain [low, high] onto the pixel range [start, end]."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def px(value: float) -> float:
    """A coordinate rounded to the 0.01 px the SVG writes, so templates print it as is."""
    return round(value, 2)


def nice_ticks(low: float, high: float) -> list[float]:
    """Round tick values covering [low, high]; the first and last are the axis ends."""
    span = (high - low) or 1.0
    magnitude = 10 ** math.floor(math.log10(span / TARGET_TICKS))
    step = next(
        (m * magnitude for m in TICK_STEPS if span / (m * magnitude) <= TARGET_TICKS),
        10 * magnitude,
    )
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def ratio_ticks(low: float, high: float) -> list[float]:
    """Log-scale ticks at round ratios (…, 0.5, 1, 2, …) covering log values [low, high]."""
    lo_ratio, hi_ratio = back_transform(low), back_transform(high)
    below = [t for t in RATIO_TICKS if t <= lo_ratio] or [lo_ratio]
    above = [t for t in RATIO_TICKS if t >= hi_ratio] or [hi_ratio]
    start, stop = below[-1], above[0]
    inner = [t for t in RATIO_TICKS if start < t < stop]
    return [math.log(t) for t in [start, *inner, stop]]
