"""Publications: list and detail, with retractions and unverified facts made plain."""

import re

import pytest

from editorial.models import State
from evidence.models import Publication

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_list_shows_published_publications_with_retraction_badges(client, seeded):
    response = client.get("/publications/")
    assert len(response.context["publications"]) == 24
    assert response.content.decode().count('class="badge badge-retracted">retracted') == 3


def test_filter_retracted_gives_the_three_retracted_papers(client, seeded):
    response = client.get("/publications/?retraction=retracted")
    keys = {p.seed_key for p in response.context["publications"]}
    assert keys == {"mithoefer-2019", "jerome-2020", "feduccia-2021-taper"}


def test_filter_by_kind(client, seeded):
    response = client.get("/publications/?kind=meta_analysis")
    assert {p.kind for p in response.context["publications"]} == {"meta_analysis"}


def test_retracted_paper_page_has_a_banner(client, seeded):
    paper = Publication.objects.get(seed_key="mithoefer-2019")
    page = text(client.get(paper.get_absolute_url()))
    assert "Retracted" in page
    assert "should not be relied on" in page


def test_unverified_publication_says_so(client, seeded):
    paper = Publication.objects.get(seed_key="oehen-2013")
    page = text(client.get(paper.get_absolute_url()))
    assert "unverified" in page
    if paper.unverified_note:
        assert paper.unverified_note in page


def test_publication_page_links_its_trials_and_doi(client, seeded):
    paper = Publication.objects.get(seed_key="mitchell-2021")
    content = client.get(paper.get_absolute_url()).content.decode()
    assert f'href="https://doi.org/{paper.doi}"' in content
    assert 'href="/trials/NCT03537014/"' in content


def test_unpublished_publications_are_hidden(client, seeded):
    paper = Publication.objects.get(seed_key="mitchell-2021")
    paper.state = State.IN_REVIEW
    paper.save()
    assert client.get(paper.get_absolute_url()).status_code == 404
    listed = {p.seed_key for p in client.get("/publications/").context["publications"]}
    assert "mitchell-2021" not in listed


def test_withdrawn_publication_explains(client, seeded):
    paper = Publication.objects.get(seed_key="mitchell-2021")
    paper.mark_withdrawn("it was entered twice")
    paper.save()
    response = client.get(paper.get_absolute_url())
    assert response.status_code == 410
    assert "because it was entered twice" in text(response)
