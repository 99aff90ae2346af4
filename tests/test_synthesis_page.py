"""The /evidence/ page, its forest plot download and the CSV of the rows it pooled."""

import csv
import html
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import State
from evidence.models import OutcomeFamily, Publication
from tests.factories import add_estimate

PAGE = reverse("public:synthesis")
SVG_URL = reverse("public:forest_svg")
CSV_URL = reverse("public:rows_csv")
SVG = "{http://www.w3.org/2000/svg}"


def text_of(response) -> str:
    """The page's visible text with tags and runs of whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def summary(response) -> str:
    match = re.search(r'<p class="synthesis-summary">(.*?)</p>', response.content.decode(), re.S)
    return html.unescape(match.group(1))


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode(
        "utf-8-sig"
    )  # spreadsheets need the byte-order mark
    return list(csv.reader(io.StringIO(body)))


def new_estimate(**fields):
    values = {
        "label": "New phase 3 trial",
        "value": 0.2,
        "n_treatment": 60,
        "n_control": 60,
        "verified": True,
        "sources": "https://example.org/new-trial",
    }
    return add_estimate(**values | fields)


def test_default_page_answers_the_ptsd_question(client, seeded):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert summary(response) == (
        "Across 2 phase 3 trials (194 participants) the pooled standardised mean difference "
        "(Hedges' g) is 0.79 (95% CI 0.50 to 1.08), favouring MDMA-assisted therapy."
    )
    page = text_of(response)
    assert "Random effects (DerSimonian-Laird)" in page
    assert "Cochran's Q 0.49 on 1 degree of freedom" in page
    assert "Not computed: it needs a random-effects method and at least 3 studies." in page


def test_retracted_analysis_is_listed_as_excluded_with_its_reason(client, seeded):
    page = text_of(client.get(PAGE))
    assert (
        "Pooled phase 2 (Mithoefer 2019) CAPS-IV total severity Cohen's d 0.8 "
        "Its source publication was retracted on 10 August 2024." in page
    )


def test_including_retracted_sources_changes_the_numbers(client, seeded):
    response = client.get(PAGE, {"include_retracted": "1"})
    assert summary(response) == (
        "Across 3 studies (297 participants) the pooled standardised mean difference "
        "(Hedges' g) is 0.79 (95% CI 0.55 to 1.03), favouring MDMA-assisted therapy. "
        "Warning: it includes 1 estimate from a paper retracted on 2024-08-10."
    )
    assert "Published estimates left out" not in text_of(response)
    assert 'name="include_retracted" value="1" checked' in response.content.decode()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("FE", "Fixed effect (inverse variance)"),
        ("pm", "Random effects (Paule-Mandel)"),
        ("DL", "Random effects (DerSimonian-Laird)"),
    ],
)
def test_method_is_chosen_by_query_string(client, seeded, method, name):
    response = client.get(PAGE, {"method": method})
    assert f"Method {name}" in text_of(response)
    assert f'value="{method.upper()}" checked' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            # Issue 15 added REML, so the unknown method here is now "ML".
            {"method": "ML"},
            "The parameter “method” cannot be “ML”. Allowed values: FE, DL, PM, REML.",
        ),
        (
            {"include_retracted": "yes"},
            "The parameter “include_retracted” cannot be “yes”. "
            "Allowed values: 1, true, on, 0, false, off.",
        ),
        ({"phase3_only": "2"}, "The parameter “phase3_only” cannot be “2”."),
        (
            {"family": "nope"},
            "The parameter “family” cannot be “nope”. Allowed values: ptsd-clinician-rated, "
            "functional-impairment-sds, social-anxiety-lsas.",
        ),
        ({"method": ["FE", "DL"]}, "The parameter “method” cannot be “FE, DL”."),
    ],
)
@pytest.mark.parametrize("url", [PAGE, SVG_URL, CSV_URL])
def test_bad_query_string_gives_400_naming_the_parameter(client, seeded, url, query, message):
    response = client.get(url, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_post_is_not_allowed(client, seeded):
    assert client.post(PAGE).status_code == 405


def test_family_with_one_estimate_says_no_pooling(client, seeded):
    response = client.get(PAGE, {"family": "functional-impairment-sds"})
    assert summary(response) == (
        "Only one estimate (MAPP2) is included: no pooling. "
        "Its Hedges' g is 0.40 (95% CI 0.01 to 0.78)."
    )
    assert "not pooled" in text_of(response)


def test_family_with_no_estimates_says_so(client, seeded):
    OutcomeFamily.objects.create(
        name="Alcohol use (AUDIT)", slug="alcohol", measures="AUDIT", metrics=["smd"], order=9
    )
    response = client.get(PAGE, {"family": "alcohol"})
    assert summary(response) == "No published effect estimates belong to this outcome family yet."
    assert "<svg" not in response.content.decode()


def test_page_without_any_family_says_there_is_nothing_to_pool(client, db):
    response = client.get(PAGE)
    assert "No outcome families have been curated yet" in text_of(response)


def test_zero_se_estimate_is_listed_as_excluded_on_the_page(client, seeded):
    new_estimate(label="Broken SE", se=0, state=State.PUBLISHED)
    page = text_of(client.get(PAGE))
    assert "Its standard error is recorded as 0; a standard error must be greater than 0." in page


def test_forest_svg_download_is_wellformed_with_one_row_per_study(client, seeded):
    response = client.get(SVG_URL, {"include_retracted": "true"})
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    studies = [g for g in root.iter(f"{SVG}g") if g.get("class") == "study"]
    diamonds = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "pooled"]
    assert (len(studies), len(diamonds)) == (3, 1)


def test_page_embeds_the_plot_and_links_downloads_with_the_same_options(client, seeded):
    page = client.get(PAGE, {"method": "FE", "phase3_only": "on"}).content.decode()
    # Issue 15 added two more images (cumulative forest, estimate over time): 3 in all,
    # the forest plot once.
    assert page.count('role="img"') == 3
    assert page.count('aria-labelledby="forest-title forest-desc"') == 1
    query = "family=ptsd-clinician-rated&amp;method=FE&amp;phase3_only=1"
    assert f'href="{SVG_URL}?{query}" download' in page
    assert f'href="{CSV_URL}?{query}" download' in page


def test_csv_has_a_header_and_one_line_per_included_study(client, seeded):
    response = client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ptsd-clinician-rated-rows.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:3] == ["study", "trial", "outcome_measure"]
    assert [row[0] for row in rows] == ["MAPP1", "MAPP2"]
    line = dict(zip(header, rows[0], strict=True))
    assert (line["trial"], line["reported_value"], line["estimate"]) == (
        "NCT03537014",
        "0.91",
        "0.902222",
    )
    assert line["weight_percent"] == "45.48"


def test_csv_neutralises_cells_that_a_spreadsheet_would_run(client, seeded):
    new_estimate(label="=HYPERLINK(1)", state=State.PUBLISHED)
    labels = [row[0] for row in csv_rows(client.get(CSV_URL))[1:]]
    assert "'=HYPERLINK(1)" in labels


def test_publishing_a_new_estimate_changes_the_pooled_result_on_the_next_request(client, seeded):
    estimate = new_estimate(state=State.DRAFT)
    before = summary(client.get(PAGE))
    assert before.startswith("Across 2 phase 3 trials")
    estimate.mark_published()
    estimate.save()
    after = summary(client.get(PAGE))
    assert after.startswith("Across 3 studies (314 participants)")
    assert after != before


def test_retracting_a_publication_removes_its_estimate_on_the_next_request(client, seeded):
    assert "MAPP2" in [r[0] for r in csv_rows(client.get(CSV_URL))]
    publication = Publication.objects.get(seed_key="mitchell-2023")
    publication.retraction_status = "retracted"
    publication.save()
    response = client.get(PAGE)
    assert summary(response) == (
        "Only one estimate (MAPP1) is included: no pooling. "
        "Its Hedges' g is 0.90 (95% CI 0.47 to 1.33)."
    )
    assert "MAPP2 CAPS-5 total severity Cohen's d 0.7 Its source publication was retracted" in (
        text_of(response)
    )


def test_page_issues_a_constant_number_of_queries(client, seeded):
    with CaptureQueriesContext(connection) as before:
        client.get(PAGE, {"include_retracted": "1"})
    for i in range(20):
        new_estimate(label=f"Extra {i}", state=State.PUBLISHED)
    with CaptureQueriesContext(connection) as after:
        response = client.get(PAGE, {"include_retracted": "1"})
    assert "Across 23 studies" in summary(response)
    assert len(after) == len(before)


DOWNLOADS = [SVG_URL, CSV_URL, reverse("public:rows_json")]


@pytest.mark.parametrize("url", DOWNLOADS)
def test_each_download_is_not_found_before_any_family_is_curated(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", DOWNLOADS)
def test_each_download_names_a_bad_parameter_and_only_answers_get(client, seeded, url):
    response = client.get(url, {"family": "no-such-family"})
    assert response.status_code == 400
    assert "no-such-family" in text_of(response)
    assert client.post(url).status_code == 405
