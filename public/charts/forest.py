"""Where everything of a forest plot goes; the markup is `public/charts/forest.svg`.

The horizontal scale is linear on the pooling scale (log for ratios):

    x(v) = PLOT_LEFT + (v - low) / (high - low) * PLOT_WIDTH

where [low, high] is `axis_domain(...)`; the root <svg> records low, high,
PLOT_LEFT and PLOT_WIDTH as data-* attributes so anyone can check a position.
What is plotted (rows, pooled numbers) comes from `evidence.forest_rows`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.template.loader import render_to_string

from evidence.forest_rows import ForestPlot, ForestRow
from evidence.meta_analysis import back_transform
from evidence.models.estimates import Direction
from public.charts.scales import LinearScale, nice_ticks, px, ratio_ticks

WIDTH = 820
LABEL_X = 10
N_X = 245
PLOT_LEFT = 260
PLOT_WIDTH = 300
TEXT_X = PLOT_LEFT + PLOT_WIDTH + 15
WEIGHT_X = 770
# Risk-of-bias lights (RoB 2 overall, one per review) right of the weights.
ROB_X = 790
ROB_GAP = 12
ROB_COLOURS = {"low": "#1a7f37", "some_concerns": "#d4a72c", "high": "#cf222e", "": "#afb8c1"}
ROB_WORDS = {"low": "low", "some_concerns": "some concerns", "high": "high", "": "not assessed"}
TOP = 46
ROW_HEIGHT = 26
AXIS_SPACE = 78
MAX_SQUARE = 16
MIN_SQUARE = 3
DIAMOND_HALF_HEIGHT = 8
# Text baselines sit this far below the centre line of their row.
BASELINE = 4
# Longer study labels would run into the n column; the full label stays in a <title>.
MAX_LABEL_CHARS = 34
RETRACTED_MARK = "† retracted"


@dataclass(frozen=True)
class Label:
    """A study label as shown; `full` (for a <title>) is "" when nothing was cut or marked."""

    shown: str
    full: str = ""
    retracted: bool = False


@dataclass(frozen=True)
class RobLight:
    cx: int
    code: str
    colour: str
    words: str


@dataclass(frozen=True)
class Row:
    """One study's line: label and numbers as text, the CI line and the weighted square."""

    y: float
    text_y: float
    label: Label
    n: str
    ci_x1: float
    ci_x2: float
    square_x: float
    square_y: float
    side: float
    estimate: str
    weight: str
    rob: tuple[RobLight, ...]


@dataclass(frozen=True)
class Diamond:
    """The pooled row: a diamond from ci_low (left) to ci_high (right) around the estimate."""

    y: float
    text_y: float
    left: float
    centre: float
    right: float
    top: float
    bottom: float
    label: str
    n: str
    estimate: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    bottom: float
    null_x: float
    ticks: tuple[Tick, ...]
    favours_left: str
    favours_right: str

    # Below the axis line: tick marks, their labels, the axis label, then the
    # "favours" labels either side of the line of no effect.
    @property
    def tick_end(self) -> float:
        return self.bottom + 5

    @property
    def tick_label_y(self) -> float:
        return self.bottom + 18

    @property
    def label_y(self) -> float:
        return self.bottom + 36

    @property
    def favours_y(self) -> float:
        return self.bottom + 54

    @property
    def favours_left_x(self) -> float:
        return px(self.null_x - 6)

    @property
    def favours_right_x(self) -> float:
        return px(self.null_x + 6)


def axis_ticks(plot: ForestPlot) -> list[float]:
    """Tick positions on the pooling scale; the first and last are the axis domain."""
    rows = [*plot.rows, *([plot.pooled] if plot.pooled else [])]
    values = [0.0] + [v for r in rows for v in (r.ci_low, r.ci_high)]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    return ratio_ticks(low, high) if plot.is_ratio else nice_ticks(low, high)


def axis_domain(plot: ForestPlot) -> tuple[float, float]:
    ticks = axis_ticks(plot)
    return ticks[0], ticks[-1]


def x_scale(low: float, high: float) -> LinearScale:
    return LinearScale(low, high, PLOT_LEFT, PLOT_LEFT + PLOT_WIDTH)


def row_centre(index: int) -> float:
    """The centre line of the index-th row; rows are ROW_HEIGHT apart from TOP."""
    return TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2


def plot_bottom(plot: ForestPlot) -> int:
    lines = len(plot.rows) + (1 if plot.pooled else 0)
    return TOP + ROW_HEIGHT * max(lines, 1)


def square_side(weight: float | None, max_weight: float | None) -> float:
    """A square's side, so its area is proportional to the study's weight."""
    if weight and max_weight:
        return max(MIN_SQUARE, MAX_SQUARE * math.sqrt(weight / max_weight))
    return MAX_SQUARE / 2


