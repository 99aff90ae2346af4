"""A forest plot drawn as an SVG string on the server (no JavaScript, no charting library).

The horizontal scale is linear on the pooling scale (log for ratios):

    x(v) = PLOT_LEFT + (v - low) / (high - low) * PLOT_WIDTH

where [low, high] is `axis_domain(...)`; the root <svg> records low, high,
PLOT_LEFT and PLOT_WIDTH as data-* attributes so anyone can check a position.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from evidence.family_synthesis import Synthesis
from evidence.meta_analysis import back_transform
from evidence.models.estimates import Direction
from evidence.models.metapsy import METAPSY_ATTRIBUTION

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
# Nice tick values for ratio axes, which are drawn on a log scale.
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
LINEAR_STEPS = (1, 2, 2.5, 5)
TARGET_TICKS = 6
# The interval method as the pooled row names it.
CI_LABELS = {"wald": "Wald CI", "hk": "HKSJ CI", "hk_adhoc": "HKSJ ad hoc CI"}
# Longer study labels would run into the n column; the full label stays in a <title>.
MAX_LABEL_CHARS = 34
RETRACTED_MARK = "† retracted"


@dataclass(frozen=True)
class ForestRow:
    """One line of the plot, with values on the pooling scale (logs for ratios)."""

    label: str
    n: int | None
    estimate: float
    ci_low: float
    ci_high: float
    weight: float | None = None
    retracted: bool = False
    # (overall RoB 2 judgement code, "" when not assessed; review) per review.
    rob: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ForestPlot:
    title: str
    description: str
    axis_label: str
    rows: Sequence[ForestRow]
    pooled: ForestRow | None = None
    is_ratio: bool = False
    direction: str = Direction.HIGHER_BETTER


def plot_for(synthesis: Synthesis) -> ForestPlot:
    """The forest plot of a synthesis: its included rows and pooled diamond."""
    scale = synthesis.scale
    rows = [
        ForestRow(
            r.label,
            r.n,
            r.effect.estimate,
            r.ci_low,
            r.ci_high,
            r.weight,
            r.retraction is not None,
            tuple((j.overall, j.short_appraiser) for j in r.risk_of_bias) or (("", ""),),
        )
        for r in synthesis.rows
    ]
    pooled = None
    if (result := synthesis.result) is not None:
        pooled = ForestRow(
            f"Pooled ({result.method}, {CI_LABELS[result.ci_method]})",
            synthesis.participants,
            result.estimate,
            result.ci_low,
            result.ci_high,
            1.0,
        )
    return ForestPlot(
        title=f"Forest plot: {synthesis.family.name}",
        description=synthesis.summary + _attribution(synthesis),
        axis_label=_axis_label(scale),
        rows=rows,
        pooled=pooled,
        is_ratio=bool(scale and scale.is_ratio),
        direction=synthesis.family.direction,
    )


def _attribution(synthesis: Synthesis) -> str:
    # ODC-BY: the Metapsy dataset is credited wherever its numbers appear.
    return f" Data: {METAPSY_ATTRIBUTION}." if synthesis.options.source == "metapsy" else ""


def _axis_label(scale) -> str:
    if scale is None:
        return ""
    return f"{scale.short} (log scale)" if scale.is_ratio else scale.short


def _linear_ticks(low: float, high: float) -> list[float]:
    span = high - low
    magnitude = 10 ** math.floor(math.log10(span / TARGET_TICKS))
    step = next(
        (m * magnitude for m in LINEAR_STEPS if span / (m * magnitude) <= TARGET_TICKS),
        10 * magnitude,
    )
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _ratio_ticks(low: float, high: float) -> list[float]:
    lo_ratio, hi_ratio = back_transform(low), back_transform(high)
    below = [t for t in RATIO_TICKS if t <= lo_ratio] or [lo_ratio]
    above = [t for t in RATIO_TICKS if t >= hi_ratio] or [hi_ratio]
    start, stop = below[-1], above[0]
    inner = [t for t in RATIO_TICKS if start < t < stop]
    return [math.log(t) for t in [start, *inner, stop]]


def axis_ticks(plot: ForestPlot) -> list[float]:
    """Tick positions on the pooling scale; the first and last are the axis domain."""
    rows = [*plot.rows, *([plot.pooled] if plot.pooled else [])]
    values = [0.0] + [v for r in rows for v in (r.ci_low, r.ci_high)]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    return _ratio_ticks(low, high) if plot.is_ratio else _linear_ticks(low, high)


def axis_domain(plot: ForestPlot) -> tuple[float, float]:
    ticks = axis_ticks(plot)
    return ticks[0], ticks[-1]


def _number(value: float) -> str:
    return f"{value:.2f}"


def _tick_label(value: float, is_ratio: bool) -> str:
    return f"{back_transform(value, is_ratio):g}"


def _label(x: float, y: float, label: str, retracted: bool = False) -> str:
    # A retracted source is marked in the plot itself, so the mark survives a
    # downloaded or screenshotted SVG; the label is shortened to make room.
    room = MAX_LABEL_CHARS - (len(RETRACTED_MARK) + 1 if retracted else 0)
    short = label if len(label) <= room else label[: room - 1].rstrip() + "…"
    if short == label and not retracted:
        return _text(x, y, label)
    title = f"<title>{escape(label)}{' (retracted)' if retracted else ''}</title>"
    mark = f' <tspan class="retracted" fill="#a00000">{RETRACTED_MARK}</tspan>' if retracted else ""
    return f'<text x="{x:.2f}" y="{y:.2f}">{title}{escape(short)}{mark}</text>'


def _text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def render_svg(plot: ForestPlot, id_prefix: str = "forest") -> str:
    """The plot as a standalone, accessible SVG document."""
    ticks = axis_ticks(plot)
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return PLOT_LEFT + (value - low) / (high - low) * PLOT_WIDTH

    def shown(value: float) -> str:
        return _number(back_transform(value, plot.is_ratio))

    n_lines = len(plot.rows) + (1 if plot.pooled else 0)
    plot_bottom = TOP + ROW_HEIGHT * max(n_lines, 1)
    height = plot_bottom + AXIS_SPACE
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12" '
        f'data-domain-low="{low!r}" data-domain-high="{high!r}" '
        f'data-plot-left="{PLOT_LEFT}" data-plot-width="{PLOT_WIDTH}" '
        f'data-log-scale="{"true" if plot.is_ratio else "false"}">',
        f'<title id="{title_id}">{escape(plot.title)}</title>',
        f'<desc id="{desc_id}">{escape(plot.description)}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<g class="headings" font-weight="bold">',
        _text(LABEL_X, TOP - 16, "Study"),
        _text(N_X, TOP - 16, "n", "end"),
        _text(TEXT_X, TOP - 16, "Estimate (95% CI)"),
        _text(WEIGHT_X, TOP - 16, "Weight", "end"),
        _text(ROB_X, TOP - 16, "RoB", "middle"),
        "</g>",
    ]
    if not plot.rows:
        parts.append(_text(PLOT_LEFT, TOP + 16, "No estimates to plot."))
    max_weight = max((r.weight for r in plot.rows if r.weight), default=None)
    for index, row in enumerate(plot.rows):
        y = TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2
        if row.weight and max_weight:
            side = max(MIN_SQUARE, MAX_SQUARE * math.sqrt(row.weight / max_weight))
        else:
            side = MAX_SQUARE / 2
        weight = f"{100 * row.weight:.1f}%" if row.weight is not None else ""
        parts += [
            '<g class="study">',
            _label(LABEL_X, y + 4, row.label, row.retracted),
            _text(N_X, y + 4, "" if row.n is None else str(row.n), "end"),
            f'<line class="ci" x1="{x(row.ci_low):.2f}" x2="{x(row.ci_high):.2f}" '
            f'y1="{y:.2f}" y2="{y:.2f}" stroke="#1a1a1a" stroke-width="1.5"/>',
            f'<rect class="point" x="{x(row.estimate) - side / 2:.2f}" y="{y - side / 2:.2f}" '
            f'width="{side:.2f}" height="{side:.2f}" fill="#1f4e79"/>',
            _text(
                TEXT_X,
                y + 4,
                f"{shown(row.estimate)} ({shown(row.ci_low)} to {shown(row.ci_high)})",
            ),
            _text(WEIGHT_X, y + 4, weight, "end"),
            *_rob_lights(row, y),
            "</g>",
        ]
    if plot.pooled:
        p = plot.pooled
        y = TOP + ROW_HEIGHT * len(plot.rows) + ROW_HEIGHT / 2
        h = DIAMOND_HALF_HEIGHT
        points = (
            f"{x(p.ci_low):.2f},{y:.2f} {x(p.estimate):.2f},{y - h:.2f} "
            f"{x(p.ci_high):.2f},{y:.2f} {x(p.estimate):.2f},{y + h:.2f}"
        )
        parts += [
            '<g class="pooled-row" font-weight="bold">',
            _text(LABEL_X, y + 4, p.label),
            _text(N_X, y + 4, "" if p.n is None else str(p.n), "end"),
            f'<polygon class="pooled" points="{points}" fill="#1a1a1a"/>',
            _text(TEXT_X, y + 4, f"{shown(p.estimate)} ({shown(p.ci_low)} to {shown(p.ci_high)})"),
            _text(WEIGHT_X, y + 4, "100%", "end"),
            "</g>",
        ]
    parts += _axis(plot, ticks, x, plot_bottom)
    parts.append("</svg>")
    return "\n".join(parts)


def _rob_lights(row: ForestRow, y: float) -> list[str]:
    """One coloured dot per review's overall RoB 2 judgement, named in its <title>."""
    lights = []
    for index, (code, review) in enumerate(row.rob):
        words = ROB_WORDS[code] + (f" ({review})" if review else "")
        lights.append(
            f'<circle class="rob rob-{code or "not-assessed"}" cx="{ROB_X + index * ROB_GAP}" '
            f'cy="{y:.2f}" r="5" fill="{ROB_COLOURS[code]}"><title>Risk of bias: '
            f"{escape(words)}</title></circle>"
        )
    return lights


