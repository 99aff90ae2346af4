"""HTTP manners of /api/v1/: conditional GET, CORS, throttling, pagination, problem details."""

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import State
from tests.factories import make_trial, make_trials_bulk
from tests.test_public_bad_input import BAD_TRIAL_QUERIES
from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_an_unchanged_list_answers_304_to_its_etag(client, seeded):
    first = client.get("/api/v1/trials/?phase=PHASE3")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/trials/?phase=PHASE3", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/trials/?phase=PHASE2", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


def test_a_detail_answers_304_until_the_record_changes(client, db):
    trial = make_trial()
    url = f"/api/v1/trials/{trial.url_key}/"
    first = client.get(url)
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    trial.enrollment = 99
    trial.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["enrollment"] == 99


def test_any_origin_may_read_but_not_write(client, db):
    response = client.get("/api/v1/trials/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/trials/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    post = client.post("/api/v1/trials/", {})
    assert post.status_code == 405 and post["Content-Type"] == "application/problem+json"
    page = client.get("/trials/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page  # only the open-data addresses


def test_too_many_requests_get_429_with_retry_after(client, db, settings):
    settings.API_ANON_RATE = "3/min"
    statuses = [client.get("/api/v1/families/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/families/")
    assert int(limited["Retry-After"]) > 0
    assert limited["Content-Type"] == "application/problem+json"
    assert limited.json()["status"] == 429


def test_cursor_pages_walk_the_whole_list_once(client, db):
    make_trials_bulk(25)
    seen, url, pages = [], "/api/v1/trials/?page_size=10&sort=title", 0
    while url:
        response = client.get(url)
        body = response.json()
        seen += [t["key"] for t in body["results"]]
        pages += 1
        if body["next"]:
            assert f'<{body["next"]}>; rel="next"' in response["Link"]
        url = body["next"]
    assert pages == 3 and len(seen) == len(set(seen)) == 25 == body["count"]
    back = client.get(body["previous"]).json()
    assert [t["key"] for t in back["results"]] == seen[10:20]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page_size=1001", "page_size"),
        ("page_size=0", "page_size"),
        ("cursor=xyz", "cursor"),
        # Digits to str.isdigit(), not to int(): found by the fuzzer on the estimates list.
        ("page_size=%C2%B2", "page_size"),
        ("cursor=cMKy", "cursor"),  # "p²"
    ],
)
@pytest.mark.parametrize("endpoint", ["trials", "estimates"])
def test_bad_paging_is_a_400_naming_the_parameter(client, db, endpoint, query, parameter):
    response = client.get(f"/api/v1/{endpoint}/?{query}")
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid_params"]] == [parameter]


def test_a_nul_character_is_a_400_not_a_database_error(client, db):
    response = client.get("/api/v1/trials/?q=a%00b")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "q"


def test_a_withdrawn_trial_is_gone_with_its_reason(client, db):
    trial = make_trial(state=State.WITHDRAWN, withdrawn_reason="duplicate record")
    response = client.get(f"/api/v1/trials/{trial.url_key}/")
    assert response.status_code == 410
    assert "duplicate record" in response.json()["detail"]
    assert client.get("/api/v1/trials/NCT00000001/").status_code == 404
    unknown = client.get("/api/v1/nothing-here/")
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/problem+json"


def test_the_list_costs_the_same_queries_for_10_or_40_trials(client, db):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/trials/?page_size=1000").status_code == 200
        return len(captured)

    make_trials_bulk(10)
    ten = queries()
    make_trials_bulk(30)
    assert queries() == ten


def test_the_list_and_a_detail_cost_at_most_8_queries_on_a_cold_cache(client, db):
    make_trials_bulk(30)
    # SQLite probes its JSON support once per connection (three statements): not ours.
    assert connection.features.supports_json_field
    for url in ("/api/v1/trials/", f"/api/v1/trials/{Trial.objects.first().url_key}/"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert len(captured) <= 8, url


def test_the_schema_is_openapi_3_and_the_docs_page_needs_no_cdn(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/trials/", "/api/v1/syntheses/{slug}/", "/api/v1/import-runs/"):
        assert path in schema["paths"]
    as_json = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert as_json.json()["openapi"] == schema["openapi"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [bad for bad in BAD_TRIAL_QUERIES if bad[1] not in {"page", "page_size", "format"}],
)
def test_the_api_refuses_what_the_trial_page_refuses(client, db, query, param, message):
    response = client.get(f"/api/v1/trials/?{query}")
    assert response.status_code == 400
    (invalid,) = response.json()["invalid_params"]
    assert invalid["name"] == param and message in invalid["reason"]
