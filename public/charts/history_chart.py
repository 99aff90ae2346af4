"""Geometry of the "pooled estimate over time" chart; the markup is the template
`public/charts/history_chart.svg`.

Time runs left to right as fractional years, the pooled estimate (pooling
scale: logs for ratios) bottom to top:

    x(t) = LEFT + (t - t_first) / (t_last - t_first) * PLOT_WIDTH
    y(v) = TOP + (v_high - v) / (v_high - v_low) * PLOT_HEIGHT
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string

from evidence.family_synthesis import Scale
from evidence.living import Step
from public.charts.scales import LinearScale, nice_ticks, px

WIDTH = 720
HEIGHT = 320
LEFT = 64
RIGHT = 24
TOP = 20
BOTTOM = 56
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
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
    def cross(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the x-shaped mark drawn for a retraction."""
        s, y = MARK_SIZE, self.y if self.y is not None else HEIGHT - BOTTOM
        return px(self.x - s), px(y - s), px(self.x + s), px(y + s)


@dataclass(frozen=True)
class HistoryChart:
    title: str
    description: str
    axis_label: str
    marks: Sequence[Mark]
    # (x, y) of the pooled estimate after each event that left one.
    line: Sequence[tuple[float, float]]
    x_ticks: Sequence[Tick]
    y_ticks: Sequence[Tick]
    zero_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    # Where the axes' texts go, beside and below the plot area.
    y_tick_label_x: int = LEFT - 6
    y_title_y: int = TOP + 120
    tick_end: int = HEIGHT - BOTTOM + 5
    x_tick_label_y: int = HEIGHT - BOTTOM + 18
    x_title_x: int = LEFT + 316
    x_title_y: int = HEIGHT - BOTTOM + 40


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
    x = LinearScale(first_year, last_year, LEFT, WIDTH - RIGHT)
    ticks = nice_ticks(*_value_range(timed))
    y = LinearScale(ticks[-1], ticks[0], TOP, HEIGHT - BOTTOM)
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
    line = [(px(m.x), px(m.y)) for m in marks if m.y is not None]
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


def history_svg(chart: HistoryChart) -> str:
    return render_to_string("public/charts/history_chart.svg", {"chart": chart})
