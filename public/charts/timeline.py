"""The milestone timeline's geometry; the markup is `public/charts/timeline.svg`.

The SVG is an image with a text alternative; the milestones themselves are always
also listed as HTML beside it, where the links live.
"""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string

from public.charts.bars import BAR, INK

UNVERIFIED = "#8a5a00"
# Two widths, shown one at a time by the stylesheet, so year labels stay readable
# (≥ 11 px) on a phone without a 900-unit drawing shrunk to a third of its size.
TIMELINE_WIDTHS = {"wide": 900, "narrow": 340}
TIMELINE_MARGIN = 30
ROW = 14
DOT_GAP = 13


@dataclass(frozen=True)
class TimelinePoint:
    date: datetime.date
    label: str
    verified: bool = True
    href: str = ""


@dataclass(frozen=True)
class Timeline:
    """Where everything of a timeline goes: plain numbers for the SVG template."""

    width: int
    height: int
    axis_y: int
    first: int
    last: int
    ticks: list[tuple[float, float, int]]  # (tick x, label x, year)
    dots: list[tuple[float, int, TimelinePoint]]  # (x, y, point)
    margin: int = TIMELINE_MARGIN

    @property
    def line_end(self) -> int:
        return self.width - self.margin

    @property
    def tick_end(self) -> int:
        return self.axis_y + 6

    @property
    def label_y(self) -> int:
        return self.axis_y + 20


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


def timeline_layout(points: list[TimelinePoint], width: int) -> Timeline | None:
    """Milestones on a line of years; points close in time stack upwards."""
    if not points:
        return None
    points = sorted(points, key=lambda p: p.date)
    first, last = points[0].date.year, points[-1].date.year
    years = last - first + 1
    per_year = (width - 2 * TIMELINE_MARGIN) / years
    xs = [
        TIMELINE_MARGIN + (p.date.year - first + _fraction_of_year(p.date)) * per_year
        for p in points
    ]
    levels = _stack_levels(xs)
    axis_y = 20 + (max(levels) + 1) * ROW
    # Enough room for a four-digit year label at 12 px between two ticks.
    step = next(s for s in (1, 2, 5, 10, 20, 50) if per_year * s >= 34)
    ticks = [
        (
            TIMELINE_MARGIN + (y - first) * per_year,
            TIMELINE_MARGIN + (y - first + 0.5) * per_year,
            y,
        )
        for y in range(first, last + 1, step)
    ]
    dots = [
        (x, axis_y - 10 - level * ROW, p) for x, level, p in zip(xs, levels, points, strict=True)
    ]
    return Timeline(width, axis_y + 30, axis_y, first, last, ticks, dots)


def timeline_svg(points: list[TimelinePoint], title: str, size: str = "wide") -> str:
    """The timeline as SVG; each dot links to its milestone. Unverified dots are hollow."""
    layout = timeline_layout(points, TIMELINE_WIDTHS[size])
    if layout is None:
        return ""
    context = {"t": layout, "title": title, "size": size, "ink": INK, "dot": BAR}
    return render_to_string("public/charts/timeline.svg", context | {"unverified": UNVERIFIED})