def _axis(plot: ForestPlot, ticks: list[float], x, plot_bottom: float) -> list[str]:
    null_x = x(0.0)
    left, right = "Favours the comparison", "Favours MDMA-assisted therapy"
    if plot.direction == Direction.LOWER_BETTER:
        left, right = right, left
    parts = [
        f'<line class="no-effect" x1="{null_x:.2f}" x2="{null_x:.2f}" y1="{TOP - 6}" '
        f'y2="{plot_bottom:.2f}" stroke="#767676" stroke-dasharray="4 3"/>',
        '<g class="axis">',
        f'<line x1="{PLOT_LEFT}" x2="{PLOT_LEFT + PLOT_WIDTH}" y1="{plot_bottom:.2f}" '
        f'y2="{plot_bottom:.2f}" stroke="#1a1a1a"/>',
    ]
    for tick in ticks:
        tx = x(tick)
        parts += [
            f'<line x1="{tx:.2f}" x2="{tx:.2f}" y1="{plot_bottom:.2f}" '
            f'y2="{plot_bottom + 5:.2f}" stroke="#1a1a1a"/>',
            _text(tx, plot_bottom + 18, _tick_label(tick, plot.is_ratio), "middle"),
        ]
    centre = PLOT_LEFT + PLOT_WIDTH / 2
    parts += [
        _text(centre, plot_bottom + 36, plot.axis_label, "middle", ' font-weight="bold"'),
        _text(null_x - 6, plot_bottom + 54, f"← {left}", "end"),
        _text(null_x + 6, plot_bottom + 54, f"{right} →"),
        "</g>",
    ]
    return parts
