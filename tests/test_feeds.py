"""Atom feeds follow a search, a trial's changes, milestones, publications and retractions."""

import xml.etree.ElementTree as ET

import pytest

from editorial.models import State
from tests.factories import make_trial
from trials.models import TrialChange

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_atom(response) -> ET.Element:
    """The feed, after checking what RFC 4287 requires of a feed and of each entry."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text
    feed_has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
        assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        ids.append(entry.find(f"{ATOM}id").text)
        assert ids[-1].startswith("tag:mdma-evidence-tracker,2024:")  # an IRI, as Atom asks
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    return feed


def titles(feed) -> list[str]:
    return [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]


def test_a_search_feed_gives_matching_trials_and_their_registry_changes(client, db):
    norway = make_trial(title="Norwegian trial", countries=("NO",))
    make_trial(title="American trial", countries=("US",))
    make_trial(title="Draft Norwegian trial", countries=("NO",), state=State.DRAFT)
    TrialChange.objects.create(
        trial=norway, field="overall_status", old_value="RECRUITING", new_value="COMPLETED"
    )
    TrialChange.objects.create(trial=norway, field="brief_title", old_value="a", new_value="b")
    feed = parse_atom(client.get("/feeds/trials/?country=NO"))
    found = titles(feed)
    assert f"{norway}: status changed" in found
    assert f"New trial: {norway}" in found
    assert not any("American" in t or "Draft" in t for t in found)
    assert len(found) == 2  # a title edit is not something a follower is told about
    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert summary == "status: Recruiting → Completed"


def test_a_bad_search_feed_is_a_400_naming_the_parameter(client, db):
    response = client.get("/feeds/trials/?phase=PHASE9")
    assert response.status_code == 400
    assert b"phase" in response.content


def test_the_trial_list_links_to_the_feed_of_its_search(client, db):
    make_trial()
    page = client.get("/trials/?country=NO&phase=PHASE3").content.decode()
    assert 'href="/feeds/trials/?country=NO&amp;phase=PHASE3"' in page
    assert "Follow this search" in page


def test_milestone_publication_and_retraction_feeds_are_valid_atom(client, seeded):
    milestones = parse_atom(client.get("/feeds/milestones/"))
    assert len(titles(milestones)) == 23
    publications = parse_atom(client.get("/feeds/publications/"))
    assert len(titles(publications)) == 24
    retractions = titles(parse_atom(client.get("/feeds/retractions/")))
    assert len(retractions) == 3
    assert all(t.startswith("Retracted: ") for t in retractions)


def test_a_trial_changes_feed_lists_its_registry_changes(client, db):
    trial = make_trial()
    TrialChange.objects.create(trial=trial, field="enrollment", old_value="50", new_value="90")
    feed = parse_atom(client.get(f"/feeds/trials/{trial.url_key}/changes/"))
    assert titles(feed) == [f"{trial}: enrollment changed (registry)"]
    assert client.get("/feeds/trials/NCT99999999/changes/").status_code == 404
