"""/evidence/ as a living review: REML with the Hartung-Knapp interval beside Wald, tau² with
its Q-profile interval, both I², computed caveats, a plain-language sentence, cumulative and
leave-one-out views and the pooled estimate over time.

Expected numbers come from evidence.meta_analysis.pool (validated against metafor in
test_synthesis_methods.py) or are written out by hand in the comments.
"""

import csv
import datetime
import html
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from evidence import living
from evidence.family_synthesis import Options, synthesis_for
from evidence.meta_analysis import pool
from evidence.models import OutcomeFamily
from public.charts.history_chart import HEIGHT, LEFT, PLOT_WIDTH, history_chart
from trials.models import Trial

PAGE = reverse("public:synthesis")
SVG = "{http://www.w3.org/2000/svg}"


def text_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def ptsd(**options):
    return synthesis_for(OutcomeFamily.objects.get(slug="ptsd-clinician-rated"), Options(**options))


def inputs(synthesis):
    return [r.effect.estimate for r in synthesis.rows], [r.effect.se for r in synthesis.rows]


def test_page_shows_reml_with_the_ad_hoc_hk_interval_beside_wald_for_two_trials(client, seeded):
    text = text_of(client.get(PAGE))
    hk = pool(*inputs(ptsd()), "REML", "hk_adhoc")
    # Two homogeneous trials: Q = 0.49 < 1, so the ad hoc factor is 1 and SE_HK = SE_Wald,
    # but t(0.975, 1) = 12.71 instead of 1.96.
    assert hk.df == 1
    assert "Random effects (restricted maximum likelihood)" in text
    assert "95% confidence interval (Wald (normal quantile)) 0.50 to 1.08" in text
    assert (
        "95% confidence interval (Hartung-Knapp-Sidik-Jonkman, ad hoc corrected, t with 1 df), "
        f"shown because fewer than 5 studies are pooled {hk.ci_low:.2f} to {hk.ci_high:.2f}"
    ) in text
    assert "Between-study variance (tau², REML) 0.0000; 95% Q-profile interval 0.0000 to" in text
    assert "I² from Cochran's Q, (Q − df) / Q 0.0%" in text
    assert "I² from tau², tau² / (tau² + typical within-study variance) 0.0%" in text


def test_hk_interval_is_not_repeated_when_it_is_the_headline_or_k_is_five_or_more(seeded):
    assert living.small_k_interval(ptsd(ci="hk_adhoc")) is None
    assert living.small_k_interval(ptsd()) is not None


def test_caveats_are_computed_from_the_pooled_trials(seeded):
    caveats = living.caveats(ptsd())
    assert caveats[0].startswith("Only 2 studies are pooled: with fewer than 5")
    # Sponsors as the trial records name them (MAPP2's differs in the registry).
    assert caveats[1] == (
        "Lead sponsors as registered: Multidisciplinary Association for Psychedelic Studies "
        "(MAPS) (MAPP1); MAPS Public Benefit Corporation (Lykos Therapeutics) (MAPP2)."
    )
    assert not any("retracted" in c for c in caveats)
    with_retracted = living.caveats(ptsd(include_retracted=True))
    assert (
        "Estimates from retracted publications are included: Pooled phase 2 (Mithoefer 2019)."
        in with_retracted
    )


def test_shared_sponsor_open_label_and_the_editors_expectancy_flag_become_caveats(seeded):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    Trial.objects.filter(nct_id="NCT04077437").update(
        lead_sponsor=mapp1.lead_sponsor, masking="NONE"
    )
    OutcomeFamily.objects.filter(slug="ptsd-clinician-rated").update(
        expectancy_note="most participants guessed their arm (FDA advisory committee, 2024)."
    )
    caveats = living.caveats(ptsd())
    assert (
        "All 2 pooled trials share one lead sponsor, Multidisciplinary Association for "
        "Psychedelic Studies (MAPS) (trial registry records); no trial by another sponsor "
        "is included." in caveats
    )
    assert caveats[-1] == (
        "Not blinded (open label in the registry): MAPP2. Expectancy and unblinding, as the "
        "editors note: most participants guessed their arm (FDA advisory committee, 2024)."
    )


def test_plain_language_sentence_names_measure_comparator_size_and_certainty(seeded):
    # g = 0.79 is moderate (0.5 to 0.8); the Wald interval 0.498 to 1.08 runs small to large.
    assert living.plain_language(ptsd()) == (
        "On average, people given MDMA-assisted therapy improved more on CAPS-5 total "
        "severity than people given placebo with therapy; the average difference is moderate "
        "(the 95% interval runs from small to large), but the certainty of this evidence has "
        "not been rated on this site."
    )


