"""Bad query parameters on public pages: a clear message about which one, never a 500."""

import pytest

from evidence.models import Publication
from trials.models import Trial

pytestmark = pytest.mark.django_db

BAD_TRIAL_QUERIES = [
    ("status=FINISHED", "status", "is not a value ClinicalTrials.gov uses"),
    ("phase=PHASE9", "phase", "is not a value ClinicalTrials.gov uses"),
    ("country=XX", "country", "is not a value ClinicalTrials.gov uses"),
    ("min_enrollment=lots", "min_enrollment", "Enter a whole number"),
    ("max_enrollment=-5", "max_enrollment", "greater than or equal to 0"),
    ("min_dose_mg=abc", "min_dose_mg", "Enter a number"),
    ("q=" + "x" * 5000, "q", "The search is too long: at most 500 characters"),
    ("sort=;DROP TABLE trials_trial", "sort", "Select a valid choice"),
    ("start_after=2020-13-45", "start_after", "is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("start_before=yesterday", "start_before", "is not a date"),
    ("has_results=maybe", "has_results", "Select a valid choice"),
    ("page_size=1000", "page_size", "at most 100 trials fit on a page"),
    ("page=abc", "page", "is not a whole number"),
    ("format=xlsx", "format", "is not an export format"),
]


@pytest.mark.parametrize(("query", "param", "message"), BAD_TRIAL_QUERIES)
def test_bad_trial_list_parameter_is_named_with_the_reason(client, seeded, query, param, message):
    response = client.get("/trials/?" + query)
    assert response.status_code == 400
    content = response.content.decode()
    assert f"<code>{param}</code>" in content
    assert message in content


def test_page_past_the_end_says_so_and_links_to_the_last_page(client, seeded):
    response = client.get("/trials/?page=999999&phase=PHASE3")
    assert response.status_code == 404
    content = response.content.decode()
    assert "There is no page 999999: these filters give 1 page(s)." in content
    assert "page=1" in content and "phase=PHASE3" in content


def test_several_bad_parameters_are_all_reported(client, seeded):
    content = client.get("/trials/?status=X&min_enrollment=y&sort=z").content.decode()
    for param in ("status", "min_enrollment", "sort"):
        assert f"<code>{param}</code>" in content


def test_bad_input_changes_nothing(client, seeded):
    before = (Trial.objects.count(), Publication.objects.count())
    for query, _, _ in BAD_TRIAL_QUERIES:
        client.get("/trials/?" + query)
    assert (Trial.objects.count(), Publication.objects.count()) == before


def test_user_text_in_messages_is_escaped(client, seeded):
    content = client.get("/trials/?status=<script>alert(1)</script>").content.decode()
    assert "<script>" not in content.lower()
    assert "&lt;script&gt;" in content.lower()


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/milestones/?kind=coronation", "kind"),
        ("/milestones/?agency=Ministry of Magic", "agency"),
        ("/milestones/?jurisdiction=ZZ", "jurisdiction"),
        ("/publications/?kind=novel", "kind"),
        ("/publications/?retraction=maybe", "retraction"),
        ("/evidence/?method=guess", "method"),
        ("/safety/adverse-events/?seriousness=mild", "seriousness"),
    ],
)
def test_every_public_page_names_a_bad_parameter_on_the_same_page(client, seeded, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert "We could not use this search" in response.content.decode()
    assert f"<code>{param}</code>" in response.content.decode()


def test_the_way_back_keeps_the_good_parameters(client, seeded):
    response = client.get("/evidence/?method=guess&ci=hk")
    assert response.status_code == 400
    assert 'href="/evidence/?ci=hk"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/trials/NCT99999999/",
        "/trials/no-such-trial/",
        "/milestones/999999/",
        "/publications/999999/",
    ],
)
def test_unknown_records_are_404(client, seeded, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/", "/trials/", "/trials/NCT03537014/", "/milestones/", "/publications/"]
)
def test_public_pages_refuse_writes(client, seeded, url):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url).status_code == 405
