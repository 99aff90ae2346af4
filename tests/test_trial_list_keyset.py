"""Next links read on from where their page ended (public/keyset.py), in every order."""

import base64
import datetime
import html
import json
import re
from urllib.parse import parse_qs

import pytest

from editorial.models import State
from public.filters import TrialFilter
from public.keyset import KEYSET_FIELDS
from tests.factories import make_trial
from trials.models import Trial

pytestmark = pytest.mark.django_db
NEXT = re.compile(r'<a href="\?([^"]*)" rel="next"')


def next_link(response) -> str | None:
    found = NEXT.search(response.content.decode())
    return html.unescape(found.group(1)) if found else None


def walk(client, query: str) -> tuple[list[str], list[str]]:
    """Follow Next links from page 1; every trial seen, in order, and the links followed."""
    seen, links, url = [], [], f"/trials/?{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += [t.slug for t in response.context["page"].object_list]
        link = next_link(response)
        links += [link] if link else []
        url = f"/trials/?{link}" if link else None
    return seen, links


@pytest.fixture
def ties():
    """Trials that tie on every sort value, and trials with unknown values (sorted last)."""
    day = datetime.date(2020, 5, 1)
    for n in range(5):
        make_trial(slug=f"tie{n}", title="Same title", start_date=day, enrollment=40)
    for n in range(3):
        make_trial(slug=f"none{n}", title=f"Unknown {n}", start_date=None, enrollment=None)
    for n in range(4):
        make_trial(slug=f"own{n}", start_date=datetime.date(2010 + n, 1, 1), enrollment=10 * n)
    Trial.objects.filter(slug__startswith="none").update(last_update_posted=None)


@pytest.mark.parametrize("sort", sorted(KEYSET_FIELDS))
def test_following_next_links_lists_every_trial_once_in_the_pages_order(client, ties, sort):
    every = list(
        TrialFilter({"sort": sort}, queryset=Trial.objects.published())
        .sorted_qs()
        .values_list("slug", flat=True)
    )
    seen, links = walk(client, f"sort={sort}&page_size=2")
    assert seen == every and len(every) == 12
    assert all("after" in parse_qs(link) for link in links)


def test_a_trial_published_meanwhile_is_neither_repeated_nor_skips_one(client, ties):
    first = client.get("/trials/?sort=-start&page_size=3")
    shown = [t.slug for t in first.context["page"].object_list]
    # Newest start date: it sorts onto page 1, pushing every later row one place on.
    make_trial(slug="newest", start_date=datetime.date(2030, 1, 1), state=State.PUBLISHED)
    second = client.get(f"/trials/?{next_link(first)}")
    following = [t.slug for t in second.context["page"].object_list]
    every = list(
        TrialFilter({"sort": "-start"}, queryset=Trial.objects.published())
        .sorted_qs()
        .exclude(slug="newest")
        .values_list("slug", flat=True)
    )
    assert shown + following == every[:6]


def test_a_page_asked_for_by_number_still_reads_by_offset(client, ties):
    by_number = client.get("/trials/?sort=title&page_size=2&page=3")
    assert by_number.status_code == 200
    every = list(
        TrialFilter({"sort": "title"}, queryset=Trial.objects.published())
        .sorted_qs()
        .values_list("slug", flat=True)
    )
    assert [t.slug for t in by_number.context["page"].object_list] == every[4:6]


def cursor(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "page=2&after=not-a-cursor",
        "page=2&after=%F0%9F%A7%AA",
        f"page=2&after={cursor('start', 1, '2020-05-01', 1)}",  # another order
        f"page=3&after={cursor('-start', 1, '2020-05-01', 1)}",  # another page
        f"page=2&after={cursor('-start', 1, '2020-99-01', 1)}",
        f"page=2&after={cursor('-enrollment', 1, 'forty', 1)}&sort=-enrollment",
        f"page=2&after={cursor('-start', 1, None, -1)}",
        f"page=2&after={cursor('-start', 1, None, True)}",
        f"page=2&after={cursor('title', 1, None, 1)}&sort=title",
        f"page=2&after={cursor('relevance', 1, None, 1)}&q=PTSD&sort=relevance",
        f"page=2&after={cursor('-start', 1)}",
        f"page=2&after={base64.urlsafe_b64encode(b'{}').decode()}",
    ],
)
def test_a_position_this_site_did_not_give_out_answers_400_naming_it(client, ties, query):
    response = client.get(f"/trials/?page_size=2&{query}")
    assert response.status_code == 400
    assert "after" in response.content.decode()


def test_other_links_on_a_keyset_page_do_not_carry_its_position(client, ties):
    page2 = client.get(f"/trials/?{next_link(client.get('/trials/?page_size=2&country=US'))}")
    content = html.unescape(page2.content.decode())
    previous = re.search(r'<a href="\?([^"]*)" rel="prev"', content).group(1)
    assert "after" not in parse_qs(previous) and parse_qs(previous)["page"] == ["1"]
    # Removing a filter, exporting and page numbers start afresh: only Next reads on.
    links = re.findall(r'<a href="\?([^"]*)"( rel="next")?', content)
    assert len(links) > 3
    assert all(("after" in parse_qs(query)) == bool(rel) for query, rel in links)
