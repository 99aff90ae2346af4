"""The publication list: search, kind, year and retraction filters; authors as cited."""

import pytest

from evidence.models import Publication

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[int]:
    response = client.get("/publications/", params)
    assert response.status_code == 200
    return {p.pk for p in response.context["publications"]}


def test_search_finds_papers_by_author_title_journal_or_doi(client, seeded):
    mitchell = Publication.objects.published().filter(first_author__icontains="Mitchell")
    assert mitchell.exists()
    assert set(mitchell.values_list("pk", flat=True)) <= listed(client, q="mitchell")
    paper = Publication.objects.published().exclude(doi=None).first()
    assert listed(client, q=paper.doi) == {paper.pk}
    assert listed(client, q="zzzz-no-such-paper") == set()


def test_year_bounds_keep_only_papers_published_between_them(client, seeded):
    found = listed(client, year_from="2021", year_to="2023")
    years = set(Publication.objects.filter(pk__in=found).values_list("year", flat=True))
    assert found and years <= {2021, 2022, 2023}
    expected = Publication.objects.published().filter(year__gte=2021, year__lte=2023)
    assert found == set(expected.values_list("pk", flat=True))


def test_kind_and_retraction_filters_combine(client, seeded):
    found = listed(client, retraction="retracted")
    assert found == set(Publication.objects.published().retracted().values_list("pk", flat=True))
    assert len(found) == 3


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("year_from=20x1", "year_from"),
        ("year_to=%C2%B2", "year_to"),
        ("year_from=1066", "year_from"),
        ("kind=novel", "kind"),
        ("retraction=maybe", "retraction"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_a_bad_parameter_is_named_in_a_400(client, seeded, query, parameter):
    response = client.get(f"/publications/?{query}")
    assert response.status_code == 400
    assert f"<code>{parameter}</code>" in response.content.decode()


def test_lists_show_three_authors_then_et_al_and_the_page_shows_all(client, seeded):
    paper = Publication.objects.published().get(first_author__icontains="Mitchell", year=2021)
    html = client.get("/publications/", {"q": "Mitchell"}).content.decode()
    assert "Mitchell JM, Bogenschutz M, Lilienstein A et al." in html
    detail = client.get(paper.get_absolute_url()).content.decode()
    assert paper.authors in detail
