"""Whole pages come from the versioned shared cache, and never outlive a write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import workflow
from editorial.models import State
from tests.factories import make_trial

# The rest of the suite reads each response's template context, which a stored page
# does not have; here the cache is on, as in production.
pytestmark = pytest.mark.usefixtures("page_cache")


def test_a_page_asked_again_is_served_without_touching_the_database(client, db):
    make_trial(title="Cached trial of MDMA-assisted therapy")
    first = client.get("/trials/?phase=PHASE2")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/trials/?phase=PHASE2")
    assert len(queries) == 0
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_a_publish_shows_on_the_cached_list_and_overview_at_once(client, lead_editor):
    make_trial(title="Already public trial")
    draft = make_trial(title="Newly published trial", state=State.IN_REVIEW)
    for url in ("/trials/", "/"):
        client.get(url)
    assert "Newly published trial" not in client.get("/trials/").content.decode()

    workflow.publish(draft, lead_editor)

    assert "Newly published trial" in client.get("/trials/").content.decode()
    assert client.get("/").context["trial_total"] == 2


def test_an_edit_to_a_published_trial_shows_at_once(client, db):
    trial = make_trial(title="Old title of the trial")
    assert "Old title of the trial" in client.get("/trials/").content.decode()
    trial.brief_title = "New title of the trial"
    trial.save()
    page = client.get("/trials/").content.decode()
    assert "New title of the trial" in page
    assert "Old title of the trial" not in page


def test_bad_requests_and_exports_are_never_stored(client, db):
    make_trial()
    assert client.get("/trials/?page=abc").status_code == 400
    again = client.get("/trials/?page=abc")
    assert again.status_code == 400
    assert again.context is not None  # rendered afresh, not a stored page
    export = client.get("/trials/?format=csv")
    assert export.streaming
    again = client.get("/trials/?format=csv")
    assert again.streaming
    assert b"".join(again.streaming_content) == b"".join(export.streaming_content)


def test_each_host_gets_its_own_copy(client, db, settings):
    settings.ALLOWED_HOSTS = ["a.example.org", "b.example.org"]
    make_trial()
    client.get("/", HTTP_HOST="a.example.org")
    assert client.get("/", HTTP_HOST="b.example.org").context is not None


def test_a_withdrawn_trial_leaves_the_cached_pages_at_once(client, lead_editor):
    make_trial(title="Trial that stays")
    gone = make_trial(title="Trial registered twice")
    for url in ("/trials/", "/"):
        assert "Trial registered twice" in client.get("/trials/").content.decode()
        client.get(url)
    workflow.withdraw(gone, lead_editor, "Registered twice.")
    assert "Trial registered twice" not in client.get("/trials/").content.decode()
    assert client.get("/").context["trial_total"] == 1


def test_a_trial_page_is_stored_and_follows_an_edit(client, db):
    trial = make_trial(title="Trial page before the edit")
    url = trial.get_absolute_url()
    assert "Trial page before the edit" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0
    trial.brief_title = "Trial page after the edit"
    trial.save()
    assert "Trial page after the edit" in client.get(url).content.decode()
