"""Hostile input never reaches the database raw: NUL and control characters, Unicode
digits, exports that fail before their headers, spreadsheet formulas. Run on SQLite
and PostgreSQL (NUL in text only breaks PostgreSQL)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public.exports import neutralise
from public.filters import TrialFilter
from trials.models import Trial

pytestmark = pytest.mark.django_db

NUL_QUERIES = [
    ("/trials/?condition=%00", "condition"),
    ("/trials/?sponsor=a%00", "sponsor"),
    ("/trials/?intervention=%00", "intervention"),
    ("/trials/?q=MDMA%00", "q"),
    ("/trials/?condition=%00&format=csv", "condition"),
    ("/trials/?sponsor=a%00&format=json", "sponsor"),
    ("/trials/?status=%1b", "status"),
    ("/milestones/?agency=FDA%00", "agency"),
    ("/publications/?kind=%00", "kind"),
    ("/evidence/?family=%00", "family"),
    ("/evidence/rows.csv?method=DL%0d%0a", "method"),
    ("/evidence/forest.svg?rct_only=%7f", "rct_only"),
]


@pytest.mark.parametrize(("url", "param"), NUL_QUERIES)
def test_control_characters_in_a_parameter_answer_400_naming_it(client, seeded, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert f"<code>{param}</code>" in content
    assert "contains a control character" in content


def test_a_control_character_in_a_parameter_name_is_shown_escaped(client, seeded):
    content = client.get("/trials/?a%00b=1").content.decode()
    assert "<code>a\\x00b</code>" in content


@pytest.mark.parametrize(
    "url", ["/trials/%00/", "/trials/NCT03537014%00/", "/milestones/%00/", "/publications/1%00/"]
)
def test_a_url_key_with_nul_answers_404(client, seeded, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("value", ["%C2%B2", "³", "①", "١٢", "１"])
@pytest.mark.parametrize("param", ["page", "page_size"])
def test_unicode_digits_in_page_numbers_answer_400(client, seeded, param, value):
    response = client.get(f"/trials/?{param}={value}")
    assert response.status_code == 400
    assert f"<code>{param}</code>" in response.content.decode()


NUMBER_PARAMS = ["min_enrollment", "max_enrollment", "min_dose_mg", "max_dose_mg"]


@pytest.mark.parametrize("param", NUMBER_PARAMS)
def test_numbers_in_filters_are_ascii_digits_only(client, seeded, param):
    response = client.get(f"/trials/?{param}=١٢")
    assert response.status_code == 400
    assert f"<code>{param}</code>" in response.content.decode()
    assert client.get(f"/trials/?{param}=12").status_code == 200


def test_the_filter_itself_refuses_nul_in_every_text_field(seeded):
    for name in ("q", "condition", "sponsor", "intervention"):
        filterset = TrialFilter({name: "a\x00b"}, queryset=Trial.objects.all())
        assert name in filterset.clean_errors()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_runs_its_first_query_before_sending_headers(client, seeded, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/trials/?format={fmt}&phase=PHASE3")
    assert response.status_code == 200 and response.streaming
    # The trials were read while the view ran, not later while streaming the body.
    assert any('"trials_trial"' in q["sql"] for q in queries.captured_queries)
    body = b"".join(response.streaming_content).decode()
    assert "NCT03537014" in body


def test_the_synthesis_csv_reads_its_rows_before_sending_headers(client, seeded):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/evidence/rows.csv")
    count = len(queries)
    b"".join(response.streaming_content)
    assert count > 0 and response.status_code == 200


@pytest.mark.parametrize(
    "value",
    [" =1+2", "  +cmd", "\t=SUM(A1)", "\r@x", " -2+3", "\n=1", "=HYPERLINK()", "@SUM(1)"],
)
def test_csv_neutralises_formulas_behind_leading_whitespace(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["MDMA", "3,4-methylenedioxy", "a = b", "", "Phase 2 - open"])
def test_csv_leaves_ordinary_text_alone(value):
    assert neutralise(value) == value


def test_a_registry_title_with_a_hidden_formula_is_neutralised_in_the_export(client, seeded):
    Trial.objects.filter(nct_id="NCT03537014").update(brief_title=' =HYPERLINK("x")')
    body = b"".join(client.get("/trials/?format=csv").streaming_content).decode()
    rows = {r["nct_id"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert rows["NCT03537014"]["brief_title"] == '\' =HYPERLINK("x")'