def study_label(label: str, retracted: bool = False) -> Label:
    # A retracted source is marked in the plot itself, so the mark survives a
    # downloaded or screenshotted SVG; the label is shortened to make room.
    room = MAX_LABEL_CHARS - (len(RETRACTED_MARK) + 1 if retracted else 0)
    short = label if len(label) <= room else label[: room - 1].rstrip() + "…"
    if short == label and not retracted:
        return Label(label)
    return Label(short, label + (" (retracted)" if retracted else ""), retracted)


def interval_text(row: ForestRow, is_ratio: bool) -> str:
    """ "estimate (low to high)" on the scale readers know (ratios, not their logs)."""
    low, estimate, high = (
        f"{back_transform(v, is_ratio):.2f}" for v in (row.ci_low, row.estimate, row.ci_high)
    )
    return f"{estimate} ({low} to {high})"


def rob_lights(row: ForestRow) -> tuple[RobLight, ...]:
    """One coloured dot per review's overall RoB 2 judgement."""
    return tuple(
        RobLight(
            ROB_X + index * ROB_GAP,
            code or "not-assessed",
            ROB_COLOURS[code],
            ROB_WORDS[code] + (f" ({review})" if review else ""),
        )
        for index, (code, review) in enumerate(row.rob)
    )


def study_rows(plot: ForestPlot, x: LinearScale) -> list[Row]:
    max_weight = max((r.weight for r in plot.rows if r.weight), default=None)
    laid_out = []
    for index, row in enumerate(plot.rows):
        y, side = row_centre(index), square_side(row.weight, max_weight)
        laid_out.append(
            Row(
                y=px(y),
                text_y=px(y + BASELINE),
                label=study_label(row.label, row.retracted),
                n="" if row.n is None else str(row.n),
                ci_x1=px(x(row.ci_low)),
                ci_x2=px(x(row.ci_high)),
                square_x=px(x(row.estimate) - side / 2),
                square_y=px(y - side / 2),
                side=px(side),
                estimate=interval_text(row, plot.is_ratio),
                weight=f"{100 * row.weight:.1f}%" if row.weight is not None else "",
                rob=rob_lights(row),
            )
        )
    return laid_out


def diamond(plot: ForestPlot, x: LinearScale) -> Diamond | None:
    if (p := plot.pooled) is None:
        return None
    y = row_centre(len(plot.rows))
    return Diamond(
        y=px(y),
        text_y=px(y + BASELINE),
        left=px(x(p.ci_low)),
        centre=px(x(p.estimate)),
        right=px(x(p.ci_high)),
        top=px(y - DIAMOND_HALF_HEIGHT),
        bottom=px(y + DIAMOND_HALF_HEIGHT),
        label=p.label,
        n="" if p.n is None else str(p.n),
        estimate=interval_text(p, plot.is_ratio),
    )


def axis(plot: ForestPlot, ticks: list[float], x: LinearScale) -> Axis:
    left, right = "Favours the comparison", "Favours MDMA-assisted therapy"
    if plot.direction == Direction.LOWER_BETTER:
        left, right = right, left
    return Axis(
        low=ticks[0],
        high=ticks[-1],
        bottom=plot_bottom(plot),
        null_x=px(x(0.0)),
        ticks=tuple(Tick(px(x(t)), f"{back_transform(t, plot.is_ratio):g}") for t in ticks),
        favours_left=left,
        favours_right=right,
    )


# Fixed positions the template needs, named once here rather than as numbers in it.
GEOMETRY = {
    "width": WIDTH,
    "label_x": LABEL_X,
    "n_x": N_X,
    "text_x": TEXT_X,
    "weight_x": WEIGHT_X,
    "rob_x": ROB_X,
    "plot_left": PLOT_LEFT,
    "plot_right": PLOT_LEFT + PLOT_WIDTH,
    "plot_width": PLOT_WIDTH,
    "plot_centre": PLOT_LEFT + PLOT_WIDTH / 2,
    "heading_y": TOP - 16,
    "empty_y": TOP + 16,
    "null_top": TOP - 6,
}


def render_svg(plot: ForestPlot, id_prefix: str = "forest") -> str:
    """The plot as a standalone, accessible SVG document."""
    ticks = axis_ticks(plot)
    x = x_scale(ticks[0], ticks[-1])
    bottom = plot_bottom(plot)
    context = {
        "plot": plot,
        "id_prefix": id_prefix,
        "height": bottom + AXIS_SPACE,
        "rows": study_rows(plot, x),
        "pooled": diamond(plot, x),
        "axis": axis(plot, ticks, x),
        "g": GEOMETRY,
    }
    return render_to_string("public/charts/forest.svg", context)
