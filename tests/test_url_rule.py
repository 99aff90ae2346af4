"""Only http(s) addresses are stored as links, whoever writes them, and only they become hrefs."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.urls import reverse

from editorial.models import is_http_url
from evidence.models import Publication

BAD = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "//evil.example"]


def paper(**fields) -> Publication:
    values = {"title": "A paper", "kind": "trial_report", "sources": "https://example.org/p"}
    return Publication(**(values | fields))


@pytest.mark.parametrize("value", BAD + ["ftp://example.org/file", "/relative/path"])
def test_only_http_and_https_urls_pass(value):
    assert not is_http_url(value)


@pytest.mark.parametrize("value", ["https://doi.org/10.1/x", "http://example.org/a?b=c"])
def test_http_and_https_urls_pass(value):
    assert is_http_url(value)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["url", "retraction_url"])
@pytest.mark.parametrize("value", BAD)
def test_saving_through_the_orm_refuses_a_non_http_url(field, value):
    with pytest.raises(ValidationError) as error:
        paper(**{field: value}).save()
    assert field in error.value.message_dict
    assert not Publication.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["url", "retraction_url"])
def test_full_clean_refuses_a_non_http_url_for_the_admin_and_the_seed(field):
    with pytest.raises(ValidationError) as error:
        paper(**{field: "javascript:alert(1)"}).full_clean()
    assert field in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["url", "retraction_url"])
def test_the_database_refuses_a_non_http_url_from_a_bulk_update(field):
    record = paper(url="https://example.org/ok")
    record.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=record.pk).update(**{field: "javascript:alert(1)"})
    record.refresh_from_db()
    assert record.url == "https://example.org/ok"


def test_the_template_filter_turns_only_http_urls_into_hrefs():
    template = Template("{% load links %}[{{ value|http_href }}]")
    assert template.render(Context({"value": "javascript:alert(1)"})) == "[]"
    assert template.render(Context({"value": " https://example.org/a "})) == (
        "[https://example.org/a]"
    )


@pytest.mark.django_db
def test_a_publication_page_links_only_its_http_addresses(client):
    record = paper(
        url="https://example.org/paper",
        retraction_url="https://example.org/notice",
        retraction_status="retracted",
        sources="https://example.org/source\njavascript-is-not-a-source",
        state="published",
    )
    record.save()
    page = client.get(reverse("public:publication", args=[record.pk])).content.decode()
    assert 'href="https://example.org/paper"' in page
    assert 'href="https://example.org/notice"' in page
    assert "javascript:" not in page