def test_cumulative_steps_follow_publication_year_and_start_with_one_study(seeded):
    steps = living.cumulative_steps(ptsd(include_retracted=True))
    assert [(s.label, s.year, s.result.k) for s in steps] == [
        ("+ Pooled phase 2 (Mithoefer 2019)", 2019, 1),
        ("+ MAPP1", 2021, 2),
        ("+ MAPP2", 2023, 3),
    ]
    first = steps[0].result
    assert first.tau2 is None
    # Its own estimate: Hedges' g from d = 0.8 with 72 and 31 participants.
    assert first.estimate == pytest.approx(0.8 * (1 - 3 / (4 * 101 - 1)))
    assert steps[-1].result.estimate == pytest.approx(ptsd(include_retracted=True).result.estimate)


def test_leave_one_out_drops_each_included_study(seeded):
    synthesis = ptsd(include_retracted=True)
    steps = living.leave_one_out_steps(synthesis)
    y, se = inputs(synthesis)
    assert [s.label for s in steps] == [f"Without {r.label}" for r in synthesis.rows]
    for index, step in enumerate(steps):
        rest = [i for i in range(3) if i != index]
        expected = pool([y[i] for i in rest], [se[i] for i in rest])
        assert step.result.estimate == pytest.approx(expected.estimate)
        assert step.result.k == 2


def test_history_adds_each_publication_and_removes_the_retracted_one(seeded):
    steps = living.history_steps(ptsd())
    assert [(s.label, s.event, s.result.k) for s in steps] == [
        ("Pooled phase 2 (Mithoefer 2019) published (2019)", "entered", 1),
        ("MAPP1 published (2021)", "entered", 2),
        ("MAPP2 published (2023)", "entered", 3),
        ("Pooled phase 2 (Mithoefer 2019) retracted (10 August 2024)", "retracted", 2),
    ]
    assert steps[-1].date == datetime.date(2024, 8, 10)
    assert steps[-1].result.estimate == pytest.approx(ptsd().result.estimate)


def test_history_chart_places_events_on_the_documented_time_scale(seeded):
    synthesis = ptsd()
    steps = living.history_steps(synthesis)
    chart = history_chart(steps, synthesis.scale, "t")
    # Years 2019..2025 on the axis; a year-only publication sits mid-year.
    assert [t.label for t in chart.x_ticks][0] == "2019"
    x_2021 = LEFT + (2021.5 - 2019) / (2025 - 2019) * PLOT_WIDTH
    assert chart.marks[1].x == pytest.approx(x_2021)
    assert [m.kind for m in chart.marks] == ["entered"] * 3 + ["retracted"]
    assert all(0 < m.y < HEIGHT for m in chart.marks)


def test_page_draws_the_cumulative_forest_and_the_history_chart(client, seeded):
    body = client.get(PAGE).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", body, re.S)
    roots = [ET.fromstring(svg) for svg in svgs]
    titles = [root.find(f"{SVG}title").text for root in roots]
    assert any(t.startswith("Cumulative meta-analysis by publication year") for t in titles)
    [chart] = [r for r in roots if r.get("class") == "history-chart"]
    kinds = [g.get("class") for g in chart.iter(f"{SVG}g") if "event" in (g.get("class") or "")]
    assert kinds == ["event entered"] * 3 + ["event retracted"]
    text = text_of(client.get(PAGE))
    assert "Without MAPP1 1 0.69 (0.30 to 1.09) one study: none" in text


def test_forest_svg_and_rows_csv_name_the_interval_method(client, seeded):
    svg = client.get(reverse("public:forest_svg"), {"ci": "hk_adhoc"}).content.decode()
    assert "Pooled (REML, HKSJ ad hoc CI)" in svg
    response = client.get(reverse("public:rows_csv"), {"method": "DL"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {(r["pooling_method"], r["interval_method"]) for r in rows} == {("DL", "wald")}


def test_methods_text_names_every_method_with_its_reference(client, seeded):
    text = text_of(client.get(PAGE))
    for reference in (
        "DerSimonian R, Laird N",
        "Paule RC, Mandel J",
        "Viechtbauer W. Bias and efficiency",
        "Hartung J, Knapp G",
        "Sidik K, Jonkman JN",
        "Röver C, Knapp G, Friede T",
        "Viechtbauer W. Confidence intervals for the amount of heterogeneity",
        "Higgins JPT, Thompson SG, Spiegelhalter DJ",
    ):
        assert reference in text


def test_unknown_interval_method_answers_400_naming_the_parameter(client, seeded):
    response = client.get(PAGE, {"ci": "bootstrap"})
    assert response.status_code == 400
    assert "“ci”" in response.content.decode()
