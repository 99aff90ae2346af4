"""Server-rendered SVG charts: pure functions from plain data to an SVG string.

The SVGs are images with a text alternative; the numbers themselves are always
also given as HTML (a table or a list) beside them, where the links live.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import escape

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 170
CHART_WIDTH = 400
INK = "#1b1f24"
BAR = "#0b4f9c"
UNVERIFIED = "#8a5a00"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(bars: list[Bar], title: str) -> str:
    """A horizontal bar chart; each bar carries its count as text."""
    if not bars:
        return ""
    top = max(b.value for b in bars) or 1
    plot = CHART_WIDTH - LABEL_WIDTH - 50
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    summary = "; ".join(f"{b.label}: {b.value}" for b in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}: {escape(summary)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        width = max(2, round(plot * bar.value / top)) if bar.value else 0
        mid = y + BAR_HEIGHT / 2 + 5
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{mid}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(_clip(bar.label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{BAR}"></rect>',
            f'<text x="{LABEL_WIDTH + width + 6}" y="{mid}" font-size="13" '
            f'fill="{INK}">{bar.value}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class TimelinePoint:
    date: datetime.date
    label: str
    verified: bool = True


TIMELINE_WIDTH = 900
TIMELINE_MARGIN = 30
ROW = 14
DOT_GAP = 13


def _fraction_of_year(day: datetime.date) -> float:
    start = datetime.date(day.year, 1, 1)
    return (day - start).days / 366


def _stack_levels(xs: list[float]) -> list[int]:
    """The lowest free row for each point, so dots closer than DOT_GAP never overlap."""
    taken: list[list[float]] = []
    levels = []
    for x in xs:
        level = next(
            (i for i, row in enumerate(taken) if all(abs(x - other) >= DOT_GAP for other in row)),
            len(taken),
        )
        if level == len(taken):
            taken.append([])
        taken[level].append(x)
        levels.append(level)
    return levels


def timeline_svg(points: list[TimelinePoint], title: str) -> str:
    """Milestones on a line of years; points in the same year stack upwards.

    Unverified milestones are drawn hollow, matching the badge in the list.
    """
    if not points:
        return ""
    points = sorted(points, key=lambda p: p.date)
    first = min(p.date.year for p in points)
    last = max(p.date.year for p in points)
    years = last - first + 1
    span = TIMELINE_WIDTH - 2 * TIMELINE_MARGIN
    per_year = span / years
    levels = _stack_levels(
        [
            TIMELINE_MARGIN + (p.date.year - first + _fraction_of_year(p.date)) * per_year
            for p in points
        ]
    )
    tallest = max(levels) + 1
    axis_y = 20 + tallest * ROW
    height = axis_y + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {TIMELINE_WIDTH} {height}" '
        f'width="{TIMELINE_WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}: {len(points)} milestones from {first} to {last}; '
        f'the list below gives each one.">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{TIMELINE_MARGIN}" y1="{axis_y}" x2="{TIMELINE_WIDTH - TIMELINE_MARGIN}" '
        f'y2="{axis_y}" stroke="{INK}" stroke-width="1.5"></line>',
    ]
    step = 1 if years <= 15 else 2
    for year in range(first, last + 1, step):
        x = TIMELINE_MARGIN + (year - first) * per_year
        parts += [
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 6}" '
            f'stroke="{INK}"></line>',
            f'<text x="{x + per_year / 2:.1f}" y="{axis_y + 20}" text-anchor="middle" '
            f'font-size="12" fill="{INK}">{year}</text>',
        ]
    for p, level in zip(points, levels, strict=True):
        x = TIMELINE_MARGIN + (p.date.year - first + _fraction_of_year(p.date)) * per_year
        y = axis_y - 10 - level * ROW
        fill = BAR if p.verified else "#fff"
        stroke = BAR if p.verified else UNVERIFIED
        suffix = "" if p.verified else " (unverified)"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"><title>{escape(p.label + suffix)}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)
