"""A horizontal bar chart's geometry; the markup is `public/charts/bar_chart.svg`.

The SVG is an image with a text alternative; the numbers themselves are always
also given as HTML (a table or a list) beside it, where the links live.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 170
CHART_WIDTH = 400
# Room right of the longest bar for its count.
VALUE_ROOM = 50
# Text baselines sit this far below the middle of their bar.
BASELINE = 5
MAX_LABEL_CHARS = 24
INK = "#1b1f24"
BAR = "#0b4f9c"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""


@dataclass(frozen=True)
class BarShape:
    """Where one bar goes: its top, length and text baseline, with its label as shown."""

    y: int
    width: int
    text_y: float
    label: str
    value: int

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


def clip(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_width(value: int, top: int, room: int) -> int:
    """Length proportional to value; any non-zero count stays visible (≥ 2 px)."""
    return max(2, round(room * value / top)) if value else 0


def bar_shapes(bars: list[Bar]) -> list[BarShape]:
    top = max(b.value for b in bars) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    shapes = []
    for i, bar in enumerate(bars):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        width = bar_width(bar.value, top, room)
        text_y = y + BAR_HEIGHT / 2 + BASELINE
        shapes.append(BarShape(y, width, text_y, clip(bar.label), bar.value))
    return shapes


def bar_chart_svg(bars: list[Bar], title: str) -> str:
    """A horizontal bar chart; each bar carries its count as text."""
    if not bars:
        return ""
    context = {
        "title": title,
        "summary": "; ".join(f"{b.label}: {b.value}" for b in bars),
        "bars": bar_shapes(bars),
        "width": CHART_WIDTH,
        "height": len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP,
        "label_end": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "ink": INK,
        "fill": BAR,
    }
    return render_to_string("public/charts/bar_chart.svg", context)
