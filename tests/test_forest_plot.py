"""The server-rendered SVG forest plot (public.charts.forest).

Positions are checked against the documented scale:
x(v) = PLOT_LEFT + (v - low) / (high - low) * PLOT_WIDTH.
"""

import math
import xml.etree.ElementTree as ET

import pytest

from evidence.family_synthesis import Options, synthesis_for
from evidence.forest_rows import ForestPlot, ForestRow, plot_for
from evidence.models import OutcomeFamily
from public.charts.forest import PLOT_LEFT, PLOT_WIDTH, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}{tag}") if el.get("class") == name]


def diamond_points(root: ET.Element) -> list[tuple[float, float]]:
    [diamond] = by_class(root, "polygon", "pooled")
    return [tuple(map(float, p.split(","))) for p in diamond.get("points").split()]


def expected_x(value: float, low: float, high: float) -> float:
    return PLOT_LEFT + (value - low) / (high - low) * PLOT_WIDTH


def ptsd_svg(**options) -> tuple[ET.Element, object]:
    family = OutcomeFamily.objects.get(slug="ptsd-clinician-rated")
    synthesis = synthesis_for(family, Options(**options))
    return parse(render_svg(plot_for(synthesis))), synthesis


def test_ptsd_plot_is_well_formed_with_one_row_per_study_and_a_diamond(seeded):
    root, synthesis = ptsd_svg()
    assert root.tag == f"{SVG}svg"
    assert len(by_class(root, "g", "study")) == len(synthesis.rows) == 2
    assert len(by_class(root, "polygon", "pooled")) == 1
    labels = [g.find(f"{SVG}text").text for g in by_class(root, "g", "study")]
    assert labels == ["MAPP1", "MAPP2"]


def test_pooled_diamond_sits_at_the_pooled_estimate_on_the_axis_scale(seeded):
    root, synthesis = ptsd_svg()
    # The CIs span 0.30..1.33 and the axis always shows 0: ticks of 0.25 from 0 to 1.5.
    assert float(root.get("data-domain-low")) == 0
    assert float(root.get("data-domain-high")) == 1.5
    left, top, right, _ = diamond_points(root)
    result = synthesis.result
    assert top[0] == pytest.approx(expected_x(result.estimate, 0, 1.5), abs=0.5)
    assert top[0] == pytest.approx(PLOT_LEFT + 0.7892 / 1.5 * PLOT_WIDTH, abs=0.5)
    assert left[0] == pytest.approx(expected_x(result.ci_low, 0, 1.5), abs=0.5)
    assert right[0] == pytest.approx(expected_x(result.ci_high, 0, 1.5), abs=0.5)


def test_line_of_no_effect_is_at_zero_and_squares_are_sized_by_weight(seeded):
    root, synthesis = ptsd_svg(include_retracted=True)
    [null_line] = by_class(root, "line", "no-effect")
    assert float(null_line.get("x1")) == pytest.approx(expected_x(0, 0, 1.5), abs=0.5)
    squares = [float(r.get("width")) for r in by_class(root, "rect", "point")]
    weights = [row.weight for row in synthesis.rows]
    assert squares.index(max(squares)) == weights.index(max(weights))
    # Area is proportional to weight.
    for side, weight in zip(squares, weights, strict=True):
        assert side**2 / max(squares) ** 2 == pytest.approx(weight / max(weights), rel=0.01)


def test_plot_is_labelled_for_assistive_technology(seeded):
    root, synthesis = ptsd_svg()
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == f"Forest plot: {synthesis.family.name}"
    assert desc.text == synthesis.summary
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Hedges' g" in texts
    assert "Favours MDMA-assisted therapy →" in texts


def ratio_plot(direction="higher") -> ForestPlot:
    rows = [
        ForestRow("A", 100, math.log(2.0), math.log(1.0), math.log(4.0), 0.4),
        ForestRow("B", 80, math.log(1.5), math.log(0.75), math.log(3.0), 0.6),
    ]
    pooled = ForestRow("Pooled (FE)", 180, math.log(1.7), math.log(1.1), math.log(2.6), 1.0)
    return ForestPlot(
        "Ratios", "Two studies.", "Risk ratio (log scale)", rows, pooled, True, direction
    )


def test_ratio_plot_uses_a_log_axis_with_no_effect_at_one():
    root = parse(render_svg(ratio_plot()))
    low, high = float(root.get("data-domain-low")), float(root.get("data-domain-high"))
    assert (math.exp(low), math.exp(high)) == pytest.approx((0.5, 5))
    [null_line] = by_class(root, "line", "no-effect")
    assert float(null_line.get("x1")) == pytest.approx(expected_x(0.0, low, high), abs=0.5)
    top = diamond_points(root)[1]
    assert top[0] == pytest.approx(expected_x(math.log(1.7), low, high), abs=0.5)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"0.5", "1", "2", "5"} <= set(texts)
    assert "1.70 (1.10 to 2.60)" in texts


def test_lower_is_better_puts_the_benefit_label_on_the_left():
    root = parse(render_svg(ratio_plot(direction="lower")))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "← Favours MDMA-assisted therapy" in texts
    assert "Favours the comparison →" in texts


def test_labels_are_escaped_and_long_ones_shortened_with_the_full_text_kept():
    long_label = "A very long study label <with> markup & more words than fit"
    plot = ForestPlot("T & <t>", "D", "Hedges' g", [ForestRow(long_label, None, 0.2, -0.1, 0.5)])
    root = parse(render_svg(plot))
    [study] = by_class(root, "g", "study")
    label = study.find(f"{SVG}text")
    assert label.find(f"{SVG}title").text == long_label
    assert label.find(f"{SVG}title").tail.endswith("…")
    assert root.find(f"{SVG}title").text == "T & <t>"
    assert by_class(root, "polygon", "pooled") == []


def test_plot_without_rows_says_there_is_nothing_to_plot():
    root = parse(render_svg(ForestPlot("Empty", "Nothing yet.", "Hedges' g", [])))
    assert by_class(root, "g", "study") == []
    assert "No estimates to plot." in [t.text for t in root.iter(f"{SVG}text")]
