"""The charts' geometry: pure functions from plain data to plain numbers (public.charts),
and the templates that draw them escape whatever text they are given."""

import datetime
import math
import xml.etree.ElementTree as ET

import pytest

from evidence.forest_rows import ForestPlot, ForestRow
from public.charts import forest
from public.charts.bars import Bar, bar_chart_svg, bar_shapes, bar_width
from public.charts.funnel import funnel_chart
from public.charts.scales import LinearScale, nice_ticks, px, ratio_ticks
from public.charts.timeline import DOT_GAP, TimelinePoint, timeline_layout, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def ratio_plot(*cis: tuple[float, float, float]) -> ForestPlot:
    rows = [
        ForestRow(f"Study {i}", 10, math.log(e), math.log(lo), math.log(hi), 1 / len(cis))
        for i, (e, lo, hi) in enumerate(cis)
    ]
    return ForestPlot("Ratios", "d", "Risk ratio (log scale)", rows, is_ratio=True)


def test_a_scale_maps_the_interval_ends_to_the_plot_edges():
    x = LinearScale(-0.5, 1.5, 260, 560)
    assert (x(-0.5), x(1.5), x(0.5)) == (260, 560, 410)
    # A reversed pixel range (y grows downwards) maps the top value to the top edge.
    y = LinearScale(2.0, -1.0, 20, 264)
    assert (y(2.0), y(-1.0)) == (20, 264)


def test_a_scale_of_an_empty_interval_still_gives_a_position():
    assert LinearScale(3, 3, 0, 100)(3) == 0


@pytest.mark.parametrize(("low", "high"), [(0, 1.33), (-0.7, 0.2), (0, 37), (-0.004, 0.01)])
def test_nice_ticks_cover_the_values_with_a_round_step(low, high):
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    assert 2 <= len(ticks) <= 8


def test_ratio_ticks_are_round_ratios_covering_the_interval():
    ticks = ratio_ticks(math.log(0.7), math.log(3.2))
    assert [round(math.exp(t), 6) for t in ticks] == [0.5, 1, 2, 5]


def test_a_log_scale_ratio_axis_puts_1_at_the_null_line():
    plot = ratio_plot((2.0, 1.2, 4.0), (1.5, 0.6, 3.0))
    ticks = forest.axis_ticks(plot)
    x = forest.x_scale(ticks[0], ticks[-1])
    axis = forest.axis(plot, ticks, x)
    [one] = [t for t in axis.ticks if t.label == "1"]
    assert one.x == axis.null_x == px(x(math.log(1)))
    assert forest.PLOT_LEFT < axis.null_x < forest.PLOT_LEFT + forest.PLOT_WIDTH


def test_the_axis_domain_spans_every_interval_and_the_null_value():
    plot = ratio_plot((2.0, 1.2, 4.0), (3.0, 1.1, 9.0))
    low, high = forest.axis_domain(plot)
    # All intervals lie above 1, yet the axis still reaches down to the null line.
    assert low <= 0 and high >= math.log(9.0)


def test_rows_never_overlap_and_the_diamond_sits_below_them():
    rows = [ForestRow(f"S{i}", 10, 0.1 * i, -0.2, 0.5, w) for i, w in enumerate((0.9, 0.05, 1))]
    pooled = ForestRow("Pooled", 30, 0.2, 0.0, 0.4, 1.0)
    plot = ForestPlot("T", "d", "g", rows, pooled)
    ticks = forest.axis_ticks(plot)
    x = forest.x_scale(ticks[0], ticks[-1])
    laid_out = forest.study_rows(plot, x)
    boxes = [(r.square_y, r.square_y + r.side) for r in laid_out]
    diamond = forest.diamond(plot, x)
    boxes.append((diamond.top, diamond.bottom))
    for (_, bottom), (top, _) in zip(boxes, boxes[1:], strict=False):
        assert bottom < top
    assert forest.axis(plot, ticks, x).bottom >= diamond.bottom


