"""Geometry of the "pooled estimate over time" chart; the markup is the template
`evidence/_history_chart.svg`.

Time runs left to right as fractional years, the pooled estimate (pooling
scale: logs for ratios) bottom to top:

    x(t) = LEFT + (t - t_first) / (t_last - t_first) * PLOT_WIDTH
    y(v) = TOP + (v_high - v) / (v_high - v_low) * PLOT_HEIGHT
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evidence.family_synthesis import Scale
from evidence.living import Step

WIDTH = 720
HEIGHT = 320
LEFT = 64
RIGHT = 24
TOP = 20
BOTTOM = 56
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
TICK_STEPS = (1, 2, 2.5, 5)
TARGET_TICKS = 6
MARK_SIZE = 5


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Mark:
    """One event: a study entering or leaving, with the pooled interval after it."""

    x: float
    y: float | None
    y_low: float | None
    y_high: float | None
    kind: str
    label: str

    @property
    def cross(self) -> str:
        """Path data of an x-shaped mark, used for retractions."""
        s, y = MARK_SIZE, self.y if self.y is not None else HEIGHT - BOTTOM
        return (
            f"M{self.x - s:.2f},{y - s:.2f} L{self.x + s:.2f},{y + s:.2f} "
            f"M{self.x - s:.2f},{y + s:.2f} L{self.x + s:.2f},{y - s:.2f}"
        )


@dataclass(frozen=True)
class HistoryChart:
    title: str
    description: str
    axis_label: str
    marks: Sequence[Mark]
    line: str
    x_ticks: Sequence[Tick]
    y_ticks: Sequence[Tick]
    zero_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """A linear map from [low, high] onto [start, end]."""
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


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


def _value_range(steps: Sequence[Step]) -> tuple[float, float]:
    values = [0.0] + [
        v for s in steps if s.result is not None for v in (s.result.ci_low, s.result.ci_high)
    ]
    return min(values), max(values)


def history_chart(steps: Sequence[Step], scale_: Scale, title: str) -> HistoryChart | None:
    """The chart of `steps` (from `living.history_steps`); None when there are none."""
    timed = [s for s in steps if s.when is not None]
    if not timed:
        return None
    first_year = math.floor(min(s.when for s in timed))
    last_year = math.floor(max(s.when for s in timed)) + 1
    x = scale(first_year, last_year, LEFT, WIDTH - RIGHT)
    ticks = nice_ticks(*_value_range(timed))
    y = scale(ticks[-1], ticks[0], TOP, HEIGHT - BOTTOM)
    marks = [
        Mark(
            x(s.when),
            None if s.result is None else y(s.result.estimate),
            None if s.result is None else y(s.result.ci_low),
            None if s.result is None else y(s.result.ci_high),
            s.event,
            s.label,
        )
        for s in timed
    ]
    line = " ".join(f"{m.x:.2f},{m.y:.2f}" for m in marks if m.y is not None)
    year_step = max(1, math.ceil((last_year - first_year) / 10))
    return HistoryChart(
        title=title,
        description="; ".join(_describe(s) for s in timed),
        axis_label=scale_.short + (" (log scale)" if scale_.is_ratio else ""),
        marks=marks,
        line=line,
        x_ticks=[Tick(x(t), str(t)) for t in range(first_year, last_year + 1, year_step)],
        y_ticks=[Tick(y(t), f"{scale_.shown(t):.3g}") for t in ticks],
        zero_y=y(0.0),
    )


def _describe(step: Step) -> str:
    if step.result is None:
        return f"{step.label}: no estimate left to pool"
    return (
        f"{step.label}: {step.shown('estimate'):.2f} "
        f"({step.shown('ci_low'):.2f} to {step.shown('ci_high'):.2f})"
    )
