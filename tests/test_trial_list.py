"""The trial list page: the sentence describing the filters, facets, sorting, paging, speed."""

import datetime
import html
import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_trial, make_trials_bulk

pytestmark = pytest.mark.django_db


def page_keys(response) -> list[str]:
    return [t.slug for t in response.context["page"].object_list]


def summary(response) -> str:
    text = re.search(r'class="result-summary">(.*?)</h2>', response.content.decode(), re.S)
    return html.unescape(re.sub(r"\s+", " ", text.group(1))).strip()


def test_result_count_and_filters_are_stated_in_words(client, seeded):
    response = client.get(
        "/trials/?phase=PHASE3&condition=Post-Traumatic Stress Disorder&country=US"
    )
    assert summary(response) == (
        "2 trials: Post-Traumatic Stress Disorder, phase 3, in United States"
    )
    assert set(page_keys(response)) == {"mapp1", "mapp2"}


def test_each_active_filter_has_a_link_that_removes_only_it(client, seeded):
    response = client.get("/trials/?phase=PHASE3&country=US&page=1")
    links = re.findall(
        r'<a href="\?([^"]*)" aria-label="Remove filter: ([^"]*)"', response.content.decode()
    )
    removals = {label: parse_qs(html.unescape(query)) for query, label in links}
    assert removals == {"phase 3": {"country": ["US"]}, "in United States": {"phase": ["PHASE3"]}}
    followed = client.get("/trials/?country=US")
    assert summary(followed).startswith(f"{followed.context['count']} trials: in United States")


def test_facet_counts_equal_the_counts_of_the_filtered_lists(client, seeded):
    query = "phase=PHASE2&country=US"
    response = client.get("/trials/?" + query)
    checked = 0
    for facet in response.context["facets"]:
        for option in facet.options:
            params = parse_qs(query)
            params[facet.param] = [option.value]
            listed = client.get("/trials/", params)
            assert listed.context["count"] == option.count, (facet.param, option.value)
            checked += 1
    assert checked > 10


def test_facets_keep_other_phase_counts_under_a_phase_selection(client, seeded):
    response = client.get("/trials/?phase=PHASE3")
    phases = {
        o.value: o for f in response.context["facets"] if f.param == "phase" for o in f.options
    }
    assert phases["PHASE3"].selected and phases["PHASE3"].count == 3
    assert phases["PHASE2"].count > 0 and not phases["PHASE2"].selected
    assert "each option counts the trials it would give with your other filters kept" in (
        response.content.decode()
    )


def test_sort_by_enrollment_puts_the_largest_first(client, seeded):
    trials = client.get("/trials/?sort=-enrollment&page_size=100").context["page"].object_list
    sizes = [t.enrollment for t in trials if t.enrollment is not None]
    assert sizes == sorted(sizes, reverse=True)
    assert all(t.enrollment is None for t in trials[len(sizes) :])


def test_sort_by_start_both_ways(client, seeded):
    newest = [
        t.start_date for t in client.get("/trials/?sort=-start&page_size=100").context["page"]
    ]
    oldest = [t.start_date for t in client.get("/trials/?sort=start&page_size=100").context["page"]]
    dated_new = [d for d in newest if d]
    dated_old = [d for d in oldest if d]
    assert dated_new == sorted(dated_new, reverse=True)
    assert dated_old == sorted(dated_old)


def test_sort_by_title_and_by_last_update(client, db):
    make_trial(slug="b", title="Beta", last_update_posted=datetime.date(2024, 1, 1))
    make_trial(slug="a", title="Alpha", last_update_posted=datetime.date(2022, 1, 1))
    make_trial(slug="c", title="Gamma", last_update_posted=datetime.date(2025, 1, 1))
    assert page_keys(client.get("/trials/?sort=title")) == ["a", "b", "c"]
    assert page_keys(client.get("/trials/?sort=-updated")) == ["c", "b", "a"]


def test_relevance_puts_the_best_match_first_on_postgresql(client, db, is_postgres):
    make_trial(slug="once", title="MDMA for anxiety", summary="A study.")
    make_trial(slug="often", title="MDMA for anxiety", summary="Anxiety, anxiety and anxiety.")
    response = client.get("/trials/?q=anxiety&sort=relevance")
    assert set(page_keys(response)) == {"once", "often"}
    if is_postgres:
        assert page_keys(response) == ["often", "once"]


def test_pagination_is_stable_across_pages(client, db):
    for i in range(7):
        # Equal start dates: the order must still be total, so pages never overlap.
        make_trial(slug=f"t{i}", start_date=datetime.date(2020, 1, 1))
    pages = [page_keys(client.get(f"/trials/?page_size=3&page={n}")) for n in (1, 2, 3)]
    flat = [k for page in pages for k in page]
    assert len(flat) == 7 and len(set(flat)) == 7
    assert pages == [page_keys(client.get(f"/trials/?page_size=3&page={n}")) for n in (1, 2, 3)]


def test_next_page_link_keeps_the_filters(client, db):
    for i in range(3):
        make_trial(slug=f"p{i}", phases=("PHASE3",))
    make_trial(slug="other", phases=("PHASE2",))
    content = client.get("/trials/?phase=PHASE3&page_size=2").content.decode()
    link = parse_qs(html.unescape(re.search(r'<a href="\?([^"]*)" rel="next"', content).group(1)))
    # `after` says where this page ended (public/keyset.py): the next page reads on from it.
    assert link.pop("after")
    assert link == {"phase": ["PHASE3"], "page_size": ["2"], "page": ["2"]}


def test_unverified_trials_carry_a_badge(client, seeded):
    content = client.get("/trials/?q=MP-1&page_size=100").content.decode()
    assert "badge-unverified" in content


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_page_query_count_does_not_grow_with_the_number_of_trials(client, db):
    make_trials_bulk(10)
    url = "/trials/?page_size=100&phase=PHASE2&phase=PHASE3&country=US"
    with_ten = queries_for(client, url)
    make_trials_bulk(90)
    with_hundred = queries_for(client, url)
    assert with_ten == with_hundred
    # count, facets (one query), phase labels, rows, phases, conditions, sites, arms
    assert with_hundred <= 8
    # The same filters again: the count and the facets come from the shared cache.
    assert queries_for(client, url) <= 5