def test_square_area_is_proportional_to_weight_within_bounds():
    assert forest.square_side(1.0, 1.0) == forest.MAX_SQUARE
    assert forest.square_side(0.25, 1.0) == pytest.approx(forest.MAX_SQUARE / 2)
    assert forest.square_side(1e-6, 1.0) == forest.MIN_SQUARE
    assert forest.square_side(None, 1.0) == forest.MAX_SQUARE / 2


def test_long_and_retracted_labels_are_shortened_and_keep_the_full_text():
    assert forest.study_label("MAPP1") == forest.Label("MAPP1")
    long = forest.study_label("x" * 50)
    assert len(long.shown) == forest.MAX_LABEL_CHARS and long.shown.endswith("…")
    assert long.full == "x" * 50
    retracted = forest.study_label("Short", retracted=True)
    assert (retracted.shown, retracted.full, retracted.retracted) == (
        "Short",
        "Short (retracted)",
        True,
    )


def test_forest_text_with_markup_and_quotes_is_escaped():
    row = ForestRow('A <b> & "q"', 5, 0.1, -0.1, 0.3, 1.0, True, (("high", "R&D <x>"),))
    svg = forest.render_svg(ForestPlot('T <&> "q"', "d <&>", "g <&>", [row]))
    assert "<b>" not in svg and '"q"' not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == 'T <&> "q"'
    assert root.find(f"{SVG}desc").text == "d <&>"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert 'A <b> & "q" (retracted)' in titles
    assert "Risk of bias: high (R&D <x>)" in titles


def test_funnel_apex_is_at_the_pooled_estimate_with_se_zero_at_the_top():
    chart = funnel_chart([0.1, 0.5, 0.3], [0.1, 0.2, 0.3], ["a", "b", "c"], 0.3)
    (left_x, base_y), (apex_x, apex_y), (right_x, right_y) = chart.triangle
    assert apex_x == chart.centre_x and apex_y == chart.top
    assert base_y == right_y == chart.bottom
    assert apex_x - left_x == pytest.approx(right_x - apex_x, abs=0.01)
    assert all(chart.left <= p.x <= chart.right for p in chart.points)
    # Larger standard errors sit lower.
    assert [p.y for p in chart.points] == sorted(p.y for p in chart.points)


def test_bars_are_proportional_and_a_nonzero_count_stays_visible():
    assert bar_width(10, 10, 180) == 180
    assert bar_width(5, 10, 180) == 90
    assert bar_width(0, 10, 180) == 0
    assert bar_width(1, 1000, 180) == 2
    shapes = bar_shapes([Bar("a", 4), Bar("b", 2)])
    assert shapes[0].y + 22 < shapes[1].y


def test_bar_chart_escapes_its_labels():
    svg = bar_chart_svg([Bar('<Phase "2"> & more', 3)], "Trials & <phases>")
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Trials & <phases>"
    assert root.get("aria-label") == 'Trials & <phases>: <Phase "2"> & more: 3'


def test_timeline_dots_close_in_time_never_overlap():
    day = datetime.date(2024, 3, 1)
    points = [TimelinePoint(day + datetime.timedelta(days=d), f"m{d}") for d in range(0, 40, 4)]
    layout = timeline_layout(points, 340)
    by_row: dict[int, list[float]] = {}
    for x, y, _ in layout.dots:
        by_row.setdefault(y, []).append(x)
    assert len(by_row) > 1
    for xs in by_row.values():
        assert all(b - a >= DOT_GAP for a, b in zip(sorted(xs), sorted(xs)[1:], strict=False))


def test_timeline_escapes_its_labels():
    svg = timeline_svg([TimelinePoint(datetime.date(2024, 1, 2), 'FDA <&> "CRL"')], "T & t")
    assert "<&>" not in svg
    titles = [t.text for t in ET.fromstring(svg).iter(f"{SVG}title")]
    assert 'FDA <&> "CRL"' in titles
