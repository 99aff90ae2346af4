"""Funnel plot and Egger's test: shown only with 10 or more studies, otherwise the page says why."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from django.urls import reverse

from editorial.models import State
from evidence.egger import egger_test
from evidence.models import EffectEstimate, OutcomeFamily

SVG = "{http://www.w3.org/2000/svg}"


def test_egger_test_matches_an_ordinary_least_squares_fit_written_out():
    y = [0.1, 0.3, 0.35, 0.6, 0.2, 0.9, 0.45, 0.5, 1.1, 0.05]
    se = [0.1, 0.15, 0.2, 0.3, 0.12, 0.4, 0.22, 0.25, 0.5, 0.08]
    # Independent: intercept of y/se on 1/se by normal equations, SE from the residuals.
    x = np.column_stack([np.ones(10), 1 / np.array(se)])
    z = np.array(y) / np.array(se)
    beta, residual, *_ = np.linalg.lstsq(x, z, rcond=None)
    sigma2 = residual[0] / (10 - 2)
    se_intercept = np.sqrt(sigma2 * np.linalg.inv(x.T @ x)[0, 0])
    result = egger_test(y, se)
    assert result.intercept == pytest.approx(beta[0])
    assert result.se == pytest.approx(se_intercept)
    assert result.df == 8
    assert 0 < result.p_value < 1


def test_egger_test_on_points_exactly_on_a_line_gives_no_p_value():
    # y/se = 2 - 0.1/se exactly: no residual variance, so the intercept has no SE.
    result = egger_test([0.2 * s - 0.1 for s in (0.1, 0.2, 0.4)], [0.1, 0.2, 0.4])
    assert result.se == 0.0
    assert result.p_value != result.p_value  # NaN


def test_egger_test_refuses_fewer_than_three_studies():
    with pytest.raises(ValueError):
        egger_test([0.1, 0.2], [0.1, 0.1])


def test_ptsd_page_says_why_there_is_no_funnel_plot(client, seeded):
    page = client.get(reverse("public:synthesis")).content.decode()
    assert (
        "The funnel plot and Egger's test are not shown: they need at least 10 studies and 2"
        in (page.replace("&#x27;", "'"))
    )
    assert 'class="funnel-plot"' not in page


def test_ten_studies_get_a_funnel_plot_with_one_point_each_and_egger(client, db):
    OutcomeFamily.objects.create(
        name="Ten", slug="ten", measures="Scale", metrics=["hedges_g"], direction="higher"
    )
    for i in range(10):
        EffectEstimate.objects.create(
            label=f"Study {i}",
            outcome_measure="Scale",
            comparison="MDMA vs placebo",
            metric="hedges_g",
            value=0.1 * i + (0.05 if i % 3 == 0 else -0.02),
            se=0.1 + 0.03 * i,
            state=State.PUBLISHED,
            verified=True,
            sources="https://example.org/study",
        )
    page = client.get(reverse("public:synthesis"), {"family": "ten"}).content.decode()
    [svg] = re.findall(r'<svg[^>]*class="funnel-plot".*?</svg>', page, re.S)
    circles = [c for c in ET.fromstring(svg).iter(f"{SVG}circle") if c.get("class") == "study"]
    assert len(circles) == 10
    assert "Egger's regression test" in page.replace("&#x27;", "'")
    assert "on 8 degrees of freedom" in page
