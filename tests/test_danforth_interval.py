"""Danforth 2018 (d = 1.4, 95% CI -0.074 to 2.874) keeps an interval that includes no effect.

Its reported CI gives the SE; the d -> g correction (J = 36/39 for 8 + 4
participants) scales the estimate and the SE alike, so every page shows
g 1.29 (95% CI -0.07 to 2.65), not the 0.07 to 2.51 the group sizes would give.
"""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

LSAS = {"family": "social-anxiety-lsas"}
SHOWN = "Hedges' g is 1.29 (95% CI -0.07 to 2.65)"
G = 1.4 * 36 / 39
SE = G / 1.4 * 2.948 / (2 * 1.959964)


def text_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.mark.django_db
def test_the_lsas_synthesis_page_shows_the_interval_crossing_zero(client, seeded):
    page = text_of(client.get(reverse("public:synthesis"), LSAS))
    assert f"Its {SHOWN}." in page
    assert "1.29 (-0.07 to 2.65)" in page
    assert "SE from the reported 95% CI" in page
    assert "0.07 to 2.51" not in page


@pytest.mark.django_db
def test_the_autism_trial_page_shows_the_interval_crossing_zero(client, seeded):
    page = text_of(client.get(reverse("public:trial", args=["NCT02008396"])))
    assert (
        "this trial's Hedges' g is 1.29 (95% CI -0.07 to 2.65; SE from the reported 95% CI)" in page
    )
    assert "Cohen's d 1.4 (95% CI -0.074 to 2.874)" in page


@pytest.mark.django_db
def test_the_overview_shows_the_interval_crossing_zero(client, seeded):
    page = text_of(client.get(reverse("public:overview")))
    expected = "Only one estimate (Autism social anxiety) is included: no pooling."
    assert f"Social anxiety (LSAS) : {expected} Its {SHOWN}." in page


@pytest.mark.django_db
def test_rows_csv_gives_the_danforth_numbers_and_their_se_basis(client, seeded):
    response = client.get(reverse("public:rows_csv"), LSAS)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    line = dict(zip(header, row, strict=True))
    assert (line["reported_value"], line["reported_ci_low"], line["reported_ci_high"]) == (
        "1.4",
        "-0.074",
        "2.874",
    )
    assert float(line["estimate"]) == pytest.approx(G, abs=1e-5)
    assert float(line["se"]) == pytest.approx(SE, abs=1e-5)
    assert float(line["ci_low"]) == pytest.approx(-0.06831, abs=1e-5)
    assert float(line["ci_high"]) == pytest.approx(2.65292, abs=1e-5)
    assert line["se_basis"] == "SE from the reported 95% CI"
