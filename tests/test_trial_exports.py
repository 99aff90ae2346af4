"""CSV and JSON exports of the filtered, sorted trial list."""

import csv
import io
import json

import pytest

from tests.factories import make_trial, make_trials_bulk

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.streaming, "exports must stream"
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff"), "a byte-order mark tells spreadsheets the file is UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def listed(client, query) -> list[str]:
    return [t.url_key for t in client.get(f"/trials/?{query}&page_size=100").context["page"]]


def test_csv_contains_exactly_the_filtered_rows_in_order(client, seeded):
    query = "phase=PHASE2&sort=-enrollment"
    response = client.get(f"/trials/?{query}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["url_key"] for r in rows] == listed(client, query)
    assert all("PHASE2" in r["phases"] for r in rows)


def test_json_contains_exactly_the_filtered_rows_in_order(client, seeded):
    query = "country=NO&sort=title"
    data = json.loads(body(client.get(f"/trials/?{query}&format=json")))
    assert [t["url_key"] for t in data["trials"]] == listed(client, query)
    assert {t["url_key"] for t in data["trials"]} == {"NCT04030169", "ostfold-mdd"}
    assert data["query"] == query


def test_export_ignores_pagination_and_includes_every_match(client, db):
    make_trials_bulk(130)
    rows = csv_rows(client.get("/trials/?page_size=10&page=2&format=csv"))
    assert len(rows) == 130


def test_csv_neutralises_formula_like_registry_text(client, db):
    make_trial(title='=HYPERLINK("http://evil.example","click")', acronym="@SUM(A1)")
    row = csv_rows(client.get("/trials/?format=csv"))[0]
    assert row["brief_title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["acronym"] == "'@SUM(A1)"


def test_csv_keeps_partial_dates_at_their_precision(client, seeded):
    rows = {r["url_key"]: r for r in csv_rows(client.get("/trials/?format=csv&page_size=100"))}
    assert rows["NCT01793610"]["start_date"] == "2012-10"
    assert rows["NCT01793610"]["primary_completion_date"] == "2017-02"
    assert rows["NCT03537014"]["start_date"] == "2018-11-29"
    assert "NO" in rows["NCT04030169"]["countries"].split("; ")


def test_export_of_a_bad_query_is_refused_like_the_page(client, seeded):
    response = client.get("/trials/?status=NOPE&format=csv")
    assert response.status_code == 400
    assert "status" in response.content.decode()


def test_export_sorted_by_relevance_keeps_the_page_order(client, db):
    make_trial(slug="once", title="MDMA for anxiety", summary="A study.")
    make_trial(slug="often", title="MDMA for anxiety", summary="Anxiety, anxiety and anxiety.")
    make_trial(slug="none", title="MDMA for PTSD")
    query = "q=anxiety&sort=relevance"
    data = json.loads(body(client.get(f"/trials/?{query}&format=json")))
    assert [t["url_key"] for t in data["trials"]] == listed(client, query)
    assert len(data["trials"]) == 2
